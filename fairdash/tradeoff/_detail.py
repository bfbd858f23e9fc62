"""One point of the front against the baseline: who moved, and did the gap close by lifting?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, GAPS, RATE_SHORT, all_rates

__all__ = ["DETAIL_RATES", "PointDetail", "point_detail"]

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


def _verdict(rate: str, before: np.ndarray, after: np.ndarray, groups, big) -> str:
    """One sentence on how the gap of ``rate`` moved between the extreme groups."""
    name = RATE_SHORT.get(rate, rate).lower()
    ok = big & ~np.isnan(before) & ~np.isnan(after)
    if ok.sum() < 2:
        return f"Fewer than two groups have a defined {name}, so its gap cannot be followed."
    idx = np.flatnonzero(ok)
    low, high = idx[np.argmin(before[idx])], idx[np.argmax(before[idx])]
    lo_g, hi_g = groups[low], groups[high]
    b_lo, b_hi, a_lo, a_hi = before[low], before[high], after[low], after[high]
    gap_before, gap_after = b_hi - b_lo, abs(a_hi - a_lo)
    moves = (f"'{lo_g}' {b_lo:.1%} → {a_lo:.1%}, '{hi_g}' {b_hi:.1%} → {a_hi:.1%}")
    if gap_after > gap_before - STEADY:
        return (f"The {name} gap between '{lo_g}' and '{hi_g}' did not close "
                f"({_points(gap_before)} → {_points(gap_after)}; {moves}).")
    lifted, lowered = a_lo - b_lo > STEADY, b_hi - a_hi > STEADY
    lead = f"The {name} gap closed from {_points(gap_before)} to {_points(gap_after)}"
    if rate == "fpr":
        return (f"{lead}: {moves}. A lower false positive rate means fewer people wrongly "
                "flagged positive; whether that is a benefit depends on what a positive "
                "decision means here.")
    if lifted and not lowered:
        return f"{lead} by lifting the worse-off group: {moves}."
    if lowered and not lifted:
        return (f"{lead} by levelling down: the better-off group lost and the worse-off group "
                f"did not gain ({moves}).")
    return (f"{lead} partly by lifting the worse-off group and partly by levelling down the "
            f"better-off one ({moves}).")


def _points(difference: float) -> str:
    return f"{100 * difference:.1f} percentage points"
