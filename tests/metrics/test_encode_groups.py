"""encode_groups on hand examples: one column, intersections, missing values (docs/methods.md §9.4)."""

import numpy as np
import pandas as pd
import pytest

from fairdash.exceptions import RoleError
from fairdash.metrics import audit, encode_groups


# ---------------------------------------------------------------------------------------------
# encode_groups
# ---------------------------------------------------------------------------------------------


def test_encode_one_column():
    codes, labels = encode_groups(["b", "a", "b", "c"])
    assert list(labels) == ["a", "b", "c"]
    assert labels.name == "group"
    np.testing.assert_array_equal(codes, [1, 0, 1, 2])
    assert codes.dtype == np.int64


def test_encode_series_and_numbers_as_strings():
    codes, labels = encode_groups(pd.Series([1, 0, 1], name="flag"))
    assert list(labels) == ["0", "1"]
    np.testing.assert_array_equal(codes, [1, 0, 1])


def test_encode_two_columns_intersectional():
    frame = pd.DataFrame({"sex": ["F", "M", "F", "M", "F"],
                          "race": ["x", "x", "y", "y", "x"]})
    codes, labels = encode_groups(frame)
    assert list(labels) == ["F & x", "F & y", "M & x", "M & y"]
    np.testing.assert_array_equal(codes, [0, 2, 1, 3, 0])


def test_encode_two_columns_only_present_cells():
    frame = pd.DataFrame({"sex": ["F", "M", "F", "M"], "race": ["x", "x", "x", "y"]})
    codes, labels = encode_groups(frame)
    assert list(labels) == ["F & x", "M & x", "M & y"]
    np.testing.assert_array_equal(codes, [0, 1, 0, 2])


def test_encode_list_of_columns_and_non_default_index():
    frame = pd.DataFrame({"a": ["p", "q", "p"], "b": [1, 1, 2]}, index=[10, 20, 30])
    codes, labels = encode_groups(frame)
    codes2, labels2 = encode_groups([frame["a"].to_numpy(), frame["b"].to_numpy()])
    assert list(labels) == list(labels2) == ["p & 1", "p & 2", "q & 1"]
    np.testing.assert_array_equal(codes, codes2)
    np.testing.assert_array_equal(codes, [0, 2, 1])


def test_intersectional_audit_labels():
    frame = pd.DataFrame({"sex": ["F", "M"] * 20, "age": ["old"] * 20 + ["young"] * 20})
    y = np.tile([0, 1], 20)
    result = audit(y, y, sensitive_features=frame, min_group_size=1, n_resamples=10)
    assert list(result.groups.index) == ["F & old", "F & young", "M & old", "M & young"]
    assert result.groups["n"].tolist() == [10, 10, 10, 10]


@pytest.mark.parametrize("missing", [None, np.nan])
def test_missing_sensitive_value_names_the_column(missing):
    frame = pd.DataFrame({"sex": ["F", "M", "F"], "race": ["x", missing, "y"]})
    with pytest.raises(RoleError, match="race"):
        encode_groups(frame)
    with pytest.raises(RoleError, match="sex"):
        encode_groups(pd.Series(["F", missing, "M"], name="sex"))
    with pytest.raises(RoleError, match="missing"):
        encode_groups(np.array(["F", missing, "M"], dtype=object))


def test_missing_sensitive_value_in_audit():
    with pytest.raises(RoleError, match="gender"):
        audit([0, 1, 1], [0, 1, 0], sensitive_features=pd.Series(["a", None, "b"], name="gender"))
