"""Wasserstein-barycenter post-processing of scores, one sensitive attribute (docs/methods.md §2.2-2.6)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from fairdash.exceptions import DataError, RoleError
from fairdash.mitigation._inputs import (
    check_scores,
    check_unit,
    encode_fit_groups,
    encode_known_groups,
)

MIN_GROUP_WARN = 50
_BIG = 1 << 16      # above this many queries and sorted values, sort the queries first


def _ranks(sorted_values: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``searchsorted(sorted_values, queries, side="right")``, faster for large random queries.

    Binary searches of unsorted queries in a large array miss the cache at every step; sorting
    the queries first makes the searches walk the array once.
    """
    if len(queries) < _BIG or len(sorted_values) < _BIG:
        return np.searchsorted(sorted_values, queries, side="right")
    order = np.argsort(queries)
    out = np.empty(len(queries), dtype=np.int64)
    out[order] = np.searchsorted(sorted_values, queries[order], side="right")
    return out


def _group_slices(codes: np.ndarray, k: int):
    """Row indices sorted by group (radix sort) and the group boundaries."""
    small = codes.astype(np.int16) if k < 2**15 else codes
    order = np.argsort(small, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=k))])
    return order, bounds


class _QuantileMaps:
    """Fitted per-group maps v -> sum_{s' in stratum(s)} p_s' Q_s'(F_s(v)) (section 2.3).

    Groups are mapped to the barycenter of the groups of their own stratum (one stratum for the
    single-attribute method, the strata of the not yet repaired attributes in section 2.7). A
    stratum holding one group is left unchanged (its barycenter is itself).

    Per group s the ECDF can only take the values k / m_s (k = 0..m_s), so the fitted map is a
    table of m_s + 1 barycenter values: transform is one binary search and one lookup per row.
    """

    def __init__(self, values, codes, k, strata, sigma, split, rng, labels):
        n = len(values)
        jittered = values + rng.uniform(-sigma, sigma, n) if sigma > 0 else values
        order, bounds = _group_slices(codes, k)
        sizes = np.diff(bounds)
        strata = np.asarray(strata)
        self.identity = np.array([np.sum(strata == strata[g]) == 1 for g in range(k)])
        for g in np.flatnonzero(~self.identity & (sizes < 2)):
            raise RoleError(f"Group '{labels[g]}' has {sizes[g]} calibration row(s); the "
                            "barycenter needs at least 2 per group (and 50 for stable "
                            "quantiles). Merge it with another group or drop it.")
        self.small = [labels[g] for g in np.flatnonzero(~self.identity & (sizes < MIN_GROUP_WARN))]
        self.lo = np.full(k, np.inf)
        self.hi = np.full(k, -np.inf)
        cdf, qua = [], []
        for g in range(k):
            rows = order[bounds[g]:bounds[g + 1]]
            if len(rows):
                self.lo[g], self.hi[g] = values[rows].min(), values[rows].max()
            v = jittered[rows]
            if split and not self.identity[g]:
                v = rng.permutation(v)
                half = len(v) // 2
                cdf.append(np.sort(v[:half]))
                qua.append(np.sort(v[half:]))
            else:
                v = np.sort(v)
                cdf.append(v)
                qua.append(v)
        stratum_n = pd.Series(sizes).groupby(strata).transform("sum").to_numpy()
        self.weights = sizes / np.maximum(stratum_n, 1)
        self.cdf = cdf
        self.tables = []
        for g in range(k):
            if self.identity[g]:
                self.tables.append(None)
                continue
            m = len(cdf[g])
            levels = np.arange(m + 1, dtype=np.int64)        # ECDF = levels / m
            table = np.zeros(m + 1)
            for h in np.flatnonzero(strata == strata[g]):
                mq = len(qua[h])
                # generalised inverse Q(u) = v[ceil(u mq) - 1], Q(0) = v[0]; exact in integers
                idx = np.clip((levels * mq + m - 1) // m - 1, 0, mq - 1)
                table += self.weights[h] * qua[h][idx]
            self.tables.append(table)

    def apply(self, values, codes, rng, sigma, t):
        """Map ``values`` of groups ``codes``: t * value + (1 - t) * barycenter quantile."""
        k = len(self.tables)
        z = values + rng.uniform(-sigma, sigma, len(values)) if sigma > 0 else values
        out = values.copy()
        order, bounds = _group_slices(codes, k)
        outside = 0
        for g in range(k):
            rows = order[bounds[g]:bounds[g + 1]]
            if not len(rows):
                continue
            raw = values[rows]
            outside += int(np.count_nonzero((raw < self.lo[g]) | (raw > self.hi[g])))
            if self.tables[g] is None:
                continue
            fair = self.tables[g][_ranks(self.cdf[g], z[rows])]
            out[rows] = fair if t == 0 else t * raw + (1 - t) * fair
        return out, outside / len(values)


def _check_t(t, name="t"):
    t = float(t)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1] (1 = keep the original score, 0 = fully "
                         f"repaired); got {t}.")
    return t


def _default_sigma(sigma, scores):
    if sigma is not None:
        if not float(sigma) >= 0:
            raise ValueError(f"sigma must be >= 0; got {sigma}.")
        return float(sigma)
    return 1e-5 * float(scores.max() - scores.min())


def _clip(out, clip):
    if clip is None:
        return out
    lo, hi = clip
    return np.clip(out, lo, hi, out=out)


class BarycenterPostprocessor(TransformerMixin, BaseEstimator):
    """Move each group's scores to the Wasserstein barycenter of the groups' score distributions.

    Each score is replaced by the same quantile of the groups' average (barycenter) distribution,
    so after the repair every group's scores are distributed alike (demographic parity at every
    threshold) with the least squared change, and ranks inside a group are kept.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        Mapped to ``t_ = 1 - strength`` (0 = identity, 1 = full repair).
    t : float in [0, 1], optional
        Share of the original score kept (EquiPy's ``epsilon``); overrides ``strength``.
    sigma : float, optional
        Half-width of the uniform jitter added to calibration and input scores to break ties.
        Default ``1e-5 * (max - min)`` of the calibration scores; 0 disables it.
    split : bool, default False
        Use one half of each group's calibration rows for its CDF and the other half for its
        quantile function (the paper's independent samples) instead of all rows for both.
    clip : tuple (low, high), optional
        Clip the output, e.g. ``(0, 1)`` for probabilities (removes jitter overshoot).
    random_state : int, RandomState or None
        Seeds the jitter. Transform draws its jitter from a seed fixed at fit time, so the
        same input gives the same output.

    Attributes
    ----------
    groups_ : pandas.Index
    weights_ : pandas.Series
        p_s, the calibration share of each group.
    n_calibration_ : pandas.Series
        Calibration rows per group.
    t_ : float
    sigma_ : float
    out_of_range_ : float
        Share of the last transform's inputs outside their group's calibration range (they map
        to the extreme quantiles); NaN before the first transform.
    warnings_ : list of str

    Notes
    -----
    docs/methods.md §2.2-2.5 (Chzhen, Denis, Hebiri, Oneto & Pontil, NeurIPS 2020; Chzhen &
    Schreuder 2022)::

        g(v, s) = t v + (1 - t) sum_s' p_s' Q_s'(F_s(v~)),   v~ = v + U(-sigma, sigma)

    with ``F_s(z) = #{calibration values <= z} / m_s`` (jittered, sorted) and the step quantile
    ``Q_s(u) = v_(ceil(u m) - 1)`` (``Q(0) = v_(0)``); the step version matches the theory.
    Unfairness ``U = sum_s p_s W2^2(nu_s, nu_bar)`` scales as ``U(g_t) = t^2 U(f)`` and the
    change as ``E(g_t - f)^2 = (1 - t)^2 U(f)``. With a single group the map is the identity
    (the barycenter of one distribution is itself), so the input is returned unchanged.
    """

    def __init__(self, strength=1.0, t=None, sigma=None, split=False, clip=None,
                 random_state=None):
        self.strength = strength
        self.t = t
        self.sigma = sigma
        self.split = split
        self.clip = clip
        self.random_state = random_state

    def fit(self, scores, y=None, *, sensitive_features):
        """Fit the per-group CDFs and quantile functions on (unlabelled) calibration scores.

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
            Calibration scores, not the base model's training rows.
        y : ignored
        sensitive_features : array-like of shape (n,)

        Returns
        -------
        self
        """
        strength = check_unit(self.strength, "strength")
        self.t_ = _check_t(self.t) if self.t is not None else 1.0 - strength
        scores = check_scores(scores)
        codes, labels = encode_fit_groups(sensitive_features, len(scores), type(self).__name__,
                                          rows="scores", error=DataError)
        self.sigma_ = _default_sigma(self.sigma, scores)
        rng = check_random_state(self.random_state)
        k = len(labels)
        self._maps = _QuantileMaps(scores, codes, k, np.zeros(k, dtype=np.int64), self.sigma_,
                                   bool(self.split), rng, labels)
        self._seed = int(rng.randint(2**31 - 1))
        sizes = np.bincount(codes, minlength=k)
        self.groups_ = labels
        self.n_calibration_ = pd.Series(sizes, index=labels, name="n")
        self.weights_ = pd.Series(sizes / len(scores), index=labels, name="weight")
        self.warnings_ = [f"Group '{g}' has fewer than {MIN_GROUP_WARN} calibration rows; its "
                          "quantiles are noisy." for g in self._maps.small]
        for msg in self.warnings_:
            warnings.warn(msg, UserWarning, stacklevel=2)
        self.out_of_range_ = float("nan")
        return self

    def transform(self, scores, *, sensitive_features):
        """Repaired scores.

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
        sensitive_features : array-like of shape (n,)

        Returns
        -------
        ndarray of shape (n,)
        """
        check_is_fitted(self, "t_")
        scores = check_scores(scores)
        codes = encode_known_groups(sensitive_features, self.groups_, len(scores),
                                    type(self).__name__, rows="scores", error=DataError)
        rng = np.random.default_rng(self._seed)
        out, self.out_of_range_ = self._maps.apply(scores, codes, rng, self.sigma_, self.t_)
        return _clip(out, self.clip)

    def fit_transform(self, scores, y=None, *, sensitive_features):
        """``fit`` then ``transform`` on the same rows (only for exploration: use disjoint rows)."""
        return self.fit(scores, y, sensitive_features=sensitive_features).transform(
            scores, sensitive_features=sensitive_features)
