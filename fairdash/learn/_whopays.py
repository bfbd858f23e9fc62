"""Lesson 5, levelling down and who pays: what a mitigation changes, group by group.

docs/methods.md §12.5. The population is the bias lab's baseline
(:func:`fairdash.learn.lab_population` at amount 0); the model is a logistic regression trained
on its train split. A registered mitigation at a strength is applied
(``fairdash.mitigation.mitigate``); randomised decisions are drawn once with a fixed seed, so
that each person's decision is concrete. The changes are a
:func:`fairdash.compare.flip_report` and :func:`fairdash.compare.who_pays` (§7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.compare import flip_report, who_pays
from fairdash.data import build_dataset
from fairdash.learn._biaslab import ROLES, lab_population
from fairdash.learn._common import TaskCheck, gap, points, rates_table
from fairdash.metrics import confusion_counts
from fairdash.mitigation import REGISTRY, mitigate
from fairdash.models import fit_builtin, score_dataset

#: mitigations of the lesson (names of fairdash.mitigation.REGISTRY)
METHODS = ("thresholds_eo", "thresholds_eop", "thresholds_dp", "reweighing")
#: rates compared before and after
COMPARED = ("selection_rate", "tpr", "fpr", "accuracy")
NAMES = {"tpr": "true positive rate", "accuracy": "accuracy"}


@dataclass(frozen=True)
class WhoPaysLesson:
    """Before and after a mitigation, per group.

    Attributes
    ----------
    method : str
    strength : float
    before, after : DataFrame
        ``n`` and the lesson rates per group on the test rows.
    changed : DataFrame
        Per group: ``newly_selected_right`` / ``newly_selected_wrong`` (selected now, truly
        positive / negative), ``newly_rejected_right`` / ``newly_rejected_wrong`` (rejected
        now, truly negative / positive), and ``n``.
    worse, better : dict
        Rate -> groups whose rate moved the harmful / helpful way by more than half a point
        (TPR or accuracy down, FPR up is worse).
    who : fairdash.compare.WhoPays
    report : fairdash.compare.FlipReport
    """

    method: str
    strength: float
    before: pd.DataFrame
    after: pd.DataFrame
    changed: pd.DataFrame
    worse: dict
    better: dict
    who: object
    report: object


def who_pays_lesson(method: str, strength: float) -> WhoPaysLesson:
    """Apply ``method`` at ``strength`` and compare each group before and after.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`.
    strength : float in [0, 1]
        0 = the model as it is (nothing changes).

    Returns
    -------
    WhoPaysLesson
    """
    frame = lab_population("label_bias", 0.0)
    ds = build_dataset(frame, ROLES, random_state=0)
    scores = score_dataset(fit_builtin(ds, "logreg", random_state=0), ds)
    test = ds.rows("test")
    y, codes, labels = ds.y[test], ds.group_codes[test], list(ds.group_labels)
    old = (scores[test] >= 0.5).astype(np.int64)
    result = mitigate(ds, method, float(strength), base_scores=scores, random_state=0)
    if result.decisions_only:
        draw = np.random.default_rng(0).random(int(test.sum()))
        new = (draw < result.scores[test]).astype(np.int64)
    else:
        new = (result.scores[test] >= 0.5).astype(np.int64)
    before = rates_table(confusion_counts(y, old, codes, len(labels)), labels)
    after = rates_table(confusion_counts(y, new, codes, len(labels)), labels)
    groups = ds.group_labels[codes].astype(str)
    changed = pd.DataFrame({
        "n": before["n"],
        "newly_selected_right": _per_group((new > old) & (y == 1), codes, labels),
        "newly_selected_wrong": _per_group((new > old) & (y == 0), codes, labels),
        "newly_rejected_right": _per_group((new < old) & (y == 0), codes, labels),
        "newly_rejected_wrong": _per_group((new < old) & (y == 1), codes, labels)},
        index=before.index)
    worse, better = {}, {}
    for rate, sign in (("tpr", 1), ("accuracy", 1), ("fpr", -1), ("selection_rate", 0)):
        delta = (after[rate] - before[rate]) * sign
        if sign:
            worse[rate] = [g for g in labels if delta[g] < -0.005]
            better[rate] = [g for g in labels if delta[g] > 0.005]
    report = flip_report(y, old, new, sensitive_features=groups)
    return WhoPaysLesson(method, float(strength), before, after, changed, worse, better,
                         who_pays(report, n_resamples=500), report)


def _per_group(mask, codes, labels) -> np.ndarray:
    return np.bincount(codes[mask], minlength=len(labels))


#: the rate(s) whose gap each criterion closes
CRITERION_RATES = {"demographic_parity_difference": ("selection_rate",),
                   "equal_opportunity_difference": ("tpr",),
                   "equalized_odds_difference": ("tpr", "fpr")}


def criterion_gap(result: WhoPaysLesson, table: pd.DataFrame) -> float:
    """The gap the method aims at (its registry criterion) in ``table``.

    Parameters
    ----------
    result : WhoPaysLesson
    table : DataFrame
        ``before`` or ``after``.

    Returns
    -------
    float
    """
    rates = CRITERION_RATES[REGISTRY[result.method].criterion]
    return max(gap(table[r]) for r in rates)


def levelled_down(result: WhoPaysLesson) -> dict:
    """Group -> the rates (``tpr``, ``accuracy``) it lost while the method's gap closed.

    Parameters
    ----------
    result : WhoPaysLesson

    Returns
    -------
    dict
    """
    if not criterion_gap(result, result.after) < criterion_gap(result, result.before) - 1e-9:
        return {}
    out = {}
    for rate in ("tpr", "accuracy"):
        for g in result.worse[rate]:
            out.setdefault(g, []).append(rate)
    return out


def notice_pays(result: WhoPaysLesson) -> list[str]:
    """What to notice, with the numbers.

    Parameters
    ----------
    result : WhoPaysLesson

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    b, a, c = result.before, result.after, result.changed
    label = REGISTRY[result.method].label
    criterion = REGISTRY[result.method].criterion.replace("_difference", "").replace("_", " ")
    out = [(f"{label} at strength {result.strength:.2f}: the gap it aims at ({criterion}) goes "
           f"from {points(criterion_gap(result, b))} to {points(criterion_gap(result, a))}; the "
           f"equal-opportunity gap from {points(gap(b['tpr']))} to {points(gap(a['tpr']))}, the "
           f"selection-rate gap from {points(gap(b['selection_rate']))} to "
           f"{points(gap(a['selection_rate']))}.")]
    for g in a.index:
        selected = c.loc[g, "newly_selected_right"] + c.loc[g, "newly_selected_wrong"]
        rejected = c.loc[g, "newly_rejected_right"] + c.loc[g, "newly_rejected_wrong"]
        out.append(f"Group {g} ({b.loc[g, 'n']:.0f} people): true positive rate "
                   f"{b.loc[g, 'tpr']:.1%} → {a.loc[g, 'tpr']:.1%}, false positive rate "
                   f"{b.loc[g, 'fpr']:.1%} → {a.loc[g, 'fpr']:.1%}, accuracy "
                   f"{b.loc[g, 'accuracy']:.1%} → {a.loc[g, 'accuracy']:.1%}; "
                   f"{selected:.0f} newly selected, {rejected:.0f} newly rejected.")
    down = levelled_down(result)
    if down:
        who = " and ".join(f"group {g}'s {' and '.join(NAMES[r] for r in lost)}"
                           for g, lost in down.items())
        verb = "falls" if sum(len(lost) for lost in down.values()) == 1 else "fall"
        out.append(f"Levelling down: the gap closes while {who} {verb}: the smaller gap is "
                   "paid for by people who were better served before.")
    out.append(result.who.sentence)
    return out


def check_pays_task(result: WhoPaysLesson) -> TaskCheck:
    """Task: find a method and strength at which group A, the group ahead, loses true
    positives while the gap the method aims at closes (levelling down in the strict sense).

    Parameters
    ----------
    result : WhoPaysLesson

    Returns
    -------
    TaskCheck
    """
    lost = levelled_down(result).get("A", [])
    if "tpr" in lost:
        return TaskCheck(True, f"Done: with {REGISTRY[result.method].label} at "
                               f"{result.strength:.2f} the gap it aims at goes from "
                               f"{points(criterion_gap(result, result.before))} to "
                               f"{points(criterion_gap(result, result.after))}, partly because "
                               f"group A's true positive rate falls from "
                               f"{result.before.loc['A', 'tpr']:.1%} to "
                               f"{result.after.loc['A', 'tpr']:.1%}: A's qualified people pay "
                               "for the smaller gap.")
    return TaskCheck(False, "Not yet: group A's true positive rate does not fall here "
                            f"({result.before.loc['A', 'tpr']:.1%} → "
                            f"{result.after.loc['A', 'tpr']:.1%}). Try another method or "
                            "strength.")
