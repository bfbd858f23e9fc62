"""Plain-language sentences for gaps, next to the numbers, in the words of the aggregation.

Every sentence follows the audit's aggregation (``between_groups``, ``to_overall`` or the
signed ``vs_reference``, docs/methods.md §9.1): it names the groups the number is about and,
against a reference group, says which way the sign points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fairdash.metrics._aggregate import GAPS, aggregate

__all__ = ["aggregation_note", "explain_gap"]

#: rate -> (which rows it is about, what happens to them)
_RATE_WORDS = {
    "selection_rate": ("", "are predicted positive"),
    "tpr": ("Among the truly positive, ", "are predicted positive"),
    "fpr": ("Among the truly negative, ", "are wrongly predicted positive"),
    "ppv": ("Among those predicted positive, ", "are truly positive"),
    "accuracy": ("", "are classified correctly"),
}

_RATE_NAMES = {"selection_rate": "selection rate", "tpr": "true positive rate",
               "fpr": "false positive rate", "ppv": "precision", "accuracy": "accuracy"}


def aggregation_note(method: str = "between_groups", reference: str | None = None) -> str:
    """How the per-group rates become one difference and one ratio, in one or two sentences.

    Parameters
    ----------
    method : {"between_groups", "to_overall", "vs_reference"}
    reference : str, optional
        The reference group of ``vs_reference``.

    Returns
    -------
    str
    """
    if method == "to_overall":
        return ("Each group is compared with all rows together: the difference is the largest "
                "distance of a group's rate from the overall rate, and the ratio the smallest "
                "of group / overall and overall / group (1 = the same).")
    if method == "vs_reference":
        ref = f"'{reference}'" if reference is not None else "the reference group"
        return (f"Each group is compared with the reference group {ref}: the difference is the "
                f"group's rate minus that of {ref} (negative when the group's rate is lower) "
                f"and the ratio the group's rate divided by that of {ref} (below 1 when "
                f"lower); the group farthest from {ref} is reported, with its sign.")
    return ("The difference is the highest group's rate minus the lowest group's (0 = the same), "
            "and the ratio the lowest divided by the highest (1 = the same).")


def explain_gap(name: str, result, positive_meaning: str = "the positive outcome") -> str:
    """One sentence saying what gap ``name`` of an :class:`AuditResult` means in this data.

    The sentence follows ``result.method``: highest against lowest group (``between_groups``),
    the group farthest from all rows (``to_overall``), or the group farthest from the
    reference group, with the sign explained (``vs_reference``).

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
        if result.method == "vs_reference":
            return (f"Undefined here: no group has this rate defined next to the reference "
                    f"group '{result.reference}'.")
        return "Undefined here: fewer than two groups have this rate defined."
    groups = result.groups
    include = ~groups["small"].to_numpy(dtype=bool)
    method = getattr(result, "method", "between_groups")
    ref = result.reference if method == "vs_reference" else None
    ref_code = int(groups.index.get_loc(str(ref))) if ref is not None else None
    parts = {r: _part(groups[r], result.overall.get(r, np.nan), spec.kind, method, ref_code,
                      include) for r in spec.rates}
    defined = [r for r in spec.rates if not math.isnan(parts[r])]
    main = max(defined, key=lambda r: _distance(parts[r], spec.kind))
    among, what = _RATE_WORDS.get(main, ("", main))
    rates = groups.loc[include, main].dropna()
    lead, size, notes = _words(method, spec, name, value, rates, main, among, what, result,
                               ref)
    if lead and main == "selection_rate":
        lead += f" (predicted positive = {positive_meaning})"
    lead = f"{lead}. " if lead else ""
    if spec.combine == "worst":
        notes.append("worst of true and false positive rates")
    elif spec.combine == "mean":
        notes.append("mean of the true and false positive rate "
                     + ("gaps" if spec.kind == "difference" else "ratios"))
    missing = [r for r in spec.rates if r not in defined]
    if missing:
        notes.append(f"the {' and '.join(_RATE_NAMES[r] for r in missing)} part is undefined "
                     "here and left out")
    if notes:
        size += f" ({'; '.join(notes)})"
    signed = method == "vs_reference"
    ci = (f", 95 % interval {_num(row['ci_low'], spec.kind, signed)} to "
          f"{_num(row['ci_high'], spec.kind, signed)}")
    return f"{lead}{size}{ci}; {_evidence(row['p_value'], result.n_resamples)}"


def _part(values: pd.Series, overall, kind, method, ref_code, include) -> float:
    """One rate's aggregate under the audit's aggregation (what the gap combines)."""
    return float(aggregate(values.to_numpy(dtype=np.float64), np.float64(overall), kind=kind,
                           method=method, reference=ref_code, include=include))


def _distance(v: float, kind: str) -> float:
    """How far an aggregate is from "no disparity" (0 for differences, 1 for ratios)."""
    if kind == "difference":
        return abs(v)
    return abs(math.log(v)) if v > 0 else math.inf


def _words(method, spec, name, value, rates, main, among, what, result, ref):
    """(lead naming the groups, size of the gap) for one aggregation."""
    if method == "vs_reference":
        return _reference_words(spec, name, value, main, among, what, result, ref)
    if method == "to_overall":
        overall = float(result.overall.get(main, np.nan))
        lead = ""
        if len(rates) and not math.isnan(overall):
            far = (rates - overall).abs().idxmax() if spec.kind == "difference" else \
                np.minimum(rates / overall, overall / rates).idxmin()
            lead = (f"{among}{_pct(rates[far])} of {_who(result, far, main)} {what} versus "
                    f"{_pct(overall)} of all rows")
        if spec.kind == "difference":
            size = (f"The largest distance of a group from all rows is {value * 100:.1f} "
                    "percentage points")
        else:
            size = (f"Between a group's rate and the overall rate, the smaller is at worst "
                    f"{value:.0%} of the larger")
        return lead, size, []
    lead = ""
    if len(rates) >= 2:
        hi_g, lo_g = rates.idxmax(), rates.idxmin()
        lead = (f"{among}{_pct(rates[hi_g])} of {_who(result, hi_g, main)} {what} versus "
                f"{_pct(rates[lo_g])} of {_who(result, lo_g, main)}")
    notes = []
    if spec.kind == "difference":
        size = f"The gap is {value * 100:.1f} percentage points"
        notes.append("highest group minus lowest")
    else:
        size = f"The lower rate is {value:.0%} of the higher one"
        if name == "demographic_parity_ratio":
            notes.append("the '80 % rule' asks for at least 80 %")
    return lead, size, notes


def _reference_words(spec, name, value, main, among, what, result, ref):
    """Signed words: the group farthest from the reference, and which way it differs."""
    groups = result.groups[~result.groups["small"]]
    others = groups.drop(index=ref)
    m = others[list(spec.rates)].to_numpy(dtype=np.float64)          # groups x rates
    m_ref = groups.loc[ref, list(spec.rates)].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        signed = m - m_ref if spec.kind == "difference" else np.where(m_ref > 0, m / m_ref,
                                                                      np.nan)
        dist = np.abs(signed) if spec.kind == "difference" else np.abs(np.log(signed))
    if spec.combine == "mean":       # the group whose mean over the rates is farthest
        defined = ~np.isnan(signed)
        joined = np.where(defined, signed, 0).sum(1) / np.maximum(defined.sum(1), 1)
        joined[~defined.any(1)] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            dist = np.abs(joined) if spec.kind == "difference" else np.abs(np.log(joined))
        g = others.index[int(np.nanargmax(dist))]
    else:                            # the (group, rate) farthest from the reference
        g = others.index[int(np.nanargmax(np.nanmax(np.where(np.isnan(dist), -1, dist), 1)))]
    lead = (f"{among}{_pct(groups.loc[g, main])} of {_who(result, g, main)} {what} versus "
            f"{_pct(groups.loc[ref, main])} of the reference group {_who(result, ref, main)}")
    side = "higher" if (value > 0 if spec.kind == "difference" else value > 1) else "lower"
    notes = [f"of all groups, '{g}' is the farthest from '{ref}'"]
    if spec.kind == "difference":
        if value == 0:
            return lead, f"'{g}' and '{ref}' have the same rate (0.0 percentage points)", notes
        size = (f"'{g}' minus '{ref}' is {value * 100:+.1f} percentage points: '{g}' is {side} "
                "than the reference")
    else:
        size = (f"The rate of '{g}' is {value:.0%} of the reference group's: '{g}' is {side} "
                "than the reference")
        if name == "demographic_parity_ratio":
            notes.append("the '80 % rule' asks for at least 80 %")
    return lead, size, notes


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


#: rate -> the rows it is a share of, as a function of a group's row of the audit
_DENOMINATORS = {
    "selection_rate": lambda g: g["n"], "accuracy": lambda g: g["n"],
    "tpr": lambda g: g["positives"], "fpr": lambda g: g["n"] - g["positives"],
    "ppv": lambda g: g["predicted_positives"],
}


def _who(result, group, rate) -> str:
    """A group named with the rows behind its rate: "'a' (12 of 40)" (expected counts for
    randomised decisions are rounded)."""
    row = result.groups.loc[group]
    if rate not in _DENOMINATORS:
        return f"'{group}'"
    d = float(_DENOMINATORS[rate](row))
    k = float(row[rate]) * d if d > 0 else 0.0
    return f"'{group}' ({k:,.0f} of {d:,.0f})"


def _pct(v) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:.1%}"


def _num(v, kind, signed=False) -> str:
    if v is None or math.isnan(v):
        return "n/a"
    if kind == "difference":
        return f"{v * 100:+.1f}" if signed else f"{v * 100:.1f}"
    return f"{v:.2f}"
