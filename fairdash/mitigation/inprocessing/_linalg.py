"""Shared numerics of the in-processing solvers: sparse design matrices and preconditioners.

Every full-batch solver here spends its time on the products X w and X' r, and L-BFGS needs many
of them when the features are badly scaled or correlated (one-hot blocks next to standardised
columns). Two remedies, neither of which changes the problem being solved:

* a mostly-zero design matrix (one-hot encoded data) is multiplied in CSR form;
* the solvers minimise over whitened coordinates theta = T theta', where T' H T = I for a fixed
  quadratic model H of the objective's curvature (a change of variables: the minimiser is the
  same, it is reached in far fewer iterations).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["design_matrix", "inverse_sqrt", "logistic_curvature"]

#: the design matrix is multiplied in CSR form when at most this share of its entries is non-zero
_SPARSE_DENSITY = 0.25
#: rows of a dense design matrix that its curvature model is averaged over (at least 10 per column)
_DENSE_ROWS = 5000
#: eigenvalues of a curvature model below this share of the largest are floored there
_EIGEN_FLOOR = 1e-12


def design_matrix(X: np.ndarray):
    """X as the solvers multiply it: CSR when at most a quarter of its entries are non-zero.

    The products are the same up to rounding (the sums run in another order).
    """
    if X.size and np.count_nonzero(X) <= _SPARSE_DENSITY * X.size:
        return sp.csr_matrix(X)
    return X


def logistic_curvature(X, weights=None) -> np.ndarray:
    """[X 1]' diag(w) [X 1] / n, shape (d + 1, d + 1): the Hessian of the mean logistic loss in
    (w, b) when w_i = p_i (1 - p_i) (all 1/4 at the origin, the default).

    For a dense X with more than max(5000, 10 d) rows the average runs over that many evenly
    spaced rows: a preconditioner needs the curvature's shape, not its last digits, and the
    full product would cost as much as the solve (n d^2 for a 500-column kernel map).
    """
    n = X.shape[0]
    w = np.full(n, 0.25) if weights is None else np.asarray(weights, dtype=float)
    rows = max(_DENSE_ROWS, 10 * X.shape[1])
    if not sp.issparse(X) and n > rows:
        keep = np.linspace(0, n - 1, rows).astype(np.intp)
        X, w, n = X[keep], w[keep], rows
    if sp.issparse(X):
        gram = (X.T @ X.multiply(w[:, None]).tocsr()).toarray()
    else:
        root = X * np.sqrt(w)[:, None]
        gram = root.T @ root
    col = np.asarray(X.T @ w).ravel()
    d = X.shape[1]
    H = np.empty((d + 1, d + 1))
    H[:d, :d] = gram
    H[:d, d] = H[d, :d] = col
    H[d, d] = w.sum()
    return H / n


def inverse_sqrt(H: np.ndarray) -> np.ndarray:
    """A matrix T with T' H T = I for a symmetric positive semi-definite H.

    From the eigendecomposition H = V diag(e) V', T = V diag(e)^(-1/2); eigenvalues below
    1e-12 times the largest are raised to that floor (directions H does not see get a large but
    finite scale).
    """
    e, V = np.linalg.eigh((H + H.T) / 2)
    top = max(float(e.max()), np.finfo(float).tiny) if len(e) else 1.0
    return V / np.sqrt(np.maximum(e, _EIGEN_FLOOR * top))
