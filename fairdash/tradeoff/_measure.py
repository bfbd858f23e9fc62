"""From points (expected counts per group) to the tidy tradeoff table, with intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.metrics import (DEFAULT_MIN_GROUP_SIZE, GAPS, all_rates, bootstrap_counts, gap,
                              percentile_interval, wilson_interval)
from fairdash.metrics._audit import reference_code
from fairdash.mitigation import get_method
from fairdash.tradeoff._pareto import pareto_front
from fairdash.tradeoff._points import BASELINE

__all__ = ["BASELINE_LABEL", "PERFORMANCE_METRICS", "SWEEP_COLUMNS", "measure"]

#: performance name -> label
PERFORMANCE_METRICS = {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy"}

#: columns of the frame :func:`measure` returns, in order
SWEEP_COLUMNS = ("method", "label", "stage", "strength", "performance", "performance_low",
                 "performance_high", "gap", "gap_low", "gap_high", "changed", "randomised",
                 "pareto")

BASELINE_LABEL = "Base model (no mitigation)"


def check_metrics(performance: str, gap_name: str) -> None:
    """Raise a ValueError naming an unknown performance or gap."""
    if performance not in PERFORMANCE_METRICS:
        raise ValueError(f"Unknown performance '{performance}'; choose one of "
                         f"{', '.join(PERFORMANCE_METRICS)}.")
    if gap_name not in GAPS:
        raise ValueError(f"Unknown gap '{gap_name}'; choose one of {', '.join(GAPS)}.")


def measure(points, labels, *, performance: str = "accuracy",
            gap_name: str = "demographic_parity_difference", method: str = "between_groups",
            reference=None, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
            n_resamples: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """One row per point: performance and gap with 95 % intervals, and the Pareto flag.

    Parameters
    ----------
    points : sequence of SweepPoint
    labels : sequence of str
        Group labels (the rows of each point's counts).
    performance : {"accuracy", "balanced_accuracy"}
    gap_name : str
        Any name in :data:`fairdash.metrics.GAPS`.
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
    *Pareto*: :func:`pareto_front` with higher performance and lower gap better; ratio gaps
    (1 = parity) enter as ``1 - ratio``.
    """
    check_metrics(performance, gap_name)
    spec = GAPS[gap_name]
    labels = pd.Index([str(x) for x in labels])
    ref = reference_code(labels, reference, method)
    records = []
    for p in points:
        counts = np.asarray(p.counts, dtype=np.float64)
        include = counts.sum(1) >= min_group_size
        kw = {"method": method, "reference": ref, "include": include}
        total = counts.sum(0)
        value = float(gap(spec, all_rates(counts), all_rates(total), **kw))
        boot = bootstrap_counts(counts, n_resamples, np.random.default_rng(random_state))
        low, high = percentile_interval(gap(spec, all_rates(boot), all_rates(boot.sum(1)), **kw))
        perf, perf_low, perf_high = _performance(total, performance)
        if p.method == BASELINE:
            label, stage, randomised = BASELINE_LABEL, "none", False
        else:
            m = get_method(p.method)
            label, stage, randomised = m.label, m.stage, m.randomised and m.stage != "pre"
        records.append((p.method, label, stage, float(p.strength), perf, perf_low, perf_high,
                        value, float(low), float(high), float(np.sum(p.changed)), randomised))
    frame = pd.DataFrame.from_records(records, columns=SWEEP_COLUMNS[:-1])
    badness = frame["gap"].to_numpy(dtype=np.float64)
    if spec.kind == "ratio":
        badness = 1.0 - badness
    frame["pareto"] = pareto_front(badness, frame["performance"].to_numpy(dtype=np.float64))
    frame["randomised"] = frame["randomised"].astype(bool)
    return frame


def _performance(total, performance):
    """Value and Wilson-based 95 % bounds from pooled counts ``tn, fp, fn, tp``."""
    tn, fp, fn, tp = (float(v) for v in total)
    n = tn + fp + fn + tp
    if performance == "accuracy":
        low, high = wilson_interval(tn + tp, n)
        return (tn + tp) / n if n else np.nan, float(low), float(high)
    pos, neg = tp + fn, tn + fp
    tpr_low, tpr_high = wilson_interval(tp, pos)
    tnr_low, tnr_high = wilson_interval(tn, neg)
    value = (tp / pos + tn / neg) / 2 if pos and neg else np.nan
    return value, float((tpr_low + tnr_low) / 2), float((tpr_high + tnr_high) / 2)
