"""Prediction-distribution gaps between groups, exact: mean gap, KS, Wasserstein-1 and the
barycenter unfairness, for any real-valued output (regressor predictions or classifier scores).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.metrics._real_values import _codes, _values, _weights

__all__ = ["DISTRIBUTION_GAPS", "GRID_SIZE", "distribution_gaps"]

#: Quantile levels ``(j + 0.5) / GRID_SIZE`` on which distributions are compared (docs/methods.md §9.5).
GRID_SIZE = 1000

#: Names of the gaps :func:`distribution_gaps` returns, in order.
DISTRIBUTION_GAPS = ("mean_gap", "ks", "wasserstein_1", "barycenter_unfairness")


def _pair_distances(a, ca, b, cb) -> tuple[float, float]:
    """Exact KS and W1 between two samples, each sorted with its normalised cumulative weights
    (``c[0] = 0``, ``c[-1] = 1``), as ``scipy.stats`` computes them."""
    both = np.concatenate([a, b])
    both.sort(kind="mergesort")  # two sorted runs: a merge
    fa = ca[np.searchsorted(a, both, side="right")]
    fb = cb[np.searchsorted(b, both, side="right")]
    diff = np.abs(fa - fb)
    return float(diff.max()), float(np.dot(diff[:-1], np.diff(both)))


def _levels(grid_size: int) -> np.ndarray:
    return (np.arange(grid_size) + 0.5) / grid_size


def _rank_index(n: int, grid_size: int) -> np.ndarray:
    """0-based index of the order statistic at each grid level: ``ceil(u_j n) - 1``, computed
    in integers so that no level lands one row off by rounding."""
    j = np.arange(grid_size, dtype=np.int64)
    return ((2 * j + 1) * n + 2 * grid_size - 1) // (2 * grid_size) - 1


def _barycenter(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``sum_g p_g W2^2(nu_g, nu_bar)`` from quantile grids ``q`` (..., K, J) and group shares
    ``p`` (..., K)."""
    bar = np.matmul(p[..., None, :], q)  # (..., 1, J): the barycenter's quantile function
    return (p * np.square(q - bar).mean(-1)).sum(-1)


def distribution_gaps(values, groups, n_groups: int | None = None, *, sample_weight=None,
                      include=None, grid_size: int = GRID_SIZE) -> pd.Series:
    """How much the distribution of ``values`` differs between groups (no labels needed).

    Parameters
    ----------
    values : array-like of float, shape (n,)
        Predictions of a regressor, or the scores of a classifier.
    groups : array-like, Series or DataFrame
        Integer codes ``0..n_groups-1`` when ``n_groups`` is given, else any group labels
        (several columns form intersectional groups).
    n_groups : int, optional
    sample_weight : array-like, optional
    include : array-like of bool, shape (K,), optional
        Groups to compare (for example those above a minimum size); all by default.
    grid_size : int, default 1000
        Quantile levels for the barycenter unfairness.

    Returns
    -------
    Series indexed by ``gap``: ``mean_gap``, ``ks``, ``wasserstein_1``,
    ``barycenter_unfairness``; NaN when fewer than two groups are compared.

    Notes
    -----
    With ``F_g`` / ``Q_g`` the (weighted) distribution / quantile function of group ``g``
    (docs/methods.md §9.5):

    * mean gap ``= max_g mean_g - min_g mean_g``;
    * KS ``= max_{g,h} sup_t |F_g(t) - F_h(t)|`` (``scipy.stats.ks_2samp(a, b).statistic``);
    * W1 ``= max_{g,h} int |F_g(t) - F_h(t)| dt`` (``scipy.stats.wasserstein_distance``);
    * barycenter unfairness ``U = sum_g p_g W2^2(nu_g, nu_bar)``, where ``nu_bar`` has the
      quantile function ``sum_g p_g Q_g`` and ``p_g`` is the group's share of rows (weight),
      computed on the levels ``u_j = (j + 1/2) / J`` with ``Q_g(u) = inf {t : F_g(t) >= u}``.
      For Gaussian groups it tends to ``sum_g p_g ((mu_g - mu_bar)^2 + (sigma_g - sigma_bar)^2)``.

    KS and W1 are exact (one sort, then a merge per pair of groups, ``O((K - 1) n)``).
    """
    v = _values(values, "values")
    codes, labels = _codes(groups, n_groups, len(v))
    w = _weights(sample_weight, len(v))
    k = len(labels)
    wsum = np.bincount(codes, weights=w, minlength=k).astype(np.float64)
    inc = wsum > 0
    if include is not None:
        inc &= np.asarray(include, dtype=bool)
    keep = np.flatnonzero(inc)
    out = dict.fromkeys(DISTRIBUTION_GAPS, np.nan)
    if len(keep) >= 2:
        means = np.bincount(codes, weights=v if w is None else w * v, minlength=k)[keep] / \
            wsum[keep]
        out["mean_gap"] = float(means.max() - means.min())
        order = np.lexsort((v, codes))
        bounds = np.searchsorted(codes[order], np.arange(k + 1))
        samples, quantiles = [], []
        for g in keep:
            rows = order[bounds[g]:bounds[g + 1]]
            a = v[rows]
            if w is None:
                c = np.arange(len(a) + 1) / len(a)
                quantiles.append(a[_rank_index(len(a), grid_size)])
            else:
                c = np.concatenate([[0.0], np.cumsum(w[rows])]) / wsum[g]
                at = np.searchsorted(c[1:], _levels(grid_size), side="left")
                quantiles.append(a[np.minimum(at, len(a) - 1)])
            samples.append((a, c))
        ks = w1 = 0.0
        for i in range(len(samples)):
            for j in range(i + 1, len(samples)):
                pk, pw = _pair_distances(*samples[i], *samples[j])
                ks, w1 = max(ks, pk), max(w1, pw)
        out["ks"], out["wasserstein_1"] = ks, w1
        out["barycenter_unfairness"] = float(
            _barycenter(np.stack(quantiles), wsum[keep] / wsum[keep].sum()))
    return pd.Series(out, name="value", dtype=np.float64).rename_axis("gap")

