"""Outputs of the regression audit (continuous targets): tables, explanations, summaries."""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from fairdash.data import group_overview
from fairdash.metrics import REGRESSION_GAPS, REGRESSION_STATS

_UNITS = {"target": "{target}", "share": "share (0 to 1)", "squared target": "{target}²"}


def number(v) -> str:
    """A value as the tables show it: 4 significant digits, thousands separated."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"


def target_overview(ds) -> None:
    """Data page: rows, the target's mean and median, and the split per group."""
    st.subheader("Groups: sizes, the target per group and the train / calibration / test split")
    st.caption(f"Continuous target `{ds.roles.target}`: a regression audit. Mean with a 95 % "
               "normal interval. The split is stratified by group × (target above its "
               "median), 60/20/20, seeded, so every group keeps its high and low values in "
               "each part.")
    number_format = {c: st.column_config.NumberColumn(c.replace("_", " "), format="%.4g")
                     for c in ("mean_target", "mean_target_low", "mean_target_high",
                               "median_target")}
    st.dataframe(group_overview(ds), width="stretch", column_config={
        "n": st.column_config.NumberColumn("rows", format="localized"),
        "share": st.column_config.NumberColumn("share", format="percent"), **number_format})


def model_summary(scored) -> None:
    """Model page: error of the predictions on the audited rows."""
    overall = scored.regression_audit().overall
    target = scored.dataset.roles.target
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Audited rows", f"{len(scored.y):,}")
    c2.metric(f"MAE ({target})", number(overall["mae"]),
              help="Mean absolute error: the typical distance between prediction and truth.")
    c3.metric(f"RMSE ({target})", number(overall["rmse"]),
              help="Root mean squared error: like MAE, but large errors weigh more.")
    c4.metric("R²", number(overall["r2"]),
              help="Share of the target's variance the model explains: 1 is perfect, 0 is no "
                   "better than predicting the mean.")


def gap_table(result, target: str) -> None:
    """Every gap with its interval, p-value, units and what it measures, in one table."""
    rows = []
    for name, row in result.gaps.iterrows():
        spec = REGRESSION_GAPS[name]
        rows.append({"gap": spec.label, "name": name, "value": number(row["value"]),
                     "95 % CI": f"{number(row['ci_low'])} to {number(row['ci_high'])}",
                     "p-value": "n/a" if math.isnan(row["p_value"]) else f"{row['p_value']:.3f}",
                     "units": _UNITS[spec.units].format(target=target),
                     "what it measures": spec.explanation[0].upper() + spec.explanation[1:]})
    st.table(pd.DataFrame(rows).set_index("gap"))


def gap_explanations() -> None:
    """How the intervals and p-values are made, in words."""
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
            "read the p-value there. On resamples, KS and Wasserstein-1 are read off the "
            "1,000-level quantile grids (within 0.001 for KS).")


def group_table(result, target: str) -> None:
    """Every statistic per group with its 95 % interval; n in every column's header."""
    groups = result.groups
    header = [f"{g} (n = {n:,})" for g, n in zip(groups.index, groups["n"])]
    rows = {"rows (n)": [f"{n:,}" for n in groups["n"]]}
    for stat, label in REGRESSION_STATS.items():
        unit = "" if stat == "r2" else f", {target}"
        rows[f"{label}{unit}"] = [
            "undefined" if math.isnan(v) else f"{number(v)} ({number(lo)} to {number(hi)})"
            for v, lo, hi in zip(groups[stat], groups[f"{stat}_low"], groups[f"{stat}_high"])]
    st.table(pd.DataFrame(rows, index=header).T)


def downloads(result) -> None:
    """The regression audit as JSON (same shape as the CLI's) and the per-group table as CSV."""
    c1, c2 = st.columns(2)
    c1.download_button("Download audit (JSON)", lambda: json.dumps(result.to_dict(), indent=2),
                       file_name="fairdash-regression-audit.json", mime="application/json",
                       key="dl_json")
    c2.download_button("Download per-group table (CSV)", result.groups.to_csv,
                       file_name="fairdash-regression-groups.csv", mime="text/csv",
                       key="dl_csv")
