"""Tradeoff explorer: sweep mitigation strengths, measure, find the Pareto front.

Plain functions returning tidy DataFrames; nothing here imports Streamlit or plotting code,
so the app, the CLI and notebooks can share them.

Public names
------------
sweep
    Apply mitigation methods at several strengths to a Dataset and measure a performance and
    a fairness gap (with intervals) on the held-out test rows: one row per (method, strength)
    plus a ``baseline`` row, with a ``pareto`` column.
fronts
    The base model's point and every single-fit post-processing front at the audit
    threshold, with the methods' warnings as text: what the Tradeoffs page draws at once and
    what :func:`sweep` measures first. Every front starts at the base model's point.
sweep_points, fast_points, fit_point, baseline_point
    The measured points behind it (expected confusion counts per group), one method at a
    time; :func:`fast_points` builds a whole post-processing front from one fit.
measure, flag_pareto
    Points to the tidy table for any performance metric and gap, without refitting; the
    Pareto flags of tables measured apart and joined.
point_detail, regression_detail
    One point against the baseline: per-group rates (or mean predictions and errors) and
    their changes, levelling down or lifting.
SweepJob
    Background, cancellable, parallel sweep of the training methods.
pareto_front
    Boolean mask of the points no other point beats on both the gap (lower is better) and
    the performance (higher is better).
PERFORMANCE_METRICS, REGRESSION_PERFORMANCE, SWEEP_COLUMNS, default_strengths
    ``default_strengths`` starts every method at strength 0 (the base model).
FAST_METHODS
    Names of the methods with ``Method.single_fit_front`` (kept for older callers; read
    the registry field instead).
"""

from fairdash.tradeoff._background import PointStore, SweepJob
from fairdash.tradeoff._detail import point_detail, regression_detail
from fairdash.tradeoff._fast import FAST_METHODS, fast_points, fronts
from fairdash.tradeoff._measure import (
                                       BASELINE_LABEL,
                                       LOWER_IS_BETTER,
                                       PERFORMANCE_METRICS,
                                       REGRESSION_PERFORMANCE,
                                       SWEEP_COLUMNS,
                                       flag_pareto,
                                       measure,
)
from fairdash.tradeoff._pareto import pareto_front
from fairdash.tradeoff._plan import default_strengths, resolve_methods
from fairdash.tradeoff._points import BASELINE, EvalRows, SweepPoint, baseline_point, fit_point
from fairdash.tradeoff._sweep import sweep, sweep_points

__all__ = ["BASELINE", "BASELINE_LABEL", "FAST_METHODS", "LOWER_IS_BETTER", "PERFORMANCE_METRICS",
           "PointStore",
           "REGRESSION_PERFORMANCE", "SWEEP_COLUMNS",
           "EvalRows", "SweepJob", "SweepPoint", "baseline_point", "default_strengths",
           "fast_points", "fit_point", "flag_pareto", "fronts", "measure", "pareto_front",
           "point_detail", "regression_detail", "resolve_methods", "sweep", "sweep_points"]
