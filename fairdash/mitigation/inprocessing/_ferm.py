"""FERM classifiers: epsilon-constrained logistic regression (here) and the projected-kernel SVC
(:mod:`._projected_svc`, re-exported).

Donini, Oneto, Ben-David, Shawe-Taylor & Pontil (NeurIPS 2018); docs/methods.md §1.4 and 1.5.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.kernel_approximation import Nystroem
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from fairdash.mitigation._inputs import (
    check_binary_target,
    check_unit,
    encode_fit_groups,
    resolve_sensitive,
)
from fairdash.mitigation.preprocessing._ferm_projection import (
    _check_constraint,
    _direction_weights,
    _span_basis,
)

from ._ferm_common import _check_positive, _scale_gamma, _SignDecisionMixin
from ._linalg import design_matrix, inverse_sqrt, logistic_curvature
from ._projected_svc import ProjectedKernelSVC

__all__ = ["FERMClassifier", "ProjectedKernelSVC"]

#: Nystroem seed when random_state is None (docs/methods.md §1.8: a fixed random_state)
_NYSTROEM_SEED = 0


def _logistic_objective(base, R, y_pm: np.ndarray, lam: float, n_free: int, H: np.ndarray,
                        T: np.ndarray):
    """Mean logistic loss + (lam/2) ||w||^2 over whitened coordinates ``theta'``.

    ``theta = T theta' = [v, c, b]`` and the model coordinates are ``Z = base @ R`` (``R`` maps
    the rows of ``base``, the features or the kernel columns, to the reparametrised
    coordinates; ``Z`` itself is never formed). ``||w||^2 = ||v||^2 + c^T H c`` because
    ``w = Q_perp v + B c`` with ``Q_perp`` orthonormal and orthogonal to ``B``.
    """
    n = base.shape[0]
    D = R.shape[1]

    def fun(point):
        theta = T @ point
        w, b = theta[:D], theta[D]
        m = y_pm * (base @ (R @ w) + b)
        v, c = w[:n_free], w[n_free:]
        Hc = H @ c
        loss = -np.mean(log_expit(m)) + 0.5 * lam * (v @ v + c @ Hc)
        r = -y_pm * expit(-m) / n
        grad = np.empty_like(theta)
        grad[:D] = R.T @ (base.T @ r)
        grad[:n_free] += lam * v
        grad[n_free:D] += lam * Hc
        grad[D] = r.sum()
        return loss, T.T @ grad

    return fun


def _whitening(H: np.ndarray, n_free: int, r: int):
    """``T`` with ``T^T H T`` = I on the free block (v, b) and a unit diagonal on c.

    Coordinates ``[v (n_free), c (r), b]``. ``c`` carries box bounds, so each c_k may only be
    rescaled: ``c = s * c'``, ``[v, b] = T_f [v', b'] - H_ff^{-1} H_fc c`` with
    ``T_f^T H_ff T_f = I`` (the shift decouples c from the free block), and s_k = 1 / sqrt of
    the diagonal of the Schur complement ``H_cc - H_cf H_ff^{-1} H_fc``. Returns ``(T, s)``.
    """
    D = n_free + r
    free = np.r_[np.arange(n_free), D]
    box = np.arange(n_free, D)
    T = np.zeros((D + 1, D + 1))
    T_f = inverse_sqrt(H[np.ix_(free, free)])
    T[np.ix_(free, free)] = T_f
    if not r:
        return T, np.ones(0)
    H_fc = H[np.ix_(free, box)]
    shift = T_f @ (T_f.T @ H_fc)  # H_ff^{-1} H_fc, as H_ff^{-1} = T_f T_f^T
    schur = np.diag(H[np.ix_(box, box)] - H_fc.T @ shift)
    scale = 1.0 / np.sqrt(np.maximum(schur, 1e-12 * max(float(schur.max()), 1e-300)))
    T[np.ix_(free, box)] = -shift * scale
    T[box, box] = scale
    return T, scale


class FERMClassifier(_SignDecisionMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression whose mean score on the groups' positives may differ by at most eps.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        ``epsilon = (1 - strength) * e0`` with ``e0 = max_k |<w0, u_k>|`` of the unconstrained
        fit: 0 gives ``LogisticRegression(C)``, 1 gives the FERM constraint ``<w, u> = 0``.
    epsilon : float >= 0, optional
        The native bound; overrides ``strength`` when given.
    kernel : {"linear", "rbf"}, default "linear"
        ``rbf``: the same model on ``Nystroem`` RBF features (kernel FERM of the approximated
        kernel, docs/methods.md §1.5 b).
    C : float, default 1.0
        Inverse regularisation as in ``LogisticRegression``: ``lambda = 1 / (C n)``.
    constraint : {"equal_opportunity", "equalized_odds", "demographic_parity"}
        Which mean differences are bounded (positives; positives and negatives; all rows).
    n_components : int, default 500
        Nystroem features (``rbf`` only; at most the number of rows).
    gamma : "scale" or float, default "scale"
        RBF width, ``"scale"`` = ``1 / (d Var(X))`` as in ``SVC``.
    random_state : int or None
        Seed of the Nystroem sample (None = a fixed seed, 0).
    max_iter : int, default 1000
        L-BFGS-B iterations per solve.
    sensitive_column : int, optional
        Column of ``X`` that holds the groups, read when ``fit`` gets no
        ``sensitive_features``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, D)
        ``w`` in the (feature or Nystroem) coordinates; ``intercept_`` of shape (1,).
    u_ : ndarray of shape (m, D)
        Directions (group mean minus reference group mean over the positives, ...).
    e0_ : float
        ``max_k |<w0, u_k>|`` of the unconstrained fit.
    epsilon_ : float
        Bound used.
    n_iter_ : int
        L-BFGS-B iterations of the final solve.
    nystroem_ : Nystroem
        The fitted feature map (``kernel="rbf"`` only).

    Notes
    -----
    docs/methods.md §1.4. Minimise
    :math:`\\frac1n\\sum_i \\log(1 + e^{-y_i(\\langle w, x_i\\rangle + b)}) +
    \\frac{\\lambda}{2}\\|w\\|^2` subject to :math:`|\\langle w, u_k\\rangle| \\le \\varepsilon`.
    With :math:`Q_\\perp` an orthonormal basis of :math:`\\mathrm{span}\\{u_k\\}^\\perp` (QR) and
    :math:`B = U^T (U U^T)^{-1} \\mathrm{diag}\\|u_k\\|` (for two groups :math:`B = \\hat u`),
    :math:`w = Q_\\perp v + B c` gives :math:`\\langle w, u_k\\rangle = \\|u_k\\| c_k`, so the
    constraint is the box :math:`|c_k| \\le \\varepsilon / \\|u_k\\|` and L-BFGS-B solves it
    exactly (analytic gradient). Dependent directions (K > 2 groups) are dropped by a pivoted
    QR; the bound applies to the kept ones. The groups are needed in ``fit`` only.

    Both solves run over whitened coordinates :math:`\\theta = T\\theta'`, with
    :math:`T^T H T = I` for the curvature :math:`H` of the objective (logistic weights
    :math:`p(1-p)` at the start point, 1/4 at the origin) except that each :math:`c_k` is only
    rescaled, so the box stays a box: the same minimiser, reached in tens of iterations rather
    than hundreds. A mostly-zero (one-hot) X is multiplied in sparse form, and with the RBF
    kernel the Nystroem normalisation is folded into the coefficients instead of forming the
    features.
    """

    def __init__(self, strength=1.0, epsilon=None, kernel="linear", C=1.0,
                 constraint="equal_opportunity", n_components=500, gamma="scale",
                 random_state=None, max_iter=1000, sensitive_column=None):
        self.strength = strength
        self.epsilon = epsilon
        self.kernel = kernel
        self.C = C
        self.constraint = constraint
        self.n_components = n_components
        self.gamma = gamma
        self.random_state = random_state
        self.max_iter = max_iter
        self.sensitive_column = sensitive_column

    def _kernel_rows(self, X):
        """k(x, c_j) for the Nystroem components c_j: ``nystroem_.transform(X)`` is this
        times ``nystroem_.normalization_.T``, which the solver and the predictions fold into
        the coefficients instead (one product with the n x m matrix less)."""
        return rbf_kernel(X, self.nystroem_.components_, gamma=self.nystroem_.gamma)

    def _solve(self, base, R, y_pm, lam, n_free, H_c, x0, half, weights):
        """L-BFGS-B over whitened coordinates, |c_k| <= half_k (no bound when ``half`` is None);
        ``x0`` and the result in [v, c, b]; ``weights`` p (1 - p) of the curvature model (None:
        1/4, the origin's). Returns ``(theta, iterations)``."""
        r = R.shape[1] - n_free
        D = R.shape[1]
        # curvature of the loss (p (1 - p) weights; 1/4 at the origin) plus the L2 term
        G = logistic_curvature(base, weights)
        P = np.zeros((G.shape[0], D + 1))
        P[:-1, :D], P[-1, D] = R, 1.0
        H = P.T @ G @ P
        H[:n_free, :n_free] += lam * np.eye(n_free)
        H[n_free:D, n_free:D] += lam * H_c
        T, scale = _whitening(H, n_free, r)
        start, bounds = np.linalg.solve(T, x0), None
        if half is not None:
            box = np.asarray(half) / scale  # |c'_k| <= half_k / s_k
            bounds = [(None, None)] * n_free + list(zip(-box, box)) + [(None, None)]
            start[n_free:D] = np.clip(start[n_free:D], -box, box)
        fun = _logistic_objective(base, R, y_pm, lam, n_free, H_c, T)
        # one BLAS thread: each iteration is a few matrix-vector products, for which extra
        # threads only add overhead (and are very slow when the cores are busy)
        with threadpool_limits(1, user_api="blas"):
            res = minimize(fun, start, jac=True, method="L-BFGS-B", bounds=bounds,
                           options={"maxiter": int(self.max_iter), "gtol": 1e-8,
                                    "ftol": 1e-12})
        if not res.success and res.nit >= int(self.max_iter):
            warnings.warn(f"FERMClassifier's L-BFGS-B stopped after {res.nit} iterations "
                          "without converging; increase max_iter.", ConvergenceWarning,
                          stacklevel=3)
        theta = T @ res.x
        if bounds is not None:  # c = scale * c' exactly on the box
            theta[n_free:D] = scale * res.x[n_free:D]
        return theta, int(res.nit)

    def fit(self, X, y, *, sensitive_features=None):
        """Fit the unconstrained logistic model, read ``e0``, then fit under the bound.

        Parameters
        ----------
        X : array-like of shape (n, d)
            Numeric (standardised) features.
        y : array-like of shape (n,)
            Binary labels; the positive class is ``classes_[1]``.
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only).

        Returns
        -------
        self
        """
        owner = type(self).__name__
        strength = check_unit(self.strength, "strength")
        if self.epsilon is not None and (isinstance(self.epsilon, bool) or not isinstance(
                self.epsilon, numbers.Real) or self.epsilon < 0):
            raise ValueError(f"epsilon must be a number >= 0; got {self.epsilon!r}.")
        if self.kernel not in ("linear", "rbf"):
            raise ValueError(f"kernel must be 'linear' or 'rbf'; got {self.kernel!r}.")
        constraint = _check_constraint(self.constraint)
        C = _check_positive(self.C, "C")
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, _ = check_binary_target(y, owner)
        y_pm = np.where(y == self.classes_[1], 1.0, -1.0)
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, owner)
        codes, groups = encode_fit_groups(s, len(X), owner)
        if self.kernel == "rbf":
            seed = _NYSTROEM_SEED if self.random_state is None else self.random_state
            self.nystroem_ = Nystroem(kernel="rbf", gamma=_scale_gamma(self.gamma, X),
                                      n_components=min(int(self.n_components), len(X)),
                                      random_state=seed).fit(X)
            # the features are Phi = base @ R, never formed
            base, R = self._kernel_rows(X), self.nystroem_.normalization_.T
        else:
            base, R = design_matrix(X), np.eye(X.shape[1])
        n, D = X.shape[0], R.shape[1]
        M, names = _direction_weights(codes, groups, y_pm > 0, constraint, owner)
        MB = M.T @ base
        U = np.asarray(MB.toarray() if hasattr(MB, "toarray") else MB, dtype=float) @ R
        kept, _ = _span_basis(U)
        Uk = U[kept]
        r = len(kept)
        norms = np.linalg.norm(Uk, axis=1)
        if r:
            Q, _ = np.linalg.qr(Uk.T, mode="complete")
            B = Uk.T @ np.linalg.solve(Uk @ Uk.T, np.diag(norms))
            A = np.hstack([Q[:, r:], B])
        else:
            B, A = np.zeros((D, 0)), np.eye(D)
        RA = R @ A
        lam, H_c = 1.0 / (C * n), B.T @ B
        theta, n_iter = self._solve(base, RA, y_pm, lam, D - r, H_c, np.zeros(D + 1), None,
                                    None)
        e0 = float(np.max(norms * np.abs(theta[D - r:D]))) if r else 0.0
        eps = float(self.epsilon) if self.epsilon is not None else (1.0 - strength) * e0
        if r and eps < e0:
            x0 = theta.copy()
            x0[D - r:D] = np.clip(x0[D - r:D], -eps / norms, eps / norms)
            p = expit(base @ (RA @ theta[:D]) + theta[D])
            theta, n_iter = self._solve(base, RA, y_pm, lam, D - r, H_c, x0, eps / norms,
                                        p * (1.0 - p))
        self.coef_ = (A @ theta[:D])[None, :]
        self.intercept_ = np.array([theta[D]])
        self.u_ = U
        self.direction_names_ = names
        self.groups_ = groups
        self.e0_ = e0
        self.epsilon_ = eps
        self.n_iter_ = n_iter
        return self

    def decision_function(self, X):
        """``<w, phi(x)> + b``; positive values predict ``classes_[1]``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.kernel == "rbf":
            w = self.nystroem_.normalization_.T @ self.coef_[0]
            return self._kernel_rows(X) @ w + self.intercept_[0]
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X):
        """Logistic probabilities, columns in ``classes_`` order."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])
