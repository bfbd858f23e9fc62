"""Pieces of the Compare page: the two models, flip matrix, who pays, flipped rows."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash.compare import ModelSpec
from fairdash.metrics import GAPS
from fairdash.ui import cache, state

#: gaps shown for both models
COMPARED_GAPS = ("demographic_parity_difference", "equalized_odds_difference")


def options(scored) -> dict[str, ModelSpec]:
    """Label -> spec of every model the active data and model can be compared with."""
    from fairdash.mitigation import get_method
    from fairdash.models import builtin_models

    out = {"Base model (the active model)": ModelSpec("base")}
    active = state.mitigation()
    if active is not None:
        spec = ModelSpec("method", active.name, active.strength)
        out[f"Active mitigation: {get_method(active.name).label} at strength "
            f"{active.strength:.2f}"] = spec
    choice = state.model()
    if scored.dataset.roles.features:  # also against an uploaded model or given scores
        for name, label in builtin_models().items():
            if not (choice.kind == "builtin" and name == choice.name):
                out[f"Another model trained here: {label}"] = ModelSpec("model", name)
    for m in cache.tradeoff_methods(scored):
        out.setdefault(f"{m.label} at full strength", ModelSpec("method", m.name, 1.0))
    frame = scored.dataset.frame
    for column in frame.columns:
        values = frame[column]
        if column != scored.dataset.roles.target and pd.api.types.is_numeric_dtype(values) \
                and not pd.api.types.is_bool_dtype(values) and values.notna().all() \
                and values.min() >= 0 and values.max() <= 1:
            out[f"Decisions or scores in column '{column}'"] = ModelSpec("column", column)
    return out


def pickers(scored) -> tuple[ModelSpec, ModelSpec]:
    """The old and the new model."""
    choices = options(scored)
    labels = list(choices)
    if st.session_state.get("w_compare_old") not in labels:
        st.session_state["w_compare_old"] = labels[0]
    if st.session_state.get("w_compare_new") not in labels:
        st.session_state["w_compare_new"] = labels[1] if len(labels) > 1 else labels[0]
    left, right = st.columns(2)
    with left:
        old = st.selectbox("Old model (the one people are used to)", labels,
                           key="w_compare_old")
    with right:
        new = st.selectbox("New model (the update)", labels, key="w_compare_new",
                           help="Tradeoff points chosen on the Tradeoffs page appear here as "
                                "the active mitigation.")
    return choices[old], choices[new]


def headline(report, old: ModelSpec, new: ModelSpec) -> None:
    """Accuracy of both, NFR, PFR and churn, with their meaning."""
    o = report.overall
    a, b, c, d = st.columns(4)
    a.metric("Accuracy old → new", f"{o['accuracy_old']:.3f} → {o['accuracy_new']:.3f}",
             f"{o['accuracy_new'] - o['accuracy_old']:+.3f}")
    b.metric("Negative flip rate", f"{o['nfr']:.2%}",
             help=f"Share of test rows the {old.label()} decided right and the {new.label()} "
                  f"decides wrong; 95 % interval {o['nfr_low']:.2%} to {o['nfr_high']:.2%}.")
    c.metric("Positive flip rate", f"{o['pfr']:.2%}",
             help="Share of test rows the old model decided wrong and the new one right. "
                  "Accuracy change = positive minus negative flip rate.")
    d.metric("Decisions changed", f"{o['churn']:.2%}",
             help=f"{o['churn_down']:.2%} moved from accepted to rejected, "
                  f"{o['churn_up']:.2%} from rejected to accepted.")
    st.caption(f"Of the people the old model decided right, {o['conditional_nfr']:.2%} are "
               f"decided wrong by the new one (conditional NFR). Relative NFR "
               f"{o['nfr_relative']:.2f}: 1 is what two models erring independently would "
               "give, lower means the new model keeps more of the old one's right calls.")


def flip_matrix(report) -> None:
    """Expected test rows by (old right/wrong) x (new right/wrong)."""
    o = report.overall
    n = float(o["n"])
    cells = {"new right": [n * (o["accuracy_old"] - o["nfr"]), n * o["pfr"]],
             "new wrong": [n * o["nfr"], n * (1 - o["accuracy_old"] - o["pfr"])]}
    frame = pd.DataFrame(cells, index=["old right", "old wrong"])
    st.table(frame.map(lambda v: f"{v:,.0f} ({v / n:.1%})"))


def who_pays(report) -> None:
    """A plain sentence on the group the update fails most, and the per-group bars."""
    g = report.groups[~report.groups["small"]].dropna(subset=["nfr"])
    if len(g) >= 2:
        worst, best = g["nfr"].idxmax(), g["nfr"].idxmin()
        st.markdown(
            f"**Who pays for the update:** '{worst}' loses the most, {g.loc[worst, 'nfr']:.2%} "
            f"of its {int(g.loc[worst, 'n']):,} test rows newly decided wrong "
            f"({g.loc[worst, 'conditional_nfr']:.2%} of those the old model served right), "
            f"against {g.loc[best, 'nfr']:.2%} for '{best}' (a gap of "
            f"{100 * report.nfr_gap:.2f} percentage points).")
    st.plotly_chart(viz.flip_bars_figure(report.groups), key="fig_flips")


def groups_table(report, audits) -> None:
    """Per group: n, NFR, PFR, churn down/up, accuracy of both; then the gaps of both."""
    g = report.groups
    table = pd.DataFrame({
        "n (test rows)": [f"{n:,}" for n in g["n"]],
        "NFR": [_pct(v, lo, hi) for v, lo, hi in zip(g["nfr"], g["nfr_low"], g["nfr_high"])],
        "PFR": [_pct(v, lo, hi) for v, lo, hi in zip(g["pfr"], g["pfr_low"], g["pfr_high"])],
        "accepted → rejected": [f"{v:.1%}" for v in g["churn_down"]],
        "rejected → accepted": [f"{v:.1%}" for v in g["churn_up"]],
        "accuracy old → new": [f"{a:.1%} → {b:.1%}" for a, b in zip(g["accuracy_old"],
                                                                     g["accuracy_new"])],
    }, index=g.index)
    st.table(table)
    old, new = audits
    gaps = pd.DataFrame({
        "old": [f"{old.gaps.loc[k, 'value']:.3f}" for k in COMPARED_GAPS],
        "new": [f"{new.gaps.loc[k, 'value']:.3f}" for k in COMPARED_GAPS],
    }, index=[GAPS[k].label for k in COMPARED_GAPS])
    st.caption("Fairness gaps of both models on the same test rows:")
    st.table(gaps)


def _pct(v, lo, hi) -> str:
    if math.isnan(v):
        return "n/a"
    return f"{v:.1%} ({lo:.1%} to {hi:.1%})"


def download(report, dataset) -> None:
    """The flipped test rows with their columns, negative flips first."""
    flips = report.flips.sort_values(["kind", "probability"], ascending=[True, False])
    rows = dataset.frame.loc[flips["row"]].reset_index(names="row")
    out = pd.concat([flips[["kind", "probability", "old", "new"]].reset_index(drop=True),
                     rows], axis=1)
    st.download_button(f"Download the {len(flips):,} flipped rows (CSV)",
                       out.to_csv(index=False), file_name="fairdash_flips.csv",
                       mime="text/csv", key="w_compare_download",
                       help="Every test row whose decision changed, with its columns; "
                            "probability < 1 for randomised decisions.")
