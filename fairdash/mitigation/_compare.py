"""Before and after a mitigation, measured on the same held-out rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash import metrics as fd_metrics
from fairdash.mitigation._apply import EVALUATION_SPLIT

__all__ = ["PERFORMANCE", "REGRESSION_PERFORMANCE", "BeforeAfter", "before_after", "evaluate"]


def evaluate(dataset, scores, *, decisions_only: bool = False, threshold: float = 0.5,
             split: str = EVALUATION_SPLIT, method: str = "between_groups", reference=None,
             min_group_size: int = fd_metrics.DEFAULT_MIN_GROUP_SIZE,
             n_resamples: int = 1000, random_state: int = 0):
    """Audit scores or expected decisions of every dataset row on the rows of ``split``.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    scores : ndarray, shape (n,)
        Scores to threshold, or decision probabilities when ``decisions_only`` (expected
        counts, docs/methods.md §0.3).
    decisions_only : bool, default False
    threshold : float, default 0.5
        Ignored for decisions.
    split, method, reference, min_group_size, n_resamples, random_state
        As in :func:`fairdash.metrics.audit`.

    Returns
    -------
    fairdash.metrics.AuditResult, or RegressionAuditResult for a regression dataset
    """
    mask = dataset.rows(split)
    groups = dataset.group_labels[dataset.group_codes[mask]]
    y, s = dataset.y[mask], np.asarray(scores, dtype=np.float64)[mask]
    if dataset.task == "regression":  # predictions: no threshold, label or aggregation
        return fd_metrics.regression_audit(y, s, sensitive_features=groups,
                                           min_group_size=min_group_size,
                                           n_resamples=n_resamples, random_state=random_state)
    kw = {"sensitive_features": groups, "method": method, "reference": reference,
              "min_group_size": min_group_size, "n_resamples": n_resamples,
              "random_state": random_state}
    if decisions_only:
        return fd_metrics.audit(y, s, **kw)
    return fd_metrics.audit(y, y_score=s, threshold=threshold, **kw)


#: performance rows of the before/after table: name -> label
PERFORMANCE = {
    "accuracy": "Accuracy",
    "balanced_accuracy": "Balanced accuracy",
    "auc": "AUC (ranking quality)",
    "selection_rate": "Selection rate",
    "tpr": "True positive rate",
    "fpr": "False positive rate",
}

#: performance rows for a regression dataset
REGRESSION_PERFORMANCE = {
    "mae": "Mean absolute error",
    "rmse": "Root mean squared error",
    "r2": "R² (share of variance explained)",
    "mean_prediction": "Mean prediction",
}


def _performance(result, auc) -> dict:
    o = result.overall
    return {"accuracy": o["accuracy"], "balanced_accuracy": (o["tpr"] + o["tnr"]) / 2,
            "auc": auc, "selection_rate": o["selection_rate"], "tpr": o["tpr"],
            "fpr": o["fpr"]}


def _pooled_auc(y, scores) -> float:
    index = fd_metrics.ScoreIndex(y, scores, np.zeros(len(y), dtype=np.int64), 1)
    return float(index.auc()[0])


@dataclass(frozen=True, eq=False)
class BeforeAfter:
    """Audits of the base model and of a mitigation on the same rows.

    Attributes
    ----------
    before, after : fairdash.metrics.AuditResult
    performance : DataFrame
        Indexed by metric (see :data:`PERFORMANCE`); columns ``before``, ``after``, ``change``.
    changed : float
        Rows whose decision changed (expected number for randomised decisions); for
        regression, rows whose prediction changed.
    rows : int
        Rows compared (the held-out test split).
    distribution : DataFrame or None
        How much the score (or prediction) distribution differs between groups, before and
        after (mean gap, KS, W1, barycenter unfairness; docs/methods.md §9.5); None when either
        side is decisions only.
    """

    before: object
    after: object
    performance: pd.DataFrame
    changed: float
    rows: int
    distribution: pd.DataFrame | None = None


def before_after(dataset, base_scores, result, *, threshold: float = 0.5,
                 base_decisions_only: bool = False, before=None, **audit_kw) -> BeforeAfter:
    """Audit the base model and a :class:`MitigationResult` on the held-out test rows.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    base_scores : ndarray, shape (n,)
        Base model scores (or 0/1 decisions) on every row.
    result : MitigationResult
    threshold : float, default 0.5
        Applied to both when they are scores.
    base_decisions_only : bool, default False
    before : AuditResult, optional
        The base model's :func:`evaluate` with the same options, when already computed.
    **audit_kw
        ``method``, ``reference``, ``min_group_size``, ``n_resamples``, ``random_state``.

    Returns
    -------
    BeforeAfter
    """
    if before is None:
        before = evaluate(dataset, base_scores, decisions_only=base_decisions_only,
                          threshold=threshold, **audit_kw)
    after = evaluate(dataset, result.scores, decisions_only=result.decisions_only,
                     threshold=threshold, **audit_kw)
    mask = dataset.rows(EVALUATION_SPLIT)
    y = dataset.y[mask]
    b, a = np.asarray(base_scores, float)[mask], result.scores[mask]
    distribution = None
    if not (base_decisions_only or result.decisions_only):
        codes = dataset.group_codes[mask]
        k = len(dataset.group_labels)
        include = np.bincount(codes, minlength=k) >= audit_kw.get(
            "min_group_size", fd_metrics.DEFAULT_MIN_GROUP_SIZE)
        distribution = pd.DataFrame({
            "before": fd_metrics.distribution_gaps(b, codes, k, include=include),
            "after": fd_metrics.distribution_gaps(a, codes, k, include=include)})
    if dataset.task == "regression":
        names = list(REGRESSION_PERFORMANCE)
        perf = pd.DataFrame({"before": before.overall[names], "after": after.overall[names]})
        changed = float(np.sum(~np.isclose(a, b, rtol=0, atol=1e-9 * (np.ptp(b) or 1))))
    else:
        auc_b = np.nan if base_decisions_only else _pooled_auc(y, b)
        auc_a = np.nan if result.decisions_only else _pooled_auc(y, a)
        perf = pd.DataFrame({"before": _performance(before, auc_b),
                             "after": _performance(after, auc_a)})
        d_b = b if base_decisions_only else (b >= threshold).astype(float)
        d_a = a if result.decisions_only else (a >= threshold).astype(float)
        # P(decisions differ) for independent draws: d_b (1 - d_a) + (1 - d_b) d_a
        changed = float(np.sum(d_b * (1 - d_a) + (1 - d_b) * d_a))
    perf["change"] = perf["after"] - perf["before"]
    perf.index.name = "metric"
    return BeforeAfter(before, after, perf, changed, int(mask.sum()), distribution)
