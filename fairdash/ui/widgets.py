"""Inputs shared by pages. Widget keys carry the table fingerprint where a new table must
reset them, so stale choices from another table never linger."""

from __future__ import annotations

import hashlib

import streamlit as st

from fairdash import data as fd_data
from fairdash import models as fd_models
from fairdash.data import ColumnRoles
from fairdash.exceptions import FairDashError
from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, RATE_SHORT, REGRESSION_STATS
from fairdash.ui import state

SOURCES = ("Bundled sample", "Upload a file", "Synthetic data")
METHOD_LABELS = {"between_groups": "Between groups (max − min)",
                 "to_overall": "Against all rows",
                 "vs_reference": "Against a reference group (signed)"}
AUDIT_RATES = ("selection_rate", "tpr", "fpr", "fnr", "ppv", "accuracy", "base_rate")
#: Per-group statistics the regression audit can chart, most useful first.
CHART_STATS = ("mae", "rmse", "mean_error", "mean_prediction", "mean_target", "r2")


def source_picker() -> tuple | None:
    """Choose a sample, upload a file, or generate synthetic data.

    Returns
    -------
    (DataSource, ColumnRoles, upload or None) when the user picked new data, else None.
    """
    current = state.source()
    kinds = {"sample": 0, "upload": 1, "synthetic": 2}
    kind = st.radio("Data source", SOURCES, index=kinds[current.kind], horizontal=True,
                    key="w_source_kind")
    if kind == SOURCES[0]:
        names = list(fd_data.SAMPLES)
        pick = st.selectbox("Sample", names, format_func=lambda n: fd_data.SAMPLES[n].title,
                            index=names.index(current.name) if current.kind == "sample" else 0,
                            key="w_sample")
        st.caption(fd_data.SAMPLES[pick].note)
        if current != state.DataSource("sample", pick):
            return state.DataSource("sample", pick), fd_data.sample_roles(pick), None
        return None
    if kind == SOURCES[1]:
        mb = fd_data.DEFAULT_MAX_UPLOAD_BYTES // 2**20
        file = st.file_uploader(f"CSV (any delimiter, UTF-8 or Latin-1, may be gzipped) or "
                                f"Parquet, up to {mb} MB", type=["csv", "gz", "parquet", "txt",
                                                                 "tsv"], key="w_upload")
        if file is None:
            return None
        raw = file.getvalue()
        source = state.DataSource("upload", file.name, hashlib.sha1(raw).hexdigest()[:16])
        if current == source:
            return None
        try:
            frame = fd_data.read_table(raw, file.name)
            roles = fd_data.suggest_roles(frame)
        except FairDashError as exc:
            st.error(str(exc))
            return None
        return (source, roles,
                (frame, fd_data.table_fingerprint(frame)))
    return _synthetic_picker()


def _synthetic_picker():
    cols = st.columns(5)
    n = cols[0].number_input("Rows", 200, 2_000_000, 20_000, step=1000, key="w_syn_n")
    share = cols[1].slider("Minority share", 0.05, 0.5, 0.3, key="w_syn_share")
    gap = cols[2].slider("Base-rate gap", 0.0, 0.4, 0.2, key="w_syn_gap")
    bias = cols[3].slider("Label bias", 0.0, 0.8, 0.0, key="w_syn_bias",
                          help="Share of the minority's true positives recorded as negative.")
    proxy = cols[4].slider("Proxy strength", 0.0, 1.0, 0.5, key="w_syn_proxy",
                           help="Correlation between the feature 'proxy' and the group.")
    if not st.button("Generate", key="w_syn_go"):
        return None
    frame = fd_data.make_synthetic(int(n), minority_share=share, base_rate_gap=gap,
                                   label_bias=bias, proxy_strength=proxy)
    name = f"Synthetic ({int(n):,} rows, gap {gap}, label bias {bias}, proxy {proxy})"
    roles = ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy", "region"))
    return state.DataSource("synthetic", name), roles, (frame, fd_data.table_fingerprint(frame))


def roles_picker(frame, table_hash: str, current: ColumnRoles, flags: dict) -> tuple | None:
    """Target, positive label, sensitive columns, features and an optional score column.

    Returns
    -------
    (ColumnRoles, rescale) when the user presses "Apply", else None.
    """
    cols = [str(c) for c in frame.columns]
    key = table_hash
    left, right = st.columns(2)
    target = left.selectbox("Target (the outcome)", cols, index=cols.index(current.target)
                            if current.target in cols else 0, key=f"w_target_{key}")
    continuous = fd_data.infer_task(frame[target]) == "continuous"
    if continuous:
        # no positive label for a number: the audit compares errors and predictions
        positive = None
        left.caption("Continuous target: regression audit. FairDash compares each group's "
                     "errors and distribution of predictions, so no positive label is needed.")
    else:
        values = sorted(map(str, frame[target].dropna().unique()))[:50]
        default_pos = current.positive_label if current.positive_label in values and \
            target == current.target else fd_data.default_positive_label(frame[target])
        positive = left.selectbox("Positive label (the outcome predicted as 1)", values or [""],
                                  index=values.index(default_pos) if default_pos in values
                                  else 0, key=f"w_positive_{key}_{target}")
    others = [c for c in cols if c != target]
    sensitive = right.multiselect(
        "Sensitive column(s); several form intersectional groups", others,
        default=[c for c in current.sensitive if c in others], key=f"w_sensitive_{key}")
    score_opts = ["(none: train or upload a model)"] + [
        c for c in others if frame[c].dtype.kind in "biuf"]
    score = right.selectbox("Score or prediction column (optional)", score_opts,
                            index=score_opts.index(current.score_column)
                            if current.score_column in score_opts else 0, key=f"w_score_{key}")
    rescale = False if continuous else right.checkbox(
        "Rescale scores outside [0, 1] to [0, 1] (min-max)", value=state.rescale_scores(),
        key=f"w_rescale_{key}")
    default_features = [c for c in current.features if c in others]
    features = st.multiselect("Feature columns the model may use", others,
                              default=default_features, key=f"w_features_{key}")
    if flags:
        st.caption("Flagged, so left out unless you add them: " +
                   "; ".join(f"`{c}` ({why})" for c, why in flags.items()) + ".")
    if not st.button("Apply roles", type="primary", key=f"w_apply_{key}"):
        return None
    score_col = None if score == score_opts[0] else score
    features = tuple(c for c in features if c != score_col)
    return ColumnRoles(target, positive, tuple(sensitive), features, score_col), rescale


def model_picker() -> str:
    """How to get predictions: a built-in model, an uploaded model, or a given column."""
    choice = state.model()
    options = ["Train a built-in model", "Upload a model (skops file)",
               "Predictions only (a score or decision column)"]
    index = {"builtin": 0, "upload": 1, "scores": 2}[choice.kind] if choice else 0
    return st.radio("Where predictions come from", options, index=index, key="w_model_kind")


def builtin_picker(task: str = "classification") -> str:
    """Choose a built-in model name among the models of ``task`` (classifiers or regressors)."""
    choice = state.model()
    models = fd_models.builtin_models(task)
    names = list(models)
    current = choice.name if choice and choice.kind == "builtin" and choice.name in names \
        else names[0]
    return st.selectbox("Model", names, index=names.index(current), format_func=models.get,
                        key=f"w_builtin_{task}" if task != "classification" else "w_builtin")


def regression_stat() -> str:
    """Which per-group statistic the regression audit's chart shows."""
    return st.selectbox("Statistic shown per group", CHART_STATS, format_func=REGRESSION_STATS.get,
                        key="w_reg_stat")


def threshold_slider() -> float:
    """The decision threshold: a row is predicted positive when its score is at least this."""
    value = st.slider("Decision threshold (predict positive when score ≥ threshold)", 0.0, 1.0,
                      state.threshold(), step=0.01, key="w_threshold")
    state.set_threshold(value)
    return value


def min_group_size() -> int:
    """Groups with fewer audited rows are shown but left out of the gaps."""
    return st.number_input("Minimum group size", 1, 10_000, DEFAULT_MIN_GROUP_SIZE,
                           key="w_min_size",
                           help="Smaller groups are shown but left out of the gaps: with few "
                                "rows their rates are too uncertain to compare.")


def audit_controls(labels) -> dict:
    """Rate to plot, how gaps are measured, and the reference group."""
    c1, c2, c3 = st.columns(3)
    rate = c1.selectbox("Rate shown per group", AUDIT_RATES, format_func=RATE_SHORT.get,
                        key="w_rate")
    method = c2.selectbox("Gaps measured", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                          key="w_method")
    reference = None
    if method == "vs_reference":
        reference = c3.selectbox("Reference group", [str(g) for g in labels], key="w_reference")
    return {"rate": rate, "method": method, "reference": reference}


#: criterion (audit gap name) -> what the user is asked to equalise
CRITERIA = {
    "demographic_parity_difference": "Demographic parity: equal selection rates",
    "equal_opportunity_difference": "Equal opportunity: equal true positive rates",
    "equalized_odds_difference": "Equalized odds: equal true and false positive rates",
}


def mitigation_picker(task: str, has_features: bool, n_sensitive: int):
    """Criterion, then stage, then a method valid for both.

    Returns
    -------
    Method, or None when no method fits (a message is shown).
    """
    from fairdash.mitigation import STAGES, methods_for

    valid = methods_for(task, has_features=has_features, n_sensitive=n_sensitive)
    if not valid:
        st.info(f"No registered method applies to a {task} target with this model.")
        return None
    criteria = [c for c in CRITERIA if any(m.criterion == c for m in valid)]
    current = state.mitigation()
    chosen = next((m for m in valid if current and m.name == current.name), None)
    c1, c2 = st.columns(2)
    _seed("w_criterion", criteria, chosen.criterion if chosen else None)
    labels = dict(CRITERIA)
    if task == "regression":
        labels["demographic_parity_difference"] = ("Demographic parity: the same distribution "
                                                   "of predictions in every group")
    criterion = c1.selectbox("Gap to close", criteria, format_func=labels.get,
                             key="w_criterion")
    stages = [s for s in STAGES if any(m.stage == s and m.criterion == criterion for m in valid)]
    _seed("w_stage", stages, chosen.stage if chosen else "post")
    stage = c2.radio("Stage", stages, format_func=lambda s: STAGES[s].split(" (")[0],
                     horizontal=True, key="w_stage")
    options = [m for m in valid if m.stage == stage and m.criterion == criterion]
    names = [m.name for m in options]
    _seed("w_mitigation", names, chosen.name if chosen else None)
    name = st.selectbox("Method", names, key="w_mitigation",
                        format_func=lambda n: next(m.label for m in options if m.name == n))
    return options[names.index(name)]


def _seed(key: str, options: list, preferred) -> None:
    """Keep a keyed widget's value valid for today's options, starting from ``preferred``
    (the active mitigation). Set through the session, not as the widget's default, so that
    a value set elsewhere (the COMPAS demo) shows in the browser too."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = preferred if preferred in options else options[0]


def strength_slider(method) -> float:
    """The method's strength in [0, 1], remembered across pages through the mitigation."""
    current = state.mitigation()
    st.session_state.setdefault("w_strength", current.strength if current else 1.0)
    return st.slider(
        "Strength (0 = the model as it is, 1 = the method at full strength)", 0.0, 1.0,
        step=0.01, key="w_strength",
        help=f"Native knob: {method.native_parameter}; {method.strength_mapping}.")


def compas_demo_button() -> bool:
    """Load the COMPAS decile-score demo: the deployed score, grouped by race."""
    return st.button("Load the COMPAS demo: repair the deployed decile_score by race",
                     key="w_compas_demo",
                     help="Switches to the COMPAS sample, takes its decile_score (1-10, rescaled "
                          "to 0-1) as given predictions of two_year_recid, groups people by "
                          "race and selects the barycenter repair.")
