"""From points (expected counts per group) to the tidy tradeoff table, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from statistics import NormalDist

from fairdash.metrics import (DEFAULT_MIN_GROUP_SIZE, GAPS, REGRESSION_GAPS, rate,
                              bootstrap_counts, gap, percentile_interval, regression_audit,
                              wilson_interval)
from fairdash.metrics._audit import reference_code
from fairdash.mitigation import get_method
from fairdash.tradeoff._pareto import pareto_front
from fairdash.tradeoff._points import BASELINE, EvalRows

__all__ = ["BASELINE_LABEL", "LOWER_IS_BETTER", "PERFORMANCE_METRICS", "SWEEP_COLUMNS",
           "flag_pareto", "measure"]

#: performance name -> label (classification; higher is better except the flip rate)
PERFORMANCE_METRICS = {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy",
                       "negative_flip_rate": "Negative flip rate against the base model"}

#: performance names where lower is better
LOWER_IS_BETTER = ("negative_flip_rate", "rmse", "mae")

#: performance name -> label for regression (errors: lower is better)
REGRESSION_PERFORMANCE = {"rmse": "Root mean squared error (RMSE)",
                          "mae": "Mean absolute error (MAE)"}

#: columns of the frame :func:`measure` returns, in order
SWEEP_COLUMNS = ("method", "label", "stage", "strength", "performance", "performance_low",
                 "performance_high", "gap", "gap_low", "gap_high", "changed", "randomised",
                 "pareto")

BASELINE_LABEL = "Base model (no mitigation)"


def check_metrics(performance: str, gap_name: str, task: str = "classification") -> None:
    """Raise a ValueError naming an unknown performance or gap for ``task``."""
    perf, gaps = (REGRESSION_PERFORMANCE, REGRESSION_GAPS) if task == "regression" else \
        (PERFORMANCE_METRICS, GAPS)
    if performance not in perf:
        raise ValueError(f"Unknown performance '{performance}' for a {task} target; choose one "
                         f"of {', '.join(perf)}.")
    if gap_name not in gaps:
        raise ValueError(f"Unknown gap '{gap_name}' for a {task} target; choose one of "
                         f"{', '.join(gaps)}.")


def measure(points, rows, *, performance: str = "accuracy",
            gap_name: str = "demographic_parity_difference", method: str = "between_groups",
            reference=None, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
            n_resamples: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """One row per point: performance and gap with 95 % intervals, and the Pareto flag.

    Parameters
    ----------
    points : sequence of SweepPoint
    rows : EvalRows, or sequence of str
        The test rows the points were measured on (needed for regression points), or just
        the group labels (the rows of each classification point's counts).
    performance : {"accuracy", "balanced_accuracy"} or {"rmse", "mae"}
        The last two for regression points (lower is better).
    gap_name : str
        Any name in :data:`fairdash.metrics.GAPS`, or in
        :data:`fairdash.metrics.REGRESSION_GAPS` for regression points.
    method, reference, min_group_size, n_resamples, random_state
        As in :func:`fairdash.metrics.audit`; the gap and its interval are exactly the
        audit's for the same decisions.

    Returns
    -------
    DataFrame
        Columns :data:`SWEEP_COLUMNS`.

    Notes
    -----
    *Accuracy* interval: Wilson interval of the pooled (expected) correct decisions.
    *Balanced accuracy* ``(TPR + TNR) / 2``: the mean of the Wilson bounds of TPR and TNR,
    which is conservative (both bounds at once are less likely than 95 %).
    *Gap* interval: the audit's multinomial bootstrap of the per-group counts.
    *Negative flip rate*: expected share of test rows the base model decided right and the
    point decides wrong (docs/methods.md §7.1), with a Wilson interval; lower is better.
    *Pareto*: :func:`pareto_front` with higher performance (lower flip rate or error) and
    lower gap better; ratio gaps (1 = parity) enter as ``1 - ratio``.

    *Regression*: the gap and its interval come from
    :func:`fairdash.metrics.regression_audit` of the test predictions (stratified bootstrap);
    MAE and RMSE have normal-approximation intervals, ``MAE +- z sd(|e|) / sqrt(m)`` and
    ``sqrt(MSE +- z sd(e^2) / sqrt(m))``. The front takes lower errors as better.
    """
    if isinstance(rows, EvalRows) and rows.task == "regression":
        check_metrics(performance, gap_name, "regression")
        return _measure_regression(points, rows, performance, gap_name, min_group_size,
                                   n_resamples, random_state)
    check_metrics(performance, gap_name)
    spec = GAPS[gap_name]
    labels = pd.Index([str(x) for x in (rows.labels if isinstance(rows, EvalRows) else rows)])
    ref = reference_code(labels, reference, method)
    records = []
    for p in points:
        counts = np.asarray(p.counts, dtype=np.float64)
        include = counts.sum(1) >= min_group_size
        kw = {"method": method, "reference": ref, "include": include}
        total = counts.sum(0)
        value = float(gap(spec, _rates(counts, spec), _rates(total, spec), **kw))
        boot = bootstrap_counts(counts, n_resamples, np.random.default_rng(random_state))
        low, high = percentile_interval(gap(spec, _rates(boot, spec), _rates(boot.sum(1), spec),
                                            **kw))
        perf, perf_low, perf_high = _performance(total, performance, p.negative)
        records.append(_record(p, perf, perf_low, perf_high, value, low, high))
    return flag_pareto(_frame(records), gap_name, performance)


def _rates(counts, spec) -> dict:
    """Only the rates a gap is built from (the audit computes all nine)."""
    return {r: rate(counts, r) for r in spec.rates}


def _record(p, perf, perf_low, perf_high, value, low, high) -> tuple:
    if p.method == BASELINE:
        label, stage, randomised = BASELINE_LABEL, "none", False
    else:
        m = get_method(p.method)
        label, stage, randomised = m.label, m.stage, m.randomised and m.stage != "pre"
    return (p.method, label, stage, float(p.strength), float(perf), float(perf_low),
            float(perf_high), float(value), float(low), float(high), float(np.sum(p.changed)),
            randomised)


def _frame(records) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=SWEEP_COLUMNS[:-1])
    frame["randomised"] = frame["randomised"].astype(bool)
    return frame


def flag_pareto(frame: pd.DataFrame, gap_name: str, performance: str) -> pd.DataFrame:
    """Set the ``pareto`` column of a measured table (for example after concatenating tables
    measured apart): lower gap better (``1 - ratio`` for ratio gaps), higher performance
    better except for :data:`LOWER_IS_BETTER`.

    Returns
    -------
    DataFrame
        ``frame`` itself, with ``pareto`` as its last column.
    """
    badness = frame["gap"].to_numpy(np.float64)
    if gap_name in GAPS and GAPS[gap_name].kind == "ratio":
        badness = 1.0 - badness
    sign = -1.0 if performance in LOWER_IS_BETTER else 1.0
    frame["pareto"] = pareto_front(badness, sign * frame["performance"].to_numpy(np.float64))
    return frame


def _measure_regression(points, rows, performance, gap_name, min_group_size, n_resamples,
                        random_state) -> pd.DataFrame:
    """Regression points: an error (lower is better) and a distribution or error gap."""
    groups = np.asarray(rows.labels, dtype=object)[rows.codes]
    z = NormalDist().inv_cdf(0.975)
    records = []
    for p in points:
        audit = regression_audit(rows.y, p.predictions, sensitive_features=groups,
                                 min_group_size=min_group_size, n_resamples=n_resamples,
                                 random_state=random_state)
        g = audit.gaps.loc[gap_name]
        e = p.predictions - rows.y
        m = len(e)
        if performance == "mae":
            a = np.abs(e)
            value, half = a.mean(), z * a.std(ddof=1) / np.sqrt(m)
            low, high = max(value - half, 0.0), value + half
        else:
            sq = e ** 2
            mse, half = sq.mean(), z * sq.std(ddof=1) / np.sqrt(m)
            value, low, high = np.sqrt(mse), np.sqrt(max(mse - half, 0.0)), np.sqrt(mse + half)
        records.append(_record(p, value, low, high, g["value"], g["ci_low"], g["ci_high"]))
    return flag_pareto(_frame(records), gap_name, performance)


def _performance(total, performance, negative=None):
    """Value and Wilson-based 95 % bounds from pooled counts ``tn, fp, fn, tp`` (and the
    expected negative flips per group for the flip rate)."""
    tn, fp, fn, tp = (float(v) for v in total)
    n = tn + fp + fn + tp
    if performance == "negative_flip_rate":
        flips = float(np.sum(negative)) if negative is not None else np.nan
        low, high = wilson_interval(flips, n)
        return flips / n if n else np.nan, float(low), float(high)
    if performance == "accuracy":
        low, high = wilson_interval(tn + tp, n)
        return (tn + tp) / n if n else np.nan, float(low), float(high)
    pos, neg = tp + fn, tn + fp
    tpr_low, tpr_high = wilson_interval(tp, pos)
    tnr_low, tnr_high = wilson_interval(tn, neg)
    value = (tp / pos + tn / neg) / 2 if pos and neg else np.nan
    return value, float((tpr_low + tnr_low) / 2), float((tpr_high + tnr_high) / 2)
