"""Decision rules of the group thresholds: three-level rules on a hull, mixed with the base rule.

A rule is, per group, a non-decreasing step function of the score: the probability that the
decision is 1 is ``levels[a, j]`` for a score with exactly ``j`` of the group's sorted cuts at
or below it. The three-level rule realising a hull point (docs/methods.md §4.4) has two cuts;
mixing it with the base model's rule ``score >= threshold`` adds one more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["StepRule", "base_parts", "mixed_rule", "rates_table", "realise"]


@dataclass(frozen=True, eq=False)
class StepRule:
    """Per group: sorted cuts and the decision probability between them.

    Attributes
    ----------
    cuts : ndarray of shape (K, m)
        Ascending score cuts of each group (``+inf`` allowed).
    levels : ndarray of shape (K, m + 1)
        ``levels[a, j]``: probability of a positive decision for a score of group ``a`` with
        exactly ``j`` cuts ``<= score``.
    """

    cuts: np.ndarray
    levels: np.ndarray

    def proba(self, scores: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Decision probability of each score (``codes``: group index of each row)."""
        level = np.zeros(len(scores), dtype=np.int64)
        for j in range(self.cuts.shape[1]):
            level += scores >= self.cuts[codes, j]
        return self.levels[codes, level]


def selected(sorted_scores: np.ndarray, cuts: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Expected positive decisions among sorted scores, for many rules of one group at once.

    Parameters
    ----------
    sorted_scores : ndarray of shape (n,), ascending
    cuts : ndarray of shape (S, m)
    levels : ndarray of shape (S, m + 1)

    Returns
    -------
    ndarray of shape (S,)
        ``sum_j levels[:, j] * (rows with exactly j cuts <= score)``: one binary search per cut,
        no pass over the rows; whole numbers for 0/1 levels.
    """
    n = len(sorted_scores)
    above = n - np.searchsorted(sorted_scores, cuts.ravel(), side="left").reshape(cuts.shape)
    edges = np.column_stack([np.full(len(cuts), n), above, np.zeros(len(cuts), dtype=np.int64)])
    return (levels * (edges[:, :-1] - edges[:, 1:])).sum(axis=1)


def realise(hull, target):
    """The three-level rule reaching ``target`` = (F, T) on or under a group's hull.

    Returns
    -------
    (thr_hi, thr_lo, probs, point)
        ``probs`` = (prob_lo, prob_mid, prob_hi); ``point`` the (FPR, TPR) the rule reaches.

    Notes
    -----
    docs/methods.md §4.4: on the hull edge i, i+1 around F, with
    ``w = (fpr[i+1] - F) / (fpr[i+1] - fpr[i])``, hull height ``T_up`` and
    ``q = (T - F) / (T_up - F)``, the probability is ``q + (1 - q) F`` for ``r >= thr[i]``,
    ``q (1 - w) + (1 - q) F`` for ``thr[i+1] <= r < thr[i]`` and ``(1 - q) F`` below.
    """
    (f, t, thr), (F, T) = hull, target
    m = len(f)
    i = int(np.clip(np.searchsorted(f, F, side="right") - 1, 0, m - 2))
    width = f[i + 1] - f[i]
    w = float(np.clip((f[i + 1] - F) / width, 0, 1)) if width > 0 else 0.0
    t_up = w * t[i] + (1 - w) * t[i + 1]
    q = float(np.clip((T - F) / (t_up - F), 0, 1)) if t_up - F > 1e-12 else 1.0
    probs = ((1 - q) * F, q * (1 - w) + (1 - q) * F, q + (1 - q) * F)
    point = (q * (w * f[i] + (1 - w) * f[i + 1]) + (1 - q) * F,
             q * (w * t[i] + (1 - w) * t[i + 1]) + (1 - q) * F)
    return thr[i], thr[i + 1], probs, point


def base_parts(threshold: float):
    """The base rule ``score >= threshold`` written as a three-level rule (thr_hi = thr_lo)."""
    return threshold, threshold, (0.0, 1.0, 1.0)


#: decision probabilities closer than this to 0 or 1 are 0 or 1 (linear-programming round-off)
SNAP = 1e-12


def mixed_rule(parts, threshold: float, share: float) -> StepRule:
    """``(1 - share) [score >= threshold] + share * three-level rule``, per group.

    Parameters
    ----------
    parts : list of (thr_hi, thr_lo, probs)
        Each group's three-level rule, ``probs`` = (prob_lo, prob_mid, prob_hi).
    threshold : float
        The base model's decision threshold.
    share : float in [0, 1]
        Weight of the three-level rule: 0 gives exactly the base rule, 1 exactly the
        three-level rule (each level is computed once, as ``(1 - share) b + share p``).
    """
    k = len(parts)
    hi = np.array([p[0] for p in parts], dtype=np.float64)
    lo = np.array([p[1] for p in parts], dtype=np.float64)
    probs = np.array([p[2] for p in parts], dtype=np.float64).reshape(k, 3)
    cuts = np.sort(np.column_stack([lo, hi, np.full(k, float(threshold))]), axis=1)
    # the level of a bucket is the rule's value at the bucket's lower cut (-inf for the first)
    at = np.column_stack([np.full(k, -np.inf), cuts])
    step = (at >= lo[:, None]).astype(np.int64) + (at >= hi[:, None])
    three = np.take_along_axis(probs, step, axis=1)
    base = (at >= threshold).astype(np.float64)
    levels = np.clip((1.0 - share) * base + share * three, 0.0, 1.0)
    # round-off of the LP (a level of 2.7e-15) is not a randomised decision
    levels[levels < SNAP] = 0.0
    levels[levels > 1.0 - SNAP] = 1.0
    return StepRule(cuts, levels)


def rates_table(points, labels, n_pos, n_neg, **extra) -> pd.DataFrame:
    """Per-group counts and expected rates of (FPR, TPR) points, with extra columns."""
    points = np.asarray(points, dtype=np.float64)
    f, t = points[:, 0], points[:, 1]
    n = n_pos + n_neg
    sel = (n_pos * t + n_neg * f) / n
    acc = (n_pos * t + n_neg * (1 - f)) / n
    return pd.DataFrame({"n": n.astype(np.int64), "n_pos": n_pos.astype(np.int64),
                         "n_neg": n_neg.astype(np.int64),
                         "fpr": np.where(n_neg > 0, f, np.nan),
                         "tpr": np.where(n_pos > 0, t, np.nan),
                         "selection_rate": sel, "accuracy": acc, **extra},
                        index=pd.Index(labels, name="group"))
