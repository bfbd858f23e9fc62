"""Lesson 1, what the gaps measure: one threshold, two groups of people, every rate moving.

docs/methods.md §12.1. The rates are ``fairdash.metrics.all_rates`` of the per-group confusion
counts (§9.1); nothing here re-derives them.
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
    gap,
    points,
    rates_table,
)

#: people per group in the unit chart
PEOPLE_PER_GROUP = 50
#: the threshold slider's positions (step 0.01), also the task's search grid
THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)


def lesson1_people(random_state: int = 14) -> People:
    """Fifty people in each of groups A and B with a calibrated score.

    Group A's scores lean high (Beta(3, 2)), group B's low (Beta(2, 3)); each person's true
    outcome is positive with probability equal to the score, so the score is calibrated and
    the groups differ only in how many of them are positive.

    Parameters
    ----------
    random_state : int, default 14

    Returns
    -------
    People
        Scores rounded to two decimals.
    """
    rng = np.random.default_rng(random_state)
    n = PEOPLE_PER_GROUP
    score = np.round(np.concatenate([rng.beta(3, 2, n), rng.beta(2, 3, n)]), 2)
    label = (rng.random(2 * n) < score).astype(np.int64)
    return People(np.repeat(np.array(["A", "B"]), n), score, label)


@dataclass(frozen=True)
class RatesAtThreshold:
    """Everything lesson 1 shows at one threshold.

    Attributes
    ----------
    threshold : float
        Decide positive when ``score >= threshold``.
    decisions : ndarray of int
        Each person's decision.
    counts : DataFrame
        Per group: ``n``, ``tn``, ``fp``, ``fn``, ``tp``.
    rates : DataFrame
        Per group: ``n`` and the rates of ``fairdash.learn.LESSON_RATES``.
    accuracy : float
        Share of all people decided right.
    """

    threshold: float
    decisions: np.ndarray
    counts: pd.DataFrame
    rates: pd.DataFrame
    accuracy: float


def rates_at(people: People, threshold: float) -> RatesAtThreshold:
    """Decisions, confusion counts and rates of ``people`` at ``threshold``.

    Parameters
    ----------
    people : People
    threshold : float in [0, 1]

    Returns
    -------
    RatesAtThreshold
    """
    decisions = (people.score >= threshold).astype(np.int64)
    counts = decisions_counts(people, decisions)
    accuracy = float((counts[:, 0].sum() + counts[:, 3].sum()) / counts.sum())
    return RatesAtThreshold(float(threshold), decisions, counts_table(counts, people.groups),
                            rates_table(counts, people.groups), accuracy)


def best_accuracy(people: People, grid=THRESHOLDS) -> tuple[float, tuple[float, ...]]:
    """The highest overall accuracy over ``grid`` and every threshold that reaches it.

    Parameters
    ----------
    people : People
    grid : array-like, default THRESHOLDS

    Returns
    -------
    (float, tuple of float)
    """
    grid = np.asarray(grid, dtype=np.float64)
    accuracies = ((people.score[None, :] >= grid[:, None]) == (people.label[None, :] == 1)).mean(1)
    best = float(accuracies.max())
    return best, tuple(float(t) for t in np.asarray(grid)[np.isclose(accuracies, best,
                                                                       rtol=0, atol=1e-12)])


def notice_rates(result: RatesAtThreshold) -> list[str]:
    """What to notice at this threshold, with the numbers.

    Parameters
    ----------
    result : RatesAtThreshold

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    r, c = result.rates, result.counts
    out = [(f"At threshold {result.threshold:.2f}, {c.loc['A', 'tp'] + c.loc['A', 'fp']:.0f} of "
           f"{c.loc['A', 'n']:.0f} people in group A and {c.loc['B', 'tp'] + c.loc['B', 'fp']:.0f}"
           f" of {c.loc['B', 'n']:.0f} in group B are selected: selection rates "
           f"{_pct(r.loc['A', 'selection_rate'])} and {_pct(r.loc['B', 'selection_rate'])}, a "
           f"demographic parity gap of {points(gap(r['selection_rate']))}.")]
    out.append(f"Of the truly positive people, the model selects {_pct(r.loc['A', 'tpr'])} in A "
               f"({c.loc['A', 'tp']:.0f} of {c.loc['A', 'tp'] + c.loc['A', 'fn']:.0f}) and "
               f"{_pct(r.loc['B', 'tpr'])} in B ({c.loc['B', 'tp']:.0f} of "
               f"{c.loc['B', 'tp'] + c.loc['B', 'fn']:.0f}): the true positive rate gap is "
               f"{points(gap(r['tpr']))}.")
    out.append(f"Of the truly negative people, it wrongly selects {_pct(r.loc['A', 'fpr'])} in A "
               f"and {_pct(r.loc['B', 'fpr'])} in B (false positive rate gap "
               f"{points(gap(r['fpr']))}); of those selected, {_pct(r.loc['A', 'ppv'])} in A and "
               f"{_pct(r.loc['B', 'ppv'])} in B are truly positive (precision).")
    out.append(f"Overall {_pct(result.accuracy)} of the {c['n'].sum():.0f} people are decided "
               "right. The groups have different base rates "
               f"({_pct(r.loc['A', 'base_rate'])} and {_pct(r.loc['B', 'base_rate'])}), so one "
               "threshold cannot make every rate equal at once.")
    return out


def check_rates_task(people: People, result: RatesAtThreshold) -> TaskCheck:
    """Task: find the threshold at which the model makes the fewest mistakes overall.

    Parameters
    ----------
    people : People
    result : RatesAtThreshold

    Returns
    -------
    TaskCheck
    """
    best, _ = best_accuracy(people)
    if np.isclose(result.accuracy, best, rtol=0, atol=1e-12):
        r = result.rates
        return TaskCheck(True, f"Done: {_pct(best)} of people are decided right at "
                               f"{result.threshold:.2f}, the best any threshold does. Here the "
                               f"false positive rates are {_pct(r.loc['A', 'fpr'])} (A) and "
                               f"{_pct(r.loc['B', 'fpr'])} (B): the most accurate threshold is "
                               "not the one with equal error rates.")
    return TaskCheck(False, f"Not yet: {_pct(result.accuracy)} decided right at "
                            f"{result.threshold:.2f}; some threshold does better. Move the "
                            "slider and watch the accuracy.")


def _pct(v: float) -> str:
    return "n/a (no one to count)" if np.isnan(v) else f"{100 * v:.1f}%"
