"""Synthetic tables for the subgroup tests: a planted slice with known extra error, null data,
and a population whose outcome flips inside one group (tests only)."""

import numpy as np
import pandas as pd

REGIONS = ["north", "south", "east", "west", "centre"]
JOBS = ["clerk", "driver", "nurse", "teacher"]
#: The planted slice: region == "north" and job == "clerk" (about 5 % of the rows).
PLANTED_RULE = 'region == "north" and job == "clerk"'


def features(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Two categorical columns, one numeric column and one yes/no column, independent."""
    return pd.DataFrame({
        "region": rng.choice(REGIONS, n),
        "job": rng.choice(JOBS, n),
        "age": rng.integers(18, 80, n),
        "member": rng.random(n) < 0.5,
    })


def planted_errors(n: int = 20_000, extra: float = 0.3, base: float = 0.1, seed: int = 0):
    """Features, labels and decisions whose error rate is ``base`` everywhere except the
    planted slice, where it is ``base + extra``. Returns (frame, y_true, y_pred, in_slice)."""
    rng = np.random.default_rng(seed)
    frame = features(n, rng)
    inside = ((frame["region"] == "north") & (frame["job"] == "clerk")).to_numpy()
    y = (rng.random(n) < 0.4).astype(int)
    wrong = rng.random(n) < np.where(inside, base + extra, base)
    return frame, y, np.where(wrong, 1 - y, y), inside


def null_errors(n: int, seed: int):
    """Features, labels and decisions whose errors do not depend on any column."""
    rng = np.random.default_rng(seed)
    frame = features(n, rng)
    y = (rng.random(n) < 0.4).astype(int)
    wrong = rng.random(n) < 0.15
    return frame, y, np.where(wrong, 1 - y, y)


def flipped_population(n: int = 8_000, seed: int = 0) -> pd.DataFrame:
    """``label`` follows ``x > 0`` except in the planted slice, where it follows ``x < 0``:
    one linear model cannot serve both, a model trained on the slice can."""
    rng = np.random.default_rng(seed)
    frame = features(n, rng)
    inside = ((frame["region"] == "north") & (frame["job"] == "clerk")).to_numpy()
    x = rng.normal(size=n)
    signal = np.where(inside, -x, x)
    frame["x"] = x
    frame["sex"] = rng.choice(["F", "M"], n)
    frame["label"] = (signal + 0.3 * rng.normal(size=n) > 0).astype(int)
    return frame
