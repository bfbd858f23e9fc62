"""Tradeoff explorer foundations: sweep mitigation strengths, measure, find the Pareto front.

Plain functions returning tidy DataFrames; nothing here imports Streamlit or plotting code,
so the app, the CLI and notebooks can share them.

Public names
------------
sweep
    Apply mitigation methods at several strengths to a Dataset and measure a performance and
    a fairness gap (with intervals) on the held-out test rows: one row per (method, strength)
    plus a ``baseline`` row, with a ``pareto`` column.
pareto_front
    Boolean mask of the points no other point beats on both the gap (lower is better) and
    the performance (higher is better).
PERFORMANCE_METRICS
    Performance names :func:`sweep` accepts.
SWEEP_COLUMNS
    Columns of the frame :func:`sweep` returns, in order.
"""

from fairdash.tradeoff._pareto import pareto_front
from fairdash.tradeoff._sweep import PERFORMANCE_METRICS, SWEEP_COLUMNS, sweep

__all__ = ["PERFORMANCE_METRICS", "SWEEP_COLUMNS", "pareto_front", "sweep"]
