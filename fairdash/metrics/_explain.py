"""Plain-language sentences for gaps, next to the numbers."""

from __future__ import annotations

import math

import pandas as pd

from fairdash.metrics._aggregate import GAPS

#: rate -> (which rows it is about, what happens to them)
_RATE_WORDS = {
    "selection_rate": ("", "are predicted positive"),
    "tpr": ("Among the truly positive, ", "are predicted positive"),
    "fpr": ("Among the truly negative, ", "are wrongly predicted positive"),
    "ppv": ("Among those predicted positive, ", "are truly positive"),
    "accuracy": ("", "are classified correctly"),
}


def explain_gap(name: str, result, positive_meaning: str = "the positive outcome") -> str:
    """One sentence saying what gap ``name`` of an :class:`AuditResult` means in this data.

    Parameters
    ----------
    name : str
        Key of ``GAPS``.
    result : AuditResult
    positive_meaning : str
        What a positive prediction means here (for example "income above $50K").

    Returns
    -------
    str
    """
    row = result.gaps.loc[name]
    spec = GAPS[name]
    value = row["value"]
    if value is None or math.isnan(value):
        return "Undefined here: fewer than two groups have this rate defined."
    groups = result.groups[~result.groups["small"]]
    # for combined criteria, describe the rate with the widest spread
    main = max(spec.rates, key=lambda r: _spread(groups[r]))
    hi_g, lo_g = _extremes(groups[main])
    among, what = _RATE_WORDS.get(main, ("", main))
    if hi_g is None:
        lead = ""
    else:
        lead = (f"{among}{_pct(groups.loc[hi_g, main])} of '{hi_g}' {what} versus "
                f"{_pct(groups.loc[lo_g, main])} of '{lo_g}'")
        if main == "selection_rate":
            lead += f" (predicted positive = {positive_meaning})"
        lead += ". "
    if spec.kind == "difference":
        size = f"The gap is {value * 100:.1f} percentage points"
    else:
        size = f"The lower rate is {value:.0%} of the higher one"
        if name == "demographic_parity_ratio":
            size += " (the '80 % rule' asks for at least 80 %)"
    if spec.combine != "single":
        size += " (worst of true and false positive rates)" if spec.combine == "worst" else \
            " (mean of the true and false positive rate gaps)"
    ci = f", 95 % interval {_num(row['ci_low'], spec.kind)} to {_num(row['ci_high'], spec.kind)}"
    return f"{lead}{size}{ci}; {_evidence(row['p_value'], result.n_resamples)}"


def _spread(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.max() - values.min()) if len(values) >= 2 else -1.0


def _extremes(values: pd.Series):
    values = values.dropna()
    if len(values) < 2:
        return None, None
    return values.idxmax(), values.idxmin()


def _evidence(p, n_resamples: int) -> str:
    if p is None or math.isnan(p):
        return "no test possible."
    if p <= 1 / (n_resamples + 1) + 1e-12:
        return (f"p < {1 / n_resamples:.3g}: none of the {n_resamples:,} data sets with shuffled "
                "group labels "
                "had a gap this large, so it is very unlikely if groups were treated alike.")
    if p < 0.01:
        return f"p = {p:.3f}: a gap this large would be very unlikely if groups were treated alike."
    if p < 0.05:
        return f"p = {p:.3f}: some evidence of a real difference between groups."
    return (f"p = {p:.2f}: a gap this size often appears by chance at these group sizes, "
            "so it is not clear evidence of a difference.")


def _pct(v) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:.1%}"


def _num(v, kind) -> str:
    if v is None or math.isnan(v):
        return "n/a"
    return f"{v * 100:.1f}" if kind == "difference" else f"{v:.2f}"
