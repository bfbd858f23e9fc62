"""Aggregate per-group rates into one gap number, for single rates and named criteria."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fairdash.exceptions import RoleError
from fairdash.metrics._regression_gaps import REGRESSION_GAPS

METHODS = ("between_groups", "to_overall", "vs_reference")

#: what :func:`gap_change_verdict` returns
VERDICTS = ("fairer", "less fair", "unchanged", "undefined")


@dataclass(frozen=True)
class GapSpec:
    """Definition of a named gap.

    Attributes
    ----------
    rates : tuple of str
        Per-group rates it is built from (keys of ``RATE_DEFINITIONS``).
    kind : {"difference", "ratio"}
    combine : {"single", "worst", "mean"}
        How the aggregates of several rates are joined: the worst one (largest difference,
        smallest ratio) or their mean; an undefined aggregate (NaN) is left out of both, so
        the result is NaN only when every part is undefined.
    null : {"full", "within_label"}
        Permutation null for the p-value: group labels shuffled over all rows, or within each
        true label (for error-rate criteria, whose null is "decisions independent of group given y").
    label : str
        Plain name for tables and charts.
    fairer : {"lower", "higher"}
        Property: the direction in which the gap is fairer (see :attr:`higher_is_fairer`).
    """

    rates: tuple[str, ...]
    kind: str
    combine: str
    null: str
    label: str

    @property
    def fairer(self) -> str:
        """Which way is fairer: ``"lower"`` for a difference (0 = parity), ``"higher"`` for a
        ratio (1 = parity). Signed ``vs_reference`` values are fairer closer to 0 or 1, as
        :func:`gap_change_verdict` compares them."""
        return "lower" if self.kind == "difference" else "higher"

    @property
    def higher_is_fairer(self) -> bool:
        """True for ratios (1 = parity), False for differences (0 = parity)."""
        return self.fairer == "higher"


#: The gaps every audit reports, keyed by their fairlearn name where fairlearn has one.
GAPS: dict[str, GapSpec] = {
    "demographic_parity_difference": GapSpec(
        ("selection_rate",), "difference", "single", "full", "Demographic parity difference"),
    "demographic_parity_ratio": GapSpec(
        ("selection_rate",), "ratio", "single", "full", "Demographic parity ratio"),
    "equal_opportunity_difference": GapSpec(
        ("tpr",), "difference", "single", "within_label", "Equal opportunity difference"),
    "equal_opportunity_ratio": GapSpec(
        ("tpr",), "ratio", "single", "within_label", "Equal opportunity ratio"),
    "equalized_odds_difference": GapSpec(
        ("tpr", "fpr"), "difference", "worst", "within_label", "Equalized odds difference"),
    "equalized_odds_difference_mean": GapSpec(
        ("tpr", "fpr"), "difference", "mean", "within_label",
        "Equalized odds difference (mean of TPR and FPR gaps)"),
    "equalized_odds_ratio": GapSpec(
        ("tpr", "fpr"), "ratio", "worst", "within_label", "Equalized odds ratio"),
    "equalized_odds_ratio_mean": GapSpec(
        ("tpr", "fpr"), "ratio", "mean", "within_label",
        "Equalized odds ratio (mean of TPR and FPR ratios)"),
    "average_odds_difference": GapSpec(
        ("fpr", "tpr"), "difference", "mean", "within_label", "Average odds difference"),
    "predictive_parity_difference": GapSpec(
        ("ppv",), "difference", "single", "full", "Predictive parity difference"),
    "accuracy_score_difference": GapSpec(
        ("accuracy",), "difference", "single", "full", "Accuracy difference"),
}


def aggregate(values, overall=None, *, kind="difference", method="between_groups",
              reference: int | None = None, include=None) -> np.ndarray:
    """Aggregate per-group values of shape ``(..., K)`` into one number per leading index.

    Parameters
    ----------
    values : ndarray, shape (..., K)
        Per-group values; NaN marks an undefined rate and is left out.
    overall : ndarray, shape (...), optional
        The value on all rows; needed for ``method="to_overall"``.
    kind : {"difference", "ratio"}
    method : {"between_groups", "to_overall", "vs_reference"}
    reference : int, optional
        Code of the reference group; needed for ``method="vs_reference"``.
    include : ndarray of bool, shape (K,), optional
        Groups to aggregate over (for example those above a minimum size).

    Returns
    -------
    ndarray, shape (...)

    Notes
    -----
    between_groups: difference ``max_g M_g - min_g M_g``, ratio ``min_g M_g / max_g M_g``
    (NaN with fewer than two defined groups). to_overall: difference ``max_g |M_g - M|``, ratio
    ``min_g min(M_g / M, M / M_g)``. vs_reference (signed, AIF360 style): ``M_g - M_r`` or
    ``M_g / M_r`` for every ``g != r``; the one farthest from no disparity is returned.
    """
    per_group = _per_group(values, overall, kind, method, reference, include)
    if method == "vs_reference":
        return _farthest(per_group, kind)
    if method == "between_groups":
        return per_group
    return _worst(per_group, kind)


def gap(spec: GapSpec, rates: dict[str, np.ndarray], overall: dict[str, np.ndarray] | None = None,
        *, method="between_groups", reference=None, include=None) -> np.ndarray:
    """Value of a named gap from per-group rates (see :func:`aggregate` for the arguments)."""
    if method == "vs_reference":
        parts = [_per_group(rates[r], None, spec.kind, method, reference, include)
                 for r in spec.rates]
        if spec.combine == "mean":
            joined = _mean_defined(parts)
        else:
            stacked = np.stack(parts, axis=-1)
            joined = _farthest(stacked, spec.kind)
        return _farthest(joined, spec.kind)
    parts = [aggregate(rates[r], None if overall is None else overall[r], kind=spec.kind,
                       method=method, include=include) for r in spec.rates]
    if spec.combine == "mean":
        return _mean_defined(parts)
    return _worst(np.stack(parts, axis=-1), spec.kind)


def _mean_defined(parts) -> np.ndarray:
    """Mean over the first axis of the defined (non-NaN) parts; NaN only where none is defined.

    An undefined part (say a false positive rate ratio of 0 / 0 when no group has a false
    positive) is left out, as the worst case leaves it out and fairlearn's ``agg="mean"``
    averages only the defined ratio.
    """
    stacked = np.asarray(parts, dtype=np.float64)
    defined = ~np.isnan(stacked)
    count = defined.sum(0)
    total = np.where(defined, stacked, 0.0).sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _per_group(values, overall, kind, method, reference, include):
    v = np.array(values, dtype=np.float64, copy=True)
    if include is not None:
        v[..., ~np.asarray(include, dtype=bool)] = np.nan
    if method == "between_groups":
        defined = (~np.isnan(v)).sum(-1)
        hi, lo = np.fmax.reduce(v, axis=-1), np.fmin.reduce(v, axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = hi - lo if kind == "difference" else np.where(hi > 0, lo / hi, np.nan)
        return np.where(defined >= 2, out, np.nan)
    if method == "to_overall":
        if overall is None:
            raise ValueError("method='to_overall' needs the overall value.")
        o = np.asarray(overall, dtype=np.float64)[..., None]
        if kind == "difference":
            return np.abs(v - o)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.fmin(v / o, o / v)
    if method == "vs_reference":
        if reference is None:
            raise RoleError("method='vs_reference' needs a reference group.")
        ref = v[..., reference][..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            # a zero reference rate is a zero denominator: NaN (docs/methods.md §9.1), not inf
            out = v - ref if kind == "difference" else np.where(ref > 0, v / ref, np.nan)
        out[..., reference] = np.nan
        return out
    raise RoleError(f"Unknown aggregation method '{method}'; choose one of {', '.join(METHODS)}.")


def _worst(a, kind):
    """Largest difference or smallest ratio over the last axis, ignoring NaN."""
    return np.fmax.reduce(a, axis=-1) if kind == "difference" else np.fmin.reduce(a, axis=-1)


def _farthest(a, kind):
    """Signed value farthest from "no disparity" (0 or 1) over the last axis, ignoring NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        dist = np.abs(a) if kind == "difference" else np.abs(np.log(a))
    dist = np.where(np.isnan(dist), -1.0, dist)
    idx = np.argmax(dist, axis=-1)[..., None]
    out = np.take_along_axis(a, idx, axis=-1)[..., 0]
    return np.where(np.take_along_axis(dist, idx, axis=-1)[..., 0] < 0, np.nan, out)


def gap_change_verdict(name: str, before: float, after: float, *,
                       method: str = "between_groups", tol: float = 1e-9) -> str:
    """Whether a gap's change from ``before`` to ``after`` is fairer, less fair or unchanged.

    Differences are fairer when lower and ratios when higher (:attr:`GapSpec.fairer`); the
    signed ``vs_reference`` values are fairer when closer to parity (``|d|`` for a difference,
    ``|log r|`` for a ratio). Regression gaps (``REGRESSION_GAPS``) are distances: lower is
    fairer.

    Parameters
    ----------
    name : str
        A key of :data:`GAPS` or of ``REGRESSION_GAPS``.
    before, after : float
    method : {"between_groups", "to_overall", "vs_reference"}, default "between_groups"
        The aggregation both values were computed with.
    tol : float, default 1e-9
        Changes of the distance from parity smaller than this are "unchanged".

    Returns
    -------
    {"fairer", "less fair", "unchanged", "undefined"}
        "undefined" when either value is missing (NaN or None).
    """
    spec = GAPS.get(name)
    if spec is None:
        if name not in REGRESSION_GAPS:
            raise ValueError(f"There is no gap called '{name}'.")
        kind = "difference"
    else:
        kind = spec.kind
    if before is None or after is None or np.isnan(before) or np.isnan(after):
        return "undefined"
    b, a = _from_parity(float(before), kind, method), _from_parity(float(after), kind, method)
    if abs(a - b) <= tol:
        return "unchanged"
    return "fairer" if a < b else "less fair"


def _from_parity(v: float, kind: str, method: str) -> float:
    """Distance from parity: 0 for differences, 1 for ratios (log scale when signed)."""
    if kind == "difference":
        return abs(v) if method == "vs_reference" else v
    if method == "vs_reference":
        return abs(float(np.log(v))) if v > 0 else np.inf
    return -v
