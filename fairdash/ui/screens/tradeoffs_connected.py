"""Tradeoffs on a connected table (issue 15): the group-threshold fronts from every row's counts.

Each group-threshold method (registry methods with ``uses_threshold``) is fitted once from the
cells of counts and measured at every strength on the counts of every row
(:func:`fairdash.engines.threshold_points`), then drawn with the Tradeoffs screen's chart
(:func:`fairdash.viz.tradeoff_figure`). A click makes a point the active mitigation, as on the
rows' screen. The training methods and the barycenter repair need rows; the screen says so and
offers a sample (``connected_rows``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import streamlit as st

from fairdash import tradeoff, viz
from fairdash.exceptions import FairDashError
from fairdash.metrics import GAPS
from fairdash.ui import budget, connected, state
from fairdash.ui import format as fmt
from fairdash.ui.screens import tradeoffs, tradeoffs_detail

TASK = "classification"


@budget.cached
def _points(conn, threshold: float, n_strengths: int, names: tuple, _c) -> list:
    from fairdash.engines import threshold_points

    strengths = np.round(np.linspace(0.0, 1.0, n_strengths), 4)
    points = []
    for name in names:
        front = threshold_points(_c, name, strengths, threshold=threshold)
        points += front[1:] if points else front  # one base point, first
    return points


@st.cache_data(max_entries=32, show_spinner=False)
def _table(conn, threshold: float, n_strengths: int, names: tuple, performance: str, gap: str,
           _points, _labels):
    return tradeoff.measure(_points, [str(g) for g in _labels], performance=performance,
                            gap_name=gap)


def render() -> None:
    """The Tradeoffs screen on a connected table."""
    conn, threshold, c = connected.prelude("Tradeoffs")
    if c is None:
        return
    st.caption("Each point is a group-threshold method at one strength, fitted and measured on "
               "the counts of every row; every line starts at the scores as they are (the "
               f"star), deciding at the threshold {threshold:.2f} set on the Audit screen. "
               "Click a point to see whom it helps and make it the active mitigation.")
    st.info("Only the group-threshold fronts are drawn: the training methods and the "
            "barycenter repair need rows (see below).", icon=":material/info:")
    performance, gap = tradeoffs._metric_pickers(TASK)
    n_strengths = st.select_slider("Strengths per front", [11, 21, 51, 101], 51,
                                   key="w_tradeoff_connect_points")
    names = tuple(m.name for m in connected.methods())
    try:
        with st.spinner("Fitting the group thresholds from the counts ..."):
            points = _points(conn, float(threshold), int(n_strengths), names, c)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return
    table = _table(conn, float(threshold), int(n_strengths), names, performance, gap, points,
                   c.labels)
    picked = _chart(table, gap, performance)
    if picked is not None and picked != state.sweep_point():
        state.choose_point(picked, tradeoff.BASELINE)
        st.rerun(scope="app")
    tradeoffs_detail.chosen(table, points, SimpleNamespace(task=TASK, group_labels=c.labels),
                            gap, performance, rows="rows")
    tradeoffs_detail.download(table)
    with st.expander("Training methods and the barycenter repair need rows"):
        connected.sample_form(conn, connected.needs_rows_sentence())


def _chart(table, gap: str, performance: str):
    """The Tradeoffs screen's chart (:func:`fairdash.viz.tradeoff_figure`) over every row;
    returns the clicked point as (method, strength), or None."""
    fig = viz.tradeoff_figure(table, GAPS[gap].label, tradeoff.PERFORMANCE_METRICS[performance],
                              ratio=GAPS[gap].kind == "ratio", selected=state.sweep_point(),
                              lower_is_better=performance in tradeoff.LOWER_IS_BETTER)
    fig.update_yaxes(title_text=fig.layout.yaxis.title.text.replace("test rows", "every row"))
    event = st.plotly_chart(fig, key=tradeoffs.CHART_KEY, on_select="rerun",
                            selection_mode="points")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    custom = next((p["customdata"] for p in points if p.get("customdata")), None)
    return (str(custom[0]), float(custom[1])) if custom else None
