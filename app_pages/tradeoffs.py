"""Tradeoffs: every mitigation across its strength on one gap-against-performance chart."""

import streamlit as st

from fairdash.ui import cache, render, render_tradeoff, state

st.title("Tradeoffs")
scored = render.guard_scores()
ds = scored.dataset
threshold = 0.5 if ds.task == "regression" else state.threshold()
st.caption(f"Base: {scored.description} Each point is a method at one strength, measured on "
           f"the held-out test split ({int(ds.rows('test').sum()):,} rows)"
           + ("" if ds.task == "regression" else f" at the Audit page's threshold {threshold:.2f}")
           + ". Whiskers are 95 % intervals (drawn on up to 8 "
           "points per line; hover any point for its own). Click a point to see whom it helps "
           "and make it the active mitigation.")
performance, gap = render_tradeoff.metric_pickers(ds.task)
front_points, refit_points = render_tradeoff.sweep_settings(ds.task)
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
    swept = job.points() if job is not None else []
    points = fronts + swept
    table = cache.tradeoff_table(scored, threshold, fronts, swept, performance, gap)
    picked = render_tradeoff.chart(table, gap, performance, ds.task)
    if render_tradeoff.choose(picked):
        st.rerun()
    render_tradeoff.chosen_point(table, points, ds, gap, performance)
    for message in warnings:
        st.caption(f"Note: {message}")
    render_tradeoff.download(table)


live()
