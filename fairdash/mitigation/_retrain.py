"""Methods that retrain a model: the cached feature encoding and one fitting recipe each.

Pre- and in-processing train on the train split (docs/methods.md §0.2); how each method is
fitted is one of :data:`RECIPES`, chosen by :func:`recipe`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from fairdash.exceptions import ModelError
from fairdash.mitigation._registry import Method

__all__ = ["RECIPES", "fit_on_features", "recipe"]


def _group_values(dataset, mask=None):
    """Group label of each row (text): what the estimators receive as sensitive_features."""
    labels = np.asarray(dataset.group_labels, dtype=object)
    codes = dataset.group_codes if mask is None else dataset.group_codes[mask]
    return labels[codes]


def _task(dataset) -> str:
    return getattr(dataset, "task", "classification")


def _with_random_state(method: Method, strength: float, random_state: int,
                       threshold: float = 0.5):
    """A fresh estimator at ``strength`` with the seed and the base model's decision threshold
    set, where it takes them."""
    est = method.make(strength)
    params = est.get_params()
    if "random_state" in params:
        est.set_params(random_state=random_state)
    if "threshold" in params:
        est.set_params(threshold=float(threshold))
    return est


#: the last few encodings, per (dataset fingerprint, dropped columns): a sweep fits many
#: methods on the same rows, and encoding Adult costs about 0.5 s each time
_DESIGNS: dict = {}
_DESIGNS_KEPT = 2


def _design(dataset, drop=()):
    """Fitted numeric encoding of the features (train rows) and the matrix of every row.

    The result is cached per dataset fingerprint, feature columns and dropped columns (the
    last two); the
    matrix is read-only so that no caller can change what the next one gets.
    """
    key = (getattr(dataset, "fingerprint", None), tuple(dataset.X.columns), len(dataset.X),
           tuple(drop))
    if key[0] is not None and key in _DESIGNS:
        return _DESIGNS[key]
    out = _encode(dataset, drop)
    if key[0] is not None:
        while len(_DESIGNS) >= _DESIGNS_KEPT:
            _DESIGNS.pop(next(iter(_DESIGNS)))
        _DESIGNS[key] = out
    return out


def _encode(dataset, drop):
    from fairdash.models import make_model

    X = dataset.X.drop(columns=[c for c in drop if c in dataset.X.columns])
    prep = clone(make_model("logreg", X).named_steps["prep"])
    train = dataset.rows("train")
    prep.fit(X[train])
    M = prep.transform(X)
    M = M.toarray() if hasattr(M, "toarray") else np.asarray(M)
    numeric = prep.output_indices_["num"]
    M = np.ascontiguousarray(M, dtype=np.float64)
    M.setflags(write=False)
    return prep, M, np.arange(M.shape[1])[numeric]


def _learner(base_name: str, task: str, X, random_state: int):
    """The base learner's final estimator, to retrain on an already encoded matrix."""
    from fairdash.models import make_model

    kw = {"task": task} if task != "classification" else {}
    est = clone(make_model(base_name, X, random_state=random_state, **kw).named_steps["model"])
    if "categorical_features" in est.get_params():
        est.set_params(categorical_features=None)  # the matrix is already one-hot encoded
    return est


def _predict(est, M, task):
    if task != "classification":
        return np.asarray(est.predict(M), dtype=np.float64)
    if hasattr(est, "decision_proba"):
        return est.decision_proba(M)
    from fairdash.models import positive_scores

    return positive_scores(est, M)


#: how a method that retrains is fitted (``Method.fit_recipe``; see :func:`recipe`)
RECIPES = {
    "direct": "the estimator is fitted on the encoded feature matrix and scores it",
    "pipeline": "the estimator wraps the whole base model pipeline and is fitted on the raw "
                "feature columns",
    "distil": "as direct, also given the base model's scores on the training rows",
    "repair": "a repair of the encoded numeric features (sensitive columns dropped), then the "
              "base learner retrained on the repaired matrix",
    "project": "a projection of the encoded features, then a logistic regression on it",
}

def recipe(m: Method) -> str:
    """The key of :data:`RECIPES` that fits method ``m``.

    Parameters
    ----------
    m : Method

    Returns
    -------
    str
        ``m.fit_recipe`` from the registry, else ``"repair"`` for pre-processing and
        ``"direct"`` for in-processing.
    """
    recipe = m.fit_recipe or ("repair" if m.stage == "pre" else "direct")
    if recipe not in RECIPES:
        raise ValueError(f"{m.label} has an unknown fit recipe '{recipe}'.")
    return recipe


def fit_on_features(dataset, m, strength, base_name, random_state, base_scores=None):
    """Fit method ``m`` at ``strength`` on the train rows by its recipe and score every row.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    m : Method
        A method with ``inputs == "features"``.
    strength : float in (0, 1]
        Strength 0 never gets here: :func:`fairdash.mitigation.mitigate` returns the base model.
    base_name : str
        Built-in learner retrained by the repairs and wrapped by reweighing.
    random_state : int
    base_scores : ndarray, optional
        The base model's scores on every row (needed by the ``distil`` recipe).

    Returns
    -------
    (estimator, ndarray)
        The fitted estimator (native values readable from it) and a score per row.
    """
    fit = {"direct": _fit_direct, "pipeline": _fit_pipeline, "distil": _fit_distil,
           "repair": _fit_repair, "project": _fit_project}[recipe(m)]
    return fit(dataset, m, strength, base_name, random_state, base_scores)


def _fit_distil(dataset, m, strength, base_name, random_state, base_scores):
    if base_scores is None:
        raise ModelError(f"{m.label} distils the base model; train or choose a model first.")
    train, task = dataset.rows("train"), _task(dataset)
    _, M, _ = _design(dataset)
    old = np.clip(np.asarray(base_scores, dtype=np.float64)[train], 0.0, 1.0)
    est = m.make(strength, estimator=_learner(base_name, task, dataset.X, random_state))
    est.fit(M[train], dataset.y[train], old_scores=old,
            sensitive_features=_group_values(dataset, train))
    return est, _predict(est, M, task)


def _fit_pipeline(dataset, m, strength, base_name, random_state, base_scores):
    from fairdash.models import make_model, positive_scores

    train = dataset.rows("train")
    est = m.make(strength, estimator=make_model(base_name, dataset.X, random_state=random_state))
    est.fit(dataset.X[train], dataset.y[train], sensitive_features=_group_values(dataset, train))
    return est, positive_scores(est, dataset.X)


def _fit_repair(dataset, m, strength, base_name, random_state, base_scores):
    # S itself is not repaired and is dropped from the model (docs/methods.md §6.2): kept, it
    # would carry the group straight past the repaired features.
    train, task, y_train = dataset.rows("train"), _task(dataset), dataset.y[dataset.rows("train")]
    s_train, s_all = _group_values(dataset, train), _group_values(dataset)
    _, M, numeric = _design(dataset, drop=dataset.roles.sensitive)
    repair = _with_random_state(m, strength, random_state).set_params(columns=numeric)
    repair.fit(M[train], y_train, sensitive_features=s_train)
    learner = _learner(base_name, task, dataset.X, random_state)
    learner.fit(repair.transform(M[train], sensitive_features=s_train), y_train)
    return _RepairedModel(repair, learner), _predict(
        learner, repair.transform(M, sensitive_features=s_all), task)


def _fit_project(dataset, m, strength, base_name, random_state, base_scores):
    from sklearn.linear_model import LogisticRegression

    train, task, y_train = dataset.rows("train"), _task(dataset), dataset.y[dataset.rows("train")]
    _, M, _ = _design(dataset)
    proj = _with_random_state(m, strength, random_state).fit(
        M[train], y_train, sensitive_features=_group_values(dataset, train))
    model = LogisticRegression(max_iter=1000).fit(proj.transform(M[train]), y_train)
    return _RepairedModel(proj, model), _predict(model, proj.transform(M), task)


def _fit_direct(dataset, m, strength, base_name, random_state, base_scores):
    train, task = dataset.rows("train"), _task(dataset)
    _, M, _ = _design(dataset)
    est = _with_random_state(m, strength, random_state)
    est.fit(M[train], dataset.y[train], sensitive_features=_group_values(dataset, train))
    return est, _predict(est, M, task)


class _RepairedModel:
    """A fitted repair and the learner trained on its output (native values read from the
    repair)."""

    def __init__(self, repair, learner):
        self.repair, self.learner = repair, learner

    def __getattr__(self, name):
        if name.endswith("_") and not name.startswith("_"):
            return getattr(self.repair, name)
        raise AttributeError(name)
