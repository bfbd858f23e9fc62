"""Metrics at any threshold from one sort per group (threshold sweeps, ROC, AUC)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.metrics._counts import as_binary


class ScoreIndex:
    """Scores sorted once per group, answering counts at any threshold from cumulative sums.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (n,)
    scores : array-like of float, shape (n,)
        Higher means more likely positive; the decision at threshold ``t`` is ``score >= t``.
    codes : ndarray of int, shape (n,)
        Group code per row.
    n_groups : int
    sample_weight : array-like, optional

    Notes
    -----
    Rows are sorted by (group, descending score) once, O(n log n). Counts at a threshold are then
    ``K`` binary searches plus prefix-sum look-ups, O(K log n), which is what lets a slider move
    at a million rows.
    """

    def __init__(self, y_true, scores, codes, n_groups: int, sample_weight=None):
        y = as_binary(y_true)
        s = np.asarray(scores, dtype=np.float64)
        codes = np.asarray(codes, dtype=np.int64)
        w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, float)
        order = np.lexsort((-s, codes))
        self.n_groups = n_groups
        self._neg_scores = -s[order]
        self._bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
        self._pos = np.concatenate([[0.0], np.cumsum(w[order] * y[order])])
        self._neg = np.concatenate([[0.0], np.cumsum(w[order] * (1 - y[order]))])
        self.score_range = (float(s.min()), float(s.max())) if len(s) else (0.0, 1.0)

    def counts_at(self, thresholds) -> np.ndarray:
        """Confusion counts at each threshold.

        Parameters
        ----------
        thresholds : float or array-like of shape (T,)

        Returns
        -------
        ndarray, shape (K, 4) for a scalar threshold, else (T, K, 4); columns ``tn, fp, fn, tp``.
        """
        t = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
        starts, ends = self._bounds[:-1], self._bounds[1:]
        # rows with score >= t are a prefix of each group's descending segment
        cut = np.empty((len(t), self.n_groups), dtype=np.int64)
        for g in range(self.n_groups):
            seg = self._neg_scores[starts[g]:ends[g]]
            cut[:, g] = starts[g] + np.searchsorted(seg, -t, side="right")
        tp = self._pos[cut] - self._pos[starts]
        fp = self._neg[cut] - self._neg[starts]
        pos = self._pos[ends] - self._pos[starts]
        neg = self._neg[ends] - self._neg[starts]
        out = np.stack([neg - fp, fp, pos - tp, tp], axis=-1)
        return out[0] if np.ndim(thresholds) == 0 else out

    def roc(self, labels, max_points: int = 300) -> pd.DataFrame:
        """ROC curve per group, thinned to at most ``max_points`` points a group for plotting.

        Returns
        -------
        DataFrame with columns ``group, threshold, fpr, tpr`` (one row per point).
        """
        frames = []
        for g in range(self.n_groups):
            fpr, tpr, thr = self._group_roc(g)
            if len(fpr) > max_points:
                keep = np.unique(np.linspace(0, len(fpr) - 1, max_points).round().astype(int))
                fpr, tpr, thr = fpr[keep], tpr[keep], thr[keep]
            frames.append(pd.DataFrame({"group": labels[g], "threshold": thr,
                                        "fpr": fpr, "tpr": tpr}))
        return pd.concat(frames, ignore_index=True)

    def auc(self) -> np.ndarray:
        """Area under each group's ROC curve (ties count one half); NaN without both labels."""
        out = np.full(self.n_groups, np.nan)
        for g in range(self.n_groups):
            fpr, tpr, _ = self._group_roc(g)
            if len(fpr) and not (np.isnan(fpr).any() or np.isnan(tpr).any()):
                out[g] = np.trapezoid(tpr, fpr)
        return out

    def _group_roc(self, g):
        a, b = self._bounds[g], self._bounds[g + 1]
        seg = self._neg_scores[a:b]
        # last index of each run of tied scores: one ROC point per distinct threshold
        last = np.flatnonzero(np.diff(seg, append=np.inf) != 0) + 1
        tp = self._pos[a + last] - self._pos[a]
        fp = self._neg[a + last] - self._neg[a]
        pos, neg = self._pos[b] - self._pos[a], self._neg[b] - self._neg[a]
        with np.errstate(invalid="ignore", divide="ignore"):
            tpr = np.concatenate([[0.0], tp / pos])
            fpr = np.concatenate([[0.0], fp / neg])
        thr = np.concatenate([[np.inf], -seg[last - 1]])
        return fpr, tpr, thr


def score_histograms(scores, codes, labels, bins: int = 40, value_range=(0.0, 1.0),
                     sample_weight=None) -> pd.DataFrame:
    """Share of each group's rows per score bin, for distribution plots at any data size.

    Parameters
    ----------
    scores, codes : array-like of shape (n,)
        Score and group code of each row.
    labels : sequence
        Group labels in code order.
    bins : int, default 40
    value_range : (float, float), default (0, 1)
    sample_weight : array-like of shape (n,), optional
        Rows each entry stands for (cells of counts from an engine); default 1 each.

    Returns
    -------
    DataFrame with columns ``group, bin_left, bin_right, count, share``.
    """
    s = np.asarray(scores, dtype=np.float64)
    codes = np.asarray(codes)
    lo, hi = value_range
    edges = np.linspace(lo, hi, bins + 1)
    idx = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, bins - 1)
    k = len(labels)
    counts = np.bincount(codes * bins + idx, weights=sample_weight,
                         minlength=k * bins).reshape(k, bins)
    totals = counts.sum(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(totals > 0, counts / np.where(totals > 0, totals, 1), 0.0)
    return pd.DataFrame({
        "group": np.repeat(np.asarray(labels, dtype=object), bins),
        "bin_left": np.tile(edges[:-1], k), "bin_right": np.tile(edges[1:], k),
        "count": counts.ravel().astype(np.int64), "share": share.ravel()})
