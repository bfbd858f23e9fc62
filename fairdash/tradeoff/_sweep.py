"""Sweep mitigation methods over strengths and measure each on the held-out test rows."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE
from fairdash.mitigation import get_method, methods_for, mitigate
from fairdash.tradeoff._background import SweepJob
from fairdash.tradeoff._fast import FAST_METHODS, fast_points
from fairdash.tradeoff._measure import BASELINE_LABEL, check_metrics, measure
from fairdash.tradeoff._points import (BASELINE, EvalRows, SweepPoint, point_from_decisions,
                                      point_from_predictions)

__all__ = ["DEFAULT_POINTS", "baseline_point", "default_strengths", "fit_point",
           "resolve_methods", "sweep", "sweep_points"]

#: default number of strengths: fronts fitted once, and methods refitted per strength
DEFAULT_POINTS = {"front": 51, "refit": 4}


def default_strengths(method, points: int | None = None) -> list[float]:
    """The strengths a sweep visits for ``method`` by default.

    Parameters
    ----------
    method : str or Method
    points : int, optional
        Number of strengths; default :data:`DEFAULT_POINTS` (51, a step of 0.02, for the single-fit fronts
        of :data:`FAST_METHODS`, 4 for methods refitted at each strength).

    Returns
    -------
    list of float
        Single-fit fronts: ``points`` evenly spaced strengths from 0 to 1. Refitted methods:
        ``points`` evenly spaced strengths in (0, 1], leaving out 0 (a training method at
        strength 0 is its own unconstrained model, and the base model is already on the
        chart).
    """
    name = method if isinstance(method, str) else method.name
    fast = name in FAST_METHODS
    n = int(points) if points is not None else DEFAULT_POINTS["front" if fast else "refit"]
    if n < 1 or (fast and n < 2):
        raise ValueError(f"A sweep needs at least {2 if fast else 1} strengths; got {n}.")
    grid = np.linspace(0.0, 1.0, n) if fast else np.linspace(0.0, 1.0, n + 1)[1:]
    return [round(float(v), 6) for v in grid]


def baseline_point(dataset, base_scores, *, threshold: float = 0.5,
                   rows: EvalRows | None = None) -> SweepPoint:
    """The base model's point: its decisions ``score >= threshold`` on the test rows."""
    rows = rows or EvalRows.of(dataset)
    scores = np.asarray(base_scores, dtype=np.float64)[rows.mask]
    if rows.task == "regression":
        return point_from_predictions(rows, BASELINE, 0.0, scores, scores)
    base = (scores >= threshold).astype(float)
    return point_from_decisions(rows, BASELINE, 0.0, base, base)


def sweep_points(dataset, method, strengths, *, base_scores, threshold: float = 0.5,
                 base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
                 rows: EvalRows | None = None) -> list[SweepPoint]:
    """Points of one method at each strength (one fit for the fast post-processing fronts).

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str or Method
    strengths : sequence of float in [0, 1]
    base_scores : ndarray, shape (n,)
    threshold : float, default 0.5
    base_key : str, optional
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain.
    random_state : int, default 0
    rows : EvalRows, optional

    Returns
    -------
    list of SweepPoint
        Methods in :data:`FAST_METHODS` come from :func:`fast_points`; every other method is
        fitted at each strength with :func:`fairdash.mitigation.mitigate`.
    """
    m = get_method(method) if isinstance(method, str) else method
    rows = rows or EvalRows.of(dataset)
    if m.name in FAST_METHODS:
        return fast_points(dataset, m.name, strengths, base_scores, threshold=threshold,
                           random_state=random_state, rows=rows)
    return [fit_point(dataset, m.name, s, base_scores, threshold=threshold, base_key=base_key,
                      base_name=base_name, random_state=random_state, rows=rows)
            for s in strengths]


def fit_point(dataset, method: str, strength: float, base_scores, *, threshold: float = 0.5,
              base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
              rows: EvalRows | None = None) -> SweepPoint:
    """Fit one method at one strength with :func:`fairdash.mitigation.mitigate` and measure it.

    ``base_name`` is the built-in learner pre-processing methods retrain (as on the Mitigate
    page); the other arguments are those of :func:`sweep_points`.
    """
    rows = rows or EvalRows.of(dataset)
    start = time.perf_counter()
    result = mitigate(dataset, method, strength, base_scores=base_scores, base_key=base_key,
                      base_name=base_name, random_state=random_state)
    out = result.scores[rows.mask]
    base = np.asarray(base_scores, dtype=np.float64)[rows.mask]
    if rows.task == "regression":
        return point_from_predictions(rows, method, strength, out, base,
                                      time.perf_counter() - start)
    decisions = out if result.decisions_only else (out >= threshold).astype(np.float64)
    return point_from_decisions(rows, method, strength, decisions,
                                (base >= threshold).astype(float), time.perf_counter() - start)


def sweep(dataset, methods, strengths=None, *, base_scores, performance: str = "accuracy",
          gap: str = "demographic_parity_difference", threshold: float = 0.5,
          base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
          n_resamples: int = 1000, gap_method: str = "between_groups", reference=None,
          min_group_size: int = DEFAULT_MIN_GROUP_SIZE, n_jobs: int = 1,
          progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """Apply each method at each strength and measure performance and a gap on the test rows.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
        A classification dataset.
    methods : list of str, or "all"
        Registry names. ``"all"`` means every classification method valid for the dataset:
        all of them when it has feature columns, only post-processing methods otherwise (and
        only those its number of sensitive columns allows).
    strengths : sequence of float in [0, 1], int, or None
        The same strengths for every method; a number of points per method (see
        :func:`default_strengths`); or None for each method's defaults.
    base_scores : ndarray, shape (n,)
        The base model's scores on every row: the baseline row, and the input of the
        post-processing methods.
    performance : {"accuracy", "balanced_accuracy"} or {"rmse", "mae"}, default "accuracy"
        For a regression dataset the default becomes ``"rmse"`` (lower is better).
    gap : str, default "demographic_parity_difference"
        Any name in :data:`fairdash.metrics.GAPS`; for regression any name in
        :data:`fairdash.metrics.REGRESSION_GAPS` (default there ``"mean_prediction_gap"``).
    threshold : float, default 0.5
        Applied to scores (not to the decision probabilities of randomised methods).
    base_key : str, optional
        Name of the base model, passed to :func:`fairdash.mitigation.mitigate`.
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain.
    random_state : int, default 0
        Seed of the methods and of the bootstrap.
    n_resamples : int, default 1000
        Bootstrap resamples of the gap interval.
    gap_method, reference, min_group_size
        How gaps aggregate over groups, as ``method``, ``reference`` and
        ``min_group_size`` of :func:`fairdash.metrics.audit`.
    n_jobs : int, default 1
        Worker processes for the methods refitted at each strength (a :class:`SweepJob`);
        1 fits them one after the other in this process.
    progress : callable, optional
        Called as ``progress(done, total, label)`` after the baseline and after each method,
        ``done`` rows of ``total`` = 1 + methods x strengths measured so far.

    Returns
    -------
    DataFrame
        One row per (method, strength), after a first ``baseline`` row (method
        ``"baseline"``, stage ``"none"``, strength 0), with the columns of
        :data:`SWEEP_COLUMNS`: ``method``, ``label``, ``stage``, ``strength``,
        ``performance`` with ``performance_low`` / ``performance_high`` (95 %), ``gap``
        with ``gap_low`` / ``gap_high``, ``changed``, ``randomised`` (expected metrics of random
        decisions) and ``pareto``.

    Raises
    ------
    ValueError
        For an unknown performance, gap or method, or a strength outside [0, 1].

    Notes
    -----
    Every row is measured on the held-out test split, from its expected confusion counts per
    group, with the same numbers :func:`fairdash.mitigation.evaluate` gives (the gap interval
    is the audit's bootstrap with the same seed), so rows are comparable with each other and
    with the Mitigate page. The group-threshold and barycenter fronts are fitted once
    (:func:`fast_points`); other methods are refitted at each strength.

    *Accuracy* interval: the Wilson interval of the pooled (expected, for randomised
    decisions) number of correct decisions over the test rows.

    *Balanced accuracy* ``(TPR + TNR) / 2``: its interval averages the Wilson bounds of TPR
    and TNR, ``((low_TPR + low_TNR) / 2, (high_TPR + high_TNR) / 2)``. Both bounds moving
    together at once is less likely than 95 %, so the interval is conservative (wider than a
    95 % interval would need to be).

    *Gap* interval: the audit's bootstrap interval. *Changed*: expected number of test
    decisions that differ from the base model's.

    *Pareto*: :func:`pareto_front` over all rows, baseline included, with higher performance
    better and a lower gap better. Ratio gaps (1 = parity) are better when higher, so the
    front is computed on ``1 - ratio``; the ``gap`` column keeps the ratio itself.
    """
    task = getattr(dataset, "task", "classification")
    if task == "regression" and performance == "accuracy":
        performance = "rmse"
    if task == "regression" and gap == "demographic_parity_difference":
        gap = "mean_prediction_gap"
    check_metrics(performance, gap, task)
    chosen = resolve_methods(dataset, methods)
    plan = {m.name: _strengths_for(m, strengths) for m in chosen}
    rows = EvalRows.of(dataset)
    points = [baseline_point(dataset, base_scores, threshold=threshold, rows=rows)]
    total = 1 + sum(len(v) for v in plan.values())
    if progress is not None:
        progress(1, total, BASELINE_LABEL)
    fit_kw = {"base_scores": base_scores, "threshold": threshold, "base_key": base_key,
              "base_name": base_name, "random_state": random_state}
    slow = {m: s for m, s in plan.items() if m not in FAST_METHODS}
    done = {}
    if n_jobs > 1 and slow:
        job = SweepJob(dataset, slow, base_scores, threshold=threshold, base_key=base_key,
                       base_name=base_name, random_state=random_state, n_jobs=n_jobs).start()
        job.wait()
        for p in job.points():
            done.setdefault(p.method, []).append(p)
        failed = [f"{p.label}: {p.error}" for p in job.progress() if p.error]
        if failed:
            raise ValueError("Some methods failed: " + "; ".join(failed))
    for m in chosen:
        points += done.get(m.name) or sweep_points(dataset, m, plan[m.name], rows=rows,
                                                   **fit_kw)
        if progress is not None:
            progress(len(points), total, m.label)
    return measure(points, rows, performance=performance, gap_name=gap,
                   method=gap_method, reference=reference, min_group_size=min_group_size,
                   n_resamples=n_resamples, random_state=random_state)


def _strengths_for(method, strengths) -> list[float]:
    """The strengths of one method: given list, number of points, or defaults."""
    if strengths is None or isinstance(strengths, (int, np.integer)):
        return default_strengths(method, strengths)
    levels = [float(s) for s in strengths]
    bad = [s for s in levels if not 0.0 <= s <= 1.0]
    if bad:
        raise ValueError(f"Strengths must lie in [0, 1]; got {bad}.")
    return levels


def resolve_methods(dataset, methods):
    """The Method objects a sweep runs, in registry order for ``"all"``."""
    if isinstance(methods, str):
        if methods != "all":
            raise ValueError(f"methods must be a list of method names or 'all'; got "
                             f"'{methods}'.")
        return methods_for(getattr(dataset, "task", "classification"),
                           has_features=bool(dataset.roles.features),
                           n_sensitive=len(dataset.roles.sensitive))
    return [get_method(name) if isinstance(name, str) else name for name in methods]
