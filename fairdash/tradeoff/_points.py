"""One measured point of a sweep: expected confusion counts per group on the test rows.

A point keeps counts, not scores: every gap, every performance metric and every per-group
rate of the explorer derives from them, so changing the metric on the page never refits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fairdash.metrics import confusion_counts
from fairdash.mitigation import EVALUATION_SPLIT

__all__ = ["BASELINE", "EvalRows", "SweepPoint", "point_from_decisions"]

#: method name of the base model's point
BASELINE = "baseline"


@dataclass(frozen=True, eq=False)
class SweepPoint:
    """A method at one strength, measured on the held-out test rows.

    Attributes
    ----------
    method : str
        Registry name, or ``"baseline"`` for the base model.
    strength : float
    counts : ndarray of float, shape (K, 4)
        Expected confusion counts ``tn, fp, fn, tp`` per group (whole numbers for
        deterministic decisions).
    changed : ndarray of float, shape (K,)
        Expected number of test decisions per group that differ from the base model's.
    seconds : float
        Time to fit and measure the point (NaN when it came from a shared front).
    """

    method: str
    strength: float
    counts: np.ndarray
    changed: np.ndarray
    seconds: float = math.nan


@dataclass(frozen=True, eq=False)
class EvalRows:
    """The held-out test rows every point is measured on.

    Attributes
    ----------
    mask : ndarray of bool, shape (n,)
    y : ndarray of int, shape (m,)
    codes : ndarray of int, shape (m,)
        Group code of each test row (index into ``labels``).
    labels : list of str
        Group labels of the dataset.
    """

    mask: np.ndarray
    y: np.ndarray
    codes: np.ndarray
    labels: list

    @classmethod
    def of(cls, dataset) -> EvalRows:
        """The test rows of a :class:`fairdash.data.Dataset`."""
        mask = dataset.rows(EVALUATION_SPLIT)
        return cls(mask, np.asarray(dataset.y)[mask].astype(np.int64),
                   np.asarray(dataset.group_codes)[mask].astype(np.int64),
                   [str(g) for g in dataset.group_labels])

    @property
    def k(self) -> int:
        """Number of groups."""
        return len(self.labels)


def point_from_decisions(rows: EvalRows, method: str, strength: float, decisions,
                         base_decisions, seconds: float = math.nan) -> SweepPoint:
    """A point from decisions (0/1, or probabilities of a randomised method) on the test rows.

    Parameters
    ----------
    rows : EvalRows
    method : str
    strength : float
    decisions : ndarray, shape (m,)
        Decision (or decision probability) of each test row.
    base_decisions : ndarray, shape (m,)
        The base model's 0/1 decisions on the same rows.
    seconds : float, optional

    Returns
    -------
    SweepPoint

    Notes
    -----
    The expected number of changed decisions is ``sum |p - b|``: with a 0/1 base decision
    ``b`` and a decision drawn with probability ``p``, the row changes with probability
    ``1 - p`` when ``b = 1`` and ``p`` when ``b = 0``.
    """
    p = np.asarray(decisions, dtype=np.float64)
    counts = confusion_counts(rows.y, p, rows.codes, rows.k)
    changed = np.bincount(rows.codes, weights=np.abs(p - base_decisions), minlength=rows.k)
    return SweepPoint(method, float(strength), counts, changed, float(seconds))
