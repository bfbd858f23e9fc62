"""Datasets shared by the mitigation tests: a real Adult subsample, small enough to be quick."""

import pytest
from threadpoolctl import threadpool_limits

from fairdash.data import build_dataset, load_sample, sample_roles


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """One BLAS/OpenMP thread: the 2-core machine is shared and small fits gain nothing."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def adult_small():
    """6,000 Adult rows grouped by sex (train 60 %, calibration 20 %, test 20 %)."""
    frame = load_sample("adult").sample(6000, random_state=0)
    return build_dataset(frame, sample_roles("adult"))


@pytest.fixture(scope="session")
def adult_two_attributes():
    """15,000 Adult rows grouped by sex and a two-level race (White / other): four
    intersections, the smallest with ~100 test rows."""
    frame = load_sample("adult").sample(15000, random_state=1)
    frame["race2"] = (frame["race"] == "White").map({True: "White", False: "Other"})
    roles = sample_roles("adult")
    from fairdash.data import ColumnRoles

    return build_dataset(frame, ColumnRoles(roles.target, roles.positive_label,
                                            ("sex", "race2"), roles.features))


@pytest.fixture(scope="session")
def adult_base_scores(adult_small):
    """Built-in logistic regression scores for every row of ``adult_small``."""
    from fairdash.models import fit_builtin, score_dataset

    return score_dataset(fit_builtin(adult_small, "logreg"), adult_small)
