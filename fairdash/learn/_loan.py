"""Lesson 3, the loan game: one threshold per group, profit and the price of each criterion.

docs/methods.md §12.3, after the explainer of Wattenberg, Viégas & Hardt (2016) on Hardt,
Price & Srebro (2016). The jump buttons are the project's own group-threshold linear program
(:class:`fairdash.mitigation.postprocessing.GroupThresholdOptimizer`, docs/methods.md §4),
fitted on the lesson's applicants with the lesson's profit as its cost, at tolerance 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.learn._common import (
    People,
    TaskCheck,
    counts_table,
    decisions_counts,
    dollars,
    gap,
    points,
    rates_table,
)
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

#: profit of a loan that is repaid, loss of one that defaults (in dollars)
GAIN, LOSS = 300.0, 700.0
#: applicants per group
APPLICANTS = 1000
#: the jump buttons: name -> (label, constraint of the LP or None for no constraint)
SOLUTIONS = {
    "max_profit": ("Maximum profit", None),
    "demographic_parity": ("Demographic parity", "demographic_parity"),
    "equal_opportunity": ("Equal opportunity", "equal_opportunity"),
    "equalized_odds": ("Equalized odds", "equalized_odds"),
}
#: the task: equal true positive rates within this ...
TASK_TPR_GAP = 0.03
#: ... at a profit of at least this share of the equal-opportunity optimum
TASK_PROFIT_SHARE = 0.95


def loan_applicants(random_state: int = 3) -> People:
    """Applicants of groups A and B with a credit score from 0 to 100.

    Scores are rounded normals (mean 65 in A, 50 in B, standard deviation 15, clipped); in
    each score a share ``score / 100`` of the applicants repays (rounded to whole people), so
    the score means the same in both groups and only its distribution differs.

    Parameters
    ----------
    random_state : int, default 3

    Returns
    -------
    People
        ``score`` in 0..100 (whole numbers), ``label`` 1 = repays.
    """
    rng = np.random.default_rng(random_state)
    groups, scores, labels = [], [], []
    for name, mean in (("A", 65.0), ("B", 50.0)):
        s = np.clip(np.round(rng.normal(mean, 15.0, APPLICANTS)), 0, 100).astype(int)
        for value in np.unique(s):
            n = int((s == value).sum())
            repay = int(np.rint(n * value / 100))
            scores += [value] * n
            labels += [1] * repay + [0] * (n - repay)
            groups += [name] * n
    return People(np.array(groups), np.array(scores, dtype=np.float64), np.array(labels))


@dataclass(frozen=True)
class LoanOutcome:
    """The bank's decisions under given per-group rules.

    Attributes
    ----------
    decisions : ndarray of float
        Probability that each applicant gets a loan (0/1 for plain thresholds).
    counts : DataFrame
        Expected ``n, tn, fp, fn, tp`` per group.
    rates : DataFrame
        ``n`` and the lesson rates per group.
    profit : float
        ``GAIN * repaid loans - LOSS * defaulted loans`` (expected), in dollars.
    accuracy : float
        Share of applicants decided right.
    """

    decisions: np.ndarray
    counts: pd.DataFrame
    rates: pd.DataFrame
    profit: float
    accuracy: float


def outcome(people: People, decisions) -> LoanOutcome:
    """Profit, accuracy, counts and rates of ``decisions`` (0/1 or probabilities).

    Parameters
    ----------
    people : People
    decisions : array-like
        0/1 or probabilities, one per applicant.

    Returns
    -------
    LoanOutcome
    """
    counts = decisions_counts(people, decisions)
    tn, fp, _, tp = counts.sum(axis=0)
    return LoanOutcome(np.asarray(decisions, dtype=np.float64),
                       counts_table(counts, people.groups), rates_table(counts, people.groups),
                       float(GAIN * tp - LOSS * fp), float((tn + tp) / counts.sum()))


def at_thresholds(people: People, threshold_a: float, threshold_b: float) -> LoanOutcome:
    """Loans to A with ``score >= threshold_a`` and to B with ``score >= threshold_b``.

    Parameters
    ----------
    people : People
    threshold_a, threshold_b : float

    Returns
    -------
    LoanOutcome
    """
    cut = np.where(people.group == "A", threshold_a, threshold_b)
    return outcome(people, (people.score >= cut).astype(np.float64))


@dataclass(frozen=True)
class Solution:
    """One jump button: the LP's optimum under a criterion.

    Attributes
    ----------
    name, label : str
    outcome : LoanOutcome
        The LP's (randomised) rule applied to the applicants.
    thresholds : tuple of int
        Per group, the plain threshold whose (FPR, TPR) is nearest the LP's: where the
        sliders jump to.
    rule : dict
        Group -> a sentence describing the LP's rule.
    optimizer : GroupThresholdOptimizer
        The fitted program (read its ``expected_cost_`` and ``targets_``).
    """

    name: str
    label: str
    outcome: LoanOutcome
    thresholds: tuple
    rule: dict
    optimizer: GroupThresholdOptimizer


def solve(people: People, name: str, tolerance: float = 0.0) -> Solution:
    """The most profitable rule under criterion ``name`` (a key of :data:`SOLUTIONS`).

    Parameters
    ----------
    people : People
    name : str
    tolerance : float, default 0
        Largest gap allowed in the constrained rate(s); "max_profit" has no constraint.

    Returns
    -------
    Solution
    """
    label, constraint = SOLUTIONS[name]
    lp = GroupThresholdOptimizer(constraint=constraint or "demographic_parity",
                                 tolerance=1.0 if constraint is None else float(tolerance),
                                 cost_fp=LOSS, cost_fn=GAIN, max_roc_points=None)
    lp.fit(people.score / 100.0, people.label, sensitive_features=people.group)
    decisions = lp.decision_proba(people.score / 100.0, sensitive_features=people.group)
    result = outcome(people, decisions)
    thresholds = tuple(_nearest_threshold(people, g, result.rates.loc[g, "fpr"],
                                          result.rates.loc[g, "tpr"]) for g in people.groups)
    rule = {g: _rule_sentence(lp.targets_.loc[g]) for g in people.groups}
    return Solution(name, label, result, thresholds, rule, lp)


def price_table(people: People, solutions: dict) -> pd.DataFrame:
    """Per solution: profit, accuracy, the price against the maximum profit and each group's
    selection rate, TPR and FPR.

    Parameters
    ----------
    people : People
    solutions : dict
        Name -> :class:`Solution` for every key of :data:`SOLUTIONS`.

    Returns
    -------
    DataFrame
        Index: the solutions' labels.
    """
    best = solutions["max_profit"].outcome.profit
    rows = []
    for s in solutions.values():
        r = s.outcome.rates
        rows.append({"solution": s.label, "profit": s.outcome.profit,
                     "price": best - s.outcome.profit, "accuracy": s.outcome.accuracy,
                     **{f"{rate} {g}": r.loc[g, rate] for rate in ("selection_rate", "tpr", "fpr")
                        for g in people.groups}})
    return pd.DataFrame(rows).set_index("solution")


def _nearest_threshold(people: People, group: str, fpr: float, tpr: float) -> int:
    mask = people.group == group
    s, y = people.score[mask], people.label[mask]
    cuts = np.arange(0, 102)
    chosen = s[None, :] >= cuts[:, None]
    t = (chosen & (y == 1)).sum(1) / max((y == 1).sum(), 1)
    f = (chosen & (y == 0)).sum(1) / max((y == 0).sum(), 1)
    return int(cuts[np.argmin((t - tpr) ** 2 + (f - fpr) ** 2)])


def _rule_sentence(row) -> str:
    """The LP's three-level rule in words, equal neighbouring levels merged."""
    hi, lo = 100 * row["thr_hi"], 100 * row["thr_lo"]
    keep = 1.0 - float(row["base_share"])
    if np.isfinite(lo) and lo < hi:
        middle = f"score {lo:.0f}" if round(hi - lo) == 1 else f"{lo:.0f}–{hi - 1:.0f}"
        levels = [(row["prob_hi"], f"score ≥ {hi:.0f}"), (row["prob_mid"], middle),
                  (row["prob_lo"], f"score < {lo:.0f}")]
    else:
        levels = [(row["prob_hi"], f"score ≥ {hi:.0f}"), (row["prob_lo"], f"score < {hi:.0f}")]
    merged = []
    for p, where in levels:
        if merged and np.isclose(merged[-1][0], p, atol=1e-9):
            low_end = where.split("–")[0].replace("score ", "")
            merged[-1] = (p, f"score ≥ {low_end}" if not where.startswith("score <")
                          else "everyone")
        else:
            merged.append((p, where))
    parts = [f"{100 * keep * p:.0f}% of applicants with {where}" for p, where in merged
             if keep * p >= 0.005]
    return "lend to " + ("; ".join(parts) if parts else "nobody")


def notice_loan(people: People, current: LoanOutcome, solutions: dict,
                thresholds: tuple) -> list[str]:
    """What to notice at the learner's thresholds, with the numbers.

    Parameters
    ----------
    people : People
    current : LoanOutcome
        At the learner's thresholds.
    solutions : dict
    thresholds : tuple
        The learner's thresholds.

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    r = current.rates
    best = solutions["max_profit"].outcome.profit
    out = [(f"At thresholds {thresholds[0]:.0f} (A) and {thresholds[1]:.0f} (B) the bank lends "
           f"to {r.loc['A', 'selection_rate']:.1%} of A's {r.loc['A', 'n']:.0f} applicants and "
           f"{r.loc['B', 'selection_rate']:.1%} of B's {r.loc['B', 'n']:.0f}, and earns "
           f"{dollars(current.profit)} ({current.accuracy:.1%} of applicants decided right); the "
           f"most any rule earns is {dollars(best)}.")]
    out.append(f"Of those who would repay, A gets a loan {r.loc['A', 'tpr']:.1%} of the time "
               f"and B {r.loc['B', 'tpr']:.1%} (equal-opportunity gap "
               f"{points(gap(r['tpr']))}); the selection-rate gap is "
               f"{points(gap(r['selection_rate']))} and the false positive rate gap "
               f"{points(gap(r['fpr']))}.")
    for key in ("demographic_parity", "equal_opportunity", "equalized_odds"):
        s = solutions[key]
        out.append(f"{s.label} at its cheapest earns {dollars(s.outcome.profit)}, a price of "
                   f"{dollars(best - s.outcome.profit)} against the maximum.")
    return out


def check_loan_task(current: LoanOutcome, solutions: dict) -> TaskCheck:
    """Task: equal TPRs (within 3 points) at 95% or more of the equal-opportunity profit.

    Parameters
    ----------
    current : LoanOutcome
    solutions : dict

    Returns
    -------
    TaskCheck
    """
    target = TASK_PROFIT_SHARE * solutions["equal_opportunity"].outcome.profit
    tpr_gap = gap(current.rates["tpr"])
    if tpr_gap <= TASK_TPR_GAP and current.profit >= target:
        return TaskCheck(True, f"Done: a TPR gap of {points(tpr_gap)} at {dollars(current.profit)}, "
                               "within 5% of what the equal-opportunity optimum earns "
                               f"({dollars(solutions['equal_opportunity'].outcome.profit)}).")
    return TaskCheck(False, f"Not yet: TPR gap {points(tpr_gap)} (needs ≤ "
                            f"{points(TASK_TPR_GAP)}) and profit {dollars(current.profit)} (needs ≥ "
                            f"{dollars(target)}).")
