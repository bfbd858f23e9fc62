"""Positive-congruent training: a new model that keeps what the old one got right (docs/methods.md §7).

Focal distillation with the KL divergence at temperature 1 is exactly a weighted log-loss fit on
soft targets (7.3), so any learner that takes ``sample_weight`` can be trained with it by
duplicating each row into a positive and a negative copy.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from fairdash.mitigation._inputs import check_unit

__all__ = ["CongruentReweighedClassifier", "PositiveCongruentClassifier"]

#: lambda at strength 1 (docs/methods.md §7.2: lambda in {0, 0.3, 1, 3})
MAX_LAMBDA = 3.0
MODES = ("distill", "reweight")


class PositiveCongruentClassifier(ClassifierMixin, BaseEstimator):
    """Train a new classifier that avoids negative flips against an old model.

    Parameters
    ----------
    estimator : classifier, optional
        Learner minimising a weighted log-loss (``fit(X, y, sample_weight=...)``);
        default ``LogisticRegression(max_iter=1000)``.
    strength : float in [0, 1], default 1.0
        Mapped to the distillation weight ``lam_ = 3 * strength`` (0 = plain retraining).
    alpha, beta : float, default 1.0 and 5.0
        Focal weights ``w_i = alpha + beta * [old right on i]``: beta > 0 focuses the
        distillation on the rows the old model got right.
    mode : {"distill", "reweight"}, default "distill"
        ``"distill"``: focal distillation, FD-KL with T = 1, exact (see Notes).
        ``"reweight"``: hard labels with weights ``1 + lam * w_i`` (cheaper, weaker).
    fairness : {None, "reweighing"}, default None
        Combine with a fairness method: ``"reweighing"`` multiplies every row's weight by the
        reweighing weight of its (group, label) cell at the same strength (needs
        ``sensitive_features`` in ``fit``).
    fairness_strength : float in [0, 1], default 1.0
        Strength of the fairness method combined with the distillation.

    Attributes
    ----------
    estimator_ : fitted classifier
    classes_ : ndarray
    lam_ : float
    old_accuracy_ : float
        Accuracy of the old model on the training rows.

    Notes
    -----
    docs/methods.md §7.2-7.3 (Yan et al., CVPR 2021). With ``r_i`` the old model's probability and
    ``c_i = lam * w_i``::

        CE(y_i, p) + c_i CE(r_i, p) = (1 + c_i) CE(q_i, p),   q_i = (y_i + c_i r_i) / (1 + c_i)

    so the loss is a log-loss fit on soft targets ``q_i`` with weights ``1 + c_i``: every row
    enters twice, as label 1 with weight ``(1 + c_i) q_i`` and label 0 with weight
    ``(1 + c_i)(1 - q_i)``.
    """

    def __init__(self, estimator=None, strength=1.0, alpha=1.0, beta=5.0, mode="distill",
                 fairness=None, fairness_strength=1.0):
        self.estimator = estimator
        self.strength = strength
        self.alpha = alpha
        self.beta = beta
        self.mode = mode
        self.fairness = fairness
        self.fairness_strength = fairness_strength

    def fit(self, X, y, *, old_scores, sensitive_features=None, old_threshold=0.5):
        """Fit the new model.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of {0, 1}, shape (n,)
        old_scores : array-like of shape (n,)
            The old model's probability of the positive class on the same rows.
        sensitive_features : array-like of shape (n,), optional
            Needed with ``fairness="reweighing"``.
        old_threshold : float, default 0.5
            The old model's decision threshold (which rows it got right).

        Returns
        -------
        self
        """
        strength = check_unit(self.strength, "strength")
        return self._fit(X, y, old_scores, sensitive_features, old_threshold,
                         MAX_LAMBDA * strength, self.fairness, self.fairness_strength)

    def _fit(self, X, y, old_scores, sensitive_features, old_threshold, lam, fairness,
             fairness_strength):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}; got {self.mode!r}.")
        if fairness not in (None, "reweighing"):
            raise ValueError(f"fairness must be None or 'reweighing'; got {fairness!r}.")
        y = np.asarray(y).ravel()
        if not np.isin(y, (0, 1)).all():
            raise ValueError("Positive-congruent training needs labels 0 and 1.")
        r = np.asarray(old_scores, dtype=np.float64).ravel()
        if len(r) != len(y) or np.isnan(r).any() or (r < 0).any() or (r > 1).any():
            raise ValueError("old_scores must hold one probability in [0, 1] per row.")
        old_right = ((r >= old_threshold).astype(int) == y).astype(np.float64)
        self.old_accuracy_ = float(old_right.mean())
        self.lam_ = float(lam)
        c = self.lam_ * (float(self.alpha) + float(self.beta) * old_right)
        base = np.ones(len(y))
        if fairness == "reweighing":
            if sensitive_features is None:
                raise ValueError("fairness='reweighing' needs sensitive_features.")
            from fairdash.mitigation.preprocessing import reweighing_weights

            base = reweighing_weights(y, sensitive_features,
                                      check_unit(fairness_strength, "fairness_strength"))
        est = clone(self.estimator) if self.estimator is not None else \
            LogisticRegression(max_iter=1000)
        if self.mode == "reweight":
            est.fit(X, y, sample_weight=base * (1.0 + c))
        else:
            q = (y + c * r) / (1.0 + c)
            X2 = np.concatenate([np.asarray(X), np.asarray(X)])
            y2 = np.concatenate([np.ones(len(y), dtype=int), np.zeros(len(y), dtype=int)])
            w2 = np.concatenate([base * (1 + c) * q, base * (1 + c) * (1 - q)])
            keep = w2 > 0
            est.fit(X2[keep], y2[keep], sample_weight=w2[keep])
        self.estimator_ = est
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        """Probabilities of the new model, shape (n, 2)."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        """0/1 decisions at probability 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


class CongruentReweighedClassifier(PositiveCongruentClassifier):
    """Reweighing trained positive-congruently: fairer, while keeping the old model's right calls.

    Parameters
    ----------
    estimator : classifier, optional
        As in :class:`PositiveCongruentClassifier`.
    strength : float in [0, 1], default 1.0
        The reweighing strength ``lambda`` (0 = plain distillation of the old model, which
        gives back the old model for the same learner).
    lam : float, default 0.1
        Fixed focal-distillation weight; on Adult 0.1 lowers the NFR of reweighing by about
        a third for part of its parity gain (see the tradeoff explorer).
    alpha, beta, mode
        As in :class:`PositiveCongruentClassifier`.

    Attributes
    ----------
    estimator_, classes_, lam_, old_accuracy_
    """

    def __init__(self, estimator=None, strength=1.0, lam=0.1, alpha=1.0, beta=5.0,
                 mode="distill"):
        self.estimator = estimator
        self.strength = strength
        self.lam = lam
        self.alpha = alpha
        self.beta = beta
        self.mode = mode

    def fit(self, X, y, *, old_scores, sensitive_features, old_threshold=0.5):
        """Fit with reweighing at ``strength`` and distillation weight ``lam``.

        Parameters
        ----------
        X, y, old_scores, old_threshold
            As in :meth:`PositiveCongruentClassifier.fit`.
        sensitive_features : array-like of shape (n,)

        Returns
        -------
        self
        """
        strength = check_unit(self.strength, "strength")
        if not float(self.lam) >= 0:
            raise ValueError(f"lam must be >= 0; got {self.lam}.")
        return self._fit(X, y, old_scores, sensitive_features, old_threshold, float(self.lam),
                         "reweighing", strength)
