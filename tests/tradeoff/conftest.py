"""Datasets for the tradeoff tests (Adult subsample and scores come from tests/conftest.py)."""

import pytest
from threadpoolctl import threadpool_limits

from fairdash.data import ColumnRoles, build_dataset, load_sample


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """One BLAS/OpenMP thread: the 2-core machine is shared and small fits gain nothing."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def adult_regression():
    """2,000 Adult rows with the continuous target hours_per_week, grouped by sex."""
    frame = load_sample("adult").sample(2000, random_state=0)
    return build_dataset(frame, ColumnRoles("hours_per_week", None, ("sex",),
                                            ("age", "education_num")))
