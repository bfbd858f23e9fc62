"""Lesson 6: the hidden group, the bounty's verdicts and the task."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fairdash import learn
from fairdash.subgroups import EVALUATION_SPLIT, parse_rule


@pytest.fixture(scope="module")
def game():
    return learn.bounty_game()


def test_rules_from_the_two_choices():
    assert learn.rule_for("any", "any") is None
    assert learn.rule_for("B", "any") == "group == 'B'"
    assert learn.rule_for("B", "south") == learn.HIDDEN
    for g, r in itertools.product(learn.GROUPS, learn.REGIONS):
        rule = learn.rule_for(g, r)
        assert rule is None or str(parse_rule(rule)) == rule


def test_the_hidden_group_is_served_worst_and_the_named_audit_hides_it(game):
    ds, model = game
    rows = ds.rows(EVALUATION_SPLIT)
    frame = ds.frame[rows]
    wrong = (model.predict_proba(ds.X[rows])[:, 1] >= 0.5).astype(int) != ds.y[rows]
    errors = {}
    for g, r in itertools.product(learn.GROUPS, learn.REGIONS):
        rule = learn.rule_for(g, r)
        if rule:
            errors[rule] = wrong[parse_rule(rule).mask(frame)].mean()
    assert max(errors, key=errors.get) == learn.HIDDEN
    named = learn.play(()).named
    assert named.loc["B", "error before"] == pytest.approx(errors["group == 'B'"], abs=1e-12)
    assert abs(named.loc["A", "error before"] - named.loc["B", "error before"]) < 0.06
    assert errors[learn.HIDDEN] > errors["group == 'B'"] + 0.15


def test_only_the_hidden_group_completes_the_task_and_errors_never_rise():
    done = []
    for g, r in itertools.product(learn.GROUPS, learn.REGIONS):
        rule = learn.rule_for(g, r)
        if rule is None:
            continue
        round_ = learn.play((rule,))
        row = round_.board.iloc[0]
        if row["accepted"]:
            assert row["error after"] < row["error before"]
            assert round_.overall_after <= round_.overall_before + 1e-12
        else:
            assert round_.overall_after == round_.overall_before
        if learn.check_bounty_task(round_).done:
            done.append(rule)
    assert done == [learn.HIDDEN]


def test_a_round_replays_in_order_and_the_answers_hold():
    round_ = learn.play(("group == 'B'", "region == 'south'", learn.HIDDEN))
    board = round_.board
    assert list(board["rule"]) == ["group == 'B'", "region == 'south'", learn.HIDDEN]
    assert list(board["accepted"]) == [True, False, True]
    assert board["overall error"].iloc[0] <= round_.overall_before
    # each is judged against the list the earlier ones left: after B's model the hidden group
    # starts lower, so the same submission gains less and the task is not done by it
    assert board["error before"].iloc[2] < learn.play((learn.HIDDEN,)).board["error before"][0]
    assert not learn.check_bounty_task(round_).done
    assert learn.check_bounty_task(learn.play(("region == 'south'", learn.HIDDEN))).done
    # the answers on the handout's second page
    single = learn.play((learn.HIDDEN,)).board.iloc[0]
    answers = " ".join(learn.LESSONS["bounty"].answers)
    assert f"{single['rows']} held-out rows" in answers
    assert f"{single['error before']:.0%}" in answers and f"{single['error after']:.0%}" in answers
    b = learn.play(("group == 'B'",)).board.iloc[0]
    assert f"by {100 * (b['error before'] - b['error after']):.0f} points" in answers
    before, after = learn.error_tables(round_)
    assert list(before.index)[:2] == ["group A", "group B"] and len(before) == 5
    assert np.all(after["error"] <= before["error"] + 1e-12)
    text = " ".join(learn.notice_bounty(round_))
    assert "2 of 3 submissions accepted" in text
    assert board["overall error"].is_monotonic_decreasing
