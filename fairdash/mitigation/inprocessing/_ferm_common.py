"""What FERMClassifier and ProjectedKernelSVC share: the checks of C and of the RBF width."""

from __future__ import annotations

import numbers

import numpy as np


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
