"""Apply a registered method to a Dataset: which rows fit what, and the scores it yields.

One rule for every method (docs/methods.md §0.2): pre- and in-processing train on the train
split; post-processing fits on the calibration split (never on the base model's training
rows); before and after are both measured on the held-out test split. Strength 0 is the base
model as it is, for every method.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from fairdash.exceptions import ModelError, RoleError
from fairdash.mitigation._registry import Method, get_method
from fairdash.mitigation._retrain import (  # noqa: F401 - _design: bench scripts use it
    _design,
    _group_values,
    _task,
    _with_random_state,
    fit_on_features,
)

__all__ = ["MitigationResult", "check_groups_fitted", "fit_split", "mitigate", "native_values"]

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
    threshold : float
        The base model's decision threshold the method was fitted for (the group thresholds
        start from the base rule ``score >= threshold``).
    note : str
        A plain sentence on how the result was made when it is not an ordinary fit (strength
        0: the base model as it is); empty otherwise.
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
    threshold: float = 0.5
    note: str = ""


#: ``MitigationResult.note`` at strength 0
UNCHANGED_NOTE = ("Strength 0 is the model as it is: these are the base model's own scores, "
                  "so every decision is unchanged.")


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


def fit_split(method: Method) -> str:
    """The split a method is fitted on: ``"train"`` when it trains a new model on the
    features, ``"calibration"`` when it adjusts a trained model's scores (docs/methods.md §0.2).

    Parameters
    ----------
    method : Method

    Returns
    -------
    str
    """
    return "train" if method.retrains else "calibration"


def check_groups_fitted(dataset, m: Method) -> None:
    """Refuse, before fitting, a group without rows in the split ``m`` is fitted on.

    Only methods that apply what they fitted per group to every row (those that need the group
    at decision time) are concerned; the others use the groups while fitting only and score a
    group they never saw like anyone else.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    m : Method

    Raises
    ------
    RoleError
        Naming the first such group, its size, the split and what to do.

    Notes
    -----
    The split is :func:`fit_split`. The groups are those the sensitive columns make together;
    the sequential barycenter's steps group by fewer columns, so they are covered too. The
    stratified split sends a small group's rows to train first, so a group of one or two rows
    has none in the calibration split.
    """
    if not m.needs_sensitive_at_predict:
        return  # groups are used while fitting only; a group it never saw is scored as anyone
    split, k = fit_split(m), len(dataset.group_labels)
    size = np.bincount(dataset.group_codes, minlength=k)
    fitted = np.bincount(dataset.group_codes[dataset.rows(split)], minlength=k)
    missing = np.flatnonzero((size > 0) & (fitted == 0))
    if missing.size:
        n = int(size[missing[0]])
        rows_in = "a single row, which is not" if n == 1 else f"{n:,} rows, none of them"
        raise RoleError(f"Group '{dataset.group_labels[missing[0]]}' has {rows_in} in the {split} "
                        f"split that {m.label} is fitted on, so nothing would be fitted for it; "
                        "merge it with a similar group, choose another sensitive column, or add "
                        "rows of that group to the data.")


def _sensitive_frame(dataset, mask=None):
    frame = dataset.frame[list(dataset.roles.sensitive)].astype(str)
    return frame if mask is None else frame[mask]


def mitigate(dataset, method: str | Method, strength: float, *, base_scores=None,
             base_name: str = "logreg", base_key: str | None = None, random_state: int = 0,
             threshold: float = 0.5) -> MitigationResult:
    """Fit ``method`` at ``strength`` on ``dataset`` and score every row.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str or Method
        A name from :data:`fairdash.mitigation.REGISTRY`.
    strength : float in [0, 1]
        0 = the model as it is, 1 = the method's full strength. At 0 every method returns
        the base model's own scores (``base_scores``), so every decision at any threshold is
        unchanged: post-processing methods are still fitted (their native values, such as the
        base model's violation ``e0``, are reported) but not applied; methods that retrain a
        model are not refitted (``estimator`` is None, ``native`` is empty, ``fit_split`` is
        ``"none"``, and ``note`` says so).
    base_scores : ndarray, shape (n,), optional
        The base model's scores (or regression predictions) on every row; required by
        post-processing methods. Without them, strength 0 of a training method fits the
        built-in ``base_name`` model as the base model.
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain on the repaired data.
    base_key : str, optional
        Name of the base model, recorded in the result.
    random_state : int, default 0
    threshold : float, default 0.5
        The base model's decision threshold (the audit threshold). The group thresholds
        start from the base rule ``score >= threshold`` (docs/methods.md §4.7); recorded in
        the result.

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
    strength = float(strength)
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"Strength must lie in [0, 1]; got {strength}.")
    task = _task(dataset)
    if task not in m.tasks:
        raise RoleError(f"{m.label} does not apply to a {task} target.")
    if len(dataset.roles.sensitive) < m.min_sensitive_columns:
        raise RoleError(f"{m.label} needs at least {m.min_sensitive_columns} sensitive columns; "
                        f"{len(dataset.roles.sensitive)} chosen.")
    if not (m.retrains and strength == 0.0):  # at 0, a method that retrains is not fitted
        check_groups_fitted(dataset, m)
    key = base_key or f"builtin:{base_name}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est, scores, split = _fit(dataset, m, strength, base_scores, base_name, random_state,
                                  float(threshold))
    said = list(getattr(est, "warnings_", ()) or ())
    for w in caught:  # the methods' own warnings become the result's, shown next to it
        text = str(w.message)
        if issubclass(w.category, UserWarning) and text not in said:
            said.append(text)
    unchanged = strength == 0.0
    return MitigationResult(m, strength, np.ascontiguousarray(scores, dtype=np.float64),
                            m.randomised and m.stage != "pre" and not unchanged, est,
                            native_values(est) if est is not None else {}, split, key,
                            tuple(said), float(threshold), UNCHANGED_NOTE if unchanged else "")


def _fit(dataset, m, strength, base_scores, base_name, random_state, threshold):
    if m.inputs == "features":
        if not dataset.roles.features:
            raise RoleError(f"{m.label} trains a new model and needs feature columns; an "
                            "uploaded model or a score column can only be post-processed.")
        if strength == 0.0:  # the model as it is: nothing to retrain
            return None, _base_model_scores(dataset, base_scores, base_name, random_state), \
                "none"
        with threadpool_limits(limits=1):
            est, scores = fit_on_features(dataset, m, strength, base_name, random_state,
                                          base_scores)
        return est, scores, fit_split(m)
    if base_scores is None:
        raise ModelError(f"{m.label} adjusts a trained model's scores; train or choose a "
                         "model first.")
    base_scores = np.asarray(base_scores, float)
    est, scores = _fit_post(dataset, m, strength, base_scores, random_state, threshold)
    return est, (base_scores if strength == 0.0 else scores), fit_split(m)


def _base_model_scores(dataset, base_scores, base_name, random_state):
    """The base model's scores on every row: given, or the built-in ``base_name`` fitted."""
    if base_scores is not None:
        return np.asarray(base_scores, dtype=np.float64)
    from fairdash.models import fit_builtin, score_dataset

    return score_dataset(fit_builtin(dataset, base_name, random_state=random_state), dataset)


def _fit_post(dataset, m, strength, base_scores, random_state, threshold):
    cal = dataset.rows(fit_split(m))
    est = _with_random_state(m, strength, random_state, threshold)
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
