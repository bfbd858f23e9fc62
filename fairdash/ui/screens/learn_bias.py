"""Lesson 4, the bias lab: inject a bias, train, audit against the observed and the true
labels (docs/methods.md §12.4)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash import learn
from fairdash.learn._biaslab import lab_settings
from fairdash.learn._figures import paired_bars
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state
from fairdash.ui.screens import learn_common as common

KEY = "bias"
KIND, AMOUNT, MITIGATION = ("w_learn_bias_kind", "w_learn_bias_amount",
                            "w_learn_bias_mitigation")
RATES = {"tpr": "TPR", "fpr": "FPR", "selection_rate": "Selected"}


@st.cache_data(max_entries=32, show_spinner="Training the model on the biased data ...")
def _lab(kind: str, amount: float):
    return learn.lab(kind, amount)


def render() -> None:
    """The lesson-4 screen."""
    def label() -> str:
        noise = state.screen_memory(common.SCREEN, KIND) == "measurement_noise"
        return ("the Audit screen on a synthetic population with these settings"
                + (" (without the noise, which the Data screen cannot add)" if noise else ""))

    common.lesson(KEY, _live, label, _to_synthetic)


@st.fragment
def _live(on: bool) -> None:
    for key, default in ((KIND, "label_bias"), (AMOUNT, 0.0), (MITIGATION, "none")):
        common.knob(key, default)
    c1, c2, c3 = st.columns([2, 1, 2])
    kind = c1.selectbox("Bias to inject", list(learn.BIASES), format_func=learn.BIASES.get,
                        key=KIND)
    amount = c2.slider("Amount (0 = none)", 0.0, 1.0, step=0.05, key=AMOUNT)
    mitigation = c3.selectbox("Mitigation (fitted on the observed labels)",
                              list(learn.MITIGATIONS), format_func=learn.mitigation_label,
                              key=MITIGATION)
    for key, value in ((KIND, kind), (AMOUNT, amount), (MITIGATION, mitigation)):
        common.keep(key, value)
    results = _lab(kind, float(amount))
    result = results[mitigation]
    fig = paired_bars(result.observed, result.truth, RATES,
                      ("against the observed labels", "against the true labels"),
                      f"{learn.mitigation_label(mitigation)}: the same decisions, two audits",
                      large=on)
    common.chart(fig, "w_learn_fig_bias", large=on)
    table = learn.gap_table(results)
    st.markdown("**Every mitigation, both audits** (gaps in percentage points, accuracy in %)")
    st.table(_gaps(table))
    common.notice(learn.notice_lab(kind, amount, result, table))
    common.task(KEY, learn.check_lab_task(kind, amount, result))


def _gaps(table) -> pd.DataFrame:
    out = pd.DataFrame(index=[learn.mitigation_label(m) for m in table.index])
    out.index.name = "mitigation"
    for gap, label in (("equal_opportunity", "equal opportunity"),
                       ("demographic_parity", "demographic parity")):
        for who in ("observed", "truth"):
            out[f"{label} gap, {who}"] = [fmt.num(100 * v, 1) for v in table[f"{gap} {who}"]]
    for who in ("observed", "truth"):
        out[f"accuracy, {who}"] = [fmt.pct(v) for v in table[f"accuracy {who}"]]
    return out


def _to_synthetic() -> str:
    kind = state.screen_memory(common.SCREEN, KIND, "label_bias")
    amount = float(state.screen_memory(common.SCREEN, AMOUNT, 0.0))
    s = lab_settings(kind, amount)
    state.set_source(*shared.synthetic_source(
        n=shared.SYNTHETIC_DEFAULTS["n"], minority_share=round(s["minority_share"], 4),
        base_rate_gap=s["base_rate_gap"], label_bias=round(s["label_bias"], 4),
        proxy_strength=round(s["proxy_strength"], 4)))
    return shell.AUDIT_PAGE
