"""Audit screen for a continuous target: each group's errors and distribution of predictions."""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from fairdash import metrics as fd_metrics
from fairdash import viz
from fairdash._safe_csv import safe_csv
from fairdash.metrics import REGRESSION_GAPS, REGRESSION_STATS
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell

#: per-group statistics the chart can show, most useful first
CHART_STATS = ("mae", "rmse", "mean_error", "mean_prediction", "mean_target", "r2")
_UNITS = {"target": "{target}", "share": "share (0 to 1)", "squared target": "{target}²"}


def render(scored, left, min_size: int) -> None:
    """The regression audit below the Audit screen's header; ``left`` is the column for the
    group sizes."""
    target = scored.dataset.roles.target
    result = shared.regression_audit(scored, min_size)
    shell.warnings([*scored.dataset.warnings, *result.warnings], sizes=result.groups["n"])
    left.plotly_chart(viz.regression_group_sizes_figure(result.groups, target), key="fig_sizes")
    st.subheader("Gap summary")
    if result.excluded_groups:
        st.caption(f"Gaps compare groups with at least {result.min_group_size} audited rows; "
                   f"left out: {fmt.names(result.excluded_groups)}.")
    gap_table(result, target)
    _explanations()
    left, right = st.columns(2)
    with left:
        stat = st.selectbox("Statistic shown per group", CHART_STATS,
                            format_func=REGRESSION_STATS.get, key="w_reg_stat")
        st.plotly_chart(viz.regression_error_figure(result.groups, stat, target,
                                                    result.overall[stat]), key="fig_errors")
    right.plotly_chart(viz.prediction_distribution_figure(_histograms(scored), target),
                       key="fig_predictions")
    st.markdown("**Every statistic per group** (95 % bootstrap intervals)")
    group_table(result, target)
    c1, c2 = st.columns(2)
    c1.download_button("Download audit (JSON)", lambda: json.dumps(result.to_dict(), indent=2),
                       file_name="fairdash-regression-audit.json", mime="application/json",
                       key="dl_json")
    c2.download_button("Download per-group table (CSV)", lambda: safe_csv(result.groups),
                       file_name="fairdash-regression-groups.csv", mime="text/csv",
                       key="dl_csv")


@st.cache_data(max_entries=16, show_spinner=False)
def _histograms_cached(dataset_key, model_key, split, _predictions, _codes, _labels):
    lo, hi = float(_predictions.min()), float(_predictions.max())
    return fd_metrics.score_histograms(_predictions, _codes, _labels,
                                       value_range=(lo, hi if hi > lo else lo + 1.0))


def _histograms(scored):
    return _histograms_cached(scored.dataset.fingerprint, scored.model_key, scored.split,
                              scored.scores, scored.codes, scored.labels)


def gap_table(result, target: str) -> None:
    """Every gap with its interval, p-value, units and what it measures, in one table."""
    rows = []
    for name, row in result.gaps.iterrows():
        spec = REGRESSION_GAPS[name]
        rows.append({"gap": spec.label, "name": name, "value": fmt.sig(row["value"]),
                     "95 % CI": f"{fmt.sig(row['ci_low'])} to {fmt.sig(row['ci_high'])}",
                     "p-value": fmt.num(row["p_value"]),
                     "units": _UNITS[spec.units].format(target=target),
                     "what it measures": spec.explanation[0].upper() + spec.explanation[1:]})
    st.table(pd.DataFrame(rows).set_index("gap"))


def _explanations() -> None:
    with st.expander("How the gaps are computed"):
        st.markdown(
            "- Gaps compare the groups with at least the minimum number of audited rows; the "
            "*difference* gaps are the highest group's value minus the lowest group's.\n"
            "- **KS** and **Wasserstein-1** are the largest over every pair of groups. The "
            "**barycenter unfairness** averages, weighted by group size, each group's squared "
            "Wasserstein-2 distance to the groups' average distribution (on 1,000 quantile "
            "levels).\n"
            "- **Intervals**: 1,000 bootstrap resamples of the rows within each group. "
            "**p-value**: share of 1,000 data sets with the group labels shuffled whose gap is "
            "at least as large. A gap cannot go below 0, so near 0 its interval leans upward: "
            "read the p-value there. Formulas and papers: `docs/methods.md`.")


def group_table(result, target: str) -> None:
    """Every statistic per group with its 95 % interval; n in every column's header."""
    groups = result.groups
    header = [f"{g} (n = {n:,})" for g, n in zip(groups.index, groups["n"])]
    rows = {"rows (n)": [f"{n:,}" for n in groups["n"]]}
    for stat, label in REGRESSION_STATS.items():
        unit = "" if stat == "r2" else f", {target}"
        rows[f"{label}{unit}"] = [
            "undefined" if math.isnan(v) else f"{fmt.sig(v)} ({fmt.sig(lo)} to {fmt.sig(hi)})"
            for v, lo, hi in zip(groups[stat], groups[f"{stat}_low"], groups[f"{stat}_high"])]
    st.table(pd.DataFrame(rows, index=header).T)
