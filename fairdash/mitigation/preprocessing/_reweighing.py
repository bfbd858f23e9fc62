"""Reweighing (Kamiran & Calders 2012; docs/methods.md §6.1)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _num_samples, check_is_fitted, has_fit_parameter

from fairdash.exceptions import ModelError, RoleError
from fairdash.metrics import encode_groups
from fairdash.mitigation._inputs import check_unit, resolve_sensitive

__all__ = ["ReweighedClassifier", "reweighing_weights"]


def _reweighing_table(y, sensitive_features, strength: float):
    """Row weights and the (group x label) table of ``W_lambda``; NaN marks empty cells."""
    if y is None:
        raise ValueError("Reweighing requires y to be passed, but the target y is None.")
    y = np.asarray(y)
    if y.ndim != 1:
        y = np.ravel(y) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.ndim != 1:
        raise ValueError(f"y should be a 1d array; got an array of shape {y.shape}.")
    codes, groups = encode_groups(sensitive_features)
    if len(codes) != len(y):
        raise RoleError(f"sensitive_features has {len(codes):,} values but y has {len(y):,}; "
                        "reweighing needs one group per row.")
    y_codes, y_values = pd.factorize(y, sort=True)
    if (y_codes < 0).any():
        raise RoleError(f"The target has {int((y_codes < 0).sum())} missing values; drop or "
                        "fill those rows before reweighing.")
    K, L, n = len(groups), len(y_values), len(y)
    cell = codes * L + y_codes
    n_sy = np.bincount(cell, minlength=K * L).reshape(K, L).astype(float)
    n_s, n_y = n_sy.sum(axis=1), n_sy.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        W = np.where(n_sy > 0, np.outer(n_s, n_y) / (n * n_sy), np.nan)
    W_lam = 1.0 + strength * (W - 1.0)
    empty = np.argwhere(n_sy == 0)
    if len(empty) and K > 1 and L > 1:
        g, lab = empty[0]
        warnings.warn(f"Group '{groups[g]}' has no row with label {y_values[lab]!r} "
                      f"({len(empty)} empty group/label cell(s) in all); reweighing cannot "
                      "balance the labels of such groups.", UserWarning, stacklevel=3)
    table = pd.DataFrame(W_lam, index=groups,
                         columns=pd.Index(list(y_values), name="label"))
    return W_lam.ravel()[cell], table


def reweighing_weights(y, sensitive_features, strength: float = 1.0) -> np.ndarray:
    """Row weights that make group and label independent in the weighted data.

    Parameters
    ----------
    y : array-like of shape (n,)
        Labels (binary or multi-class, any sortable values).
    sensitive_features : array-like of shape (n,) or (n, k)
        Group of every row; several columns form intersectional groups.
    strength : float in [0, 1], default 1.0
        ``lambda`` in ``w = 1 + lambda (W - 1)``; 0 gives all-ones weights.

    Returns
    -------
    ndarray of shape (n,)
        Weight of every row.

    Notes
    -----
    Kamiran & Calders (2012), docs/methods.md §6.1. Every row of cell (s, y) gets

    .. math:: W(s, y) = \\frac{P(S=s) P(Y=y)}{P(S=s, Y=y)} = \\frac{n_s n_y}{n\\, n_{s,y}},
              \\qquad w_\\lambda = 1 + \\lambda (W - 1).

    The weights sum to ``n`` for every ``lambda`` and, at ``lambda = 1``, the weighted
    ``P(Y = y | S = s)`` equals ``P(Y = y)`` in every group.
    """
    lam = check_unit(strength, "strength")
    weights, _ = _reweighing_table(y, sensitive_features, lam)
    return weights


def _inner_has(name):
    def check(self):
        est = getattr(self, "estimator_", None)
        if est is None:
            est = self.estimator if self.estimator is not None else LogisticRegression()
        return hasattr(est, name)
    return check


class ReweighedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier trained with reweighing row weights (Kamiran & Calders 2012).

    Parameters
    ----------
    estimator : classifier, default ``LogisticRegression(max_iter=1000)``
        Fitted as a clone with ``sample_weight``; for a :class:`~sklearn.pipeline.Pipeline`
        the weights go to its last step (``<last step>__sample_weight``).
    strength : float in [0, 1], default 1.0
        ``lambda`` in ``w = 1 + lambda (W - 1)``: 0 trains the unweighted model.
    sensitive_column : int or str, optional
        Column of ``X`` that holds the groups, read only when ``fit`` gets no
        ``sensitive_features``.

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone.
    classes_ : ndarray
        Labels seen in ``fit``.
    cell_weights_ : pandas.DataFrame
        ``W_lambda`` of each group (index) and label (columns); NaN for an empty cell.
    lambda_ : float
        The native knob used.

    Notes
    -----
    docs/methods.md §6.1: :math:`W(s, y) = n_s n_y / (n\\, n_{s,y})`,
    :math:`w_\\lambda = 1 + \\lambda (W - 1)`. The groups are needed in ``fit`` only.
    """

    def __init__(self, estimator=None, strength=1.0, sensitive_column=None):
        self.estimator = estimator
        self.strength = strength
        self.sensitive_column = sensitive_column

    def fit(self, X, y, *, sensitive_features=None):
        """Fit a clone of ``estimator`` with reweighing sample weights.

        Parameters
        ----------
        X : array-like of shape (n, d)
        y : array-like of shape (n,)
        sensitive_features : array-like of shape (n,) or (n, k)
            Group of every row (keyword only).

        Returns
        -------
        self
        """
        lam = check_unit(self.strength, "strength")
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")
        check_classification_targets(y)
        s = resolve_sensitive(X, sensitive_features, self.sensitive_column, "Reweighing")
        weights, table = _reweighing_table(y, s, lam)
        if _num_samples(X) != len(weights):
            raise RoleError(f"X has {_num_samples(X):,} rows but y has {len(weights):,}.")
        est = clone(self.estimator) if self.estimator is not None else \
            LogisticRegression(max_iter=1000)
        if isinstance(est, Pipeline):
            key = f"{est.steps[-1][0]}__sample_weight"
            last = est.steps[-1][1]
        else:
            key, last = "sample_weight", est
        if last != "passthrough" and not has_fit_parameter(last, "sample_weight"):
            raise ModelError(f"{type(last).__name__} does not accept sample_weight in fit, so "
                             "it cannot be trained with reweighing; choose another model.")
        est.fit(X, y, **{key: weights})
        self.estimator_ = est
        self.classes_ = est.classes_
        self.cell_weights_ = table
        self.lambda_ = lam
        if hasattr(est, "n_features_in_"):
            self.n_features_in_ = est.n_features_in_
        if hasattr(est, "feature_names_in_"):
            self.feature_names_in_ = est.feature_names_in_
        return self

    def predict(self, X):
        """Labels predicted by the reweighed model."""
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the reweighed model, columns in ``classes_`` order."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """Decision values of the reweighed model."""
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator if self.estimator is not None else LogisticRegression()
        tags.input_tags.sparse = get_tags(inner).input_tags.sparse
        return tags
