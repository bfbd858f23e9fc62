"""Shared fixtures: paths and small real tables."""

from pathlib import Path

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root."""
    return ROOT


@pytest.fixture(scope="session")
def adult_small():
    """6,000 real Adult rows grouped by sex (train 60 %, calibration 20 %, test 20 %)."""
    from fairdash.data import build_dataset, load_sample, sample_roles

    frame = load_sample("adult").sample(6000, random_state=0)
    return build_dataset(frame, sample_roles("adult"))


@pytest.fixture(scope="session")
def adult_base_scores(adult_small):
    """Built-in logistic regression scores for every row of ``adult_small``."""
    from fairdash.models import fit_builtin, score_dataset

    return score_dataset(fit_builtin(adult_small, "logreg"), adult_small)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments plus Debian's Chromium and the offline flags (for
    every test that uses its ``browser`` or ``page`` fixtures)."""
    require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def adult_full():
    """The whole Adult sample grouped by sex, and built-in logistic regression scores."""
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset

    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    return ds, score_dataset(fit_builtin(ds, "logreg"), ds)


@pytest.fixture(scope="session")
def compas_deployed():
    """COMPAS's deployed decile_score (rescaled to [0, 1]) grouped by race_binary, as the
    Mitigate page's demo builds it."""
    import numpy as np

    from fairdash.data import ColumnRoles, build_dataset, load_sample, sample_roles

    roles = sample_roles("compas")
    roles = ColumnRoles(roles.target, roles.positive_label, ("race_binary",), roles.features,
                        "decile_score")
    ds = build_dataset(load_sample("compas"), roles, rescale_scores=True)
    return ds, np.asarray(ds.scores, dtype=np.float64)
