"""Lesson 3, the loan game: one threshold per group, and what each criterion costs
(docs/methods.md §12.3; the jump buttons are the group-threshold LP of §4)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._common import dollars
from fairdash.learn._figures import loan_figure
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import learn_common as common

KEY = "loan"
THR_A, THR_B, JUMPED = "w_learn_loan_a", "w_learn_loan_b", "w_learn_loan_jumped"
#: jump button -> the registered method that does the same on real data
REAL_METHOD = {"demographic_parity": "thresholds_dp", "equal_opportunity": "thresholds_eop",
               "equalized_odds": "thresholds_eo", "max_profit": "thresholds_eop"}


@st.cache_resource(max_entries=1, show_spinner=False)
def _game():
    people = learn.loan_applicants()
    return people, {name: learn.solve(people, name) for name in learn.SOLUTIONS}


def render() -> None:
    """The lesson-3 screen."""
    common.lesson(KEY, _live, "group thresholds on the Mitigate screen (Adult)", _to_mitigate,
                  intro=fmt.md(f"Each loan repaid earns {dollars(learn.GAIN)}; each default "
                               f"loses {dollars(learn.LOSS)}. The score means the same in both "
                               "groups (calibrated)."))


def _jump(name: str) -> None:
    _, solutions = _game()
    a, b = solutions[name].thresholds
    common.set_knob(THR_A, a)
    common.set_knob(THR_B, b)
    common.keep(JUMPED, name)


@st.fragment
def _live(on: bool) -> None:
    people, solutions = _game()
    common.knob(THR_A, 50)
    common.knob(THR_B, 50)
    st.markdown("**Jump to the best thresholds under a criterion** (the linear program)")
    for col, (name, (label, _)) in zip(st.columns(len(learn.SOLUTIONS)),
                                       learn.SOLUTIONS.items()):
        col.button(label, key=f"w_learn_loan_jump_{name}", on_click=_jump, args=(name,),
                   width="stretch")
    c1, c2 = st.columns(2)
    thr_a = c1.slider("Threshold of group A (lend when score ≥ threshold)", 0, 101, key=THR_A)
    thr_b = c2.slider("Threshold of group B (lend when score ≥ threshold)", 0, 101, key=THR_B)
    common.keep(THR_A, thr_a)
    common.keep(THR_B, thr_b)
    current = learn.at_thresholds(people, thr_a, thr_b)
    common.chart(loan_figure(people, (thr_a, thr_b), current, large=on), "w_learn_fig_loan", large=on)
    jumped = state.screen_memory(common.SCREEN, JUMPED)
    if jumped and solutions[jumped].thresholds == (thr_a, thr_b):
        s = solutions[jumped]
        st.info(fmt.md(f"{s.label}: the sliders sit at the plain thresholds nearest the linear "
                       f"program's optimum, which earns {dollars(s.outcome.profit)}. Its exact "
                       f"rule: group A, {s.rule['A']}; group B, {s.rule['B']}."),
                icon=":material/functions:")
    st.markdown("**The price of each criterion** (rates in %)")
    st.table(_prices(people, solutions, current))
    common.notice(learn.notice_loan(people, current, solutions, (thr_a, thr_b)))
    common.task(KEY, learn.check_loan_task(current, solutions))


def _prices(people, solutions, current) -> pd.DataFrame:
    table = learn.price_table(people, solutions)
    best = solutions["max_profit"].outcome.profit
    mine = {"profit": current.profit, "price": best - current.profit,
            "accuracy": current.accuracy,
            **{f"{r} {g}": current.rates.loc[g, r] for r in ("selection_rate", "tpr", "fpr")
               for g in people.groups}}
    table.loc["Your thresholds"] = pd.Series(mine)
    out = pd.DataFrame(index=table.index)
    out["profit"] = [dollars(v) for v in table["profit"]]
    out["price vs max"] = [dollars(v) for v in table["price"]]
    out["accuracy"] = [fmt.pct(v) for v in table["accuracy"]]
    for rate, label in (("selection_rate", "selected"), ("tpr", "TPR"), ("fpr", "FPR")):
        for g in people.groups:
            out[f"{label} {g} (n = {current.rates.loc[g, 'n']:,.0f})"] = [
                fmt.pct(v) for v in table[f"{rate} {g}"]]
    return out


def _to_mitigate() -> str:
    adult = state.DataSource("sample", state.DEFAULT_SAMPLE)
    if state.source() != adult:
        state.set_source(adult, state.default_workspace().roles)
    name = state.screen_memory(common.SCREEN, JUMPED) or "equal_opportunity"
    state.set_mitigation(state.MitigationChoice(REAL_METHOD[name], 1.0))
    return shell.MITIGATE_PAGE
