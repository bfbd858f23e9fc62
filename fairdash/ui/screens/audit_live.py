"""Audit: the threshold answered in the browser (the ``threshold`` component).

What moves with the threshold on the Audit screen (the rate bars, the ROC operating points,
the score histogram's line and the gap values) is drawn by the component from counts sent once
per released threshold; the slider no longer reruns Python on every step. When the user lets go,
:func:`released` hands the value to ``state.set_threshold`` (which writes the URL), so every
other screen, the link and the report follow; the gap summary's bootstrap intervals and
p-values, the sentences, the per-group table and the pass/fail badges are then recomputed on
the server at that threshold (docs/architecture.md §5.4).
"""

from __future__ import annotations

import hashlib

import streamlit as st

from fairdash import metrics as fd_metrics
from fairdash import viz
from fairdash.report._live import live_bars, live_payload, live_roc
from fairdash.report._text import figure_json
from fairdash.ui import shared, state
from fairdash.ui.components.threshold import threshold_control

KEY = "w_threshold"
LABEL = "Decision threshold (predict positive when score ≥ threshold)"
MOVED_NOTE = ("Moved: the gap summary's intervals and p-values, the sentences and the "
              "per-group table below follow when you let go.")


def released() -> None:
    """Apply the threshold the user let go at, once per release, then rerun the whole page:
    a release is rare (the steps before it never reach the server), so the sidebar (its saved
    session) and everything outside the fragment follow it too."""
    value = state.widget(KEY)
    if not isinstance(value, dict) or value.get("id") == state.screen_memory("audit", "live"):
        return
    state.remember("audit", "live", value.get("id"))
    threshold = float(value["threshold"])
    if 0.0 <= threshold <= 1.0 and threshold != state.threshold():
        state.set_threshold(round(threshold, 2))
        st.rerun(scope="app")


def control(scored, result, rate: str, hist, score_label: str) -> None:
    """Draw the component for the audit ``result`` of ``scored`` at the released threshold."""
    draw(("rows", scored.dataset.fingerprint, scored.model_key, scored.split),
         lambda: shared.score_index(scored)[0], scored.labels, result, rate, hist, score_label)


def draw(source_key: tuple, index, labels, result, rate: str, hist, score_label: str) -> None:
    """Draw the component for any score index: the audited rows' or an engine's counts.

    Parameters
    ----------
    source_key : tuple
        Hashable: what the index was built from (the cache key of the payload).
    index : ScoreIndex or callable
        The index (weighted by row counts for an engine's cells), or a function giving it
        (called only when the payload is not cached yet).
    labels : sequence
        Group labels in code order.
    result : AuditResult
        The audit at the released threshold.
    rate : str
        The rate drawn per group.
    hist : DataFrame
        ``fairdash.metrics.score_histograms`` of the scores.
    score_label : str
        What the score axis holds, in words.
    """
    threshold_control(_payload(source_key, result.threshold, result.method, result.reference,
                               result.min_group_size, rate, score_label, index, labels,
                               result, hist), key=KEY)


@st.cache_data(max_entries=32, show_spinner=False)
def _payload(source_key, threshold, method, reference, min_group_size, rate, score_label,
             _index, _labels, _result, _hist) -> dict:
    index = _index() if callable(_index) else _index
    return payload(index, _labels, _result, rate, _hist, score_label,
                   version=repr((source_key, threshold, method, reference, min_group_size,
                                 rate, score_label)))


def payload(index, labels, result, rate: str, hist, score_label: str, *,
            version: str = "") -> dict:
    """The component's payload: counts at every threshold and the figures they move.

    Parameters
    ----------
    index : ScoreIndex
    labels, result, rate, hist, score_label
        As in :func:`draw`.
    version : str, optional
        Text naming the payload's content (hashed into its ``version``).

    Returns
    -------
    dict
    """
    labels = [str(g) for g in labels]
    groups, threshold = result.groups, result.threshold
    live = live_payload(
        index, labels, threshold=threshold, rows=groups["n"].to_numpy(), method=result.method,
        reference_code=fd_metrics._audit.reference_code(groups.index.astype(str),
                                                        result.reference, result.method),
        min_group_size=result.min_group_size, confidence=result.confidence)
    bars = live_bars(figure_json(viz.rate_bars_figure(
        groups, rate, fd_metrics.RATE_LABELS[rate], result.overall[rate],
        fd_metrics.RATE_SHORT[rate])), groups, rate)
    roc = live_roc(figure_json(viz.roc_figure(
        index.roc(labels, max_points=200 if len(labels) <= 6 else 60), groups, threshold,
        score_label=score_label), digits=4), labels, threshold)
    hist = figure_json(viz.score_histogram_figure(hist, threshold, score_label=score_label))
    hist["live"] = {"threshold": threshold}
    return {"version": hashlib.sha256(version.encode()).hexdigest()[:16],
            "threshold": float(threshold), "label": LABEL, "moved_note": MOVED_NOTE,
            "live": live, "figs": {"bars": bars, "roc": roc, "hist": hist},
            "gaps": [[name, str(row["label"])] for name, row in result.gaps.iterrows()]}
