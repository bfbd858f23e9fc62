"""The projected-kernel SVC of FERM: an RBF SVC on the kernel with the fairness directions
projected out.

Donini, Oneto, Ben-David, Shawe-Taylor & Pontil (NeurIPS 2018).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.svm import SVC
from sklearn.utils.validation import check_is_fitted, validate_data

from fairdash.mitigation._inputs import (
    check_binary_target,
    check_unit,
    encode_fit_groups,
    resolve_sensitive,
)
from fairdash.mitigation.preprocessing._ferm_projection import _check_constraint, _direction_weights

from ._ferm_common import _check_positive, _scale_gamma, _SignDecisionMixin

__all__ = ["ProjectedKernelSVC"]


class ProjectedKernelSVC(_SignDecisionMixin, ClassifierMixin, BaseEstimator):
    """RBF support vector classifier on the kernel with the direction ``u`` projected out.

    Parameters
    ----------
    C : float, default 1.0
    gamma : "scale" or float, default "scale"
        RBF width, ``"scale"`` = ``1 / (d Var(X))``.
    strength : float in [0, 1], default 1.0
        ``t`` in ``K_t = K - (2t - t^2) T G^+ T^T``: 0 is the plain ``SVC``, 1 the exact FERM
        constraint. Intermediate values change the model weakly (docs/methods.md §1.5).
    constraint : {"equal_opportunity", "equalized_odds", "demographic_parity"}
    sensitive_column : int, optional
        Column of ``X`` that holds the groups, read when ``fit`` gets no
        ``sensitive_features``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    svc_ : SVC
        Fitted on the precomputed projected kernel.
    gamma_ : float
    t_ : float
    tau_ : ndarray of shape (n_train, m)
        ``tau_k(x_i) = <phi(x_i), u_k>`` on the training rows.
    u_gram_ : ndarray of shape (m, m)
        ``<u_j, u_k>``; ``||u||^2`` for two groups.

    Notes
    -----
    docs/methods.md §1.5 a. With :math:`\\tau(x) = \\frac{1}{|I^+_a|}\\sum_{I^+_a} k(x_j, x) -
    \\frac{1}{|I^+_b|}\\sum_{I^+_b} k(x_j, x)` and
    :math:`\\|u\\|^2 = \\overline{K_{AA}} + \\overline{K_{BB}} - 2\\overline{K_{AB}}`,

    .. math:: \\tilde K(x, x') = k(x, x') - \\tau(x)\\tau(x') / \\|u\\|^2

    is the kernel of :math:`P\\phi`, so an SVC on it is the exact constrained problem
    :math:`\\langle w, u\\rangle = 0` and the mean decision values on the groups' positives are
    equal on the training rows. K groups: :math:`\\tilde K = K - T G^+ T^T` with
    :math:`G = \\langle u_j, u_k\\rangle`. Cost: O(n^2) memory; use
    ``FERMClassifier(kernel="rbf")`` above ~10,000 rows.
    """

    def __init__(self, C=1.0, gamma="scale", strength=1.0, constraint="equal_opportunity",
                 sensitive_column=None):
        self.C = C
        self.gamma = gamma
        self.strength = strength
        self.constraint = constraint
        self.sensitive_column = sensitive_column

    def fit(self, X, y, *, sensitive_features=None):
        """Fit an ``SVC`` on the projected training kernel.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
            Binary labels; the positive class is ``classes_[1]``.
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only).

        Returns
        -------
        self
        """
        owner = type(self).__name__
        t = check_unit(self.strength, "strength")
        constraint = _check_constraint(self.constraint)
        C = _check_positive(self.C, "C")
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, _ = check_binary_target(y, owner)
        if len(X) > 10_000:
            warnings.warn(f"ProjectedKernelSVC stores a {len(X):,} x {len(X):,} kernel; "
                          "FERMClassifier(kernel='rbf') scales better.", UserWarning,
                          stacklevel=2)
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, owner)
        codes, groups = encode_fit_groups(s, len(X), owner)
        M, _ = _direction_weights(codes, groups, y == self.classes_[1], constraint, owner)
        self.gamma_ = _scale_gamma(self.gamma, X)
        K = rbf_kernel(X, X, gamma=self.gamma_)
        tau = np.asarray((M.T @ K).T)
        gram = np.asarray(M.T @ tau)
        gram = (gram + gram.T) / 2
        vals, vecs = np.linalg.eigh(gram)
        top = vals.max() if len(vals) else 0.0
        keep = vals > max(1e-10 * top, 1e-24)
        self.gram_pinv_ = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T  # G^+
        self.t_ = t
        coef = 2 * t - t * t
        K_tilde = K - coef * (tau @ self.gram_pinv_ @ tau.T) if coef > 0 else K
        self.svc_ = SVC(C=C, kernel="precomputed").fit(K_tilde, y)
        self.X_fit_ = X
        self.tau_ = tau
        self.u_gram_ = gram
        self.direction_weights_ = M
        return self

    def _kernel(self, X) -> np.ndarray:
        """Projected kernel between ``X`` and the training rows."""
        K = rbf_kernel(X, self.X_fit_, gamma=self.gamma_)
        coef = 2 * self.t_ - self.t_ ** 2
        if coef == 0:
            return K
        tau = np.asarray((self.direction_weights_.T @ K.T).T)
        return K - coef * (tau @ self.gram_pinv_ @ self.tau_.T)

    def decision_function(self, X):
        """SVC decision values on the projected kernel; positive predicts ``classes_[1]``."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.svc_.decision_function(self._kernel(X))
