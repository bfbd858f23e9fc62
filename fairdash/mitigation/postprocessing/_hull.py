"""Per-group ROC curves from one sort, step thinning, and their upper convex hulls (§4.3).

No loop over thresholds: a radix sort of the rows by (group, label), a value sort of each bucket,
and one binary search of the sorted distinct thresholds per group (docs/methods.md §4.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GroupROC:
    """ROC points of one group, from the strictest threshold (+inf, point (0, 0)) to the loosest.

    ``fpr``/``tpr`` of a group without negatives/positives copy the defined rate (so the curve is
    the diagonal in that coordinate); ``n_pos``/``n_neg`` say which rates are real.
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    n_pos: float
    n_neg: float


def group_rocs(scores: np.ndarray, y: np.ndarray, codes: np.ndarray, k: int,
               weights: np.ndarray | None = None) -> list[GroupROC]:
    """ROC curve of every group, one point per distinct score plus (0, 0).

    A point at threshold ``thr`` is (share of the group's negatives with score >= thr, share of
    its positives with score >= thr): exactly what the rule ``score >= thr`` achieves. Rows are
    bucketed by (group, label) with one radix sort; each bucket's scores are sorted by value
    (no index sort); the rows below each distinct score are its first position in the merged
    sorted scores, and the positives below it one binary search of the sorted distinct scores
    in the sorted positives.

    With ``weights`` each row counts as that many rows (cells of counts from an engine): the
    curve is exactly the one of the rows repeated ``weights`` times, and ``n_pos``/``n_neg``
    are the weight totals. Rows of weight 0 must be left out by the caller.
    """
    if weights is not None:
        return _weighted_rocs(scores, y, codes, k, weights)
    key = codes * 2 + y
    small = key.astype(np.int16) if 2 * k < 2**15 else key
    order = np.argsort(small, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=2 * k))])
    values = scores[order]
    out = []
    for g in range(k):
        neg = np.sort(values[bounds[2 * g]:bounds[2 * g + 1]])
        pos = np.sort(values[bounds[2 * g + 1]:bounds[2 * g + 2]])
        both = np.sort(np.concatenate([neg, pos]), kind="stable")   # merge of two sorted runs
        # index of the first occurrence of each distinct score = rows strictly below it
        below = np.flatnonzero(np.concatenate([[True], both[1:] != both[:-1]])) \
            if len(both) else np.empty(0, dtype=np.int64)
        pos_below = np.searchsorted(pos, both[below], side="left")  # ascending queries: fast
        n_pos, n_neg = len(pos), len(neg)
        thr = np.concatenate([[np.inf], both[below][::-1]])         # strictest first
        tps = np.concatenate([[0], (n_pos - pos_below)[::-1]])
        fps = np.concatenate([[0], (n_neg - (below - pos_below))[::-1]])
        out.append(_roc(thr, tps, fps, n_pos, n_neg))
    return out


def _roc(thr, tps, fps, n_pos, n_neg) -> GroupROC:
    """A group's ROC from its true/false positives per threshold (strictest first)."""
    tpr = tps / n_pos if n_pos else None
    fpr = fps / n_neg if n_neg else None
    if tpr is None:
        tpr = fpr
    if fpr is None:
        fpr = tpr
    return GroupROC(fpr, tpr, thr, n_pos, n_neg)


def _weighted_rocs(scores, y, codes, k, weights) -> list[GroupROC]:
    """:func:`group_rocs` of weighted rows: one sort by (group, score), cumulative weights."""
    order = np.lexsort((scores, codes))
    s, g = scores[order], codes[order]
    w_pos = np.where(y[order] == 1, weights[order], 0.0)
    w_neg = np.where(y[order] == 1, 0.0, weights[order])
    bounds = np.searchsorted(g, np.arange(k + 1))
    out = []
    for a in range(k):
        lo, hi = bounds[a], bounds[a + 1]
        part = s[lo:hi]
        first = np.flatnonzero(np.concatenate([[True], part[1:] != part[:-1]])) \
            if len(part) else np.empty(0, dtype=np.int64)
        cum_pos = np.concatenate([[0.0], np.cumsum(w_pos[lo:hi])])
        cum_neg = np.concatenate([[0.0], np.cumsum(w_neg[lo:hi])])
        n_pos, n_neg = cum_pos[-1], cum_neg[-1]
        thr = np.concatenate([[np.inf], part[first][::-1]])       # strictest first
        tps = np.concatenate([[0.0], (n_pos - cum_pos[first])[::-1]])
        fps = np.concatenate([[0.0], (n_neg - cum_neg[first])[::-1]])
        out.append(_roc(thr, tps, fps, n_pos, n_neg))
    return out


def thin(n: int, max_points: int | None) -> np.ndarray:
    """At most ``max_points`` indices of ``0..n-1``, evenly spaced, both ends kept."""
    if max_points is None or n <= max_points:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, max(int(max_points), 2))).astype(np.int64))


def upper_hull(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Indices of the upper convex hull of points sorted by ``x`` (then ``y``), left to right.

    Repeatedly drops, all at once, every interior point that is on or below the chord of its two
    neighbours (such a point lies below a segment between points of the set, so it cannot be a
    hull vertex); when no point drops the chain is strictly concave, i.e. the upper hull. Few
    passes are needed for ROC curves; after 64 the sequential monotone chain finishes the job.
    """
    idx = np.arange(len(x))
    for _ in range(64):
        if len(idx) <= 2:
            return idx
        xa, xb, xc = x[idx[:-2]], x[idx[1:-1]], x[idx[2:]]
        ya, yb, yc = y[idx[:-2]], y[idx[1:-1]], y[idx[2:]]
        drop = (xb - xa) * (yc - ya) - (yb - ya) * (xc - xa) >= 0
        if not drop.any():
            return idx
        keep = np.ones(len(idx), dtype=bool)
        keep[1:-1] = ~drop
        idx = idx[keep]
    return idx[monotone_chain_upper(x[idx], y[idx])]


def monotone_chain_upper(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Andrew's monotone chain, upper half, for points sorted by x (reference implementation)."""
    hull: list[int] = []
    for i in range(len(x)):
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            if (x[a] - x[o]) * (y[i] - y[o]) - (y[a] - y[o]) * (x[i] - x[o]) >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return np.asarray(hull, dtype=np.int64)
