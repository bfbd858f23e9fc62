"""Outputs shared by pages: guards, tables, the sidebar badge, error display."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import streamlit as st

from fairdash import models as fd_models
from fairdash.data import SAMPLES
from fairdash.exceptions import FairDashError
from fairdash.metrics import RATE_LABELS, explain_gap
from fairdash.ui import cache, render_regression, state

DATA_PAGE = "app_pages/data.py"
MODEL_PAGE = "app_pages/model.py"


def stop_with(message: str, page: str, label: str) -> None:
    """Show ``message`` as an error with a link to ``page`` and stop the script."""
    st.error(message)
    st.page_link(page, label=label, icon=":material/arrow_forward:")
    st.stop()


def guard_dataset():
    """The active Dataset, or an error with a link to the Data page and a stop."""
    try:
        return cache.active_dataset()
    except FairDashError as exc:
        stop_with(str(exc), DATA_PAGE, "Fix the column roles on the Data page")


def guard_scores():
    """Scores of the active model (training shows progress), or an error and a stop."""
    guard_dataset()
    slot = st.empty()  # the status box disappears once the model is ready
    try:
        with slot.status("Preparing the model ...", expanded=False) as status:
            scored = cache.active_scores(progress=lambda msg: status.update(label=msg))
        slot.empty()
        return scored
    except FairDashError as exc:
        stop_with(str(exc), MODEL_PAGE, "Choose another model on the Model page")


def positive_meaning() -> str:
    """What a positive prediction means, in words, for sentences."""
    src, roles = state.source(), state.roles()
    if src.kind == "sample" and roles.target == SAMPLES[src.name].target:
        return SAMPLES[src.name].positive_meaning
    return f"{roles.target} = {roles.positive_label}"


def active_data_name() -> str:
    """Display name of the active table."""
    src = state.source()
    return SAMPLES[src.name].title if src.kind == "sample" else src.name


def active_task() -> str:
    """``"regression"`` when the active roles give a continuous target, else
    ``"classification"`` (also while the roles do not fit the data)."""
    try:
        return cache.active_dataset().task
    except FairDashError:
        return "classification"


def sidebar_badge(where, page_title: str = "") -> None:
    """Active data, model and mitigation in the sidebar container ``where``, on every page.

    On the Mitigate page the strength is left out: its slider reruns only part of the page,
    so a strength shown here would lag behind the slider."""
    roles, choice = state.roles(), state.model()
    name = active_data_name()
    task = active_task()
    with where:
        st.caption("Active data")
        st.markdown(f"**{name}**")
        if roles:
            outcome = f"Target `{roles.target}` (regression)" if task == "regression" else \
                f"Target `{roles.target}` = `{roles.positive_label}`"
            st.markdown(f"{outcome}  \n"
                        f"Groups: {', '.join(f'`{c}`' for c in roles.sensitive)}")
        st.caption("Active model")
        if choice is None:
            st.markdown("none yet")
        elif choice.kind == "builtin":
            label = fd_models.builtin_models(task).get(choice.name, choice.name)
            st.markdown(f"**{label}** (trained here)")
        elif choice.kind == "upload":
            st.markdown(f"**Uploaded:** {choice.name}")
        else:
            st.markdown(f"**Given predictions:** `{choice.name}`")
        mitigation = state.mitigation()
        if mitigation is not None:
            from fairdash.mitigation import REGISTRY

            st.caption("Active mitigation")
            strength = "" if page_title == "Mitigate" else \
                f" at strength {mitigation.strength:.2f}"
            st.markdown(f"**{REGISTRY[mitigation.name].label}**{strength}")


#: Gaps explained in sentences under the table (the ratios and means repeat them).
EXPLAINED_GAPS = ("demographic_parity_difference", "equal_opportunity_difference",
                  "equalized_odds_difference", "predictive_parity_difference",
                  "accuracy_score_difference")


def gap_table(result) -> None:
    """Every gap with its interval and p-value, then plain sentences for the main ones.

    A static table, not ``st.dataframe``: the canvas grid costs the browser ~150 ms to redraw
    on every threshold step, and eleven rows need no scrolling or sorting.
    """
    rows = [{"criterion": row["label"], "fairlearn name": name, "value": _num(row["value"]),
             "95 % CI": f"{_num(row['ci_low'])} to {_num(row['ci_high'])}",
             "p-value": _num(row["p_value"])} for name, row in result.gaps.iterrows()]
    st.table(pd.DataFrame(rows).set_index("criterion"))
    meaning = positive_meaning()
    st.markdown("\n".join(f"- **{result.gaps.loc[name, 'label']}**: "
                           f"{explain_gap(name, result, meaning)}" for name in EXPLAINED_GAPS))


def _num(v) -> str:
    return "n/a" if v is None or np.isnan(v) else f"{v:.3f}"


def group_table(result) -> None:
    """Every rate per group, one rate per row: value and 95 % interval in %, n on top."""
    groups = result.groups
    rows = {"rows (n)": [f"{n:,}" for n in groups["n"]],
            "truly positive": [f"{p:,.0f}" for p in groups["positives"]]}
    for name, label in RATE_LABELS.items():
        rows[label] = [_pct_ci(v, lo, hi) for v, lo, hi in
                       zip(groups[name], groups[f"{name}_low"], groups[f"{name}_high"])]
    rows["AUC"] = ["n/a" if np.isnan(v) else f"{v:.3f}" for v in groups["auc"]]
    st.table(pd.DataFrame(rows, index=[str(g) for g in groups.index]).T)


def _pct_ci(v, lo, hi) -> str:
    if np.isnan(v):
        return "undefined"
    return f"{v:.1%} ({lo:.1%} to {hi:.1%})"


def gap_explanations() -> None:
    """The formulas, in words, behind the gap table."""
    with st.expander("How the gaps are computed"):
        st.markdown(
            "- **Difference** = highest group rate minus lowest (fairlearn's `between_groups`); "
            "**ratio** = lowest / highest.\n"
            "- **Demographic parity** compares selection rates; **equal opportunity** compares "
            "true positive rates; **equalized odds** takes the worse of the true and false "
            "positive rate gaps (or their mean); **predictive parity** compares precision.\n"
            "- **Intervals**: 1,000 bootstrap resamples of each group's confusion counts. "
            "**p-value**: share of 1,000 data sets with group labels shuffled (within the true "
            "label for error-rate criteria) whose gap is at least as large. A max − min gap "
            "cannot go below 0, so near 0 its interval leans upward: read the p-value there.\n"
            "- A rate with a zero denominator (say, a group with no positives) is *undefined* "
            "and left out, not counted as 0. Groups under the minimum size are shown but left "
            "out of every gap.")


def overview_columns() -> dict:
    """Column formats of the Data page's group overview."""
    pct = {c: st.column_config.NumberColumn(c.replace("_", " "), format="percent")
           for c in ("share", "base_rate", "base_rate_low", "base_rate_high")}
    count = {c: st.column_config.NumberColumn(format="localized")
             for c in ("positives", "train", "calibration", "test")}
    return {"n": st.column_config.NumberColumn("rows", format="localized"), **pct, **count}


def model_summary(scored) -> None:
    """Overall performance of the active model on the audited rows."""
    if scored.task == "regression":
        render_regression.model_summary(scored)
        return
    result = scored.audit(0.5)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Audited rows", f"{len(scored.y):,}")
    c2.metric("Accuracy at threshold 0.5", f"{result.overall['accuracy']:.1%}")
    if not scored.decisions_only:
        c3.metric("AUC (groups pooled)", f"{scored.overall_auc():.3f}",
                  help="Probability that a random positive row scores above a random negative "
                       "one; 0.5 is chance.")
    c4.metric("Share predicted positive at 0.5", f"{result.overall['selection_rate']:.1%}",
              help=f"True base rate: {result.overall['base_rate']:.1%}")


def model_download(scored) -> None:
    """Offer the trained built-in model as a skops file."""
    data = cache.builtin_model_bytes(scored)
    if data is None:
        return
    st.download_button("Download this model (.skops)", data, file_name="fairdash-model.skops",
                       mime="application/octet-stream", key="dl_model")
    if state.model().name not in ("logreg", "linear"):
        st.caption("skops does not trust tree structures by default (a crafted file could crash "
                   "the process that loads it), so FairDash's upload refuses tree models, this "
                   "one included. Load it in your own Python with `skops.io.load(path, "
                   "trusted=skops.io.get_untrusted_types(file=path))` only if you trust its source.")


def audit_downloads(result) -> None:
    """The audit as JSON (same shape as the CLI) and the per-group table as CSV, written only
    when clicked (not on every slider move)."""
    c1, c2 = st.columns(2)
    c1.download_button("Download audit (JSON)", lambda: json.dumps(result.to_dict(), indent=2),
                       file_name="fairdash-audit.json", mime="application/json", key="dl_json")
    c2.download_button("Download per-group table (CSV)", result.groups.to_csv,
                       file_name="fairdash-groups.csv", mime="text/csv", key="dl_csv")
