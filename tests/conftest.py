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
