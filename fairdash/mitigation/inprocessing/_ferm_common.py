"""What FERMClassifier and ProjectedKernelSVC share: the checks of C and of the RBF width, and
the prediction from the sign of the decision value."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted


def _check_positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"The parameter {name} must be a positive number; got {value!r}.")
    return float(value)


def _scale_gamma(gamma, X: np.ndarray) -> float:
    """sklearn's ``gamma="scale"``: ``1 / (d Var(X))`` (1 for constant X)."""
    if gamma == "scale":
        var = X.var()
        return 1.0 / (X.shape[1] * var) if var > 0 else 1.0
    return _check_positive(gamma, "gamma")


class _SignDecisionMixin:
    """``predict`` from the sign of ``decision_function``, and the two-class-only tag.

    Put before ``ClassifierMixin`` and ``BaseEstimator`` in the bases.
    """

    def predict(self, X):
        """``classes_[1]`` where the decision value is positive, else ``classes_[0]``."""
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
