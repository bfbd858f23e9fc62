"""One measured point of a sweep: expected confusion counts per group on the test rows.

A classification point keeps counts, not scores: every gap, every performance metric and every
per-group rate of the explorer derives from them, so changing the metric on the page never
refits. A regression point keeps its test predictions (errors and distribution gaps need them).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from fairdash.metrics import confusion_counts
from fairdash.mitigation import EVALUATION_SPLIT, mitigate

__all__ = ["BASELINE", "EvalRows", "SweepPoint", "baseline_point", "fit_point",
           "point_from_decisions", "point_from_predictions"]

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
    counts : ndarray of float, shape (K, 4), or None
        Expected confusion counts ``tn, fp, fn, tp`` per group (whole numbers for
        deterministic decisions); None for a regression point.
    changed : ndarray of float, shape (K,)
        Expected number of test decisions per group that differ from the base model's (for
        regression: test rows whose prediction changed).
    seconds : float
        Time to fit and measure the point (NaN when it came from a shared front).
    predictions : ndarray of float, shape (m,), optional
        A regression point's predictions on the test rows.
    negative : ndarray of float, shape (K,), optional
        Expected negative flips per group: test rows the base model decided right and this
        point decides wrong (classification only; docs/methods.md §7.1).
    """

    method: str
    strength: float
    counts: np.ndarray | None
    changed: np.ndarray
    seconds: float = math.nan
    predictions: np.ndarray | None = None
    negative: np.ndarray | None = None


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
    task: str = "classification"

    @classmethod
    def of(cls, dataset) -> EvalRows:
        """The test rows of a :class:`fairdash.data.Dataset` (``y`` is float for regression)."""
        mask = dataset.rows(EVALUATION_SPLIT)
        task = getattr(dataset, "task", "classification")
        y = np.asarray(dataset.y)[mask]
        return cls(mask, y.astype(np.float64 if task == "regression" else np.int64),
                   np.asarray(dataset.group_codes)[mask].astype(np.int64),
                   [str(g) for g in dataset.group_labels], task)

    @property
    def k(self) -> int:
        """Number of groups."""
        return len(self.labels)


def point_from_decisions(rows: EvalRows, method: str, strength: float, decisions,
                         base_decisions, seconds: float = math.nan,
                         sample_weight=None) -> SweepPoint:
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
    sample_weight : ndarray, shape (m,), optional
        Rows each entry stands for (cells of counts from an engine); default 1 each.

    Returns
    -------
    SweepPoint

    Notes
    -----
    The expected number of changed decisions is ``sum |p - b|``: with a 0/1 base decision
    ``b`` and a decision drawn with probability ``p``, the row changes with probability
    ``1 - p`` when ``b = 1`` and ``p`` when ``b = 0``. A negative flip (base right, new
    wrong) has probability ``[b = y] (1 - P(new right))``.
    """
    p = np.asarray(decisions, dtype=np.float64)
    b = np.asarray(base_decisions, dtype=np.float64)
    w = 1.0 if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    counts = confusion_counts(rows.y, p, rows.codes, rows.k, sample_weight=sample_weight)
    changed = np.bincount(rows.codes, weights=np.abs(p - b) * w, minlength=rows.k)
    new_right = np.where(rows.y == 1, p, 1.0 - p)
    negative = np.bincount(rows.codes, weights=(b == rows.y) * (1.0 - new_right) * w,
                           minlength=rows.k)
    return SweepPoint(method, float(strength), counts, changed, float(seconds),
                      negative=negative)


def point_from_predictions(rows: EvalRows, method: str, strength: float, predictions,
                           base_predictions, seconds: float = math.nan) -> SweepPoint:
    """A regression point from predictions on the test rows.

    ``changed`` counts, per group, the test rows whose prediction differs from the base
    model's by more than 1e-9 (relative to the spread of the base predictions).
    """
    p = np.asarray(predictions, dtype=np.float64)
    base = np.asarray(base_predictions, dtype=np.float64)
    scale = max(float(np.ptp(base)) if len(base) else 0.0, 1.0)
    moved = (np.abs(p - base) > 1e-9 * scale).astype(np.float64)
    changed = np.bincount(rows.codes, weights=moved, minlength=rows.k)
    return SweepPoint(method, float(strength), None, changed, float(seconds), p)


def baseline_point(dataset, base_scores, *, threshold: float = 0.5,
                   rows: EvalRows | None = None) -> SweepPoint:
    """The base model's point: its decisions ``score >= threshold`` on the test rows.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    base_scores : ndarray, shape (n,)
        The base model's scores (or regression predictions) on every row.
    threshold : float, default 0.5
        The audit threshold.
    rows : EvalRows, optional
        The dataset's test rows, when already built.

    Returns
    -------
    SweepPoint
        Method ``"baseline"``, strength 0.
    """
    rows = rows or EvalRows.of(dataset)
    scores = np.asarray(base_scores, dtype=np.float64)[rows.mask]
    if rows.task == "regression":
        return point_from_predictions(rows, BASELINE, 0.0, scores, scores)
    base = (scores >= threshold).astype(float)
    return point_from_decisions(rows, BASELINE, 0.0, base, base)


def fit_point(dataset, method: str, strength: float, base_scores, *, threshold: float = 0.5,
              base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
              rows: EvalRows | None = None) -> SweepPoint:
    """Fit one method at one strength with :func:`fairdash.mitigation.mitigate` and measure it.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str
        A registry name.
    strength : float in [0, 1]
        At 0 the point is the base model's (no fit for methods that retrain).
    base_scores : ndarray, shape (n,)
    threshold : float, default 0.5
        The audit threshold: the base model's decisions, the method's base rule and the cut
        applied to its scores.
    base_key : str, optional
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain (as on the Mitigate page).
    random_state : int, default 0
    rows : EvalRows, optional

    Returns
    -------
    SweepPoint
    """
    rows = rows or EvalRows.of(dataset)
    start = time.perf_counter()
    result = mitigate(dataset, method, strength, base_scores=base_scores, base_key=base_key,
                      base_name=base_name, random_state=random_state, threshold=threshold)
    out = result.scores[rows.mask]
    base = np.asarray(base_scores, dtype=np.float64)[rows.mask]
    if rows.task == "regression":
        return point_from_predictions(rows, method, strength, out, base,
                                      time.perf_counter() - start)
    decisions = out if result.decisions_only else (out >= threshold).astype(np.float64)
    return point_from_decisions(rows, method, strength, decisions,
                                (base >= threshold).astype(float), time.perf_counter() - start)
