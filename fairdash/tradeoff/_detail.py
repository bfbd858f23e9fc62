"""One point of the front against the baseline: who moved, and did the gap close by lifting?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, GAPS, RATE_SHORT, all_rates

__all__ = ["DETAIL_RATES", "PointDetail", "point_detail", "regression_detail"]

#: rates compared per group, in table order
DETAIL_RATES = ("selection_rate", "tpr", "fpr")

#: a rate moving less than this (absolute) counts as unchanged in the verdict
STEADY = 0.005


@dataclass(frozen=True)
class PointDetail:
    """The per-group comparison of one point with the base model.

    Attributes
    ----------
    table : DataFrame
        One row per group (index ``group``): ``n``, and for each rate of
        :data:`DETAIL_RATES` ``<rate>_before``, ``<rate>_after``, ``<rate>_change``; then
        ``changed`` (expected decisions that differ from the base model's).
    verdicts : list of str
        One plain sentence per rate of the chosen gap: did its gap close by lifting the
        group with the lower rate, by lowering the group with the higher one (levelling
        down), both, or not at all.
    changed : float
        Expected number of test decisions that changed.
    rows : int
        Test rows.
    """

    table: pd.DataFrame
    verdicts: list
    changed: float
    rows: int


def point_detail(point, baseline, labels, *, gap_name: str = "demographic_parity_difference",
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> PointDetail:
    """Compare a point's per-group rates with the baseline's and explain how the gap moved.

    Parameters
    ----------
    point, baseline : SweepPoint
    labels : sequence of str
        Group labels.
    gap_name : str
        The gap of the chart; its rates get a verdict.
    min_group_size : int, default 30
        Groups with fewer test rows are shown but not used for the verdict.

    Returns
    -------
    PointDetail

    Notes
    -----
    For each rate of the gap, the groups with the lowest and the highest rate under the base
    model are followed. The gap *closed by lifting* when the low group's rate rose (by more
    than 0.5 points) while the high group's did not fall; *by levelling down* when the high
    group's rate fell while the low group's did not rise: the gap shrank without anyone
    being better served. Both moving is reported as both. For the selection rate and TPR a
    higher rate is the favourable outcome (the positive label); for the FPR the sentence
    says which way each group moved and leaves the judgement to the reader.
    """
    before = all_rates(np.asarray(baseline.counts, dtype=np.float64))
    after = all_rates(np.asarray(point.counts, dtype=np.float64))
    n = np.asarray(baseline.counts).sum(1)
    columns = {"n": np.rint(n).astype(np.int64)}
    for r in DETAIL_RATES:
        columns[f"{r}_before"], columns[f"{r}_after"] = before[r], after[r]
        columns[f"{r}_change"] = after[r] - before[r]
    columns["changed"] = np.asarray(point.changed, dtype=np.float64)
    table = pd.DataFrame(columns, index=pd.Index([str(g) for g in labels], name="group"))
    big = n >= min_group_size
    verdicts = [_verdict(r, before[r], after[r], table.index, big)
                for r in GAPS[gap_name].rates]
    return PointDetail(table, verdicts, float(np.sum(point.changed)), round(n.sum()))


def _verdict(rate: str, before: np.ndarray, after: np.ndarray, groups, big, *,
             name: str | None = None, show=None, gap_words=None, steady: float = STEADY,
             higher_is_better: bool = True, neutral: bool = False) -> str:
    """One sentence on how the gap of ``rate`` moved between the extreme groups.

    The worse-off group is the one with the lowest value (the highest when
    ``higher_is_better`` is False); ``neutral`` reports the moves without calling either
    group worse off.
    """
    name = name or RATE_SHORT.get(rate, rate).lower()
    show = show or (lambda v: f"{v:.1%}")
    gap_words = gap_words or _points
    ok = big & ~np.isnan(before) & ~np.isnan(after)
    if ok.sum() < 2:
        return f"Fewer than two groups have a defined {name}, so its gap cannot be followed."
    sign = 1.0 if higher_is_better else -1.0
    idx = np.flatnonzero(ok)
    low, high = idx[np.argmin(sign * before[idx])], idx[np.argmax(sign * before[idx])]
    lo_g, hi_g = groups[low], groups[high]
    b_lo, b_hi, a_lo, a_hi = before[low], before[high], after[low], after[high]
    gap_before, gap_after = abs(b_hi - b_lo), abs(a_hi - a_lo)
    moves = f"'{lo_g}' {show(b_lo)} → {show(a_lo)}, '{hi_g}' {show(b_hi)} → {show(a_hi)}"
    if gap_after > gap_before - steady:
        return (f"The {name} gap between '{lo_g}' and '{hi_g}' did not close "
                f"({gap_words(gap_before)} → {gap_words(gap_after)}; {moves}).")
    lifted = sign * (a_lo - b_lo) > steady
    lowered = sign * (b_hi - a_hi) > steady
    lead = f"The {name} gap closed from {gap_words(gap_before)} to {gap_words(gap_after)}"
    if neutral or rate == "fpr":
        tail = (" A lower false positive rate means fewer people wrongly flagged positive; "
                "whether that is a benefit depends on what a positive decision means here."
                if rate == "fpr" else " Whether a higher value is a benefit depends on what "
                "the target measures.")
        return f"{lead}: {moves}.{tail}"
    if lifted and not lowered:
        return f"{lead} by lifting the worse-off group: {moves}."
    if lowered and not lifted:
        return (f"{lead} by levelling down: the better-off group lost and the worse-off group "
                f"did not gain ({moves}).")
    return (f"{lead} partly by lifting the worse-off group and partly by levelling down the "
            f"better-off one ({moves}).")


def regression_detail(point, baseline, rows, *, gap_name: str = "mean_prediction_gap",
                      min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> PointDetail:
    """:func:`point_detail` for regression points: mean prediction and MAE per group.

    Parameters
    ----------
    point, baseline : SweepPoint
        Points with ``predictions`` on the test rows.
    rows : EvalRows
        The test rows (targets and groups).
    gap_name : str
        A name in :data:`fairdash.metrics.REGRESSION_GAPS`.
    min_group_size : int, default 30

    Returns
    -------
    PointDetail
        ``table`` has ``n``, ``mean_prediction_*`` and ``mae_*`` (``_before``, ``_after``,
        ``_change``) and ``changed``. An MAE or RMSE gap gets a lifting / levelling-down
        sentence on the MAE (lower is better: the worse-off group is the worst served); the
        other gaps get a sentence on the groups' mean predictions, without judging which way
        is better.
    """
    k = rows.k
    n = np.bincount(rows.codes, minlength=k).astype(np.float64)

    def per_group(values):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.bincount(rows.codes, weights=values, minlength=k) / n

    columns = {"n": n.astype(np.int64)}
    stats = {}
    for stat, f in (("mean_prediction", lambda p: p), ("mae", lambda p: np.abs(p - rows.y))):
        b, a = per_group(f(baseline.predictions)), per_group(f(point.predictions))
        columns[f"{stat}_before"], columns[f"{stat}_after"] = b, a
        columns[f"{stat}_change"] = a - b
        stats[stat] = (b, a)
    columns["changed"] = np.asarray(point.changed, dtype=np.float64)
    table = pd.DataFrame(columns, index=pd.Index(rows.labels, name="group"))
    big = n >= min_group_size
    spread = float(np.ptp(rows.y)) if len(rows.y) else 1.0
    show = (lambda v: f"{v:.3g}")
    kw = {"show": show, "gap_words": show, "steady": 0.001 * spread}
    if gap_name in ("mae_difference", "rmse_difference"):
        verdict = _verdict("mae", *stats["mae"], table.index, big, name="mean absolute error",
                           higher_is_better=False, **kw)
    else:
        verdict = _verdict("mean_prediction", *stats["mean_prediction"], table.index, big,
                           name="mean prediction", neutral=True, **kw)
    return PointDetail(table, [verdict], float(np.sum(point.changed)), int(n.sum()))


def _points(difference: float) -> str:
    return f"{100 * difference:.1f} percentage points"
