"""Fixtures: the figure builders' inputs at 2, 10 (real Adult race x sex), 12 and 24 groups."""

import pytest
from viz_inputs import adult_race_sex as load_adult_race_sex
from viz_inputs import synthetic


@pytest.fixture(scope="session")
def adult_race_sex():
    """Real Adult test rows, logistic-regression scores, groups race x sex (10 groups)."""
    return load_adult_race_sex()


@pytest.fixture(scope="session")
def by_groups(adult_race_sex) -> dict:
    """Inputs keyed by number of groups: 2, 12 and 24 synthetic, 10 real (Adult)."""
    return {2: synthetic(2), 10: adult_race_sex, 12: synthetic(12), 24: synthetic(24)}
