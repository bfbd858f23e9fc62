"""Stratified train / calibration / test split by group x label."""

from __future__ import annotations

import numpy as np

SPLIT_NAMES = ("train", "calibration", "test")


def stratified_split(strata, fractions=(0.6, 0.2, 0.2), random_state: int = 0) -> np.ndarray:
    """Assign each row to train, calibration or test, keeping every stratum's proportions.

    Parameters
    ----------
    strata : array-like of int, shape (n,)
        Stratum per row (for example ``group_code * 2 + label``).
    fractions : tuple of three floats summing to 1, default (0.6, 0.2, 0.2)
    random_state : int, default 0

    Returns
    -------
    ndarray of str, shape (n,)
        ``"train"``, ``"calibration"`` or ``"test"`` per row.

    Notes
    -----
    Each stratum is shuffled and cut by largest remainders, so tiny strata never make the
    split fail (as ``train_test_split(stratify=...)`` does with a one-row class); a one-row
    stratum goes to train.
    """
    frac = np.asarray(fractions, dtype=float)
    if frac.shape != (3,) or np.any(frac < 0) or not np.isclose(frac.sum(), 1):
        raise ValueError("fractions must be three non-negative numbers summing to 1.")
    strata = np.asarray(strata)
    rng = np.random.default_rng(random_state)
    out = np.empty(len(strata), dtype=object)
    for value in np.unique(strata):
        rows = np.flatnonzero(strata == value)
        rng.shuffle(rows)
        sizes = _largest_remainder(len(rows), frac)
        for name, chunk in zip(SPLIT_NAMES, np.split(rows, np.cumsum(sizes)[:-1])):
            out[chunk] = name
    return out


def _largest_remainder(n: int, frac: np.ndarray) -> np.ndarray:
    raw = n * frac
    sizes = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - sizes), kind="stable")[: n - sizes.sum()]:
        sizes[i] += 1
    return sizes
