"""The bias-bounty model: a decision list of (group rule -> model) in front of a base model
(docs/methods.md §8.3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.utils.metaestimators import available_if

from fairdash.exceptions import ModelError, UnsafeModelError
from fairdash.models import EXTRA_TRUSTED_TYPES, positive_scores, predictions
from fairdash.subgroups._rules import parse_rule

__all__ = ["DecisionList", "load_decision_list"]

#: The one FairDash type a decision-list file holds beyond the models in it.
DECISION_LIST_TYPE = "fairdash.subgroups._decision_list.DecisionList"


def _is_classifier(model) -> bool:
    return hasattr(model, "classes_") or (hasattr(model, "predict_proba")
                                          and not hasattr(model, "predict"))


class DecisionList(BaseEstimator):
    """A model patched group by group: the first matching entry decides, else the base model.

    Parameters
    ----------
    base_estimator : fitted classifier or regressor
        The model every row falls through to.
    entries : tuple of (str, estimator or None, int), default ()
        Checked in order. ``(rule, model, 0)``: rows matching ``rule``
        (:func:`~fairdash.subgroups.parse_rule`) and not decided earlier get ``model``'s
        output. ``(rule, None, skip)``: matching rows skip the next ``skip`` entries and
        continue there (how a repair sends a group back to an earlier version of the list,
        which is always a suffix of the list).
    threshold : float, default 0.5
        Decision threshold of :meth:`predict` for a classifier.

    Attributes
    ----------
    classes_ : ndarray
        ``[0, 1]`` when the base model is a classifier (absent for a regressor).
    groups_ : list of str
        The rules of the accepted groups, newest first.
    feature_names_in_ : ndarray of str
        Every column the list reads (the models' features and the rules' columns), when the
        base model records its features.

    Notes
    -----
    :meth:`fit` does not train anything: the base model and the group models come fitted
    (Globus-Harris, Kearns & Roth 2022); it checks the entries and records what a fitted
    scikit-learn estimator records. Build lists with :func:`~fairdash.subgroups.submit`.
    """

    def __init__(self, base_estimator=None, entries=(), threshold: float = 0.5):
        self.base_estimator = base_estimator
        self.entries = entries
        self.threshold = threshold

    def fit(self, X=None, y=None):
        """Check the entries; no training. Returns self."""
        if self.base_estimator is None:
            raise ModelError("A decision list needs a fitted base model.")
        names = getattr(self.base_estimator, "feature_names_in_", None)
        known = names is not None
        columns = [str(c) for c in names] if known else []
        for i, entry in enumerate(self.entries):
            if not (isinstance(entry, tuple) and len(entry) == 3):
                raise ModelError(f"Entry {i} of the decision list is not (rule, model, skip).")
            rule, model, skip = entry
            columns += sorted(parse_rule(rule).columns)
            if model is None:
                if not 1 <= i + 1 + int(skip) <= len(self.entries):
                    raise ModelError(f"Entry {i} of the decision list jumps outside the list.")
            else:
                names = getattr(model, "feature_names_in_", None)
                known = known and names is not None
                columns += [str(c) for c in (names if names is not None else [])]
        if _is_classifier(self.base_estimator):
            self.classes_ = np.array([0, 1])
        if known:
            self.feature_names_in_ = np.array(list(dict.fromkeys(columns)), dtype=object)
        self.groups_ = [rule for rule, model, _ in self.entries if model is not None]
        return self

    def _classifier(self) -> bool:
        return _is_classifier(self.base_estimator)

    def _outputs(self, X: pd.DataFrame) -> np.ndarray:
        if not isinstance(X, pd.DataFrame):
            raise ModelError("A decision list reads its groups from named columns, so it needs "
                             "a pandas DataFrame.")
        one = positive_scores if self._classifier() else predictions
        who = self.deciding_entry(X)
        out = np.empty(len(X), dtype=np.float64)
        for i in np.unique(who):
            rows = np.flatnonzero(who == i)
            model = self.base_estimator if i < 0 else self.entries[i][1]
            out[rows] = one(model, X.iloc[rows])
        return out

    @available_if(_classifier)
    def predict_proba(self, X) -> np.ndarray:
        """``[1 - s, s]`` per row, s the deciding model's positive-class score."""
        s = self._outputs(X)
        return np.column_stack([1.0 - s, s])

    def predict(self, X) -> np.ndarray:
        """0/1 decisions at ``threshold`` (classifier) or the deciding model's predictions."""
        s = self._outputs(X)
        return (s >= self.threshold).astype(np.int64) if self._classifier() else s

    def deciding_entry(self, X: pd.DataFrame) -> np.ndarray:
        """Per row, the index of the entry whose model decides it (-1: the base model)."""
        n, m = len(X), len(self.entries)
        who = np.full(n, -1)
        pos = np.zeros(n, dtype=np.int64)          # next entry each row looks at; m + 1: done
        for i, (rule, model, skip) in enumerate(self.entries):
            active = np.flatnonzero(pos == i)
            if not len(active):
                continue
            hit = parse_rule(rule).mask(X.iloc[active])
            pos[active[~hit]] = i + 1
            rows = active[hit]
            pos[rows] = i + 1 + int(skip) if model is None else m + 1
            if model is not None:
                who[rows] = i
        return who

    def describe(self) -> list[str]:
        """The list in plain sentences, first entry first."""
        lines = []
        for i, (rule, model, skip) in enumerate(self.entries):
            if model is None:
                lines.append(f"{i + 1}. If {rule}: skip to entry {i + 2 + int(skip)} (the "
                             "list as it was before a later group changed this group's "
                             "decisions).")
            else:
                lines.append(f"{i + 1}. If {rule}: use the group's model "
                             f"({_model_name(model)}).")
        lines.append(f"{len(self.entries) + 1}. Otherwise: the base model "
                     f"({_model_name(self.base_estimator)}).")
        return lines


def load_decision_list(data: bytes, trusted=()) -> DecisionList:
    """Load a decision list saved with :func:`fairdash.models.save_model_bytes`.

    Only skops' default-trusted types, ``numpy.dtype``, :class:`DecisionList` itself and the
    names in ``trusted`` are accepted; skops refuses anything else before building an object.
    Tree-based models inside are therefore refused unless their types are passed in
    ``trusted`` by someone who trusts the file (see :func:`fairdash.models.load_model_bytes`).

    Raises
    ------
    UnsafeModelError
        If the file holds other types.
    """
    allowed = {DECISION_LIST_TYPE, *EXTRA_TRUSTED_TYPES, *trusted}
    try:
        untrusted = sio.get_untrusted_types(data=bytes(data))
    except Exception as exc:
        raise ModelError(f"The file is not a skops file ({type(exc).__name__}: {exc}).") from exc
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UnsafeModelError(f"The decision list contains types that are not trusted: "
                               f"{', '.join(refused)}.")
    model = sio.loads(bytes(data), trusted=sorted(set(untrusted) & allowed))
    if not isinstance(model, DecisionList):
        raise ModelError(f"The file holds a {type(model).__name__}, not a decision list.")
    return model.fit()


def _model_name(model) -> str:
    """The estimator at the end of a pipeline, by its class name ("LogisticRegression")."""
    steps = getattr(model, "steps", None)
    return type(steps[-1][1] if steps else model).__name__
