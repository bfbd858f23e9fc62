"""Disparate impact remover (Feldman et al. 2015; docs/methods.md §6.2) and the quantile-map core.

The per-feature repair maps of the disparate impact remover and of the marginal optimal-transport
repair differ only in the target quantile function (median vs weighted mean of the groups'
quantile functions); both use the functions below.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from fairdash.mitigation._inputs import check_unit, encode_fit_groups, encode_known_groups

__all__ = ["DisparateImpactRemover"]


def _check_columns(columns, n_features: int) -> np.ndarray:
    """Indices of the columns to repair (None = all), validated against ``n_features``."""
    if columns is None:
        return np.arange(n_features)
    cols = np.atleast_1d(np.asarray(columns))
    if cols.size == 0:
        return np.array([], dtype=np.intp)
    if cols.dtype == bool:
        if len(cols) != n_features:
            raise ValueError(f"A boolean columns mask needs {n_features} entries; got "
                             f"{len(cols)}.")
        return np.flatnonzero(cols)
    if not np.issubdtype(cols.dtype, np.integer):
        raise ValueError("columns must hold integer column indices of X; got "
                         f"{list(cols)[:5]}.")
    bad = cols[(cols < -n_features) | (cols >= n_features)]
    if len(bad):
        raise ValueError(f"Column index {int(bad[0])} is out of range for X with {n_features} "
                         "columns.")
    return np.unique(cols % n_features)


def _check_n_quantiles(n_quantiles) -> int:
    if isinstance(n_quantiles, bool) or not isinstance(n_quantiles, numbers.Integral) \
            or n_quantiles < 2:
        raise ValueError(f"n_quantiles must be an integer >= 2; got {n_quantiles!r}.")
    return int(n_quantiles)


def _quantile_grids(X: np.ndarray, codes: np.ndarray, n_groups: int,
                    n_quantiles: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-group quantile functions on ``n_quantiles`` equally spaced levels.

    Returns ``grids`` of shape (K, G, d) and the group sizes (K,).
    """
    levels = np.linspace(0.0, 1.0, n_quantiles)
    counts = np.bincount(codes, minlength=n_groups)
    grids = np.empty((n_groups, n_quantiles, X.shape[1]))
    for k in range(n_groups):
        grids[k] = np.quantile(X[codes == k], levels, axis=0)
    return grids, counts


def _quantile_map(x: np.ndarray, q: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``Q_target(F(x))`` with ``F`` the piecewise-linear inverse of the grid ``q``.

    ``F`` maps each distinct grid value to its position on the grid (0..G-1), the middle of
    the run for tied grid points (a discrete feature), and interpolates linearly in between,
    so tied values stay tied and a feature whose groups agree maps to itself. The composition
    with the piecewise-linear ``Q_target`` is one ``np.interp`` through the distinct grid
    values; values outside the grid clip to its ends.
    """
    knots, first, counts = np.unique(q, return_index=True, return_counts=True)
    pos = first + (counts - 1) / 2.0
    return np.interp(x, knots, np.interp(pos, np.arange(len(q), dtype=float), target))


def _repair_rows(X: np.ndarray, codes: np.ndarray, cols: np.ndarray, grids: np.ndarray,
                 target: np.ndarray, weight) -> np.ndarray:
    """``x + w (Q_target(F_s(x)) - x)`` on the columns ``cols``; ``w`` scalar or per row.

    Rows are gathered once in group order so that every group is one contiguous block.
    """
    out = np.array(X, dtype=float, copy=True)
    per_row = np.ndim(weight) > 0
    order = np.argsort(codes, kind="stable")
    if per_row:
        order = order[weight[order] != 0]
    starts = np.searchsorted(codes[order], np.arange(grids.shape[0] + 1))
    block = np.asfortranarray(X[order][:, cols])  # contiguous columns for np.interp
    w_all = weight[order] if per_row else weight
    for k in range(grids.shape[0]):
        lo, hi = starts[k], starts[k + 1]
        if hi == lo:
            continue
        w = w_all[lo:hi] if per_row else w_all
        for j in range(len(cols)):
            x = block[lo:hi, j]
            block[lo:hi, j] = x + w * (_quantile_map(x, grids[k, :, j], target[:, j]) - x)
    out[np.ix_(order, cols)] = block
    return out


class DisparateImpactRemover(TransformerMixin, BaseEstimator):
    """Move every numeric feature of each group towards the groups' median distribution.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        The repair level ``lambda`` (0 = identity, 1 = full repair).
    repair_level : float in [0, 1], optional
        The native knob; overrides ``strength`` when given.
    columns : sequence of int or boolean mask, optional
        Columns of ``X`` to repair; the others pass through unchanged. None = all.
    n_quantiles : int, default 1001
        Number of equally spaced quantile levels stored per group and column.

    Attributes
    ----------
    groups_ : pandas.Index
        Group labels seen in ``fit``.
    group_counts_ : ndarray of shape (K,)
    columns_ : ndarray of int
        Repaired columns.
    quantiles_ : ndarray of shape (K, n_quantiles, len(columns_))
        ``Q_s`` of every group on the level grid.
    target_quantiles_ : ndarray of shape (n_quantiles, len(columns_))
        ``Q_A``, the pointwise median of the groups' quantile functions.
    repair_level_ : float
        ``lambda`` used.

    Notes
    -----
    Feldman, Friedler, Moeller, Scheidegger & Venkatasubramanian (KDD 2015), docs/methods.md §6.2.
    Per column, with ``F_s``/``Q_s`` the CDF/quantile function of group ``s``:

    .. math:: Q_A(u) = \\operatorname{median}_s Q_s(u), \\qquad
              \\tilde x = (1 - \\lambda) x + \\lambda Q_A(F_s(x)).

    ``F_s`` is the piecewise-linear inverse of the stored grid (ties get the middle of their
    run; values outside the fitted range clip to its ends), so the map is non-decreasing and
    within-group ranks are preserved. Unlike AIF360 (which moves values in rank space of the
    observed values and repairs only the data it is given) this is the paper's continuous
    version and repairs new rows with the maps fitted on the training rows. The groups are
    needed at transform time too.
    """

    def __init__(self, strength=1.0, repair_level=None, columns=None, n_quantiles=1001):
        self.strength = strength
        self.repair_level = repair_level
        self.columns = columns
        self.n_quantiles = n_quantiles

    def _target(self, grids, counts):
        return np.median(grids, axis=0)

    def _native_level(self) -> float:
        if self.repair_level is not None:
            return check_unit(self.repair_level, "repair_level")
        return check_unit(self.strength, "strength")

    def fit(self, X, y=None, *, sensitive_features=None):
        """Store each group's quantile functions and the target of every repaired column.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Numeric features.
        y : ignored
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only, required).

        Returns
        -------
        self
        """
        owner = type(self).__name__
        level = self._native_level()
        G = _check_n_quantiles(self.n_quantiles)
        X = validate_data(self, X, dtype=np.float64)
        codes, groups = encode_fit_groups(sensitive_features, len(X), owner)
        cols = _check_columns(self.columns, X.shape[1])
        grids, counts = _quantile_grids(X[:, cols], codes, len(groups), G)
        self.groups_ = groups
        self.group_counts_ = counts
        self.columns_ = cols
        self.quantiles_ = grids
        self.target_quantiles_ = self._target(grids, counts)
        self.repair_level_ = level
        return self

    def transform(self, X, *, sensitive_features=None):
        """Repair the columns ``columns_`` of ``X`` with the fitted per-group maps.

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
        if self.repair_level_ == 0.0:
            return X.copy()
        return _repair_rows(X, codes, self.columns_, self.quantiles_, self.target_quantiles_,
                            self.repair_level_)

    def fit_transform(self, X, y=None, *, sensitive_features=None):
        """``fit`` then ``transform`` on the same rows."""
        return self.fit(X, y, sensitive_features=sensitive_features).transform(
            X, sensitive_features=sensitive_features)
