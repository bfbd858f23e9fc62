"""Shared fixtures: paths and small real tables."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root."""
    return ROOT
