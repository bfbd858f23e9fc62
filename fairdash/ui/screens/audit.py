"""Audit: how the active model treats each group, with uncertainty and group sizes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from fairdash import metrics as fd_metrics
from fairdash import viz
from fairdash._safe_csv import safe_csv
from fairdash.exceptions import FairDashError
from fairdash.metrics import RATE_LABELS, RATE_SHORT
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state
from fairdash.ui.screens import audit_gate, audit_live, audit_regression

METHOD_LABELS = {"between_groups": "Between groups (max − min)",
                 "to_overall": "Against all audited rows (largest distance)",
                 "vs_reference": "Against a reference group (signed)"}
AUDIT_RATES = ("selection_rate", "tpr", "fpr", "fnr", "ppv", "accuracy", "base_rate")
#: gaps explained in sentences under the table (the ratios and means repeat them)
EXPLAINED_GAPS = ("demographic_parity_difference", "equal_opportunity_difference",
                  "equalized_odds_difference", "predictive_parity_difference",
                  "accuracy_score_difference")
SIZE_NOTE = ("Group sizes come first: a rate from a few dozen rows has a wide interval, and a "
             "gap between small groups can appear by chance.")


def render() -> None:
    """The Audit screen. The group sizes need only the data, so they are drawn before the model
    is trained (a first visit's first chart comes that much sooner, issue 16); what needs the
    model goes in ``head`` above them."""
    st.title("Fairness audit")
    head = st.container()  # the model's progress, then what is said about the audited rows
    left, right = st.columns([3, 2])
    side, chart = right.empty(), left.empty()
    with side.container():
        min_size = _min_group_size()
        st.caption(SIZE_NOTE)
    early = _early_sizes(chart, min_size)
    try:
        with head:
            scored = shell.guard_scores()
    except shell.Halt:  # the model failed: its sentence alone, as before the sizes
        side.empty()
        chart.empty()
        raise
    with head:
        shell.audited_rows_caption(scored)
        scored = _slice_or_groups(scored)
        if scored.task == "regression":
            st.caption(f"Continuous target {fmt.code(scored.dataset.roles.target)}: a "
                       "regression audit of each group's errors and distribution of "
                       "predictions.")
        else:
            st.caption(f"A positive prediction means: {fmt.md(shell.positive_meaning())}.")
        active_mitigation_note("the model as it is", "it", "Mitigate, Tradeoffs and Compare")
    if scored.task == "regression":
        audit_regression.render(scored, left, min_size)
        return
    sizes = shared.audit(scored, 0.5, min_group_size=min_size).groups
    if not early:  # a slice of the Subgroups screen has groups of its own
        chart.plotly_chart(viz.group_sizes_figure(sizes), key="fig_sizes")
    _results(scored, min_size, sizes["n"])


def group_sizes(dataset, min_group_size: int) -> pd.DataFrame:
    """Rows, truly positive and truly negative rows per group in the audited rows, and whether
    a group is under ``min_group_size``: the audit's ``groups`` columns of the group sizes
    figure, from the data alone (they do not depend on the model)."""
    mask = dataset.rows(dataset.audited_split())
    codes, y = dataset.group_codes[mask], dataset.y[mask]
    k = len(dataset.group_labels)
    n = np.bincount(codes, minlength=k).astype(np.int64)
    positives = np.bincount(codes, weights=y == 1, minlength=k).astype(np.int64)
    return pd.DataFrame({"n": n, "positives": positives, "negatives": n - positives,
                         "small": n < min_group_size}, index=dataset.group_labels)


def _early_sizes(slot, min_size: int) -> bool:
    """Draw the group sizes in ``slot`` before the model exists (yes/no targets on the
    sensitive columns' groups); False when they must wait for it."""
    if state.audit_slice() is not None:
        return False
    try:
        dataset = shared.active_dataset()
    except FairDashError:
        return False  # the model's guard says why
    if dataset.task != "classification":
        return False
    slot.plotly_chart(viz.group_sizes_figure(group_sizes(dataset, min_size)), key="fig_sizes")
    return True


def active_mitigation_note(what: str, pronoun: str, screens: str) -> None:
    """Say that the audit is of ``what``, and where the active mitigation (if any) is
    compared with ``pronoun`` (the ``screens``)."""
    active = state.mitigation()
    if active is None:
        return
    from fairdash.mitigation import get_method

    st.caption(f"This audit is of {what}. The active mitigation ({get_method(active.name).label} "
               f"at strength {active.strength:.2f}) is compared with {pronoun} on the {screens} "
               "screens.")


def _slice_or_groups(scored):
    """The slice chosen on the Subgroups screen against the rest, or the sensitive columns."""
    rule = state.audit_slice()
    if rule is None or scored.task == "regression":
        return scored
    try:
        sliced = shared.with_slice(scored, rule)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The audit shows the sensitive columns instead.")
        return scored
    left, right = st.columns([3, 1])
    left.info(f"Groups here are the slice {fmt.code(rule)} (chosen on the Subgroups screen) "
              "against every other row, not the sensitive columns.",
              icon=":material/travel_explore:")
    if right.button("Back to the named groups", key="w_audit_slice_back",
                    help="Audit the sensitive columns' groups again."):
        state.set_audit_slice(None)
        st.rerun()
    return sliced


def _min_group_size() -> int:
    """Groups with fewer audited rows are shown but left out of the gaps."""
    return st.number_input("Minimum group size", 1, 10_000, fd_metrics.DEFAULT_MIN_GROUP_SIZE,
                           key="w_min_size",
                           help="Smaller groups are shown but left out of the gaps: with few "
                                "rows their rates are too uncertain to compare.")


def score_label(scored) -> str:
    """What the score axis holds, in words."""
    if scored.model_key.startswith("scores:"):
        column = scored.model_key.split(":", 1)[1]
        return f"Score '{column}'" + (" (rescaled to 0-1)" if state.rescale_scores() else "")
    return "Predicted probability of the positive outcome"


@st.fragment
def _results(scored, min_size: int, sizes) -> None:
    """Everything the threshold and the controls change; reruns alone when they move. The
    threshold slider and what it moves are drawn in the browser (``audit_live``)."""
    if not scored.decisions_only:
        audit_live.released()
    threshold = 0.5 if scored.decisions_only else state.threshold()
    c1, c2, c3 = st.columns(3)
    rate = c1.selectbox("Rate shown per group", AUDIT_RATES, format_func=RATE_SHORT.get,
                        key="w_rate")
    method = c2.selectbox("Gaps measured", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                          key="w_method")
    reference = c3.selectbox("Reference group", [str(g) for g in scored.labels],
                             key="w_reference") if method == "vs_reference" else None
    result = shared.audit(scored, threshold, method, reference, min_size)
    shell.warnings([*scored.dataset.warnings, *result.warnings], sizes=sizes)

    if scored.decisions_only:
        st.columns(2)[0].plotly_chart(viz.rate_bars_figure(
            result.groups, rate, RATE_LABELS[rate], result.overall[rate], RATE_SHORT[rate]),
            key="fig_rates")
    else:
        audit_live.control(scored, result, rate, _histograms(scored), score_label(scored))
    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} audited rows; "
                   f"left out: {fmt.names(result.excluded_groups)}.")
    verdicts = audit_gate.badges(result)
    gap_table(result)
    audit_gate.editor()
    _gap_explanations(method, reference)
    st.markdown("**Every rate per group** (95 % Wilson intervals)")
    group_table(result)
    _downloads(scored, result, threshold, verdicts)


@st.cache_data(max_entries=16, show_spinner=False)
def _histograms_cached(dataset_key, model_key, split, _scores, _codes, _labels):
    return fd_metrics.score_histograms(_scores, _codes, _labels)


def _histograms(scored):
    return _histograms_cached(scored.dataset.fingerprint, scored.model_key, scored.split,
                              scored.scores, scored.codes, scored.labels)


def gap_table(result) -> None:
    """Every gap with its interval and p-value, then plain sentences for the main ones that
    follow the chosen way of measuring.

    A static table, not ``st.dataframe``: the canvas grid costs the browser ~150 ms to redraw
    on every threshold step, and eleven rows need no scrolling or sorting.
    """
    rows = [{"criterion": row["label"], "fairlearn name": name, "value": fmt.num(row["value"]),
             "95 % CI": f"{fmt.num(row['ci_low'])} to {fmt.num(row['ci_high'])}",
             "p-value": fmt.num(row["p_value"])} for name, row in result.gaps.iterrows()]
    st.table(pd.DataFrame(rows).set_index("criterion"))
    meaning = shell.positive_meaning()
    st.markdown("\n".join(
        f"- **{result.gaps.loc[name, 'label']}**: "
        f"{fmt.md(fd_metrics.explain_gap(name, result, meaning))}" for name in EXPLAINED_GAPS))


def _gap_explanations(method: str, reference) -> None:
    with st.expander("How the gaps are computed"):
        st.markdown(
            f"- {fmt.md(fd_metrics.aggregation_note(method, reference))}\n"
            "- **Demographic parity** compares selection rates; **equal opportunity** compares "
            "true positive rates; **equalized odds** takes the worse of the true and false "
            "positive rate gaps (or their mean, leaving out a part that is undefined); "
            "**predictive parity** compares precision.\n"
            "- **Intervals**: 1,000 bootstrap resamples of each group's confusion counts. "
            "**p-value**: share of 1,000 data sets with group labels shuffled (within the true "
            "label for error-rate criteria) whose gap is at least as large. A gap cannot go "
            "below 0, so near 0 its interval leans upward: read the p-value there.\n"
            "- A rate with a zero denominator (say, a group with no positives) is *undefined* "
            "and left out, not counted as 0. Groups under the minimum size are shown but left "
            "out of every gap. Formulas and papers: `docs/methods.md` §9.")


def group_table(result) -> None:
    """Every rate per group, one group per row: n first, then each rate with its interval.
    Scrolls rather than clips when there are many groups."""
    shell.group_dataframe(fmt.rate_table(result.groups, RATE_LABELS, positives=True, auc=True))


def _downloads(scored, result, threshold: float, verdicts) -> None:
    """The audit as JSON (the CLI's shape, with its provenance and any pass/fail verdicts)
    and the per-group table as CSV, written only when clicked."""
    def as_json() -> str:
        out = result.to_dict() | {"provenance": shared.provenance_of(scored, threshold,
                                                                     shared.gate_args())}
        if verdicts:
            out["gate"] = [v.to_dict() for v in verdicts]
        return json.dumps(out, indent=2)

    c1, c2 = st.columns(2)
    c1.download_button("Download audit (JSON)", as_json,
                       file_name="fairdash-audit.json", mime="application/json", key="dl_json")
    c2.download_button("Download per-group table (CSV)", lambda: safe_csv(result.groups),
                       file_name="fairdash-groups.csv", mime="text/csv", key="dl_csv")
