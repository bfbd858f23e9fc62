"""Lesson 6, the groups nobody named: a bias-bounty round as a class game
(docs/methods.md §12.8; the bounty of §8.3)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._figures import paired_bars
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import learn_common as common

KEY = "bounty"
GROUP, REGION, RULES = "w_learn_bounty_group", "w_learn_bounty_region", "w_learn_bounty_rules"


@st.cache_data(max_entries=64, show_spinner="Judging the submissions ...")
def _play(rules: tuple):
    return learn.play(rules)


def render() -> None:
    """The lesson-6 screen."""
    common.lesson(KEY, _live, "the Subgroups screen on Adult, which hunts for such groups",
                  _to_subgroups)


def _submit() -> None:
    rule = learn.rule_for(state.widget(GROUP), state.widget(REGION))
    if rule is not None:
        common.keep(RULES, [*state.screen_memory(common.SCREEN, RULES, []), rule])


def _new_round() -> None:
    common.keep(RULES, [])


@st.fragment
def _live(on: bool) -> None:
    common.knob(GROUP, "any")
    common.knob(REGION, "any")
    c1, c2, c3, c4 = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
    group = c1.selectbox("Group", list(learn.GROUPS), key=GROUP)
    region = c2.selectbox("Region", list(learn.REGIONS), key=REGION)
    common.keep(GROUP, group)
    common.keep(REGION, region)
    rule = learn.rule_for(group, region)
    c3.button("Submit this group", key="w_learn_bounty_submit", on_click=_submit,
              disabled=rule is None, type="primary", width="stretch",
              help="Trains a model on this group's training rows and judges it on held-out "
                   "rows.")
    c4.button("New round", key="w_learn_bounty_new", on_click=_new_round, width="stretch")
    st.caption("The group to submit: " + (fmt.code(rule) if rule else
                                          "name a group or a region (or both) first."))
    rules = tuple(state.screen_memory(common.SCREEN, RULES, []))
    game = _play(rules)
    common.chart(_figure(game, on), "w_learn_fig_bounty", large=on)
    if len(game.board):
        st.markdown("**Leaderboard** (errors on the held-out rows, in %)")
        st.table(_board(game.board))
    common.notice(learn.notice_bounty(game))
    common.task(KEY, learn.check_bounty_task(game))


def _figure(game, on: bool):
    before, after = learn.error_tables(game)
    return paired_bars(before, after, {"error": "Error"}, ("before the round", "now"),
                       "Error rate of the named groups and of each submitted group", large=on)


def _board(board) -> pd.DataFrame:
    return pd.DataFrame({
        "group submitted": [str(r) for r in board["rule"]],
        "accepted": ["yes" if a else "no" for a in board["accepted"]],
        "rows (n)": [fmt.count(v) for v in board["rows"]],
        "error before": [fmt.pct(v) for v in board["error before"]],
        "error after": [fmt.pct(v) for v in board["error after"]],
        "overall error after": [fmt.pct(v) for v in board["overall error"]],
        "p-value": [fmt.num(v) for v in board["p-value"]]},
        index=pd.Index(range(1, len(board) + 1), name="#"))


def _to_subgroups() -> str:
    adult = state.DataSource("sample", state.DEFAULT_SAMPLE)
    if state.source() != adult:
        state.set_source(adult, state.default_workspace().roles)
    return shell.SUBGROUPS_PAGE
