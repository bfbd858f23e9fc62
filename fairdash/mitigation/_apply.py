"""Apply a registered method to a Dataset: which rows fit what, and the scores it yields.

One rule for every method (ALGORITHMS.md 0.2): pre- and in-processing train on the train
split; post-processing fits on the calibration split (never on the base model's training
rows); before and after are both measured on the held-out test split.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from fairdash.exceptions import ModelError, RoleError
from fairdash.mitigation._registry import Method, get_method

__all__ = ["MitigationResult", "mitigate", "native_values"]

#: the rows every before/after comparison is measured on
EVALUATION_SPLIT = "test"


@dataclass(frozen=True, eq=False)
class MitigationResult:
    """A fitted mitigation and its output for every row of the dataset.

    Attributes
    ----------
    method : Method
    strength : float
    scores : ndarray of float, shape (n,)
        For every row of the dataset: a score in [0, 1] to threshold, the expected decision
        of a randomised method (``decisions_only``), or a prediction (regression).
    decisions_only : bool
        True when ``scores`` are decision probabilities: no threshold applies.
    estimator : object
        The fitted method estimator (read-only).
    native : dict
        The method's native knob values after fitting (for example ``{"tolerance": 0.02}``).
    fit_split : str
        Rows the method was fitted on (``train`` or ``calibration``).
    base_key : str
        Which base model the method built on (``builtin:logreg``, ``scores:decile_score``, ...).
    warnings : tuple of str
    """

    method: Method
    strength: float
    scores: np.ndarray
    decisions_only: bool
    estimator: object
    native: dict
    fit_split: str
    base_key: str
    warnings: tuple = field(default_factory=tuple)


#: fitted attribute -> native knob name reported
_NATIVE_ATTRIBUTES = ("tolerance_", "epsilon_", "difference_bound_", "lambda_", "t_", "e0_",
                      "repair_level_", "lam_")


def native_values(estimator) -> dict:
    """The native knob values a fitted method estimator exposes, as plain floats."""
    out = {}
    for attr in _NATIVE_ATTRIBUTES:
        value = getattr(estimator, attr, None)
        if value is None:
            continue
        arr = np.asarray(value, dtype=np.float64).ravel()
        out[attr.rstrip("_")] = float(arr[0]) if arr.size == 1 else arr.tolist()
    return out


def _group_values(dataset, mask=None):
    """Group label of each row (text): what the estimators receive as sensitive_features."""
    labels = np.asarray(dataset.group_labels, dtype=object)
    codes = dataset.group_codes if mask is None else dataset.group_codes[mask]
    return labels[codes]


def _sensitive_frame(dataset, mask=None):
    frame = dataset.frame[list(dataset.roles.sensitive)].astype(str)
    return frame if mask is None else frame[mask]


def _task(dataset) -> str:
    return getattr(dataset, "task", "classification")


def _with_random_state(method: Method, strength: float, random_state: int):
    est = method.make(strength)
    if "random_state" in est.get_params():
        est.set_params(random_state=random_state)
    return est


def mitigate(dataset, method: str | Method, strength: float, *, base_scores=None,
             base_name: str = "logreg", base_key: str | None = None,
             random_state: int = 0) -> MitigationResult:
    """Fit ``method`` at ``strength`` on ``dataset`` and score every row.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str or Method
        A name from :data:`fairdash.mitigation.REGISTRY`.
    strength : float in [0, 1]
        0 = no mitigation, 1 = the method's full strength.
    base_scores : ndarray, shape (n,), optional
        The base model's scores (or regression predictions) on every row; required by
        post-processing methods.
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain on the repaired data.
    base_key : str, optional
        Name of the base model, recorded in the result.
    random_state : int, default 0

    Returns
    -------
    MitigationResult

    Raises
    ------
    RoleError, ModelError
        When the method does not fit the data (task, missing features, too few sensitive
        columns, no base scores).
    """
    m = get_method(method) if isinstance(method, str) else method
    task = _task(dataset)
    if task not in m.tasks:
        raise RoleError(f"{m.label} does not apply to a {task} target.")
    if len(dataset.roles.sensitive) < m.min_sensitive_columns:
        raise RoleError(f"{m.label} needs at least {m.min_sensitive_columns} sensitive columns; "
                        f"{len(dataset.roles.sensitive)} chosen.")
    key = base_key or f"builtin:{base_name}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est, scores, split = _fit(dataset, m, strength, base_scores, base_name, random_state)
    said = list(getattr(est, "warnings_", ()) or ())
    for w in caught:  # the methods' own warnings become the result's, shown next to it
        text = str(w.message)
        if issubclass(w.category, UserWarning) and text not in said:
            said.append(text)
    return MitigationResult(m, float(strength), np.ascontiguousarray(scores, dtype=np.float64),
                            m.randomised and m.stage != "pre", est, native_values(est), split,
                            key, tuple(said))


def _fit(dataset, m, strength, base_scores, base_name, random_state):
    if m.inputs == "features":
        if not dataset.roles.features:
            raise RoleError(f"{m.label} trains a new model and needs feature columns; an "
                            "uploaded model or a score column can only be post-processed.")
        with threadpool_limits(limits=1):
            est, scores = _fit_on_features(dataset, m, strength, base_name, random_state,
                                           base_scores)
        split = "train"
    else:
        if base_scores is None:
            raise ModelError(f"{m.label} adjusts a trained model's scores; train or choose a "
                             "model first.")
        est, scores = _fit_post(dataset, m, strength, np.asarray(base_scores, float),
                                random_state)
        split = "calibration"
    return est, scores, split


def _fit_post(dataset, m, strength, base_scores, random_state):
    cal = dataset.rows("calibration")
    est = _with_random_state(m, strength, random_state)
    sequential = m.min_sensitive_columns > 1
    s_cal = _sensitive_frame(dataset, cal) if sequential else _group_values(dataset, cal)
    s_all = _sensitive_frame(dataset) if sequential else _group_values(dataset)
    if m.inputs == "scores_labels":
        est.fit(base_scores[cal], dataset.y[cal], sensitive_features=s_cal)
        return est, est.decision_proba(base_scores, sensitive_features=s_all)
    est.fit(base_scores[cal], sensitive_features=s_cal)
    out = est.transform(base_scores, sensitive_features=s_all)
    if _task(dataset) == "classification":
        out = np.clip(out, 0.0, 1.0)  # the barycenter of [0, 1] laws stays in [0, 1]; jitter aside
    return est, out


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


def _fit_on_features(dataset, m, strength, base_name, random_state, base_scores=None):
    train = dataset.rows("train")
    task = _task(dataset)
    y_train = dataset.y[train]
    s_train, s_all = _group_values(dataset, train), _group_values(dataset)
    if m.name == "pc_reweighing":
        if base_scores is None:
            raise ModelError(f"{m.label} distils the base model; train or choose a model "
                             "first.")
        _, M, _ = _design(dataset)
        old = np.clip(np.asarray(base_scores, dtype=np.float64)[train], 0.0, 1.0)
        est = m.make(strength, estimator=_learner(base_name, task, dataset.X, random_state))
        est.fit(M[train], y_train, old_scores=old, sensitive_features=s_train)
        return est, _predict(est, M, task)
    if m.name == "reweighing":
        from fairdash.models import make_model, positive_scores

        est = m.make(strength, estimator=make_model(base_name, dataset.X,
                                                    random_state=random_state))
        est.fit(dataset.X[train], y_train, sensitive_features=s_train)
        return est, positive_scores(est, dataset.X)
    if m.stage == "pre" and m.name != "ferm_projection":
        # S itself is not repaired and is dropped from the model (ALGORITHMS.md 6.2): kept,
        # it would carry the group straight past the repaired features.
        _, M, numeric = _design(dataset, drop=dataset.roles.sensitive)
        repair = _with_random_state(m, strength, random_state).set_params(columns=numeric)
        repair.fit(M[train], y_train, sensitive_features=s_train)
        learner = _learner(base_name, task, dataset.X, random_state)
        learner.fit(repair.transform(M[train], sensitive_features=s_train), y_train)
        est = _RepairedModel(repair, learner)
        return est, _predict(learner, repair.transform(M, sensitive_features=s_all), task)
    _, M, numeric = _design(dataset)
    est = _with_random_state(m, strength, random_state)
    if m.name == "ferm_projection":
        from sklearn.linear_model import LogisticRegression

        proj = est.fit(M[train], y_train, sensitive_features=s_train)
        model = LogisticRegression(max_iter=1000).fit(proj.transform(M[train]), y_train)
        return _RepairedModel(proj, model), _predict(model, proj.transform(M), task)
    est.fit(M[train], y_train, sensitive_features=s_train)
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
