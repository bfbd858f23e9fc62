"""build_dataset: every bad role choice is one clear error naming the culprit (docs/architecture.md), and
a valid table builds."""

import re

import numpy as np
import pytest
from dataset_tables import ROLES, roles, table

from fairdash.data import (MAX_GROUPS, SPLIT_NAMES, ColumnRoles, build_dataset, group_overview,
                           sample_roles)
from fairdash.exceptions import DataError, FairDashError, RoleError, UnsupportedTaskError


def test_valid_table_builds():
    df = table()
    ds = build_dataset(df, ROLES)
    np.testing.assert_array_equal(ds.y, df["label"].to_numpy())
    assert list(ds.group_labels) == ["female", "male"]
    assert ds.warnings == ()
    assert ds.scores is None and not ds.scores_are_decisions
    assert list(ds.X.columns) == ["x", "z"]
    assert set(ds.split) == set(SPLIT_NAMES)


# --- target -----------------------------------------------------------------------------------


def test_target_with_one_class():
    df = table().assign(label=1)
    with pytest.raises(RoleError, match=r"'label' has only one value \('1'\)"):
        build_dataset(df, ROLES)


def test_target_with_many_classes_names_the_count():
    df = table().assign(label=np.arange(120) % 5)
    with pytest.raises(RoleError, match=r"'label' has 5 classes"):
        build_dataset(df, ROLES)


def test_string_target_with_many_classes():
    df = table().assign(label=np.array(["low", "mid", "high"])[np.arange(120) % 3])
    with pytest.raises(RoleError, match=r"'label' has 3 classes \(high, low, mid"):
        build_dataset(df, roles(positive_label="high"))


def test_missing_values_in_target():
    df = table()
    df["label"] = df["label"].astype(float)
    df.loc[[3, 50, 77], "label"] = np.nan
    with pytest.raises(RoleError, match=r"'label' has 3 missing values"):
        build_dataset(df, ROLES)


def test_positive_label_not_present():
    with pytest.raises(RoleError, match=r"Positive label 'yes' does not occur in target 'label'"):
        build_dataset(table(), roles(positive_label="yes"))


def test_string_target_with_chosen_positive_label():
    df = table().assign(label=np.where(table()["label"] == 1, "approved", "declined"))
    ds = build_dataset(df, roles(positive_label="declined"))
    np.testing.assert_array_equal(ds.y, (df["label"] == "declined").astype(int))


# --- column choices ---------------------------------------------------------------------------


@pytest.mark.parametrize("changes, culprit", [
    ({"target": "outcome"}, "outcome"),
    ({"sensitive": ("gender",)}, "gender"),
    ({"features": ("x", "income")}, "income"),
    ({"score_column": "prob"}, "prob"),
])
def test_column_that_does_not_exist(changes, culprit):
    with pytest.raises(RoleError, match=rf"Column '{culprit}' is not in the table"):
        build_dataset(table(), roles(**changes))


@pytest.mark.parametrize("changes", [{"features": ("x", "label")},
                                     {"sensitive": ("sex", "label")}])
def test_target_cannot_also_be_a_feature_or_sensitive(changes):
    with pytest.raises(RoleError, match=r"target 'label' cannot also be"):
        build_dataset(table(), roles(**changes))


def test_no_sensitive_column():
    with pytest.raises(RoleError, match="at least one sensitive column"):
        build_dataset(table(), roles(sensitive=()))


def test_no_features_and_no_score_column():
    with pytest.raises(RoleError, match="feature columns.*or a score column"):
        build_dataset(table(), roles(features=()))


def test_score_column_alone_is_enough():
    ds = build_dataset(table(), roles(features=(), score_column="score"))
    np.testing.assert_allclose(ds.scores, table()["score"])


def test_missing_values_in_sensitive_column():
    df = table()
    df.loc[[4, 9], "sex"] = None
    with pytest.raises(RoleError, match=r"Sensitive column 'sex' has 2 missing values"):
        build_dataset(df, ROLES)


def test_missing_values_in_second_sensitive_column_are_named():
    df = table()
    df.loc[[1, 2, 3, 4], "race"] = None
    with pytest.raises(RoleError, match=r"'race' has 4 missing values"):
        build_dataset(df, roles(sensitive=("sex", "race")))


def test_too_many_groups_suggests_binning(adult):
    assert adult["age"].nunique() > MAX_GROUPS
    spec = sample_roles("adult")
    bad = ColumnRoles(spec.target, spec.positive_label, ("age",),
                      tuple(c for c in spec.features if c != "age"))
    with pytest.raises(RoleError, match=r"age make \d+ groups") as info:
        build_dataset(adult, bad)
    assert re.search(r"[Bb]in", str(info.value))
    assert f"at most {MAX_GROUPS}" in str(info.value)


# --- score column -----------------------------------------------------------------------------


def test_non_numeric_score_column():
    df = table().assign(score=np.where(table()["label"] == 1, "high", "low"))
    with pytest.raises(RoleError, match=r"Score column 'score' must be numeric.*'(high|low)'"):
        build_dataset(df, roles(score_column="score"))


def test_score_column_with_missing_values():
    df = table()
    df.loc[[0, 7], "score"] = np.nan
    with pytest.raises(RoleError, match=r"Score column 'score' has 2 missing values"):
        build_dataset(df, roles(score_column="score"))


def test_scores_outside_unit_interval_are_refused_with_the_range():
    df = table().assign(score=np.arange(120) % 10 + 1)
    with pytest.raises(RoleError, match=r"'score' runs from 1 to 10, outside \[0, 1\]"):
        build_dataset(df, roles(score_column="score"))


def test_scores_outside_unit_interval_are_rescaled_on_request():
    df = table().assign(score=np.arange(120) % 10 + 1)
    ds = build_dataset(df, roles(score_column="score"), rescale_scores=True)
    assert ds.scores.min() == 0.0 and ds.scores.max() == 1.0
    np.testing.assert_allclose(ds.scores, (df["score"] - 1) / 9)
    assert not ds.scores_are_decisions


def test_negative_scores_are_refused():
    df = table().assign(score=np.linspace(-0.5, 0.5, 120))
    with pytest.raises(RoleError, match=r"runs from -0.5 to 0.5"):
        build_dataset(df, roles(score_column="score"))


def test_zero_one_scores_are_decisions():
    df = table().assign(score=np.arange(120) % 3 == 0).astype({"score": int})
    ds = build_dataset(df, roles(score_column="score"))
    assert ds.scores_are_decisions
    np.testing.assert_array_equal(ds.scores, df["score"].to_numpy(dtype=float))


def test_boolean_scores_are_decisions():
    df = table().assign(score=np.arange(120) % 3 == 0)
    ds = build_dataset(df, roles(score_column="score"))
    assert ds.scores_are_decisions
    assert ds.scores.sum() == 40


def test_probabilities_are_not_decisions():
    ds = build_dataset(table(), roles(score_column="score"))
    assert not ds.scores_are_decisions


# --- small data -------------------------------------------------------------------------------


def test_group_with_one_row_warns_but_builds():
    df = table()
    df.loc[17, "sex"] = "nonbinary"
    ds = build_dataset(df, ROLES)
    assert len(ds.warnings) == 1
    assert "'nonbinary'" in ds.warnings[0] and "single row" in ds.warnings[0]
    assert ds.warnings[0].endswith(".")
    overview = group_overview(ds)
    assert overview.loc["nonbinary", "n"] == 1
    assert overview.loc["nonbinary", "train"] == 1


@pytest.mark.parametrize("n", [0, 1, 19])
def test_fewer_than_20_rows(n):
    with pytest.raises(DataError, match=rf"has {n} rows; an audit needs at least 20"):
        build_dataset(table()[:n], ROLES)


def test_20_rows_are_enough():
    assert len(build_dataset(table()[:20], ROLES).y) == 20


def test_errors_are_value_errors_and_fairdash_errors():
    for exc in (DataError, RoleError, UnsupportedTaskError):
        assert issubclass(exc, ValueError) and issubclass(exc, FairDashError)


