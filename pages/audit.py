"""Audit: how the active model treats each group, with uncertainty and group sizes."""

import streamlit as st

from fairdash import viz
from fairdash.metrics import RATE_LABELS, RATE_SHORT
from fairdash.ui import cache, render, widgets

st.title("Fairness audit")
scored = render.guard_scores()
st.caption(f"{scored.description} Positive prediction = {render.positive_meaning()}.")



@st.fragment
def results():
    """Everything the threshold and the controls change; reruns alone when they move."""
    threshold = 0.5 if scored.decisions_only else widgets.threshold_slider()
    controls = widgets.audit_controls(scored.labels)
    result = scored.audit(threshold, controls["method"], controls["reference"],
                          controls["min_group_size"])
    for warning in (*scored.dataset.warnings, *result.warnings):
        st.warning(warning)

    left, right = st.columns([2, 3])
    left.plotly_chart(viz.group_sizes_figure(result.groups), key="fig_sizes")
    rate = controls["rate"]
    right.plotly_chart(viz.rate_bars_figure(result.groups, rate, RATE_LABELS[rate],
                                            result.overall[rate], RATE_SHORT[rate]), key="fig_rates")

    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} audited rows; left "
                   f"out: {', '.join(result.excluded_groups)}.")
    render.gap_table(result)
    render.gap_explanations()

    if not scored.decisions_only:
        index, _ = scored.index()
        left, right = st.columns(2)
        left.plotly_chart(viz.roc_figure(index.roc(scored.labels), result.groups, threshold),
                          key="fig_roc")
        right.plotly_chart(viz.score_histogram_figure(cache.histograms(scored), threshold),
                           key="fig_hist")

    with st.expander("Every rate per group (in %, with 95 % intervals)"):
        render.group_table(result)
    render.audit_downloads(result)


results()
