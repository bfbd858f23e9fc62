"""Logistic regression with a divergence penalty between the groups' scores (docs/methods.md §3)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from fairdash.exceptions import ModelError, RoleError
from fairdash.mitigation._inputs import (
    check_binary_target,
    encode_fit_groups,
    resolve_sensitive,
)

from ._divergences import divergence_to_pool, mmd2, sinkhorn_divergence, w2_1d
from ._linalg import design_matrix, inverse_sqrt, logistic_curvature

__all__ = ["FairPenaltyLogistic"]

_DIVERGENCES = ("sinkhorn", "mmd", "w2")
_CONSTRAINTS = ("demographic_parity", "equal_opportunity")
#: lambda = lambda0 * strength / (1 - strength) is capped at this multiple of lambda0
_LAMBDA_CAP = 100.0
_PAIR = {"mmd": mmd2, "w2": w2_1d}
#: floor of the unpenalised divergence in lambda0 = loss / divergence (groups already alike)
_MIN_DIVERGENCE = 1e-6


def penalised_objective(theta, X, y01, alpha, lam, penalty):
    """J(w, b) of model M1 and its gradient (docs/methods.md §3.2, 3.4).

    Returns ``(J, grad, data_loss, D)``; ``theta = [w, b]``; ``X`` is an array or a scipy sparse
    matrix; ``penalty(p)`` returns D and dD/dp; D is NaN (not evaluated) when ``lam == 0``.
    """
    n = X.shape[0]
    w, z = theta[:-1], X @ theta[:-1] + theta[-1]
    p = expit(z)
    data = float(np.mean(np.logaddexp(0.0, z) - y01 * z))
    dz = (p - y01) / n
    value, pen = data + 0.5 * alpha * (w @ w), np.nan
    if lam > 0:
        pen, g = penalty(p)
        value += lam * pen
        dz = dz + lam * g * p * (1.0 - p)
    return value, np.append(X.T @ dz + alpha * w, dz.sum()), data, pen


class _ScorePenalty:
    """D over fixed row subsamples, as a function of all rows' probabilities p.

    Two groups: D(group 0, group 1), each on up to ``n_penalty`` of its eligible rows. More groups:
    sum_s D(group s, pool), the pool being ``n_penalty`` rows drawn from all eligible rows (so it
    follows the mixture of the groups) (3.2). All subsamples are drawn once, in ``__init__``.
    """

    def __init__(self, codes, eligible, n_penalty, rng, name, params):
        self.name, self.params, self.state = name, params, {}
        self.samples = []
        for g in np.unique(codes[eligible]):
            rows = np.flatnonzero(eligible & (codes == g))
            self.samples.append(self._draw(rows, n_penalty, rng))
        if len(self.samples) > 2:
            self.pool = self._draw(np.flatnonzero(eligible), n_penalty, rng)

    @staticmethod
    def _draw(rows, size, rng):
        return rows if len(rows) <= size else np.sort(rng.choice(rows, size, replace=False))

    def __call__(self, p):
        n = len(p)
        if len(self.samples) == 2:
            r0, r1 = self.samples
            if self.name == "sinkhorn":
                value, g0, g1 = sinkhorn_divergence(p[r0], p[r1], state=self.state,
                                                    **self.params)
            else:
                value, g0, g1 = _PAIR[self.name](p[r0], p[r1], **self.params)
            return value, np.bincount(r0, g0, n) + np.bincount(r1, g1, n)
        value, grads, g_pool = divergence_to_pool(
            self.name, [p[r] for r in self.samples], p[self.pool], state=self.state, **self.params)
        grad = np.bincount(self.pool, g_pool, n)
        for rows, g in zip(self.samples, grads):
            grad += np.bincount(rows, g, n)
        return value, grad


class FairPenaltyLogistic(ClassifierMixin, BaseEstimator):
    """Logistic regression penalised by a divergence between the groups' predicted probabilities.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        0 fits the plain (L2-regularised) logistic regression; see Notes for the map to lambda.
    lam : float, optional
        Penalty weight lambda; overrides ``strength`` when given.
    divergence : {"sinkhorn", "mmd", "w2"}, default "sinkhorn"
        Debiased Sinkhorn divergence S_eps, multi-bandwidth Gaussian MMD^2, or exact 1-D W_2^2.
    eps : float, default 0.01
        Entropic regularisation of the Sinkhorn divergence.
    bandwidth : float, default 0.1
        MMD base bandwidth sigma; the kernels use sigma x {0.5, 1, 2}.
    alpha : float, optional
        L2 weight on the coefficients; default 1 / n (scikit-learn ``C = 1``).
    n_penalty : int, default 300
        Rows per group (drawn once, with ``random_state``) on which the divergence is computed;
        with more than two groups also the size of the pooled sample of all rows.
    constraint : {"demographic_parity", "equal_opportunity"}, default "demographic_parity"
        Equal opportunity compares the scores of the positive rows (y = 1) only; a group
        without positive rows is then left out of the penalty.
    max_iter : int, default 500
        L-BFGS-B iteration limit of each of the two fits.
    tol : float, default 1e-6
        L-BFGS-B tolerance on the projected gradient.
    random_state : int, RandomState or None
        Draws the penalty subsample.
    sensitive_column : int, optional
        Column of X holding the group, used only when ``fit`` gets no ``sensitive_features``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    lambda_ : float
        The penalty weight used.
    lambda0_ : float
        Loss / divergence of the unpenalised fit (the lambda at which the penalty term would equal
        the data loss there).
    alpha_ : float
    penalty_ : float
        Divergence D of the fitted model on the penalty subsample.
    penalty0_ : float
        Divergence D of the unpenalised fit.
    n_iter_ : int
        L-BFGS-B iterations of the last fit.
    history_ : pandas.DataFrame
        One row per L-BFGS-B iteration (iteration 0 = starting point) of each stage
        (``"unpenalised"``, then ``"penalised"`` when lambda > 0): ``objective``, ``data_loss``
        (mean cross-entropy) and ``penalty`` (D; not computed, NaN, in the unpenalised stage).
    groups_ : pandas.Index
        Group labels seen in training.

    Notes
    -----
    Model M1 of docs/methods.md §3.2 (after Oneto et al., "Exploiting MMD and Sinkhorn divergences
    for fair and transferable representation learning", NeurIPS 2020): with p = sigmoid(X w + b),

        J(w, b) = (1/n) sum_i CE(y_i, p_i) + (alpha / 2) ||w||^2 + lambda * D,

    D = D({p_i : s_i = 0}, {p_i : s_i = 1}) for two groups and sum_s D(group s, all rows) for more,
    each group (and "all rows") represented by a fixed random subsample of ``n_penalty`` rows.
    The penalty sees only eligible rows: all rows for demographic parity, the rows with y = 1
    for equal opportunity (3.2). J is minimised full-batch by L-BFGS-B with the analytic gradient
    dJ/dz_i = (p_i - y_i) / n + lambda * g_i * p_i (1 - p_i), g = dD/dp (3.4). A mostly-zero
    (one-hot) X is multiplied in sparse form, and the unpenalised fit runs over whitened
    coordinates theta = T theta' (T' H T = I, H = [X 1]'[X 1] / (4n) + the L2 term, the
    curvature at the origin): the same minimiser in a fraction of the iterations.

    Strength (3.6, registry): first the unpenalised model w0 is fitted (lambda = 0); then
    lambda0 = CE(w0) / max(D(w0), 1e-6), with CE the mean cross-entropy (without the L2 term) and
    D the divergence on the penalty subsample, and lambda = lambda0 * strength / (1 - strength),
    capped at 100 * lambda0 (so strength 1 gives 100 * lambda0). The penalised fit starts from w0.
    """

    def __init__(self, strength=1.0, lam=None, divergence="sinkhorn", eps=0.01, bandwidth=0.1,
                 alpha=None, n_penalty=300, constraint="demographic_parity", max_iter=500,
                 tol=1e-6, random_state=None, sensitive_column=None):
        self.strength = strength
        self.lam = lam
        self.divergence = divergence
        self.eps = eps
        self.bandwidth = bandwidth
        self.alpha = alpha
        self.n_penalty = n_penalty
        self.constraint = constraint
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.sensitive_column = sensitive_column

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def _check_params(self):
        name = type(self).__name__
        if not 0.0 <= float(self.strength) <= 1.0:
            raise ModelError(f"{name}: strength must lie in [0, 1]; got {self.strength}.")
        if self.divergence not in _DIVERGENCES:
            raise ModelError(f"{name}: divergence must be one of {_DIVERGENCES}; "
                             f"got {self.divergence!r}.")
        if self.constraint not in _CONSTRAINTS:
            raise ModelError(f"{name}: constraint must be one of {_CONSTRAINTS}; "
                             f"got {self.constraint!r}.")
        if self.lam is not None and not float(self.lam) >= 0:
            raise ModelError(f"{name}: lam must be a number >= 0; got {self.lam}.")
        for key in ("eps", "bandwidth", "n_penalty", "max_iter", "tol"):
            if not float(getattr(self, key)) > 0:
                raise ModelError(f"{name}: {key} must be positive; got {getattr(self, key)}.")
        if self.alpha is not None and not float(self.alpha) >= 0:
            raise ModelError(f"{name}: alpha must be >= 0; got {self.alpha}.")

    def _divergence_params(self):
        if self.divergence == "sinkhorn":
            return {"eps": float(self.eps)}
        if self.divergence == "mmd":
            return {"sigmas": float(self.bandwidth) * np.array([0.5, 1.0, 2.0])}
        return {}

    def fit(self, X, y, *, sensitive_features=None):
        """Fit the unpenalised model, derive lambda, then fit the penalised model from it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes; the larger label is the positive one.
        sensitive_features : array-like of shape (n_samples,), optional
            Group of each row (any hashable values). When None, column ``sensitive_column`` of X.

        Returns
        -------
        self
        """
        self._check_params()
        name = type(self).__name__
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, y01 = check_binary_target(y, name)
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, name)
        codes, self.groups_ = encode_fit_groups(s, X.shape[0], name, need_two_groups=True)
        n = X.shape[0]
        self.alpha_ = 1.0 / n if self.alpha is None else float(self.alpha)
        eligible = np.ones(n, bool) if self.constraint == "demographic_parity" else y01 == 1
        if len(np.unique(codes[eligible])) < 2:
            raise RoleError(f"{name} with constraint '{self.constraint}' needs rows of at least "
                            "two groups among the positive rows (y = 1).")
        penalty = _ScorePenalty(codes, eligible, int(self.n_penalty),
                                check_random_state(self.random_state), self.divergence,
                                self._divergence_params())

        # BLAS threads on these small products only add contention on a shared CPU (measured)
        with threadpool_limits(1):
            theta = self._fit_stages(design_matrix(X), y01, penalty)
        self.coef_ = theta[None, :-1].copy()
        self.intercept_ = theta[-1:].copy()
        return self

    def _fit_stages(self, X, y01, penalty):
        records = []
        # the unpenalised problem is solved in whitened coordinates (T' H T = I, H the curvature
        # of the loss at the origin plus the L2 term): same minimiser, a fraction of the
        # iterations on badly scaled (one-hot) features
        curvature = logistic_curvature(X)
        curvature[:-1, :-1] += self.alpha_ * np.eye(X.shape[1])
        theta0 = self._minimise(X, y01, np.zeros(X.shape[1] + 1), 0.0, penalty, records,
                                "unpenalised", transform=inverse_sqrt(curvature))
        z0 = X @ theta0[:-1] + theta0[-1]
        self.penalty0_ = float(penalty(expit(z0))[0])
        loss0 = float(np.mean(np.logaddexp(0.0, z0) - y01 * z0))
        self.lambda0_ = loss0 / max(self.penalty0_, _MIN_DIVERGENCE)
        if self.lam is not None:
            self.lambda_ = float(self.lam)
        else:
            s = float(self.strength)
            ratio = _LAMBDA_CAP if s >= 1.0 else min(s / (1.0 - s), _LAMBDA_CAP)
            self.lambda_ = self.lambda0_ * ratio
        theta, self.penalty_ = theta0, self.penalty0_
        if self.lambda_ > 0:
            theta = self._minimise(X, y01, theta0, self.lambda_, penalty, records, "penalised")
            self.penalty_ = float(penalty(expit(X @ theta[:-1] + theta[-1]))[0])
        self.history_ = pd.DataFrame.from_records(
            records, columns=["stage", "iteration", "objective", "data_loss", "penalty"])
        return theta

    def _minimise(self, X, y01, theta0, lam, penalty, records, stage, transform=None):
        """L-BFGS-B from theta0; over theta' with theta = transform @ theta' when given."""
        alpha = self.alpha_
        seen, count = {}, [0]
        T = np.eye(len(theta0)) if transform is None else transform

        def objective(point):
            theta = point if transform is None else T @ point
            value, grad, data, pen = penalised_objective(theta, X, y01, alpha, lam, penalty)
            seen.clear()
            seen[point.tobytes()] = (value, data, pen)
            return value, (grad if transform is None else T.T @ grad)

        def record(intermediate_result):
            vals = seen.get(intermediate_result.x.tobytes())
            if vals is None:  # not the last evaluated point: evaluate once more
                objective(intermediate_result.x)
                vals = seen[intermediate_result.x.tobytes()]
            count[0] += 1
            records.append((stage, count[0], *vals))

        start = theta0 if transform is None else np.linalg.solve(T, theta0)
        objective(start)
        records.append((stage, 0, *seen[start.tobytes()]))
        res = minimize(objective, start, jac=True, method="L-BFGS-B", callback=record,
                       options={"maxiter": int(self.max_iter), "gtol": float(self.tol),
                                "ftol": 64 * np.finfo(float).eps, "maxls": 50})
        self.n_iter_ = int(res.nit)
        if res.nit >= int(self.max_iter):
            warnings.warn(f"The penalised logistic regression ({stage} fit) stopped after "
                          f"{self.max_iter} iterations before converging, so it may sit slightly "
                          "off its optimum (max_iter raises the limit in Python).",
                          ConvergenceWarning, stacklevel=3)
        return res.x if transform is None else T @ res.x

    def decision_function(self, X):
        """Logit z = X w + b of the positive class, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X):
        """Columns [1 - p, p], p = sigmoid(X w + b)."""
        p = expit(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """The positive class where X w + b > 0, else the negative class."""
        positive = self.decision_function(X) > 0
        return self.classes_[positive.astype(int)]
