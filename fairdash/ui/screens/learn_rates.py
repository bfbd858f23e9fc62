"""Lesson 1, what the gaps measure: one threshold, fifty people per group (docs/methods.md
§12.1)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._figures import unit_chart
from fairdash.metrics import RATE_SHORT
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import learn_common as common

KEY = "rates"
THRESHOLD = "w_learn_rates_threshold"


@st.cache_data(max_entries=1, show_spinner=False)
def _people():
    return learn.lesson1_people()


def render() -> None:
    """The lesson-1 screen."""
    common.lesson(KEY, _live, "the Audit screen on Adult at this threshold", _to_audit)


@st.fragment
def _live(on: bool) -> None:
    people = _people()
    common.knob(THRESHOLD, 0.5)
    threshold = st.slider("Decision threshold (select people with score ≥ threshold)", 0.0, 1.0,
                          step=0.01, key=THRESHOLD)
    common.keep(THRESHOLD, threshold)
    result = learn.rates_at(people, threshold)
    left, right = st.columns([3, 2])
    with left:
        common.chart(unit_chart(people, result.decisions, threshold, large=on),
                     "w_learn_fig_people", large=on)
    with right:
        st.markdown("**Confusion counts per group** (people)")
        counts = result.counts.astype(int)
        counts.columns = ["people (n)", "true negatives", "false positives", "false negatives",
                          "true positives"]
        st.table(counts)
        st.markdown("**Rates per group** (from the counts)")
        st.table(_rates(result.rates))
        st.metric("Accuracy, both groups", fmt.pct(result.accuracy))
    common.notice(learn.notice_rates(result))
    common.task(KEY, learn.check_rates_task(people, result))


def _rates(table) -> pd.DataFrame:
    shown = ("selection_rate", "tpr", "fpr", "ppv", "base_rate")
    out = pd.DataFrame({"people (n)": [fmt.count(n) for n in table["n"]]}, index=table.index)
    for name in shown:
        out[RATE_SHORT[name]] = [fmt.pct(v) for v in table[name]]
    return out


def _to_audit() -> str:
    adult = state.DataSource("sample", state.DEFAULT_SAMPLE)
    if state.source() != adult:
        state.set_source(adult, state.default_workspace().roles)
    state.set_threshold(float(state.screen_memory(common.SCREEN, THRESHOLD, 0.5)))
    return shell.AUDIT_PAGE
