"""The automated bounty hunter: find confirmed slices, train a model on each, submit
(docs/methods.md §8.5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from fairdash.data import AUDITED_SPLIT
from fairdash.exceptions import ModelError, RoleError
from fairdash.models import default_learner, make_model
from fairdash.subgroups._bounty import list_errors, submit
from fairdash.subgroups._decision_list import DecisionList
from fairdash.subgroups._discover import find_slices
from fairdash.subgroups._rules import parse_rule

__all__ = ["EVALUATION_SPLIT", "HuntResult", "hunt", "train_group_model"]

#: The rows submissions are judged on: held out from training, and not the audited rows.
EVALUATION_SPLIT = "calibration"
#: Fewest training rows a group model is trained on.
MIN_TRAIN_ROWS = 30
ROUND_COLUMNS = ["round", "rule", "accepted", "group_error_before", "group_error_after",
                 "overall_error_before", "overall_error_after", "p_value", "n", "reason"]


@dataclass(frozen=True)
class HuntResult:
    """Every submission of the hunt and the final decision list.

    Attributes
    ----------
    rounds : DataFrame
        One row per submission, columns :data:`ROUND_COLUMNS`; errors on the evaluation rows
        (:data:`EVALUATION_SPLIT`), where acceptance is decided.
    decision_list : DecisionList
    overall_error_before, overall_error : float
        Base model and final list on the audited split (the held-out test rows).
    groups : DataFrame
        Accepted groups: ``rule``, ``n``, ``error_before`` (base model), ``error`` (final
        list), on the audited split.
    """

    rounds: pd.DataFrame
    decision_list: DecisionList
    overall_error_before: float
    overall_error: float
    groups: pd.DataFrame

    def to_dict(self) -> dict:
        """``{"rounds": [...], "final": {"overall_error", "groups": [...]}}`` (the CLI's JSON)."""
        keys = ROUND_COLUMNS[1:7]
        rounds = [{k: (bool(r[k]) if k == "accepted" else r[k] if k == "rule"
                       else _num(r[k])) for k in keys}
                  for r in self.rounds.to_dict(orient="records")]
        groups = [{"rule": g["rule"], "n": int(g["n"]), "error_before": _num(g["error_before"]),
                   "error": _num(g["error"])} for g in self.groups.to_dict(orient="records")]
        return {"rounds": rounds, "final": {"overall_error": _num(self.overall_error),
                                            "groups": groups}}


def _num(v):
    v = float(v)
    return None if np.isnan(v) else v


def train_group_model(dataset, group, learner: str | None = None, *, random_state: int = 0):
    """A built-in model trained on the group's training rows only.

    Raises
    ------
    ModelError
        If the group has fewer than 30 training rows, or (classification) only one outcome
        among them.
    """
    learner = learner or default_learner(dataset.task)
    rows = dataset.rows("train") & parse_rule(str(group)).mask(dataset.frame)
    n = int(rows.sum())
    if n < MIN_TRAIN_ROWS:
        raise ModelError(f"The group has {n} training rows; a model needs at least "
                         f"{MIN_TRAIN_ROWS}.")
    y = dataset.y[rows]
    if dataset.task != "regression" and len(np.unique(y)) < 2:
        raise ModelError("The group's training rows all have the same outcome, so no model "
                         "can be trained on them.")
    X = dataset.X[rows]
    model = make_model(learner, X, task=dataset.task, random_state=random_state)
    with threadpool_limits(limits=1):
        return model.fit(X, y)


def hunt(dataset, model, *, rounds: int = 3, learner: str | None = None,
         threshold: float = 0.5, max_submissions: int = 10, accept_level: float = 0.05,
         random_state: int = 0, progress=None, **search) -> HuntResult:
    """Hunt for groups the model serves worse than it could, and patch them.

    Each round searches the held-out test rows for confirmed slices of the current list's
    error (:func:`~fairdash.subgroups.find_slices`), trains ``learner`` on each slice's
    training rows and submits it (:func:`~fairdash.subgroups.submit`), judged on the
    calibration rows. Rounds stop when none is accepted, or after ``rounds``.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    model : fitted classifier or regressor
        The base model (for example :func:`fairdash.models.fit_builtin`).
    rounds : int, default 3
    learner : str, optional
        A built-in model name (default logistic or ridge regression).
    threshold : float, default 0.5
    max_submissions : int, default 10
        Confirmed slices submitted per round, largest effect first.
    accept_level : float, default 0.05
        Significance level of each acceptance test (``alpha`` of :func:`submit`).
    random_state : int, default 0
    progress : callable ``(fraction, text)``, optional
    **search
        Options of :func:`~fairdash.subgroups.find_slices` (``max_depth``, ``min_support``,
        ``fdr``, ``n_bins``, ``score``, ``columns``, ...).

    Returns
    -------
    HuntResult
    """
    if rounds < 1:
        raise RoleError(f"The hunt needs at least one round; got {rounds}.")
    dl = DecisionList(model, threshold=threshold).fit()
    ev = dataset.rows(EVALUATION_SPLIT)
    X_ev, y_ev = dataset.frame[ev], dataset.y[ev]
    rate = "mae" if dataset.task == "regression" else "error"
    records = []
    for r in range(1, rounds + 1):
        if progress is not None:
            progress((r - 1) / rounds, f"round {r}: searching for slices")
        scores = dl._outputs(dataset.frame)
        found = find_slices(dataset, scores, rate=rate, threshold=threshold,
                            random_state=random_state + r - 1, **search)
        accepted = 0
        for rule in list(found.confirmed["rule"])[:max_submissions]:
            if rule in dl.groups_:
                continue
            try:
                h = train_group_model(dataset, rule, learner, random_state=random_state)
            except ModelError as exc:
                before = list_errors(dl, X_ev, y_ev, [rule])
                n, err = before["groups"][rule]
                records.append({"round": r, "rule": rule, "accepted": False,
                                "group_error_before": err, "group_error_after": err,
                                "overall_error_before": before["overall"],
                                "overall_error_after": before["overall"], "p_value": np.nan,
                                "n": n, "reason": str(exc)})
                continue
            sub = submit(dl, rule, h, X_ev, y_ev, alpha=accept_level)
            records.append({"round": r, **{k: getattr(sub, k) for k in ROUND_COLUMNS[1:]}})
            if sub.accepted:
                dl = sub.decision_list
                accepted += 1
        if not accepted:
            break
    if progress is not None:
        progress(1.0, "done")
    test = dataset.rows(AUDITED_SPLIT)
    X_t, y_t = dataset.frame[test], dataset.y[test]
    base = list_errors(DecisionList(model, threshold=threshold), X_t, y_t, dl.groups_)
    final = list_errors(dl, X_t, y_t, dl.groups_)
    groups = pd.DataFrame([{"rule": g, "n": final["groups"][g][0],
                            "error_before": base["groups"][g][1],
                            "error": final["groups"][g][1]} for g in dl.groups_],
                          columns=["rule", "n", "error_before", "error"])
    return HuntResult(pd.DataFrame(records, columns=ROUND_COLUMNS), dl, base["overall"],
                      final["overall"], groups)
