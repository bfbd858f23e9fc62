"""Exponentiated-gradient reduction (fairlearn) as a FairDash estimator (docs/methods.md §5)."""

from __future__ import annotations

import warnings

import numpy as np
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
    TruePositiveRateParity,
)
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from fairdash.exceptions import ModelError
from fairdash.mitigation._inputs import (
    check_binary_target,
    encode_fit_groups,
    resolve_sensitive,
)

from ._linalg import design_matrix

__all__ = ["ReductionsClassifier"]

_MOMENTS = {
    "demographic_parity": DemographicParity,
    "equal_opportunity": TruePositiveRateParity,
    "equalized_odds": EqualizedOdds,
}
#: the difference bound reached at strength 1 (registry: e0 * (0.005 / e0) ** strength)
_FINAL_BOUND = 0.005


def _largest_deviation(constraint, decisions, y01, codes):
    """max over groups a (and events E) of |E[h | A = a, E] - E[h | E]| on the training rows.

    The moments of fairlearn's DemographicParity (E = all rows), TruePositiveRateParity
    (E = {y = 1}) and EqualizedOdds (E = {y = 0}, {y = 1}), in numpy: fairlearn's own
    ``load_data`` costs O(groups) pandas operations.
    """
    events = {"demographic_parity": [np.ones(len(y01), bool)],
              "equal_opportunity": [y01 == 1],
              "equalized_odds": [y01 == 0, y01 == 1]}[constraint]
    worst = 0.0
    for event in events:
        if not event.any():
            continue
        h, g = decisions[event], codes[event]
        counts = np.bincount(g)
        present = counts > 0
        means = np.bincount(g, h)[present] / counts[present]
        worst = max(worst, float(np.abs(means - h.mean()).max()))
    return worst


class _BestResponses:
    """The training matrix (sparse when mostly zeros) and the best responses fitted on it so far.

    Shared by the clones of :class:`_WarmStartLogisticRegression` during one fit.
    """

    #: earlier best responses kept as starting points
    capacity = 32

    def __init__(self, X):
        self.X = X
        self.design = design_matrix(X)
        self.fits = []  # (coef, intercept, z, log(1 + e^z)) on the training rows

    def matches(self, X) -> bool:
        if self.X is None:
            return False
        if X is self.X:
            return True
        X = np.asarray(X)
        return X.shape == self.X.shape and np.array_equal(X, self.X)

    def release(self):
        """Drop the matrices and the stored fits (the end of the reduction)."""
        self.X = self.design = None
        self.fits = []

    def start(self, y01, weights, C):
        """The stored fit with the smallest weighted objective on (y01, weights), or None when
        the origin (all-zero coefficients) is better."""
        best, best_value = None, float(weights.sum() * np.log(2.0))  # the origin's objective
        wy = weights * y01
        for coef, intercept, z, softplus in self.fits:
            value = weights @ softplus - wy @ z + 0.5 / C * (coef @ coef)
            if value < best_value:
                best, best_value = (coef, intercept), value
        return best

    def add(self, coef, intercept):
        z = self.design @ coef + intercept
        self.fits.append((coef, intercept, z, np.logaddexp(0.0, z)))
        del self.fits[:-self.capacity]


class _WarmStartLogisticRegression(LogisticRegression):
    """``LogisticRegression`` for the reduction's best responses, warm-started.

    The same model, objective, solver and tolerance as ``LogisticRegression(max_iter=1000)``;
    each fit starts from the earlier best response (or the origin) with the smallest objective
    on the new relabelled, reweighted data, and multiplies a mostly-zero X in sparse form.
    The reduction clones its estimator for every best response; the clones share the store of
    earlier fits, which ``ReductionsClassifier`` drops once the reduction is done.
    """

    _store = None

    def __sklearn_clone__(self):
        twin = super().__sklearn_clone__()
        twin._store = self._store
        return twin

    def fit(self, X, y, sample_weight=None):
        store = self._store
        if store is None or not store.matches(X):
            return super().fit(X, y, sample_weight=sample_weight)
        y_arr = np.asarray(y)
        y01 = (y_arr == y_arr.max()).astype(float)
        weights = (np.ones(len(y01)) if sample_weight is None
                   else np.asarray(sample_weight, dtype=float))
        start = store.start(y01, weights, float(self.C))
        if start is not None:
            self.coef_, self.intercept_ = start[0][None, :].copy(), np.array([start[1]])
        super().fit(store.design, y, sample_weight=sample_weight)
        store.add(self.coef_[0].copy(), float(self.intercept_[0]))
        return self


class ReductionsClassifier(ClassifierMixin, BaseEstimator):
    """Randomised classifier from the exponentiated-gradient reduction (fairlearn).

    Parameters
    ----------
    estimator : classifier, optional
        Base learner honouring ``sample_weight``; default ``LogisticRegression(max_iter=1000)``
        (fitted warm-started, see Notes).
    constraint : {"demographic_parity", "equal_opportunity", "equalized_odds"}
        fairlearn ``DemographicParity``, ``TruePositiveRateParity`` or ``EqualizedOdds``.
    strength : float in [0, 1], default 1.0
        0 returns the unconstrained base estimator (no reduction is run); see Notes.
    difference_bound : float, optional
        The bound epsilon itself; overrides ``strength`` when given.
    max_iter : int, default 50
        Exponentiated-gradient iterations (each fits the base learner once).
    random_state : int, RandomState or None
        Default seed of :meth:`predict`'s draws (the fit itself is deterministic).
    sensitive_column : int, optional
        Column of X holding the group, used only when ``fit`` gets no ``sensitive_features``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    base_estimator_ : estimator
        The unconstrained base learner fitted on the training rows (used for ``e0_``).
    e0_ : float
        Largest per-group deviation of the unconstrained model on the training rows.
    difference_bound_ : float
        The bound epsilon used (also ``eps`` of ``ExponentiatedGradient``); ``e0_`` at strength 0.
    predictors_ : list of estimators
        Classifiers of the mixture (those with positive weight).
    weights_ : ndarray
        Their mixture weights (sum to one).
    best_gap_ : float
        Duality gap of the returned mixture (NaN when no reduction was run).
    n_oracle_calls_ : int
        Base-learner fits done by the reduction.
    n_iter_ : int
        Exponentiated-gradient iterations run (0 at strength 0).
    groups_ : pandas.Index

    Notes
    -----
    Agarwal et al., "A reductions approach to fair classification", ICML 2018, through
    ``fairlearn.reductions.ExponentiatedGradient`` (docs/methods.md §5.4): the constraint is
    |E[h | A = a, E] - E[h | E]| <= epsilon for every group a (and event E: all rows for demographic
    parity, each label for equalized odds, y = 1 for equal opportunity). Both the moment's
    ``difference_bound`` and ``eps`` (which sets the multiplier bound B = 1 / eps) are epsilon.

    Strength (registry): epsilon = e0 * (0.005 / e0) ** strength, a geometric path from the
    unconstrained model's largest deviation e0 (the moment above, computed on the
    base estimator's decisions) to 0.005; e0 is floored at 0.005 (an already fair base model
    keeps epsilon = 0.005). Strength 0 uses the base estimator without running the reduction.

    Decisions are random: ``decision_proba`` is the expected decision
    sum_t weights_t * h_t(X), ``predict`` draws each decision with that probability (0.3).
    At strength 0 the mixture is the base estimator alone, so ``decision_proba`` is its 0/1
    decisions, not its scores (those are ``base_estimator_.predict_proba``).

    The default base learner is ``LogisticRegression(max_iter=1000)`` (a subclass of it): each
    best response solves the same weighted logistic problem with the same solver and tolerance,
    but starts from the earlier best response with the smallest objective on the new weights
    instead of from zero, and multiplies a mostly-zero (one-hot) X in sparse form. Its
    coefficients agree with a cold start to the solver's tolerance; the reduction calls it
    dozens of times, so this is most of its cost.
    """

    def __init__(self, estimator=None, constraint="demographic_parity", strength=1.0,
                 difference_bound=None, max_iter=50, random_state=None, sensitive_column=None):
        self.estimator = estimator
        self.constraint = constraint
        self.strength = strength
        self.difference_bound = difference_bound
        self.max_iter = max_iter
        self.random_state = random_state
        self.sensitive_column = sensitive_column

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.non_deterministic = True
        return tags

    def _check_params(self):
        name = type(self).__name__
        if self.constraint not in _MOMENTS:
            raise ModelError(f"{name}: constraint must be one of {tuple(_MOMENTS)}; "
                             f"got {self.constraint!r}.")
        if not 0.0 <= float(self.strength) <= 1.0:
            raise ModelError(f"{name}: strength must lie in [0, 1]; got {self.strength}.")
        if self.difference_bound is not None and not float(self.difference_bound) > 0:
            raise ModelError(f"{name}: difference_bound must be positive; "
                             f"got {self.difference_bound}.")
        if not int(self.max_iter) >= 1:
            raise ModelError(f"{name}: max_iter must be at least 1; got {self.max_iter}.")

    def fit(self, X, y, *, sensitive_features=None):
        """Fit the base learner, derive epsilon, then run the reduction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes; the larger label is the positive one.
        sensitive_features : array-like of shape (n_samples,), optional
            Group of each row. When None, column ``sensitive_column`` of X.

        Returns
        -------
        self
        """
        self._check_params()
        name = type(self).__name__
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_, y01 = check_binary_target(y, name)
        y01 = y01.astype(int)
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, name)
        codes, self.groups_ = encode_fit_groups(s, X.shape[0], name, need_two_groups=True)
        store = None
        if self.estimator is None:
            base = _WarmStartLogisticRegression(max_iter=1000, warm_start=True)
            base._store = store = _BestResponses(X)
        else:
            base = self.estimator
        try:
            return self._fit_reduction(X, y01, codes, base)
        finally:
            if store is not None:  # the fit's scratch space, not part of the model
                store.release()
                for fitted in (getattr(self, "base_estimator_", None),
                               *getattr(self, "predictors_", ())):
                    if isinstance(fitted, _WarmStartLogisticRegression):
                        fitted._store = None

    def _fit_reduction(self, X, y01, codes, base):
        # the base learners are small: BLAS threads cost more than they save (measured)
        with threadpool_limits(1):
            self.base_estimator_ = clone(base).fit(X, y01)
            decisions = np.asarray(self.base_estimator_.predict(X), dtype=float)
            self.e0_ = _largest_deviation(self.constraint, decisions, y01, codes)
            if self.difference_bound is not None:
                self.difference_bound_ = float(self.difference_bound)
            else:
                e0 = max(self.e0_, _FINAL_BOUND)
                self.difference_bound_ = e0 * (_FINAL_BOUND / e0) ** float(self.strength)
            if self.difference_bound is None and float(self.strength) == 0.0:
                self.predictors_, self.weights_ = [self.base_estimator_], np.ones(1)
                self.best_gap_, self.n_oracle_calls_, self.n_iter_ = float("nan"), 0, 0
                return self
            moment = _MOMENTS[self.constraint](difference_bound=self.difference_bound_)
            mitigator = ExponentiatedGradient(clone(base), constraints=moment,
                                              eps=self.difference_bound_,
                                              max_iter=int(self.max_iter), nu=None, eta0=2.0)
            with warnings.catch_warnings():
                # pandas 3 deprecations inside fairlearn 0.15 (Series.at enlargement): not ours
                warnings.filterwarnings("ignore", category=DeprecationWarning,
                                        module=r"fairlearn\.")
                mitigator.fit(X, y01, sensitive_features=codes)
        keep = mitigator.weights_.to_numpy() > 0
        index = mitigator.weights_.index[keep]
        self.predictors_ = [mitigator.predictors_[i] for i in index]
        self.weights_ = np.array(mitigator.weights_[index], dtype=float)
        self.weights_ /= self.weights_.sum()
        self.best_gap_ = float(mitigator.best_gap_)
        self.n_oracle_calls_ = int(mitigator.n_oracle_calls_)
        self.n_iter_ = int(mitigator.last_iter_) + 1
        return self

    def decision_proba(self, X):
        """Probability that the (randomised) decision is the positive class, shape (n_samples,)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        out = np.zeros(X.shape[0])
        for weight, predictor in zip(self.weights_, self.predictors_):
            out += weight * np.asarray(predictor.predict(X), dtype=float)
        return np.clip(out, 0.0, 1.0)

    def predict_proba(self, X):
        """Columns [1 - q, q], q = :meth:`decision_proba` (the decision law, not a calibrated score)."""
        q = self.decision_proba(X)
        return np.column_stack([1.0 - q, q])

    def predict(self, X, random_state=None):
        """Draw each decision: positive class with probability :meth:`decision_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        random_state : int, RandomState or None
            Seed of the draws; None uses the estimator's ``random_state``.
        """
        q = self.decision_proba(X)
        seed = self.random_state if random_state is None else random_state
        draws = check_random_state(seed).random_sample(len(q))
        return self.classes_[(draws < q).astype(int)]
