"""Sweep mitigation methods over strengths and measure each on the held-out test rows."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pandas as pd

from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE
from fairdash.mitigation import get_method
from fairdash.tradeoff._background import SweepJob
from fairdash.tradeoff._fast import fast_points, fronts
from fairdash.tradeoff._measure import check_metrics, measure
from fairdash.tradeoff._plan import (
    DEFAULT_POINTS,
    default_strengths,
    resolve_methods,
    strengths_for,
)
from fairdash.tradeoff._points import EvalRows, SweepPoint, baseline_point, fit_point

__all__ = ["DEFAULT_POINTS", "baseline_point", "default_strengths", "fit_point",
           "resolve_methods", "sweep", "sweep_points"]


def sweep_points(dataset, method, strengths, *, base_scores, threshold: float = 0.5,
                 base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
                 rows: EvalRows | None = None) -> list[SweepPoint]:
    """Points of one method at each strength (one fit for the single-fit fronts).

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str or Method
    strengths : sequence of float in [0, 1]
    base_scores : ndarray, shape (n,)
    threshold : float, default 0.5
        The audit threshold (see :func:`fit_point`).
    base_key : str, optional
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain.
    random_state : int, default 0
    rows : EvalRows, optional

    Returns
    -------
    list of SweepPoint
        Methods with ``single_fit_front`` come from :func:`fast_points`; every other method
        is fitted at each strength with :func:`fairdash.mitigation.mitigate` (strength 0
        without a fit: the base model).
    """
    m = get_method(method) if isinstance(method, str) else method
    rows = rows or EvalRows.of(dataset)
    if m.single_fit_front:
        return fast_points(dataset, m.name, strengths, base_scores, threshold=threshold,
                           random_state=random_state, rows=rows)
    return [fit_point(dataset, m.name, s, base_scores, threshold=threshold, base_key=base_key,
                      base_name=base_name, random_state=random_state, rows=rows)
            for s in strengths]


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
        :func:`default_strengths`: strength 0 and evenly spaced strengths up to 1); or None
        for each method's defaults. A method's strength 0 is the base model itself, so by
        default every method's line starts at the baseline row.
    base_scores : ndarray, shape (n,)
        The base model's scores on every row: the baseline row, and the input of the
        post-processing methods.
    performance : {"accuracy", "balanced_accuracy"} or {"rmse", "mae"}, default "accuracy"
        For a regression dataset the default becomes ``"rmse"`` (lower is better).
    gap : str, default "demographic_parity_difference"
        Any name in :data:`fairdash.metrics.GAPS`; for regression any name in
        :data:`fairdash.metrics.REGRESSION_GAPS` (default there ``"mean_prediction_gap"``).
    threshold : float, default 0.5
        The audit threshold: the base model's decisions ``score >= threshold`` (the baseline
        row, and the rule the group thresholds start from at strength 0) and the cut applied
        to scores (not to the decision probabilities of randomised methods).
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
        Called as ``progress(done, total, label)`` after the baseline and after each method
        (the single-fit fronts first), ``done`` rows of ``total`` = 1 + methods x strengths
        measured so far.

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
    (:func:`fronts`, whose warnings are raised again here as UserWarning); other methods are
    refitted at each strength, except at strength 0 (the base model, no fit).

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
    plan = {m.name: strengths_for(m, strengths) for m in chosen}
    rows = EvalRows.of(dataset)
    total = 1 + sum(len(v) for v in plan.values())
    front_names = [m.name for m in chosen if m.single_fit_front]

    def told(done, label):
        if progress is not None:
            progress(done, total, label)

    front, said = fronts(dataset, base_scores, threshold=threshold,
                         points=strengths, methods=front_names, random_state=random_state,
                         rows=rows, progress=told)
    for text in said:
        warnings.warn(text, UserWarning, stacklevel=2)
    done = {}
    for p in front[1:]:
        done.setdefault(p.method, []).append(p)
    fit_kw = {"base_scores": base_scores, "threshold": threshold, "base_key": base_key,
              "base_name": base_name, "random_state": random_state}
    slow = {m: s for m, s in plan.items() if m not in front_names}
    if n_jobs > 1 and slow:
        job = SweepJob(dataset, slow, base_scores, threshold=threshold, base_key=base_key,
                       base_name=base_name, random_state=random_state, n_jobs=n_jobs).start()
        job.wait()
        for p in job.points():
            done.setdefault(p.method, []).append(p)
        failed = [f"{p.label}: {p.error}" for p in job.progress() if p.error]
        if failed:
            raise ValueError("Some methods failed: " + "; ".join(failed))
    points, count = front[:1], len(front)
    for m in chosen:
        if m.name in slow:
            if m.name not in done:
                done[m.name] = sweep_points(dataset, m, plan[m.name], rows=rows, **fit_kw)
            count += len(done[m.name])
            told(count, m.label)
        points += done.get(m.name, [])
    return measure(points, rows, performance=performance, gap_name=gap,
                   method=gap_method, reference=reference, min_group_size=min_group_size,
                   n_resamples=n_resamples, random_state=random_state)

