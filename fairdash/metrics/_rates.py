"""Rates derived from confusion counts; every function works on any leading batch shape."""

from __future__ import annotations

import numpy as np

#: Per-group rates: name -> (numerator cells, denominator cells), cells index ``tn, fp, fn, tp``.
RATE_DEFINITIONS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "base_rate": ((2, 3), (0, 1, 2, 3)),
    "selection_rate": ((1, 3), (0, 1, 2, 3)),
    "tpr": ((3,), (2, 3)),
    "fpr": ((1,), (0, 1)),
    "fnr": ((2,), (2, 3)),
    "tnr": ((0,), (0, 1)),
    "ppv": ((3,), (1, 3)),
    "npv": ((0,), (0, 2)),
    "accuracy": ((0, 3), (0, 1, 2, 3)),
}

#: Plain names of the rates, for tables, axes and sentences.
RATE_LABELS: dict[str, str] = {
    "base_rate": "Base rate (share truly positive)",
    "selection_rate": "Selection rate (share predicted positive)",
    "tpr": "True positive rate (recall)",
    "fpr": "False positive rate",
    "fnr": "False negative rate",
    "tnr": "True negative rate",
    "ppv": "Precision (PPV)",
    "npv": "Negative predictive value",
    "accuracy": "Accuracy",
}


#: Short names for axes and compact inputs.
RATE_SHORT: dict[str, str] = {name: label.split(" (")[0] for name, label in RATE_LABELS.items()}


def rate_parts(counts: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of rate ``name`` from counts of shape ``(..., 4)``."""
    num_cells, den_cells = RATE_DEFINITIONS[name]
    return counts[..., list(num_cells)].sum(-1), counts[..., list(den_cells)].sum(-1)


def rate(counts: np.ndarray, name: str) -> np.ndarray:
    """Rate ``name`` from counts of shape ``(..., 4)``; NaN where the denominator is 0.

    Notes
    -----
    A zero denominator (for example TPR in a group without positives) gives NaN, not 0 as
    scikit-learn and fairlearn return: a 0 there would invent a gap.
    """
    num, den = rate_parts(counts, name)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def all_rates(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Every rate of :data:`RATE_DEFINITIONS` from counts of shape ``(..., 4)``."""
    return {name: rate(counts, name) for name in RATE_DEFINITIONS}
