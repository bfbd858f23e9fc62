"""Lesson 6, the groups nobody named: a bias-bounty round as a class game.

docs/methods.md §12.8, on the bias bounty of §8.3 (Globus-Harris, Kearns & Roth 2022). The
population is the bias lab's baseline (:func:`fairdash.learn.lab_population` at amount 0) with
one group nobody named: in group B *and* region "south", the feature ``x1`` is measured
reversed, so a model trained on everyone serves those people badly while the audit of the
named groups A and B shows little. Teams name a group by two choices (group, region); each
submission trains a model on that group's training rows (``fairdash.subgroups
.train_group_model``) and is judged on the held-out rows by ``fairdash.subgroups.submit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from fairdash.data import ColumnRoles, build_dataset
from fairdash.exceptions import FairDashError
from fairdash.learn._biaslab import lab_population
from fairdash.learn._common import TaskCheck, points
from fairdash.models import fit_builtin
from fairdash.subgroups import (
    EVALUATION_SPLIT,
    DecisionList,
    list_errors,
    submit,
    train_group_model,
)

ROLES = ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy", "region"))
GROUPS = ("any", "A", "B")
REGIONS = ("any", "north", "south", "east", "west")
#: the group nobody named
HIDDEN = "group == 'B' and region == 'south'"
#: the task: an accepted submission that lowers its group's error by at least this
TASK_DROP = 0.10


def rule_for(group: str, region: str) -> str | None:
    """The rule of a team's two choices ("any" leaves a column out); None for "any, any"."""
    parts = [f"group == '{group}'"] if group != "any" else []
    parts += [f"region == '{region}'"] if region != "any" else []
    return " and ".join(parts) or None


@lru_cache(maxsize=1)
def bounty_game():
    """The population, its dataset and the base model (cached: the game starts from these).

    Returns
    -------
    (Dataset, fitted model)
    """
    frame = lab_population("label_bias", 0.0).copy()
    hidden = ((frame["group"] == "B") & (frame["region"] == "south")).to_numpy()
    frame.loc[hidden, "x1"] = 1.2 - frame.loc[hidden, "x1"]
    ds = build_dataset(frame, ROLES, random_state=0)
    return ds, fit_builtin(ds, "logreg", random_state=0)


@dataclass(frozen=True)
class Round:
    """A bounty round: every submission in order, judged on the held-out rows.

    Attributes
    ----------
    submissions : list of fairdash.subgroups.Submission or str
        The verdict of each submission (a sentence when no model could be trained).
    board : DataFrame
        One row per submission: rule, accepted, rows, group error before and after,
        overall error after, p-value.
    named : DataFrame
        The error rate of the named groups A and B on the held-out rows, before and after.
    overall_before, overall_after : float
    """

    submissions: list
    board: pd.DataFrame
    named: pd.DataFrame
    overall_before: float
    overall_after: float


def play(rules: tuple) -> Round:
    """Judge ``rules`` one after the other, each against the list the earlier ones left.

    Parameters
    ----------
    rules : tuple of str
        Rules in the order they were submitted.

    Returns
    -------
    Round
    """
    ds, model = bounty_game()
    rows = ds.rows(EVALUATION_SPLIT)
    X, y = ds.frame[rows], ds.y[rows]
    start = DecisionList(model).fit()
    dl, out, board = start, [], []
    for rule in rules:
        try:
            h = train_group_model(ds, rule)
        except FairDashError as exc:
            out.append(str(exc))
            board.append({"rule": rule, "accepted": False, "rows": np.nan,
                          "error before": np.nan, "error after": np.nan,
                          "overall error": np.nan, "p-value": np.nan})
            continue
        sub = submit(dl, rule, h, X, y)
        out.append(sub)
        board.append({"rule": rule, "accepted": sub.accepted, "rows": sub.n,
                      "error before": sub.group_error_before,
                      "error after": sub.group_error_after,
                      "overall error": sub.overall_error_after, "p-value": sub.p_value})
        dl = sub.decision_list
    named = ["group == 'A'", "group == 'B'"]
    before, after = list_errors(start, X, y, named), list_errors(dl, X, y, named)
    table = pd.DataFrame({"rows": [before["groups"][r][0] for r in named],
                          "error before": [before["groups"][r][1] for r in named],
                          "error after": [after["groups"][r][1] for r in named]},
                         index=pd.Index(["A", "B"], name="group"))
    return Round(out, pd.DataFrame(board, columns=["rule", "accepted", "rows", "error before",
                                                   "error after", "overall error", "p-value"]),
                 table, before["overall"], after["overall"])


def error_tables(game: Round) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The error rate before the round and now, of the named groups and of each submitted
    group: two tables (index: the group; columns ``n`` and ``error``) for the figure.

    Parameters
    ----------
    game : Round

    Returns
    -------
    (DataFrame, DataFrame)
        Before the round and now.
    """
    named = game.named
    index = [f"group {g}" for g in named.index]
    before = pd.DataFrame({"n": named["rows"].to_numpy(),
                           "error": named["error before"].to_numpy()}, index=index)
    after = pd.DataFrame({"n": named["rows"].to_numpy(),
                          "error": named["error after"].to_numpy()}, index=index)
    for i, row in game.board.dropna(subset=["rows"]).iterrows():
        name = f"#{i + 1} {row['rule']}"
        before.loc[name] = {"n": row["rows"], "error": row["error before"]}
        after.loc[name] = {"n": row["rows"], "error": row["error after"]}
    return before, after


def notice_bounty(game: Round) -> list[str]:
    """What to notice, with the numbers.

    Parameters
    ----------
    game : Round

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    n = game.named
    out = [(f"The named groups differ little: error {n.loc['A', 'error before']:.1%} in A "
           f"({n.loc['A', 'rows']:,} rows) and {n.loc['B', 'error before']:.1%} in B "
           f"({n.loc['B', 'rows']:,}), a gap of "
           f"{points(abs(n.loc['A', 'error before'] - n.loc['B', 'error before']))}.")]
    if len(game.board):
        last, verdict = game.board.iloc[-1], game.submissions[-1]
        reason = verdict if isinstance(verdict, str) else verdict.reason
        out.append(f"Last submission, {last['rule']}: {reason}")
    accepted = game.board[game.board["accepted"]]
    out.append(f"{len(accepted)} of {len(game.board)} submissions accepted; overall error "
               f"{game.overall_before:.1%} before the round and {game.overall_after:.1%} now, "
               f"B's error {n.loc['B', 'error before']:.1%} → {n.loc['B', 'error after']:.1%}.")
    return out


def check_bounty_task(game: Round) -> TaskCheck:
    """Task: find a group whose submission is accepted and cuts its error by 10 points.

    Parameters
    ----------
    game : Round

    Returns
    -------
    TaskCheck
    """
    board = game.board
    found = board[board["accepted"] & (board["error before"] - board["error after"] >= TASK_DROP)]
    if len(found):
        row = found.iloc[0]
        return TaskCheck(True, f"Done: {row['rule']} ({row['rows']:,} rows) had an error of "
                               f"{row['error before']:.1%}; its own model brings it to "
                               f"{row['error after']:.1%}. No audit of the named groups showed "
                               "this group.")
    return TaskCheck(False, "Not yet: no accepted submission has cut its group's error by 10 "
                            "percentage points. Which combination of group and region does the "
                            "model serve worst?")
