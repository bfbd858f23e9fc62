"""Compare: what a model update fixes and breaks, for whom (negative flips per group)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from fairdash.compare import ModelSpec
from fairdash.exceptions import FairDashError
from fairdash.ui import shared, shell, state
from fairdash.ui.screens import compare_views

SCREEN = "compare"


def render() -> None:
    """The Compare screen."""
    st.title("Compare")
    scored = shell.guard_scores()
    shell.guard_classification(scored, "Comparing decisions")
    threshold = 0.5 if scored.decisions_only else state.threshold()
    shell.audited_rows_caption(scored)
    st.caption(f"Both models decide at the threshold {threshold:.2f} set on the Audit screen. A "
               "negative flip is a person the old model decided right and the new one decides "
               "wrong: an update can raise accuracy and close gaps while failing people it "
               "used to serve.")
    old, new = _pickers(scored)
    state.set_comparison((old.text(), new.text()))
    try:
        with st.spinner("Scoring both models (training ones are cached afterwards) ..."):
            report, audits = _comparison(scored, old, new, threshold)
    except FairDashError as exc:
        st.error(str(exc))
        return
    compare_views.headline(report, old, new)
    left, right = st.columns([2, 3])
    with left:
        st.subheader("Flip matrix")
        compare_views.flip_matrix(report)
    with right:
        compare_views.who_pays(report)
    st.subheader("Per group")
    compare_views.groups_table(report, audits)
    compare_views.download(report, scored.dataset)


def options(scored) -> dict[str, ModelSpec]:
    """Label -> spec of every model the active data and model can be compared with."""
    from fairdash.mitigation import get_method
    from fairdash.models import builtin_models

    out = {"Base model (before any mitigation)": ModelSpec("base")}
    active = state.mitigation()
    if active is not None:
        out[f"Active mitigation: {get_method(active.name).label} at strength "
            f"{active.strength:.2f}"] = ModelSpec("method", active.name, active.strength)
    choice = state.model()
    if scored.dataset.roles.features:  # also against an uploaded model or given scores
        for name, label in builtin_models().items():
            if not (choice.kind == "builtin" and name == choice.name):
                out[f"Another model trained here: {label}"] = ModelSpec("model", name)
    for m in shared.methods_available(scored):
        out.setdefault(f"{m.label} at full strength", ModelSpec("method", m.name, 1.0))
    frame = scored.dataset.frame
    for column in frame.columns:
        values = frame[column]
        if column != scored.dataset.roles.target and pd.api.types.is_numeric_dtype(values) \
                and not pd.api.types.is_bool_dtype(values) and values.notna().all() \
                and values.min() >= 0 and values.max() <= 1:
            out[f"Decisions or scores in column '{column}'"] = ModelSpec("column", column)
    return out


def _pickers(scored) -> tuple[ModelSpec, ModelSpec]:
    """The old and the new model."""
    choices = options(scored)
    labels = list(choices)
    state.keep_valid(SCREEN, "w_compare_old", labels, labels[0])
    state.keep_valid(SCREEN, "w_compare_new", labels, labels[1] if len(labels) > 1 else labels[0])
    left, right = st.columns(2)
    old = left.selectbox("Old model (the one people are used to)", labels, key="w_compare_old")
    new = right.selectbox("New model (the update)", labels, key="w_compare_new",
                          help="A point chosen on the Tradeoffs screen appears here as the "
                               "active mitigation.")
    return choices[old], choices[new]


@st.cache_data(max_entries=32, show_spinner=False)
def _comparison_cached(dataset_key, base_key, old_text, new_text, threshold, _dataset, _old,
                       _new):
    from fairdash.compare import flip_report
    from fairdash.mitigation import EVALUATION_SPLIT, evaluate

    mask = _dataset.rows(EVALUATION_SPLIT)
    groups = _dataset.group_labels[_dataset.group_codes[mask]]
    report = flip_report(_dataset.y[mask], _old[mask], _new[mask], sensitive_features=groups,
                         index=_dataset.frame.index[mask])
    audits = [evaluate(_dataset, d, decisions_only=True, n_resamples=300) for d in (_old, _new)]
    return report, audits


def _comparison(scored, old: ModelSpec, new: ModelSpec, threshold: float):
    """Flip report and the two audits (test rows) of ``old`` against ``new`` (cached)."""
    t = float(threshold)
    return _comparison_cached(scored.dataset.fingerprint, scored.model_key, old.text(),
                              new.text(), t, scored.dataset, shared.decisions(scored, old, t),
                              shared.decisions(scored, new, t))
