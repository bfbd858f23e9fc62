"""Fixtures shared by the model tests."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="session", autouse=True)
def one_openmp_thread():
    """Run HistGradientBoosting single-threaded in these tests.

    On a shared, busy CPU its OpenMP threads spin-wait for each other and a small fit takes
    ten times longer; one thread learns the same model, so nothing tested changes.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        yield
