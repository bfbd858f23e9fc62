"""Lesson 5, levelling down and who pays: what a mitigation changes for each group
(docs/methods.md §12.5)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._figures import paired_bars
from fairdash.mitigation import REGISTRY
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import learn_common as common

KEY = "pays"
METHOD, STRENGTH = "w_learn_pays_method", "w_learn_pays_strength"
RATES = {"tpr": "TPR", "fpr": "FPR", "accuracy": "Accuracy", "selection_rate": "Selected"}


@st.cache_data(max_entries=64, show_spinner="Applying the mitigation ...")
def _lesson(method: str, strength: float):
    return learn.who_pays_lesson(method, strength)


def render() -> None:
    """The lesson-5 screen."""
    common.lesson(KEY, _live, "this method and strength on the Mitigate screen (Adult)",
                  _to_mitigate)


@st.fragment
def _live(on: bool) -> None:
    common.knob(METHOD, "thresholds_eo")
    common.knob(STRENGTH, 1.0)
    c1, c2 = st.columns([2, 1])
    method = c1.selectbox("Mitigation", list(learn.METHODS),
                          format_func=lambda m: REGISTRY[m].label, key=METHOD)
    strength = c2.slider("Strength (0 = the model as it is)", 0.0, 1.0, step=0.1, key=STRENGTH)
    common.keep(METHOD, method)
    common.keep(STRENGTH, strength)
    result = _lesson(method, round(float(strength), 2))
    fig = paired_bars(result.before, result.after, RATES, ("before", "after"),
                      f"{REGISTRY[method].label} at strength {strength:.1f}: each group before "
                      "and after", large=on)
    common.chart(fig, "w_learn_fig_pays", large=on)
    st.markdown("**The decisions that changed** (people on the audited rows)")
    st.table(_changes(result.changed))
    common.notice(learn.notice_pays(result))
    common.task(KEY, learn.check_pays_task(result))


def _changes(changed) -> pd.DataFrame:
    out = pd.DataFrame(index=changed.index)
    out["people (n)"] = [fmt.count(v) for v in changed["n"]]
    out["newly selected, truly positive (now right)"] = [
        fmt.count(v) for v in changed["newly_selected_right"]]
    out["newly selected, truly negative (now wrong)"] = [
        fmt.count(v) for v in changed["newly_selected_wrong"]]
    out["newly rejected, truly negative (now right)"] = [
        fmt.count(v) for v in changed["newly_rejected_right"]]
    out["newly rejected, truly positive (now wrong)"] = [
        fmt.count(v) for v in changed["newly_rejected_wrong"]]
    return out


def _to_mitigate() -> str:
    adult = state.DataSource("sample", state.DEFAULT_SAMPLE)
    if state.source() != adult:
        state.set_source(adult, state.default_workspace().roles)
    method = state.screen_memory(common.SCREEN, METHOD, "thresholds_eo")
    strength = float(state.screen_memory(common.SCREEN, STRENGTH, 1.0))
    state.set_mitigation(state.MitigationChoice(method, strength))
    return shell.MITIGATE_PAGE
