"""Fixtures of the data tests."""

import pandas as pd
import pytest

from fairdash.data import load_sample


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_sample("adult")
