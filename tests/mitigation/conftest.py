"""Fixtures of the mitigation tests (the Adult subsample and its scores: tests/conftest.py)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from fairdash.data import ColumnRoles, build_dataset, load_sample, sample_roles


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """One BLAS/OpenMP thread: the 2-core machine is shared and small fits gain nothing."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def adult_two_attributes():
    """15,000 Adult rows grouped by sex and a two-level race (White / other): four
    intersections, the smallest with ~100 test rows."""
    frame = load_sample("adult").sample(15000, random_state=1)
    frame["race2"] = (frame["race"] == "White").map({True: "White", False: "Other"})
    roles = sample_roles("adult")
    return build_dataset(frame, ColumnRoles(roles.target, roles.positive_label,
                                            ("sex", "race2"), roles.features))


@pytest.fixture(scope="session")
def adult_matrix(adult_small):
    """The logreg encoding of the Adult rows (fitted on train): train and test parts."""
    from fairdash.models import make_model

    prep = make_model("logreg", adult_small.X).named_steps["prep"]
    train, test = adult_small.rows("train"), adult_small.rows("test")
    prep.fit(adult_small.X[train])
    M = prep.transform(adult_small.X)
    M = M.toarray() if hasattr(M, "toarray") else np.asarray(M, dtype=float)
    s = np.asarray(adult_small.group_labels[adult_small.group_codes])
    y = adult_small.y
    return M[train], y[train], s[train], M[test], y[test], s[test]
