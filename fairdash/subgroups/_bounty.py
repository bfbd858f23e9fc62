"""Bias-bounty submissions: accept a (group, model) pair when held-out rows support it, and
update the decision list without raising any earlier group's error (docs/methods.md §8.3).

Globus-Harris, Kearns & Roth (2022), "An algorithmic framework for bias bounties", FAccT.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.exceptions import RoleError
from fairdash.models import positive_scores, predictions
from fairdash.subgroups._decision_list import DecisionList
from fairdash.subgroups._rules import Rule, parse_rule
from fairdash.subgroups._stats import paired_improvement

__all__ = ["Submission", "list_errors", "submit"]


@dataclass(frozen=True)
class Submission:
    """The verdict on one submission, measured on the evaluation rows.

    Attributes
    ----------
    rule : str
    accepted : bool
    reason : str
        One sentence: why it was accepted or refused.
    p_value : float
        One-sided paired test that the submitted model's error on the group is lower.
    n : int
        Evaluation rows in the group.
    group_error_before, group_error_after : float
        Error on the group of the list before and of the list returned (after the repair).
    overall_error_before, overall_error_after : float
    repaired : tuple of str
        Earlier groups sent back to the previous list by the repair step.
    decision_list : DecisionList
        The updated list (the same list when refused).
    """

    rule: str
    accepted: bool
    reason: str
    p_value: float
    n: int
    group_error_before: float
    group_error_after: float
    overall_error_before: float
    overall_error_after: float
    repaired: tuple
    decision_list: DecisionList

    def to_dict(self) -> dict:
        """JSON-safe fields (without the model)."""
        out = {k: getattr(self, k) for k in (
            "rule", "accepted", "group_error_before", "group_error_after",
            "overall_error_before", "overall_error_after", "p_value", "n", "reason")}
        out["repaired"] = list(self.repaired)
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v)
                for k, v in out.items()}


def _as_rule(group) -> Rule:
    if isinstance(group, Rule):
        return group
    if isinstance(group, str):
        return parse_rule(group)
    raise RoleError("A group is a rule written as text, such as 'age < 30 and sex == "
                    "\"Female\"'.")


def _loss(outputs, y, classifier: bool, threshold: float) -> np.ndarray:
    if classifier:
        return ((outputs >= threshold).astype(np.int64) != y).astype(np.float64)
    return np.abs(outputs - y)


def list_errors(decision_list: DecisionList, X: pd.DataFrame, y, groups=()) -> dict:
    """Overall error of the list on ``(X, y)`` and its error on each group rule.

    Error is the error rate at the list's threshold for a classifier and the mean absolute
    error for a regressor. Returns ``{"overall": float, "groups": {rule: (n, error)}}``.
    """
    dl = decision_list if hasattr(decision_list, "groups_") else decision_list.fit()
    classifier = dl._classifier()
    y = np.asarray(y, dtype=np.float64)
    loss = _loss(dl._outputs(X), y, classifier, dl.threshold)
    out = {}
    for rule in groups:
        mask = _as_rule(rule).mask(X)
        out[str(rule)] = (int(mask.sum()), float(loss[mask].mean()) if mask.any() else np.nan)
    return {"overall": float(loss.mean()), "groups": out}


def submit(decision_list: DecisionList, group, model, X: pd.DataFrame, y, *,
           alpha: float = 0.05) -> Submission:
    """Judge a bias-bounty submission and, if accepted, update the decision list.

    Parameters
    ----------
    decision_list : DecisionList
        The current model (``DecisionList(base_model)`` at the start).
    group : str or Rule
        The group, as a rule (:func:`~fairdash.subgroups.parse_rule`).
    model : fitted classifier or regressor
        The submitted model for the group (trained on training rows, or uploaded).
    X : DataFrame
        Held-out evaluation rows (not used to train either model), with every column the
        rules and models read.
    y : array-like
        Their 0/1 labels (classification) or target values (regression).
    alpha : float, default 0.05
        Significance level of the acceptance test.

    Returns
    -------
    Submission

    Notes
    -----
    Accepted when the submitted model's error on the group's evaluation rows is lower than
    the current list's and a one-sided paired test says so at level ``alpha`` (exact McNemar
    on 0/1 errors; paired t-test on absolute errors). The update prepends
    ``(group -> model)``. Then the repair step: any earlier accepted group whose error rose
    above its error before this submission gets an entry in front that sends it back to the
    list as it was before the submission; repeated until no earlier group is worse. Each
    repair lowers the overall error (the group's rows return to the old, better predictions),
    and the new group's error only falls (the rows given back are rows where the submitted
    model did worse in total), so on the evaluation rows neither the overall error nor any
    accepted group's error ever increases.
    """
    if not 0 < alpha <= 1:
        raise RoleError(f"The significance level must lie in (0, 1]; got {alpha}.")
    dl = decision_list if hasattr(decision_list, "groups_") else decision_list.fit()
    rule = _as_rule(group)
    classifier = dl._classifier()
    y = np.asarray(y, dtype=np.float64)
    if len(y) != len(X):
        raise RoleError(f"Expected one label per evaluation row ({len(X):,}); got {len(y):,}.")
    thr = dl.threshold
    old_out = dl._outputs(X)
    old_loss = _loss(old_out, y, classifier, thr)
    g = rule.mask(X)
    overall_before = float(old_loss.mean())
    n = int(g.sum())
    if n == 0:
        return Submission(rule.text, False, "The group has no evaluation rows.", 1.0, 0,
                          np.nan, np.nan, overall_before, overall_before, (), dl)
    one = positive_scores if classifier else predictions
    h_out = one(model, X[g])
    new_out = old_out.copy()
    new_out[g] = h_out
    new_loss = _loss(new_out, y, classifier, thr)
    before, proposed = float(old_loss[g].mean()), float(new_loss[g].mean())
    p = paired_improvement(old_loss[g], new_loss[g], binary=classifier)
    if not (proposed < before and p <= alpha):
        why = ("it is not lower on the group's evaluation rows" if proposed >= before else
               f"the improvement is not significant (one-sided p = {p:.3g} > {alpha:g})")
        return Submission(rule.text, False, f"Refused: the submitted model's error ({proposed:.4f}"
                          f" against {before:.4f}) — {why}.", p, n, before, before,
                          overall_before, overall_before, (), dl)
    entries = [(rule.text, model, 0)] + list(dl.entries)
    n_old = len(dl.entries)
    earlier = [(r, parse_rule(r).mask(X)) for r in dl.groups_]
    baseline = {r: float(old_loss[m].mean()) if m.any() else 0.0 for r, m in earlier}
    repaired: list[str] = []
    changed = True
    while changed:
        changed = False
        for r, mask in earlier:
            if r in repaired or not mask.any():
                continue
            if _loss(new_out[mask], y[mask], classifier, thr).mean() > baseline[r] + 1e-12:
                # the previous list is the last n_old entries: jump there
                entries.insert(0, (r, None, len(entries) - n_old))
                new_out[mask] = old_out[mask]
                repaired.append(r)
                changed = True
    new_loss = _loss(new_out, y, classifier, thr)
    updated = DecisionList(dl.base_estimator, tuple(entries), thr).fit()
    note = f" {len(repaired)} earlier group(s) kept their previous decisions." if repaired else ""
    return Submission(rule.text, True, f"Accepted: the error on the group falls from "
                      f"{before:.4f} to {float(new_loss[g].mean()):.4f} (one-sided p = {p:.3g})."
                      + note, p, n, before, float(new_loss[g].mean()), overall_before,
                      float(new_loss.mean()), tuple(repaired), updated)
