"""Datasets for the tradeoff tests (Adult subsample and scores come from tests/conftest.py)."""

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
def adult_regression():
    """2,000 Adult rows with the continuous target hours_per_week, grouped by sex."""
    frame = load_sample("adult").sample(2000, random_state=0)
    return build_dataset(frame, ColumnRoles("hours_per_week", None, ("sex",),
                                            ("age", "education_num")))


@pytest.fixture(scope="session")
def adult_full():
    """The whole Adult sample grouped by sex, and built-in logistic regression scores."""
    from fairdash.models import fit_builtin, score_dataset

    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    return ds, score_dataset(fit_builtin(ds, "logreg"), ds)


@pytest.fixture(scope="session")
def compas_deployed():
    """COMPAS's deployed decile_score (rescaled to [0, 1]) grouped by race_binary, as the
    Mitigate page's demo builds it."""
    roles = sample_roles("compas")
    roles = ColumnRoles(roles.target, roles.positive_label, ("race_binary",), roles.features,
                        "decile_score")
    ds = build_dataset(load_sample("compas"), roles, rescale_scores=True)
    return ds, np.asarray(ds.scores, dtype=np.float64)
