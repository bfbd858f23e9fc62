"""Optimal-transport repair towards the Wasserstein barycenter (Gordaliza et al. 2019; 6.3)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from fairdash.mitigation._inputs import check_unit, encode_fit_groups, encode_known_groups
from fairdash.mitigation.preprocessing._di_remover import (
    _check_columns,
    _check_n_quantiles,
    _quantile_grids,
    _repair_rows,
)

__all__ = ["OTRepair"]

_MODES = ("geometric", "random")
#: network-simplex iteration cap; POT's default (1e5) stops early on a few thousand rows
_EMD_MAX_ITER = 100_000_000
#: barycenter support size for the joint repair of K > 2 groups
_BARYCENTER_POINTS = 500
#: rows per group the barycenter's support is fitted on (POT's inner plans stay exact and the
#: fixed-point iterations take seconds); the final plans use all stored rows
_BARYCENTER_ROWS = 1000
#: fixed-point iterations of ot.lp.free_support_barycenter
_BARYCENTER_ITER = 30


def _emd_plan(a_rows: np.ndarray, b_rows: np.ndarray) -> np.ndarray:
    """Exact OT plan between two uniform empirical measures (squared Euclidean cost)."""
    import ot  # POT is imported only when a joint repair is fitted

    a = np.full(len(a_rows), 1.0 / len(a_rows))
    b = np.full(len(b_rows), 1.0 / len(b_rows))
    return ot.emd(a, b, ot.dist(a_rows, b_rows), numItermax=_EMD_MAX_ITER)


def _barycentric_map(plan: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """``T(x_i) = (G X_t)_i / (G 1)_i``."""
    return (plan @ targets) / plan.sum(axis=1, keepdims=True)


def _joint_displacements(supports: list[np.ndarray], p: np.ndarray, rng) -> tuple:
    """Displacement ``T_s(x) - x`` to the barycenter of every stored point, and the barycenter.

    Two groups: exact plan between them and displacement interpolation with weights ``p``;
    K > 2: free-support barycenter, then one plan from each group to it.
    """
    if len(supports) == 2:
        plan = _emd_plan(supports[0], supports[1])
        t01 = _barycentric_map(plan, supports[1])
        t10 = _barycentric_map(plan.T, supports[0])
        return [p[1] * (t01 - supports[0]), p[0] * (t10 - supports[1])], None
    import ot

    small = [S if len(S) <= _BARYCENTER_ROWS else
             S[rng.choice(len(S), size=_BARYCENTER_ROWS, replace=False)] for S in supports]
    pooled = np.concatenate(small)
    init = pooled[rng.choice(len(pooled), size=min(_BARYCENTER_POINTS, len(pooled)),
                             replace=False)]
    weights = [np.full(len(S), 1.0 / len(S)) for S in small]
    bary = ot.lp.free_support_barycenter(small, weights, init, weights=p,
                                         numItermax=_BARYCENTER_ITER)
    disps = [_barycentric_map(_emd_plan(S, bary), bary) - S for S in supports]
    return disps, bary


class OTRepair(TransformerMixin, BaseEstimator):
    """Move each group's features towards the groups' Wasserstein barycenter.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        ``lambda`` (0 = identity, 1 = total repair).
    lam : float in [0, 1], optional
        The native knob; overrides ``strength`` when given.
    mode : {"geometric", "random"}, default "geometric"
        ``geometric``: every row moves the share ``lambda`` of the way to its image.
        ``random``: each row moves all the way with probability ``lambda`` and stays otherwise
        (drawn anew in each ``transform`` from ``random_state``).
    joint : bool, default False
        False: repair each column separately (barycenter of the quantile functions).
        True: repair the columns jointly with exact OT plans (POT), fitted on at most
        ``max_rows_per_group`` rows per group.
    columns : sequence of int or boolean mask, optional
        Columns to repair; the others pass through unchanged. None = all.
    max_rows_per_group : int, default 5000
        Subsample size per group for the joint plans.
    random_state : int, RandomState or None
        Seeds the joint subsample and barycenter initialisation, and the random-mode draws.
    n_quantiles : int, default 1001
        Quantile levels per group and column of the marginal repair.

    Attributes
    ----------
    groups_ : pandas.Index
    group_counts_ : ndarray of shape (K,)
    group_weights_ : ndarray of shape (K,)
        ``p_s = n_s / n``.
    columns_ : ndarray of int
    lambda_ : float
    quantiles_, target_quantiles_ : ndarray
        Marginal repair only: ``Q_s`` per group and ``Q_B = sum_s p_s Q_s``.
    supports_, displacements_ : list of ndarray
        Joint repair only: the rows each group's plan was fitted on and ``T_s(x) - x`` for each.
    barycenter_ : ndarray or None
        Joint repair of K > 2 groups: the barycenter's support points.

    Notes
    -----
    Gordaliza, del Barrio, Gamboa & Loubes (ICML 2019), docs/methods.md §6.3.
    Marginal: :math:`Q_B(u) = \\sum_s p_s Q_s(u)`, :math:`T_s(x) = Q_B(F_s(x))` per column.
    Joint, two groups: plan :math:`G` between the groups (``ot.emd``),
    :math:`T_{01}(x_i) = (G X_1)_i / (G 1)_i` and the image of a group-0 row is
    :math:`x + p_1 (T_{01}(x) - x)` (symmetrically for group 1). Joint, K > 2:
    ``ot.lp.free_support_barycenter`` (500 support points, fitted on at most 1,000 rows per
    group) and one exact plan from each group's stored rows to it.
    Partial repair: geometric :math:`\\tilde x = x + \\lambda (T_s(x) - x)`; random
    :math:`\\tilde x = T_s(x)` with probability :math:`\\lambda`, else :math:`x`.
    A row not among the fitted rows moves like its nearest fitted row of the same group
    (:math:`x + T_s(x_{nn}) - x_{nn}`, as POT's ``EMDTransport`` does). Standardise the columns
    before a joint repair: the cost is Euclidean. The groups are needed at transform time.
    """

    def __init__(self, strength=1.0, lam=None, mode="geometric", joint=False, columns=None,
                 max_rows_per_group=5000, random_state=None, n_quantiles=1001):
        self.strength = strength
        self.lam = lam
        self.mode = mode
        self.joint = joint
        self.columns = columns
        self.max_rows_per_group = max_rows_per_group
        self.random_state = random_state
        self.n_quantiles = n_quantiles

    def fit(self, X, y=None, *, sensitive_features=None):
        """Fit the per-group maps to the barycenter.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : ignored
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only, required).

        Returns
        -------
        self
        """
        lam = check_unit(self.lam, "lam") if self.lam is not None else \
            check_unit(self.strength, "strength")
        if self.mode not in _MODES:
            raise ValueError(f"mode must be 'geometric' or 'random'; got {self.mode!r}.")
        G = _check_n_quantiles(self.n_quantiles)
        if int(self.max_rows_per_group) < 2:
            raise ValueError("max_rows_per_group must be at least 2; got "
                             f"{self.max_rows_per_group!r}.")
        X = validate_data(self, X, dtype=np.float64)
        owner = type(self).__name__
        codes, groups = encode_fit_groups(sensitive_features, len(X), owner)
        cols = _check_columns(self.columns, X.shape[1])
        K = len(groups)
        counts = np.bincount(codes, minlength=K)
        p = counts / counts.sum()
        self.groups_, self.group_counts_, self.group_weights_ = groups, counts, p
        self.columns_, self.lambda_ = cols, lam
        if not self.joint:
            grids, _ = _quantile_grids(X[:, cols], codes, K, G)
            self.quantiles_ = grids
            self.target_quantiles_ = np.tensordot(p, grids, axes=1)
            return self
        rng = check_random_state(self.random_state)
        supports = []
        for k in range(K):
            rows = np.flatnonzero(codes == k)
            if len(rows) > self.max_rows_per_group:
                rows = np.sort(rng.choice(rows, size=int(self.max_rows_per_group),
                                          replace=False))
            supports.append(X[np.ix_(rows, cols)])
        if K == 1 or len(cols) == 0:  # nothing to move
            disps, bary = [np.zeros_like(S) for S in supports], None
        else:
            disps, bary = _joint_displacements(supports, p, rng)
        self.supports_ = supports
        self.displacements_ = disps
        self.barycenter_ = bary
        self.neighbors_ = [NearestNeighbors(n_neighbors=1).fit(S) if len(cols) else None
                           for S in supports]
        return self

    def transform(self, X, *, sensitive_features=None):
        """Repair the columns ``columns_`` of ``X``.

        Parameters
        ----------
        X : array-like of shape (n, d)
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only, required); every group must occur in ``fit``.

        Returns
        -------
        ndarray of shape (n, d)
        """
        check_is_fitted(self)
        owner = type(self).__name__
        X = validate_data(self, X, dtype=np.float64, reset=False)
        codes = encode_known_groups(sensitive_features, self.groups_, len(X), owner)
        if self.lambda_ == 0.0 or len(self.columns_) == 0:
            return X.copy()
        if self.mode == "random":
            rng = check_random_state(self.random_state)
            weight = (rng.random_sample(len(X)) < self.lambda_).astype(float)
        else:
            weight = self.lambda_
        if not self.joint:
            return _repair_rows(X, codes, self.columns_, self.quantiles_,
                                self.target_quantiles_, weight)
        out = X.copy()
        per_row = np.ndim(weight) > 0
        for k, (nn, disp) in enumerate(zip(self.neighbors_, self.displacements_)):
            rows = np.flatnonzero(codes == k)
            if per_row:
                rows = rows[weight[rows] != 0]
            if rows.size == 0:
                continue
            sub = X[np.ix_(rows, self.columns_)]
            nearest = nn.kneighbors(sub, return_distance=False)[:, 0]
            w = weight[rows, None] if per_row else weight
            out[np.ix_(rows, self.columns_)] = sub + w * disp[nearest]
        return out

    def fit_transform(self, X, y=None, *, sensitive_features=None):
        """``fit`` then ``transform`` on the same rows."""
        return self.fit(X, y, sensitive_features=sensitive_features).transform(
            X, sensitive_features=sensitive_features)
