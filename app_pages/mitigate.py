"""Mitigate: apply a pre-, in- or post-processing method and compare before and after."""

import streamlit as st

from fairdash import viz
from fairdash.exceptions import FairDashError
from fairdash.ui import cache, render, render_mitigation, render_regression, state, widgets

st.title("Mitigate")
if widgets.compas_demo_button():
    render_mitigation.start_compas_demo()
    st.rerun()
scored = render.guard_scores()
ds = scored.dataset
st.caption(f"Base: {scored.description} Before and after are both measured on the held-out "
           f"test split ({int(ds.rows('test').sum()):,} rows); post-processing is fitted on the "
           f"calibration split ({int(ds.rows('calibration').sum()):,} rows), pre- and "
           "in-processing train on the train split.")

method = widgets.mitigation_picker(ds.task,
                                   bool(ds.roles.features) and state.model().kind == "builtin",
                                   len(ds.roles.sensitive))
if method is None:
    st.stop()


@st.fragment
def results(method):
    """Strength, threshold, fitting and the comparison: rerun alone as the sliders move."""
    strength = widgets.strength_slider(method)
    fixed = scored.decisions_only or ds.task == "regression"
    threshold = 0.5 if fixed else widgets.threshold_slider()
    try:
        result = render_mitigation.fit_with_progress(scored, method, strength)
    except FairDashError as exc:
        st.error(str(exc))
        return
    state.set_mitigation(state.MitigationChoice(method.name, strength))
    render_mitigation.method_card(method, result)
    ba = cache.before_after(scored, result, threshold)

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Fairness gaps")
        render_mitigation.gap_comparison(ba, ds.task)
    with right:
        st.subheader("Overall performance")
        render_mitigation.performance_table(ba, ds.task)
    if ds.task == "regression":  # its gap table already holds the distribution gaps
        with st.expander("Every statistic per group after the mitigation"):
            render_regression.group_table(ba.after, ds.roles.target)
        return
    render_mitigation.distribution_comparison(ba)
    st.plotly_chart(viz.before_after_rates_figure(ba.before.groups, ba.after.groups,
                                                  render_mitigation.BEFORE_AFTER_RATES,
                                                  f"after {method.label}"),
                    key="fig_before_after")
    with st.expander("Every rate per group after the mitigation (95 % Wilson intervals)"):
        render.group_table(ba.after)


results(method)
