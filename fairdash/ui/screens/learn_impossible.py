"""Lesson 2, you cannot have them all: a calibrated score, two base rates and the identity
that links FPR, FNR and precision (docs/methods.md §12.2; Chouldechova 2017)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._figures import impossibility_figure
from fairdash.ui import format as fmt
from fairdash.ui import shell, state
from fairdash.ui.screens import learn_common as common

KEY = "impossible"
BASE_A, BASE_B, THRESHOLD = ("w_learn_impossible_base_a", "w_learn_impossible_base_b",
                             "w_learn_impossible_threshold")


def render() -> None:
    """The lesson-2 screen."""
    common.lesson(KEY, _live, "the Audit screen on COMPAS, the score this argument was about",
                  _to_compas)


@st.fragment
def _live(on: bool) -> None:
    for key, default in ((BASE_A, 0.3), (BASE_B, 0.5), (THRESHOLD, 0.5)):
        common.knob(key, default)
    c1, c2, c3 = st.columns(3)
    base_a = c1.slider("Base rate of group A", 0.1, 0.9, step=0.05, key=BASE_A,
                       help="Share of group A that is truly positive.")
    base_b = c2.slider("Base rate of group B", 0.1, 0.9, step=0.05, key=BASE_B)
    threshold = c3.slider("Threshold (both groups, score ≥ threshold)", 0.05, 0.95, step=0.05,
                          key=THRESHOLD)
    for key, value in ((BASE_A, base_a), (BASE_B, base_b), (THRESHOLD, threshold)):
        common.keep(key, value)
    result = learn.impossibility(base_a, base_b, threshold)
    fig = impossibility_figure(result, learn.BINS, learn.calibrated_group(base_a),
                               learn.calibrated_group(base_b), large=on)
    common.chart(fig, "w_learn_fig_impossible", large=on)
    st.markdown("**The identity, with today's numbers** (it holds for any confusion counts; "
                "p is the group's base rate)")
    st.code("\n".join(learn.identity_line(result, g) for g in ("A", "B")), language=None)
    st.markdown("**Gaps** (largest minus smallest, percentage points)")
    st.table(pd.DataFrame({"FPR gap": [fmt.num(100 * result.fpr_gap, 1)],
                           "FNR gap": [fmt.num(100 * result.fnr_gap, 1)],
                           "precision gap": [fmt.num(100 * result.ppv_gap, 1)]},
                          index=pd.Index(["both groups"], name="")))
    common.notice(learn.notice_impossibility(result))
    common.task(KEY, learn.check_impossibility_task(result))
    if not on:
        with st.expander("The same for average scores (Kleinberg, Mullainathan & Raghavan 2016)"):
            b = result.balance
            st.markdown("For a calibrated score, the mean score of a group's negatives x and of "
                        "its positives y satisfy x = p/(1−p) · (1−y). Today: " + "; ".join(
                            f"group {g}: x = {b.loc[g, 'mean_score_negatives']:.4f}, "
                            f"p/(1−p) · (1−y) = {b.loc[g, 'x_identity']:.4f}"
                            for g in b.index) + ".")


def _to_compas() -> str:
    state.start_compas_demo()
    return shell.AUDIT_PAGE
