"""Shared pieces of the lessons: a population of people, counts per group, a task's verdict."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.metrics import CELLS, all_rates, confusion_counts

#: rates every lesson table shows, in this order (names of ``fairdash.metrics.RATE_DEFINITIONS``)
LESSON_RATES = ("selection_rate", "tpr", "fpr", "fnr", "ppv", "accuracy", "base_rate")


@dataclass(frozen=True)
class People:
    """A small population: one row per person.

    Attributes
    ----------
    group : ndarray of str
        Group of each person ("A" or "B").
    score : ndarray of float
        The model's score of each person (higher = more likely positive).
    label : ndarray of int
        The true outcome, 1 = positive.
    """

    group: np.ndarray
    score: np.ndarray
    label: np.ndarray

    @property
    def groups(self) -> list[str]:
        """Group labels in sorted order."""
        return sorted(set(self.group.tolist()))

    @property
    def codes(self) -> np.ndarray:
        """Group index of each person (position in :attr:`groups`)."""
        return np.searchsorted(np.array(self.groups), self.group)


@dataclass(frozen=True)
class TaskCheck:
    """The verdict on a lesson's "try this" task.

    Attributes
    ----------
    done : bool
        True when the learner has completed the task.
    message : str
        What to do next, or why the task is done, with the numbers.
    """

    done: bool
    message: str


def counts_table(counts: np.ndarray, groups) -> pd.DataFrame:
    """Confusion counts ``tn, fp, fn, tp`` per group with the group size ``n``.

    Parameters
    ----------
    counts : ndarray of shape (K, 4)
        From :func:`fairdash.metrics.confusion_counts` (columns ``tn, fp, fn, tp``).
    groups : sequence of str

    Returns
    -------
    DataFrame
        Index ``group``; columns ``n``, ``tn``, ``fp``, ``fn``, ``tp``.
    """
    table = pd.DataFrame(np.asarray(counts, dtype=np.float64), columns=list(CELLS),
                         index=pd.Index([str(g) for g in groups], name="group"))
    table.insert(0, "n", table.sum(axis=1))
    return table


def rates_table(counts: np.ndarray, groups) -> pd.DataFrame:
    """The lesson rates per group from confusion counts (``fairdash.metrics.all_rates``).

    Parameters
    ----------
    counts : ndarray of shape (K, 4)
    groups : sequence of str

    Returns
    -------
    DataFrame
        Index ``group``; column ``n`` then every name of :data:`LESSON_RATES` (NaN where a
        denominator is 0).
    """
    rates = all_rates(np.asarray(counts, dtype=np.float64))
    table = pd.DataFrame({name: rates[name] for name in LESSON_RATES},
                         index=pd.Index([str(g) for g in groups], name="group"))
    table.insert(0, "n", np.asarray(counts, dtype=np.float64).sum(axis=1))
    return table


def decisions_counts(people: People, decisions) -> np.ndarray:
    """Per-group confusion counts of ``decisions`` (0/1 or probabilities) on ``people``.

    Parameters
    ----------
    people : People
    decisions : array-like
        0/1 decisions or decision probabilities, one per person.

    Returns
    -------
    ndarray of shape (K, 4)
        ``tn, fp, fn, tp`` per group, in the order of ``people.groups``.
    """
    return confusion_counts(people.label, np.asarray(decisions, dtype=np.float64),
                            people.codes, len(people.groups))


def gap(values) -> float:
    """Largest minus smallest of the defined values (NaN when fewer than two are defined).

    Parameters
    ----------
    values : array-like
        One rate per group.

    Returns
    -------
    float
    """
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    return float(arr.max() - arr.min()) if len(arr) >= 2 else float("nan")


def points(v: float) -> str:
    """A rate difference in percentage points, for sentences.

    Parameters
    ----------
    v : float
        A difference of two rates.

    Returns
    -------
    str
        For example "4.9 percentage points"; "n/a" for NaN.
    """
    return "n/a" if np.isnan(v) else f"{100 * v:.1f} percentage points"


def dollars(v: float) -> str:
    """An amount of money with its sign before the dollar: "$48,000", "−$46,500".

    Parameters
    ----------
    v : float

    Returns
    -------
    str
    """
    return f"−${-v:,.0f}" if v < 0 else f"${v:,.0f}"
