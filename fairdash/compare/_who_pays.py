"""Who pays for a model update: the group it newly fails most, and whether that is clear.

"Clear" is decided as the Audit page decides it for a gap (:func:`fairdash.metrics.explain_gap`):
a permutation test of the largest-minus-smallest negative flip rate over the groups, with
group labels shuffled over the rows, and a difference is clear when p < 0.05. A gap the test
cannot tell from chance is reported as "no clear difference", whichever group is ahead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CLEAR_P_VALUE", "WhoPays", "who_pays"]

#: p-values below this count as a clear difference (as on the Audit page)
CLEAR_P_VALUE = 0.05


@dataclass(frozen=True)
class WhoPays:
    """The group an update newly fails most, against the group it fails least.

    Attributes
    ----------
    worst, best : str or None
        Groups (of at least ``min_group_size`` rows) with the highest and the lowest negative
        flip rate (NFR); None with fewer than two such groups.
    worst_nfr, best_nfr : float
        Their NFR: the share of their rows the old model decided right and the new one wrong.
    worst_n : int
        Rows of ``worst``.
    worst_conditional_nfr : float
        NFR of ``worst`` among the rows the old model decided right.
    gap : float
        ``worst_nfr - best_nfr`` (the report's ``nfr_gap``).
    p_value : float
        Share of data sets with group labels shuffled whose NFR gap is at least ``gap``
        (+1 smoothed); NaN when no test is possible.
    clear : bool
        True when ``p_value < CLEAR_P_VALUE``.
    n_resamples : int
    sentence : str
        One plain sentence for the reader.
    """

    worst: str | None
    best: str | None
    worst_nfr: float
    best_nfr: float
    worst_n: int
    worst_conditional_nfr: float
    gap: float
    p_value: float
    clear: bool
    n_resamples: int
    sentence: str


def who_pays(report, *, n_resamples: int = 1000, random_state: int = 0) -> WhoPays:
    """Name the group an update fails most, and say whether the difference is clear.

    Parameters
    ----------
    report : FlipReport
        From :func:`fairdash.compare.flip_report` (groups under its ``min_group_size`` are
        left out, as in its ``nfr_gap``).
    n_resamples : int, default 1000
        Permutations of the group labels.
    random_state : int, default 0

    Returns
    -------
    WhoPays

    Notes
    -----
    Each row carries its (expected) negative flip ``a (1 - b)`` (``a``, ``b`` = probability
    the old and the new model decide it right; 0 for rows whose decision did not change).
    Under "the update fails every group alike" these values are exchangeable between groups,
    so shuffling them over the rows gives the null distribution of the largest-minus-smallest
    NFR, exactly as the audit tests its gaps (docs/methods.md §9.6).
    """
    groups = report.groups
    big = groups[~groups["small"]].dropna(subset=["nfr"])
    if len(big) < 2:
        sentence = ("Fewer than two groups are large enough to compare, so FairDash cannot say "
                    "who pays for the update.")
        return WhoPays(None, None, math.nan, math.nan, 0, math.nan, math.nan, math.nan, False,
                       n_resamples, sentence)
    worst, best = str(big["nfr"].idxmax()), str(big["nfr"].idxmin())
    gap = float(report.nfr_gap)
    p = _permutation_p(report, gap, n_resamples, random_state)
    clear = bool(p < CLEAR_P_VALUE)
    row = big.loc[worst]
    result = dict(worst=worst, best=best, worst_nfr=float(row["nfr"]),
                  best_nfr=float(big.loc[best, "nfr"]), worst_n=int(row["n"]),
                  worst_conditional_nfr=float(row["conditional_nfr"]), gap=gap, p_value=p,
                  clear=clear, n_resamples=n_resamples)
    return WhoPays(**result, sentence=_sentence(**result))


def _permutation_p(report, gap: float, n_resamples: int, random_state: int) -> float:
    """p-value of the NFR gap with group labels shuffled over the rows."""
    labels = [str(g) for g in report.groups.index]
    sizes = report.groups["n"].to_numpy(dtype=np.int64)
    include = ~report.groups["small"].to_numpy(dtype=bool)
    flips = report.flips
    y = flips["y"].to_numpy(dtype=np.float64)
    old, new = flips["old"].to_numpy(dtype=np.float64), flips["new"].to_numpy(dtype=np.float64)
    a = y * old + (1 - y) * (1 - old)
    b = y * new + (1 - y) * (1 - new)
    values = a * (1 - b)
    values = values[values > 0]
    if len(values) == 0:                      # nobody newly failed: nothing to test
        return 1.0
    n, m = int(sizes.sum()), len(values)
    edges = np.cumsum(sizes)
    rng = np.random.default_rng(random_state)
    null = np.empty(n_resamples)
    denominators = np.where(sizes > 0, sizes, 1).astype(np.float64)
    for i in range(n_resamples):
        where = np.searchsorted(edges, rng.choice(n, m, replace=False), side="right")
        nfr = np.bincount(where, weights=values, minlength=len(labels)) / denominators
        kept = nfr[include]
        null[i] = kept.max() - kept.min()
    hits = int((null >= gap - 1e-12).sum())
    return float((1 + hits) / (1 + n_resamples))


def _sentence(*, worst, best, worst_nfr, best_nfr, worst_n, worst_conditional_nfr, gap,
              p_value, clear, n_resamples) -> str:
    if worst_nfr == 0:
        return ("No row is newly decided wrong: the update fails no one the old model served "
                "right, in any group.")
    if clear:
        evidence = (f"p < {1 / n_resamples:.3g}" if p_value <= 1 / (n_resamples + 1) + 1e-12
                    else f"p = {p_value:.3f}")
        return (f"'{worst}' pays the most for the update: {worst_nfr:.2%} of its "
                f"{worst_n:,} rows are newly decided wrong ({worst_conditional_nfr:.2%} of those "
                f"the old model served right), against {best_nfr:.2%} for '{best}', a gap of "
                f"{100 * gap:.2f} percentage points ({evidence}: a gap this large is unlikely if "
                "the update treated the groups alike).")
    return (f"No clear difference between groups: '{worst}' has the most rows newly decided "
            f"wrong ({worst_nfr:.2%} of its {worst_n:,} rows) and '{best}' the fewest "
            f"({best_nfr:.2%}), but a gap of {100 * gap:.2f} percentage points often appears by "
            f"chance at these group sizes (p = {p_value:.2f}).")
