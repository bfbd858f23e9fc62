"""fairlearn-compatible metric functions and the one-call audit, all built on counts."""

from __future__ import annotations

import numpy as np

from fairdash.metrics._aggregate import GAPS, gap
from fairdash.metrics._audit import (DEFAULT_MIN_GROUP_SIZE, AuditResult, audit_counts,
                                     reference_code)
from fairdash.metrics._counts import confusion_counts
from fairdash.metrics._groups import encode_groups
from fairdash.metrics._rates import all_rates
from fairdash.metrics._scores import ScoreIndex


def _named_gap(name, y_true, y_pred, sensitive_features, method, sample_weight, reference,
               min_group_size, spec=None):
    codes, labels = encode_groups(sensitive_features)
    counts = confusion_counts(y_true, y_pred, codes, len(labels), sample_weight)
    include = None
    if min_group_size:
        include = np.bincount(codes, minlength=len(labels)) >= min_group_size
    ref = reference_code(labels, reference, method)
    overall = all_rates(counts.sum(0))
    return float(gap(spec or GAPS[name], all_rates(counts), overall, method=method,
                     reference=ref, include=include))


_PARAMS_DOC = """
    Parameters
    ----------
    y_true : array-like of {0, 1}
    y_pred : array-like of {0, 1}, or decision probabilities in [0, 1] (expected metric)
    sensitive_features : array-like, Series or DataFrame
        Several columns form intersectional groups.
    method : {"between_groups", "to_overall", "vs_reference"}, default "between_groups"
    sample_weight : array-like, optional
    reference : str, optional
        Reference group for ``method="vs_reference"`` (signed, AIF360 style).
    min_group_size : int, optional
        Leave out groups with fewer rows (off by default, as in fairlearn).

    Returns
    -------
    float
        NaN when fewer than two groups have the rate defined.
"""


def _make(name, formula, agg_doc=""):
    def metric(y_true, y_pred, *, sensitive_features, method="between_groups",
               sample_weight=None, reference=None, min_group_size=None, **kw):
        spec = GAPS[name]
        if "agg" in kw:
            agg = kw.pop("agg")
            if agg not in ("worst_case", "mean"):
                raise ValueError(f"agg must be 'worst_case' or 'mean', not {agg!r}.")
            spec = GAPS[name + "_mean"] if agg == "mean" else spec
        if kw:
            raise TypeError(f"{name}() got unexpected keyword arguments {sorted(kw)}.")
        return _named_gap(name, y_true, y_pred, sensitive_features, method, sample_weight,
                          reference, min_group_size, spec)

    metric.__name__ = metric.__qualname__ = name
    metric.__doc__ = (f"{GAPS[name].label}, with fairlearn's name, signature and value.\n"
                      f"{_PARAMS_DOC}{agg_doc}\n    Notes\n    -----\n    {formula}\n"
                      "    Undefined rates (zero denominator) are NaN and left out, where fairlearn "
                      "uses 0.\n")
    return metric


_AGG_DOC = """    agg : {"worst_case", "mean"}, default "worst_case"
        Worst of, or mean of, the TPR and FPR aggregates (fairlearn's ``agg``).
"""

demographic_parity_difference = _make(
    "demographic_parity_difference", "max_g SR_g - min_g SR_g, SR = selection rate.")
demographic_parity_ratio = _make(
    "demographic_parity_ratio", "min_g SR_g / max_g SR_g (the '80 % rule' asks >= 0.8).")
equal_opportunity_difference = _make(
    "equal_opportunity_difference", "max_g TPR_g - min_g TPR_g.")
equal_opportunity_ratio = _make("equal_opportunity_ratio", "min_g TPR_g / max_g TPR_g.")
equalized_odds_difference = _make(
    "equalized_odds_difference", "max(TPR difference, FPR difference); mean of both with "
    "agg='mean'.", _AGG_DOC)
equalized_odds_ratio = _make(
    "equalized_odds_ratio", "min(TPR ratio, FPR ratio); mean of both with agg='mean'.", _AGG_DOC)
average_odds_difference = _make(
    "average_odds_difference", "(FPR difference + TPR difference) / 2; with "
    "method='vs_reference' the signed AIF360 value (FPR_g - FPR_r + TPR_g - TPR_r) / 2 of the "
    "group farthest from the reference.")
predictive_parity_difference = _make(
    "predictive_parity_difference", "max_g PPV_g - min_g PPV_g, PPV = precision.")
accuracy_score_difference = _make(
    "accuracy_score_difference", "max_g accuracy_g - min_g accuracy_g.")


def audit(y_true, y_pred=None, *, sensitive_features, y_score=None, threshold: float = 0.5,
          sample_weight=None, method: str = "between_groups", reference=None,
          min_group_size: int = DEFAULT_MIN_GROUP_SIZE, confidence: float = 0.95,
          n_resamples: int = 1000, random_state: int = 0) -> AuditResult:
    """Audit decisions or scores per group in one call.

    Parameters
    ----------
    y_true : array-like of {0, 1}
    y_pred : array-like of {0, 1}, optional
        Decisions; give either these or ``y_score``.
    sensitive_features : array-like, Series or DataFrame
    y_score : array-like of float, optional
        Scores; decisions are ``y_score >= threshold`` and per-group AUC is reported.
    threshold : float, default 0.5
    sample_weight, method, reference, min_group_size, confidence, n_resamples, random_state
        As in :func:`audit_counts`.

    Returns
    -------
    AuditResult
    """
    codes, labels = encode_groups(sensitive_features)
    k = len(labels)
    rows = np.bincount(codes, minlength=k)
    kw = dict(row_counts=rows, method=method, reference=reference, min_group_size=min_group_size,
              confidence=confidence, n_resamples=n_resamples, random_state=random_state)
    if y_score is not None:
        index = ScoreIndex(y_true, y_score, codes, k, sample_weight)
        return audit_counts(index.counts_at(threshold), labels, auc=index.auc(),
                            threshold=threshold, **kw)
    if y_pred is None:
        raise ValueError("Give y_pred (decisions) or y_score (scores).")
    counts = confusion_counts(y_true, y_pred, codes, k, sample_weight)
    return audit_counts(counts, labels, **kw)
