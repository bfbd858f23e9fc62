"""Sweep mitigation methods over strengths and measure each on the held-out test rows."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from fairdash.metrics import GAPS, wilson_interval
from fairdash.mitigation import EVALUATION_SPLIT, evaluate, get_method, methods_for, mitigate
from fairdash.tradeoff._pareto import pareto_front

__all__ = ["PERFORMANCE_METRICS", "SWEEP_COLUMNS", "sweep"]

#: performance name -> label
PERFORMANCE_METRICS = {"accuracy": "Accuracy", "balanced_accuracy": "Balanced accuracy"}

#: columns of the frame :func:`sweep` returns, in order
SWEEP_COLUMNS = ("method", "label", "stage", "strength", "performance", "performance_low",
                 "performance_high", "gap", "gap_low", "gap_high", "randomised", "pareto")

BASELINE = "baseline"
BASELINE_LABEL = "Base model (no mitigation)"


def sweep(dataset, methods, strengths, *, base_scores, performance: str = "accuracy",
          gap: str = "demographic_parity_difference", threshold: float = 0.5,
          base_key: str | None = None, random_state: int = 0, n_resamples: int = 1000,
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
    strengths : sequence of float in [0, 1]
    base_scores : ndarray, shape (n,)
        The base model's scores on every row: the baseline row, and the input of the
        post-processing methods.
    performance : {"accuracy", "balanced_accuracy"}, default "accuracy"
    gap : str, default "demographic_parity_difference"
        Any name in :data:`fairdash.metrics.GAPS`.
    threshold : float, default 0.5
        Applied to scores (not to the decision probabilities of randomised methods).
    base_key : str, optional
        Name of the base model, passed to :func:`fairdash.mitigation.mitigate`.
    random_state : int, default 0
        Seed of the methods and of the bootstrap.
    n_resamples : int, default 1000
        Bootstrap resamples of the gap interval.
    progress : callable, optional
        Called as ``progress(done, total, label)`` after each row is measured (``total`` =
        1 + methods x strengths; the baseline is measured first).

    Returns
    -------
    DataFrame
        One row per (method, strength), after a first ``baseline`` row (method
        ``"baseline"``, stage ``"none"``, strength 0), with the columns of
        :data:`SWEEP_COLUMNS`: ``method``, ``label``, ``stage``, ``strength``,
        ``performance`` with ``performance_low`` / ``performance_high`` (95 %), ``gap``
        with ``gap_low`` / ``gap_high``, ``randomised`` (expected metrics of random
        decisions) and ``pareto``.

    Raises
    ------
    ValueError
        For a regression dataset, an unknown performance, gap or method, or a strength
        outside [0, 1].

    Notes
    -----
    Every row is measured on the held-out test split with
    :func:`fairdash.mitigation.evaluate`, so rows are comparable with each other and with
    the mitigation page.

    *Accuracy* interval: the Wilson interval of the pooled (expected, for randomised
    decisions) number of correct decisions over the test rows.

    *Balanced accuracy* ``(TPR + TNR) / 2``: its interval averages the Wilson bounds of TPR
    and TNR, ``((low_TPR + low_TNR) / 2, (high_TPR + high_TNR) / 2)``. Both bounds moving
    together at once is less likely than 95 %, so the interval is conservative (wider than a
    95 % interval would need to be).

    *Gap* interval: the audit's bootstrap interval.

    *Pareto*: :func:`pareto_front` over all rows, baseline included, with higher performance
    better and a lower gap better. Ratio gaps (1 = parity) are better when higher, so the
    front is computed on ``1 - ratio``; the ``gap`` column keeps the ratio itself.
    """
    if getattr(dataset, "task", "classification") == "regression":
        raise ValueError("Tradeoff sweeps need a classification target; sweeps for regression "
                         "targets come later.")
    if performance not in PERFORMANCE_METRICS:
        raise ValueError(f"Unknown performance '{performance}'; choose one of "
                         f"{', '.join(PERFORMANCE_METRICS)}.")
    if gap not in GAPS:
        raise ValueError(f"Unknown gap '{gap}'; choose one of {', '.join(GAPS)}.")
    chosen = _resolve_methods(dataset, methods)
    levels = [float(s) for s in strengths]
    bad = [s for s in levels if not 0.0 <= s <= 1.0]
    if bad:
        raise ValueError(f"Strengths must lie in [0, 1]; got {bad}.")
    base_scores = np.asarray(base_scores, dtype=np.float64)

    total = 1 + len(chosen) * len(levels)
    measure = {"threshold": threshold, "n_resamples": n_resamples, "random_state": random_state}
    records = []

    def add(record, label):
        records.append(record)
        if progress is not None:
            progress(len(records), total, label)

    base = evaluate(dataset, base_scores, **measure)
    add({"method": BASELINE, "label": BASELINE_LABEL, "stage": "none", "strength": 0.0,
         **_measures(dataset, base, performance, gap), "randomised": False}, BASELINE_LABEL)
    for m in chosen:
        for s in levels:
            result = mitigate(dataset, m, s, base_scores=base_scores, base_key=base_key,
                              random_state=random_state)
            audit = evaluate(dataset, result.scores, decisions_only=result.decisions_only,
                             **measure)
            add({"method": m.name, "label": m.label, "stage": m.stage, "strength": s,
                 **_measures(dataset, audit, performance, gap), "randomised": m.randomised},
                f"{m.label} at strength {s:g}")

    frame = pd.DataFrame.from_records(records, columns=SWEEP_COLUMNS[:-1])
    badness = frame["gap"].to_numpy(dtype=np.float64)
    if GAPS[gap].kind == "ratio":
        badness = 1.0 - badness
    frame["pareto"] = pareto_front(badness, frame["performance"].to_numpy(dtype=np.float64))
    frame["randomised"] = frame["randomised"].astype(bool)
    return frame


def _resolve_methods(dataset, methods):
    """The Method objects a sweep runs, in registry order for ``"all"``."""
    if isinstance(methods, str):
        if methods != "all":
            raise ValueError(f"methods must be a list of method names or 'all'; got "
                             f"'{methods}'.")
        return methods_for("classification", has_features=bool(dataset.roles.features),
                           n_sensitive=len(dataset.roles.sensitive))
    return [get_method(name) if isinstance(name, str) else name for name in methods]


def _measures(dataset, audit, performance, gap) -> dict:
    """Performance and gap with their intervals, from an audit of the test rows."""
    mask = dataset.rows(EVALUATION_SPLIT)
    o = audit.overall
    if performance == "accuracy":
        n = float(mask.sum())
        value = float(o["accuracy"])
        low, high = wilson_interval(value * n, n)
    else:
        y = np.asarray(dataset.y)[mask]
        pos, neg = float((y == 1).sum()), float((y == 0).sum())
        tpr_low, tpr_high = wilson_interval(float(o["tpr"]) * pos, pos)
        tnr_low, tnr_high = wilson_interval(float(o["tnr"]) * neg, neg)
        value = (float(o["tpr"]) + float(o["tnr"])) / 2
        low, high = (tpr_low + tnr_low) / 2, (tpr_high + tnr_high) / 2
    row = audit.gaps.loc[gap]
    return {"performance": value, "performance_low": float(low),
            "performance_high": float(high), "gap": float(row["value"]),
            "gap_low": float(row["ci_low"]), "gap_high": float(row["ci_high"])}
