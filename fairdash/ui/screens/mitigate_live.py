"""Mitigate: the post-processing strength answered in the browser (the ``strength`` component).

For the methods whose every strength comes from one fit (the group thresholds and the
barycenter repair, ``Method.single_fit_front``) on a yes/no target, the page receives, once per
released strength, the expected confusion counts per group at every strength of the slider's
grid, the knob's sentence and the decisions changed at each, and the before/after figure
(:func:`draw`, wherever the counts came from): the test rows' counts from
:func:`fairdash.tradeoff.fast_points` (:func:`control`, equal to ``mitigate`` followed by an
audit), or a connected table's every row from :func:`fairdash.engines.threshold_points`
(``mitigate_connected``). The component recomputes the after rates, the gap values, accuracy
and the before/after bars with ``live.js`` as the slider moves; Python hears the strength only
when the slider is let go (:func:`released`), and the intervals, p-values, AUC and score
distributions are then recomputed there. Making the preview active stays the user's explicit
action (docs/live-threshold.md)."""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import streamlit as st

from fairdash import viz
from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, GAPS
from fairdash.mitigation import PERFORMANCE, explain_knob
from fairdash.report._live import counts_payload, live_pairs
from fairdash.report._text import figure_json
from fairdash.ui import state
from fairdash.ui.components.strength import strength_control
from fairdash.ui.screens import mitigate_tables

SCREEN = "mitigate"
LABEL = "Strength (0 = the model as it is, 1 = the method at full strength)"
#: the slider's grid: the step it always had; every value it can take is sent (101 points)
STRENGTHS = np.round(np.linspace(0.0, 1.0, 101), 2)
MOVED_NOTE = ("Moved: the intervals and p-values, the AUC, the score distributions and the "
              "\"make active\" button below follow when you let go.")


def applies(scored, method) -> bool:
    """Whether ``method``'s strength is answered in the browser for ``scored``.

    Parameters
    ----------
    scored : fairdash.ui.shared.Scored
        The active data and model.
    method : fairdash.mitigation.Method

    Returns
    -------
    bool
        True for a method with a single-fit front on a yes/no target with scores; the others
        keep the server's slider (each strength of a training method trains a model).
    """
    return bool(method.single_fit_front) and scored.task != "regression" \
        and not scored.decisions_only


def strength_key(method) -> str:
    """Session key of ``method``'s previewed strength (a slider's key for the others).

    Parameters
    ----------
    method : fairdash.mitigation.Method

    Returns
    -------
    str
    """
    return f"w_strength_{method.name}"


def _component_key(method) -> str:
    """Widget key of ``method``'s strength component (one per method: each keeps its own)."""
    return f"w_mitigate_live_{method.name}"


def released(method, key: str | None = None, component: str | None = None) -> None:
    """Apply the strength the user let go at, once per release, then rerun the whole page
    (the preview's intervals and p-values, and the activation row, follow it).

    Parameters
    ----------
    method : fairdash.mitigation.Method
        The method whose component may have reported a release.
    key : str, optional
        Session key of the released strength; default :func:`strength_key` (the connected
        screen keeps one of its own).
    component : str, optional
        Widget key the component was drawn with; default one per method.
    """
    key = key or strength_key(method)
    value = state.widget(component or _component_key(method))
    seen = f"live_{method.name}"
    if not isinstance(value, dict) or value.get("id") == state.screen_memory(SCREEN, seen):
        return
    state.remember(SCREEN, seen, value.get("id"))
    strength = round(float(value["strength"]), 2)
    if 0.0 <= strength <= 1.0 and strength != state.widget(key):
        state.seed_widget(SCREEN, key, strength)
        st.rerun(scope="app")


def control(scored, method, result, threshold: float, ba) -> None:
    """Draw the component for ``method`` at the released strength (the test rows).

    Parameters
    ----------
    scored : fairdash.ui.shared.Scored
        The active data and model.
    method : fairdash.mitigation.Method
    result : fairdash.mitigation.MitigationResult
        The method at the released strength.
    threshold : float
        The audit threshold.
    ba : fairdash.mitigation.BeforeAfter
        ``result``'s before/after on the test rows.
    """
    ds = scored.dataset
    front = _grid(ds.fingerprint, scored.model_key, method.name, float(threshold),
                  result.native.get("e0"), tuple(str(g) for g in ba.before.groups.index), ds,
                  scored.all_scores)
    draw(method, result.strength, front, rows=int(ba.rows),
         auc=(ba.performance.loc["auc", "before"], ba.performance.loc["auc", "after"]),
         figure=viz.before_after_rates_figure(ba.before.groups, ba.after.groups,
                                              mitigate_tables.BEFORE_AFTER_RATES,
                                              f"after {method.label}"),
         version=(ds.fingerprint, scored.model_key, float(threshold)))


def draw(method, strength: float, front: dict, *, rows: int, auc, figure, version: tuple,
         component: str | None = None, rows_phrase: str = "held-out test rows") -> None:
    """Send the component everything it needs at the released ``strength``, wherever the
    counts came from (the test rows, or a connected table's every row).

    Parameters
    ----------
    method : fairdash.mitigation.Method
    strength : float
        The released strength.
    front : dict
        :func:`grid` of the method's counts at :data:`STRENGTHS`.
    rows : int
        Rows the counts cover (the changed decisions are a share of them).
    auc : pair of float or None
        The pooled AUC before and at ``strength`` (None or NaN: not known).
    figure : plotly.graph_objects.Figure
        ``viz.before_after_rates_figure`` at ``strength``, groups in ``front``'s order.
    version : tuple
        What the counts depend on besides the method's strength (hashed, never sent).
    component : str, optional
        The widget key; default one per method.
    rows_phrase : str, default "held-out test rows"
        What the ``rows`` are, in the sentence on changed decisions.
    """
    rates = list(mitigate_tables.BEFORE_AFTER_RATES)
    key = (*version, method.name, float(strength))
    payload = {
        "version": hashlib.sha256(repr(key).encode()).hexdigest()[:16],
        "strength": float(strength), "label": LABEL, "moved_note": MOVED_NOTE,
        "help": f"{method.label}: {method.strength_mapping}.",
        **front, "rows": int(rows), "rows_phrase": rows_phrase,
        "randomised": bool(method.randomised),
        "auc": [_float(a) for a in auc],
        "performance": [[name, PERFORMANCE[name], mitigate_tables.BETTER.get(name)]
                        for name in PERFORMANCE],
        "figs": {"pairs": live_pairs(figure_json(figure), rates)}}
    strength_control(payload, key=component or _component_key(method))


def grid(counts, labels, rows, changed, knob) -> dict:
    """What does not depend on the released strength, at every strength of :data:`STRENGTHS`.

    Parameters
    ----------
    counts : ndarray, shape (101, K, 4)
        Expected ``tn, fp, fn, tp`` per strength and group.
    labels : sequence of str
        The groups, in the order of ``counts`` (and of the before/after figure).
    rows : ndarray of int, shape (K,)
        Rows per group.
    changed : sequence of float
        Decisions changed from the base model's, per strength.
    knob : sequence of str
        The knob's sentence per strength (:func:`knobs`).

    Returns
    -------
    dict
        The payload's ``strengths``, ``live`` (``counts_payload``), ``changed``, ``knob`` and
        ``gaps``.
    """
    return {"strengths": STRENGTHS.tolist(),
            "live": counts_payload(np.asarray(counts), labels, rows=rows,
                                   method="between_groups", reference_code=None,
                                   min_group_size=DEFAULT_MIN_GROUP_SIZE, confidence=0.95),
            "changed": [float(c) for c in changed],
            "knob": [str(k) for k in knob],
            "gaps": [[g, GAPS[g].label] for g in mitigate_tables.COMPARED_GAPS]}


def knobs(method, e0: float | None) -> list[str]:
    """The knob's sentence at every strength of :data:`STRENGTHS`, from one fit.

    Parameters
    ----------
    method : fairdash.mitigation.Method
    e0 : float or None
        The group thresholds' fitted base gap (None for the barycenter).

    Returns
    -------
    list of str
        ``explain_knob`` of the knob fitted at each strength.
    """
    native = {} if e0 is None else {"e0": e0}
    return [explain_knob(method, _native_at(native, s), float(s)) for s in STRENGTHS]


def _float(v) -> float | None:
    return None if v is None or np.isnan(v) else float(v)


@st.cache_data(max_entries=32, show_spinner=False)
def _grid(dataset_key, model_key, name, threshold, e0, labels, _dataset, _base_scores) -> dict:
    """:func:`grid` of the test rows: one fit (``fast_points``), groups in ``labels`` order;
    ``e0`` is the group thresholds' fitted base gap (None for the barycenter)."""
    from fairdash.mitigation import get_method
    from fairdash.tradeoff import EvalRows, fast_points

    rows = EvalRows.of(_dataset)
    with warnings.catch_warnings():  # the fit's warnings are the preview's, shown with it
        warnings.simplefilter("ignore", UserWarning)
        points = fast_points(_dataset, name, STRENGTHS, _base_scores, threshold=threshold,
                             rows=rows)
    order = [rows.labels.index(g) for g in labels]
    return grid(np.stack([p.counts[order] for p in points]), labels,
                np.bincount(rows.codes, minlength=rows.k)[order],
                [p.changed.sum() for p in points], knobs(get_method(name), e0))


def _native_at(native: dict, strength: float) -> dict:
    """The fitted knob at ``strength`` from one fit: the group thresholds allow the base
    model's gap ``e0`` shrunk to ``(1 - strength) * e0``; the barycenter keeps ``t = 1 -
    strength`` of each score (``docs/methods.md`` §2, §4)."""
    if "e0" in native:
        return {"e0": native["e0"], "tolerance": (1.0 - strength) * native["e0"]}
    return {"t": 1.0 - strength}
