"""Audit: how the active model treats each group, with uncertainty and group sizes."""

import streamlit as st

from fairdash import viz
from fairdash.metrics import RATE_LABELS, RATE_SHORT
from fairdash.ui import cache, render, render_regression, widgets

st.title("Fairness audit")
scored = render.guard_scores()

if scored.task == "regression":  # a continuous target: errors and predictions, no threshold
    target = scored.dataset.roles.target
    st.caption(f"{scored.description} Continuous target `{target}`: a regression audit of "
               "each group's errors and distribution of predictions.")
    left, right = st.columns([3, 2])
    with right:
        min_size = widgets.min_group_size()
        st.caption("Group sizes come first: an average over a few dozen rows has a wide "
                   "interval, and a gap between small groups can appear by chance.")
    result = scored.regression_audit(min_size)
    for warning in (*scored.dataset.warnings, *result.warnings):
        st.warning(warning)
    left.plotly_chart(viz.regression_group_sizes_figure(result.groups, target), key="fig_sizes")
    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} audited rows; "
                   f"left out: {', '.join(result.excluded_groups)}.")
    render_regression.gap_table(result, target)
    render_regression.gap_explanations()
    left, right = st.columns(2)
    with left:
        stat = widgets.regression_stat()
        st.plotly_chart(viz.regression_error_figure(result.groups, stat, target,
                                                    result.overall[stat]), key="fig_errors")
    right.plotly_chart(viz.prediction_distribution_figure(scored.prediction_histograms(),
                                                          target), key="fig_predictions")
    st.markdown("**Every statistic per group** (95 % bootstrap intervals)")
    render_regression.group_table(result, target)
    render_regression.downloads(result)
    st.stop()

st.caption(f"{scored.description} Positive prediction = {render.positive_meaning()}.")

left, right = st.columns([3, 2])
with right:
    min_size = widgets.min_group_size()
    st.caption("Group sizes come first: a rate from a few dozen rows has a wide interval, and "
               "a gap between small groups can appear by chance.")
for warning in scored.dataset.warnings:
    st.warning(warning)
left.plotly_chart(viz.group_sizes_figure(scored.audit(0.5, min_group_size=min_size).groups),
                  key="fig_sizes")


@st.fragment
def results():
    """Everything the threshold and the controls change; reruns alone when they move."""
    threshold = 0.5 if scored.decisions_only else widgets.threshold_slider()
    controls = widgets.audit_controls(scored.labels)
    result = scored.audit(threshold, controls["method"], controls["reference"], min_size)
    for warning in result.warnings:
        st.warning(warning)

    left, right = st.columns(2)
    rate = controls["rate"]
    left.plotly_chart(viz.rate_bars_figure(result.groups, rate, RATE_LABELS[rate],
                                           result.overall[rate], RATE_SHORT[rate]),
                      key="fig_rates")
    if not scored.decisions_only:
        index, _ = scored.index()
        right.plotly_chart(viz.roc_figure(index.roc(scored.labels), result.groups, threshold),
                           key="fig_roc")

    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} audited rows; "
                   f"left out: {', '.join(result.excluded_groups)}.")
    render.gap_table(result)
    render.gap_explanations()

    left, right = st.columns(2)
    if not scored.decisions_only:
        left.plotly_chart(viz.score_histogram_figure(cache.histograms(scored), threshold),
                          key="fig_hist")
    with right:
        st.markdown("**Every rate per group** (95 % Wilson intervals)")
        render.group_table(result)
    render.audit_downloads(result)


results()
