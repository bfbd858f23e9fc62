"""Audit on a connected table (issue 15): every row, from the engine's counts.

The same screen as ``audit`` for a table that stays in its engine: group sizes, every rate per
group with its Wilson interval, every gap with its bootstrap interval and permutation p-value
(:func:`fairdash.metrics.audit_counts` on the counts at the threshold, equal to
:func:`fairdash.metrics.audit` of the same rows), and the threshold answered in the browser by
the threshold component, fed from the counts' weighted score index (``audit_live.draw``). The
released threshold goes through ``state.set_threshold`` as on the rows' screen.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash._safe_csv import safe_csv
from fairdash.metrics import RATE_SHORT, score_histograms
from fairdash.ui import connected, shell, state
from fairdash.ui import format as fmt
from fairdash.ui.screens import audit, audit_gate, audit_live

#: Bins of the score histogram (``fairdash.metrics.score_histograms`` of the weighted cells).
BINS = 40


def render() -> None:
    """The Audit screen on a connected table."""
    conn, _, c = connected.prelude("Fairness audit")
    if c is None:
        return
    st.caption(f"A positive prediction means: {fmt.md(shell.positive_meaning())}.")
    audit.active_mitigation_note("the scores as they are", "them", "Mitigate and Tradeoffs")
    left, right = st.columns([3, 2])
    with right:
        min_size = audit._min_group_size()
        st.caption(audit.SIZE_NOTE)
    sizes = connected.audit(conn, state.threshold(), min_group_size=min_size).groups
    left.plotly_chart(viz.group_sizes_figure(sizes), key="fig_sizes")
    _results(conn, min_size, sizes["n"])


@st.fragment
def _results(conn, min_size: int, sizes) -> None:
    """What the threshold and the controls change (the threshold itself moves in the
    browser; its release reruns the page through ``audit_live.released``)."""
    audit_live.released()
    threshold = state.threshold()
    c = connected.counts(conn, threshold)
    c1, c2, c3 = st.columns(3)
    rate = c1.selectbox("Rate shown per group", audit.AUDIT_RATES, format_func=RATE_SHORT.get,
                        key="w_rate")
    method = c2.selectbox("Gaps measured", list(audit.METHOD_LABELS),
                          format_func=audit.METHOD_LABELS.get, key="w_method")
    reference = c3.selectbox("Reference group", [str(g) for g in c.labels],
                             key="w_reference") if method == "vs_reference" else None
    result = connected.audit(conn, threshold, method, reference, min_size)
    shell.warnings(result.warnings, sizes=sizes)
    score_label = f"Score '{conn.score}'" + (" (rescaled to 0-1)" if conn.rescale else "")
    audit_live.draw(("connect", conn, c.resolution, c.threshold if c.resolution else None),
                    c.index, c.labels, result, rate, _histograms(conn, c), score_label)
    if c.resolution is not None:
        st.caption(f"Scores are counted in bins of {c.resolution:g}: the counts at the "
                   "released threshold are exact, between releases a row may move within its "
                   "bin.")
    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} rows; "
                   f"left out: {fmt.names(result.excluded_groups)}.")
    verdicts = audit_gate.badges(result)
    audit.gap_table(result)
    audit_gate.editor()
    audit._gap_explanations(method, reference)
    st.markdown("**Every rate per group** (95 % Wilson intervals)")
    audit.group_table(result)
    _downloads(conn, c, result, verdicts)


@st.cache_data(max_entries=16, show_spinner=False)
def _histograms_cached(conn, resolution, threshold, _c) -> pd.DataFrame:
    return score_histograms(_c.scores, _c.codes, _c.labels, bins=BINS,
                            sample_weight=_c.weights)


def _histograms(conn, c) -> pd.DataFrame:
    return _histograms_cached(conn, c.resolution, c.threshold if c.resolution else None, c)


def _downloads(conn, c, result, verdicts) -> None:
    """The audit as JSON (with what was counted, where the rows stayed; no server path) and
    the per-group table as CSV, written only when clicked."""
    def as_json() -> str:
        out = result.to_dict() | {"audited_split": "all", "engine": c.engine, "rows": c.rows,
                                  "score_resolution": c.resolution,
                                  "columns": {"target": conn.target, "score": conn.score,
                                              "sensitive": list(conn.sensitive)}}
        if verdicts:
            out["gate"] = [v.to_dict() for v in verdicts]
        return json.dumps(out, indent=2, default=str)

    c1, c2 = st.columns(2)
    c1.download_button("Download audit (JSON)", as_json,
                       file_name="fairdash-audit.json", mime="application/json", key="dl_json")
    c2.download_button("Download per-group table (CSV)", lambda: safe_csv(result.groups),
                       file_name="fairdash-groups.csv", mime="text/csv", key="dl_csv")
