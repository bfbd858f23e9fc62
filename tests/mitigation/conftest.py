"""Fixtures of the mitigation tests (the Adult subsample and its scores: tests/conftest.py)."""

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
