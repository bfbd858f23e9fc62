"""Tradeoffs: every mitigation across its strength on one gap-against-performance chart."""

import streamlit as st

from fairdash.tradeoff import BASELINE, point_detail
from fairdash.ui import cache, render, render_mitigation, render_tradeoff, state

st.title("Tradeoffs")
scored = render.guard_scores()
ds = scored.dataset
if ds.task == "regression":
    render.stop_with("The tradeoff explorer needs a yes/no target for now; regression "
                     "targets can be mitigated one method at a time on the Mitigate page.",
                     "pages/mitigate.py", "Open the Mitigate page")
threshold = state.threshold()
st.caption(f"Base: {scored.description} Each point is a method at one strength, measured on "
           f"the held-out test split ({int(ds.rows('test').sum()):,} rows) at the Audit "
           f"page's threshold {threshold:.2f}. Whiskers are 95 % intervals (drawn on up to 8 "
           "points per line; hover any point for its own). Click a point to see whom it helps "
           "and make it the active mitigation.")
performance, gap = render_tradeoff.metric_pickers()
front_points, refit_points = render_tradeoff.sweep_settings()
fronts, warnings = cache.tradeoff_fronts(scored, threshold, front_points)
job = cache.sweep_job(scored, threshold, refit_points)
render_tradeoff.training_controls(job)
polling = job is not None and job.running


@st.fragment(run_every=2.0 if polling else None)
def live():
    """Progress, chart and the chosen point; reruns alone while the sweep runs."""
    if polling and not job.running:
        st.rerun()  # the sweep ended: redraw the page once, without polling
    render_tradeoff.progress(job)
    points = fronts + (job.points() if job is not None else [])
    table = cache.tradeoff_table(scored, threshold, points, performance, gap)
    picked = render_tradeoff.chart(table, gap, performance)
    if picked is not None and picked != state.sweep_point():
        state.set_sweep_point(picked)
        if picked[0] == BASELINE:
            state.set_mitigation(None)
        else:
            render_mitigation.activate(*picked)
        st.rerun()
    chosen = state.sweep_point()
    hit = table[(table["method"] == chosen[0]) & (table["strength"] == chosen[1])] \
        if chosen else table.iloc[:0]
    if len(hit):
        row = hit.iloc[0]
        point = next(p for p in points if (p.method, p.strength) == chosen)
        detail = point_detail(point, fronts[0], scored.labels, gap_name=gap)
        render_tradeoff.detail(detail, row, table.iloc[0], gap, performance)
        if chosen[0] != BASELINE:
            st.caption("This point is now the active mitigation (see the sidebar): the "
                       "Mitigate page and later pages use it.")
    else:
        st.caption("Click a point on the chart to see its per-group changes.")
    for message in warnings:
        st.caption(f"Note: {message}")
    render_tradeoff.download(table)


live()
