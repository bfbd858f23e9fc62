"""FERM orthogonal projection (Donini et al. 2018; docs/methods.md §1.3 A and 1.6).

Also holds the direction vectors ``u`` shared with the in-processing FERM estimators.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from fairdash.exceptions import RoleError
from fairdash.mitigation._inputs import check_unit, encode_fit_groups, resolve_sensitive

__all__ = ["FERMProjection"]

CONSTRAINTS = ("equal_opportunity", "equalized_odds", "demographic_parity")
#: fewer positives than this in a group make its mean (and so u) noisy (docs/methods.md §1.9)
MIN_ROWS_WARNING = 30
#: directions shorter than this are void (the groups already agree; docs/methods.md §1.9)
VOID_NORM = 1e-12


def _check_constraint(constraint) -> str:
    if constraint not in CONSTRAINTS:
        raise ValueError("constraint must be one of 'equal_opportunity', 'equalized_odds' or "
                         f"'demographic_parity'; got {constraint!r}.")
    return constraint


def _direction_weights(codes: np.ndarray, groups, positive, constraint: str,
                       owner: str) -> tuple[sp.csr_matrix, list[str]]:
    """Sparse (n, m) matrix ``M`` whose columns give the directions ``u_k = M[:, k]^T X``.

    Each direction is the difference between a group's mean and the reference group's mean
    (the last group, in sorted order, that has rows in the cell) over the rows of one cell:
    the positives (equal opportunity), also the negatives (equalized odds), or all rows
    (demographic parity); docs/methods.md §1.2 and 1.6.
    """
    n, K = len(codes), len(groups)
    if constraint == "demographic_parity":
        cells = [("rows", np.ones(n, dtype=bool))]
    elif constraint == "equal_opportunity":
        cells = [("positives", positive)]
    else:
        cells = [("positives", positive), ("negatives", ~positive)]
    data, rows, cols, names = [], [], [], []
    for cell, mask in cells:
        counts = np.bincount(codes[mask], minlength=K)
        present = np.flatnonzero(counts > 0)
        if len(present) < 2:
            have = ", ".join(f"'{groups[g]}'" for g in present) or "none"
            raise RoleError(f"{owner} needs {cell} in at least two groups to compare them; "
                            f"groups with {cell}: {have}.")
        absent = np.flatnonzero(counts == 0)
        if len(absent):
            warnings.warn(f"Group(s) {', '.join(repr(str(groups[g])) for g in absent)} have no "
                          f"{cell}; {owner} leaves them out of the constraint on the {cell}.",
                          UserWarning, stacklevel=3)
        small = present[counts[present] < MIN_ROWS_WARNING]
        if len(small):
            g = small[np.argmin(counts[small])]
            warnings.warn(f"Group '{groups[g]}' has only {counts[g]} {cell} (fewer than "
                          f"{MIN_ROWS_WARNING}), so {owner}'s direction u is noisy.",
                          UserWarning, stacklevel=3)
        ref = present[-1]
        ref_rows = np.flatnonzero(mask & (codes == ref))
        order = np.argsort(codes, kind="stable")
        order = order[mask[order]]
        starts = np.searchsorted(codes[order], np.arange(K + 1))
        for k in present[:-1]:
            k_rows = order[starts[k]:starts[k + 1]]
            j = len(names)
            rows += [k_rows, ref_rows]
            data += [np.full(len(k_rows), 1.0 / counts[k]),
                     np.full(len(ref_rows), -1.0 / counts[ref])]
            cols += [np.full(len(k_rows) + len(ref_rows), j)]
            names.append(f"{cell}: '{groups[k]}' minus '{groups[ref]}'")
    M = sp.csr_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(n, len(names)))
    return M, names


def _directions(X: np.ndarray, M: sp.csr_matrix) -> np.ndarray:
    """Rows ``u_k = M[:, k]^T X`` (m x d)."""
    return np.asarray((M.T @ X), dtype=float)


def _span_basis(U: np.ndarray, rtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Indices of a linearly independent subset of the rows of ``U`` and an orthonormal basis
    (d x r) of their span; void rows (norm < 1e-12) are dropped (QR with column pivoting)."""
    d = U.shape[1]
    alive = np.flatnonzero(np.linalg.norm(U, axis=1) >= VOID_NORM) if len(U) else \
        np.array([], dtype=int)
    if len(alive) == 0:
        return alive, np.zeros((d, 0))
    Q, R, piv = scipy.linalg.qr(U[alive].T, mode="economic", pivoting=True)
    diag = np.abs(np.diag(R))
    r = int(np.sum(diag > rtol * diag[0]))
    return np.sort(alive[piv[:r]]), Q[:, :r]


def _positive_rows(y, n_rows: int) -> np.ndarray:
    """Rows of the positive class: the largest label (1 for 0/1 labels)."""
    if y is None:
        raise ValueError("FERM requires y to be passed, but the target y is None.")
    y = column_or_1d(y, warn=True)
    if len(y) != n_rows:
        raise ValueError(f"X has {n_rows:,} rows but y has {len(y):,}.")
    return y == np.max(y)


class FERMProjection(TransformerMixin, BaseEstimator):
    """Remove from the data the directions along which the groups' positives differ on average.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        ``t``, the share of the directions removed: ``x -> x - t P_U x``. Intermediate values
        change a linear model little (it rescales its weight); use
        ``FERMClassifier`` for a tradeoff curve.
    constraint : {"equal_opportunity", "equalized_odds", "demographic_parity"}
        Which group means are equalised: of the positives, of the positives and of the
        negatives, or of all rows (surrogates, docs/methods.md §1.6).
    drop_sensitive : bool, default False
        Remove the column ``sensitive_column`` from ``X`` before projecting (needs
        ``sensitive_column``). The reference experiments keep it.
    sensitive_column : int, optional
        Column of ``X`` that holds the groups, read when ``fit`` gets no
        ``sensitive_features`` (and the column dropped by ``drop_sensitive``).

    Attributes
    ----------
    u_ : ndarray of shape (m, d)
        One direction per row: group mean minus the reference group's mean (the last group in
        sorted order) over the positives (and negatives, or all rows); m = K - 1 for equal
        opportunity with K groups.
    direction_names_ : list of str
    projection_ : ndarray of shape (d, d)
        ``I - t U^T (U U^T)^+ U``, symmetric; ``transform(X) = X @ projection_``.
    t_ : float
    groups_ : pandas.Index

    Notes
    -----
    Donini, Oneto, Ben-David, Shawe-Taylor & Pontil (NeurIPS 2018), docs/methods.md §1.3 A / 1.6.
    Two groups: :math:`u = \\bar x^{+}_a - \\bar x^{+}_b` and :math:`P = I - u u^T/\\|u\\|^2`.
    Any linear model with intercept trained on :math:`P x` has :math:`\\langle w, u\\rangle = 0`,
    so its mean decision values on the positives of the groups are equal on the training rows.
    K groups: the span of all directions is removed (orthonormal basis from a pivoted QR,
    dependent or void directions dropped). The positive class is the largest label (1 for 0/1
    labels). The groups are needed in ``fit`` only.
    """

    def __init__(self, strength=1.0, constraint="equal_opportunity", drop_sensitive=False,
                 sensitive_column=None):
        self.strength = strength
        self.constraint = constraint
        self.drop_sensitive = drop_sensitive
        self.sensitive_column = sensitive_column

    def _kept_columns(self, n_features: int) -> np.ndarray:
        keep = np.arange(n_features)
        if not self.drop_sensitive:
            return keep
        if self.sensitive_column is None or isinstance(self.sensitive_column, str):
            raise RoleError("drop_sensitive=True needs the index of the sensitive column of X "
                            "in sensitive_column.")
        return np.delete(keep, self.sensitive_column)

    def fit(self, X, y=None, *, sensitive_features=None):
        """Compute the directions ``u`` and the projection.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Numeric (standardised) features.
        y : array-like of shape (n,)
            Labels; not needed for ``constraint="demographic_parity"``.
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only).

        Returns
        -------
        self
        """
        t = check_unit(self.strength, "strength")
        constraint = _check_constraint(self.constraint)
        owner = type(self).__name__
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        if constraint == "demographic_parity" and y is None:
            positive = np.ones(len(X), dtype=bool)
        else:
            positive = _positive_rows(y, len(X))
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, owner)
        codes, groups = encode_fit_groups(s, len(X), owner)
        keep = self._kept_columns(X.shape[1])
        Xk = X[:, keep]
        M, names = _direction_weights(codes, groups, positive, constraint, owner)
        U = _directions(Xk, M)
        _, basis = _span_basis(U)
        self.u_ = U
        self.direction_names_ = names
        self.projection_ = np.eye(len(keep)) - t * (basis @ basis.T)
        self.t_ = t
        self.groups_ = groups
        self.kept_columns_ = keep
        return self

    def transform(self, X):
        """Project ``X`` (no groups needed): ``X[:, kept_columns_] @ projection_``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X[:, self.kept_columns_] @ self.projection_

    def fit_transform(self, X, y=None, *, sensitive_features=None):
        """``fit`` then ``transform`` on the same rows."""
        return self.fit(X, y, sensitive_features=sensitive_features).transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
