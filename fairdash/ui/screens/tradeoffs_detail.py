"""Tradeoffs screen: the chosen point's detail and the download."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from fairdash import tradeoff
from fairdash._safe_csv import safe_csv
from fairdash.metrics import GAPS, RATE_SHORT, REGRESSION_GAPS
from fairdash.ui import format as fmt
from fairdash.ui import shell, state


def gap_labels(task: str) -> dict:
    """Gap name -> label for the task's audit."""
    specs = REGRESSION_GAPS if task == "regression" else GAPS
    return {name: spec.label for name, spec in specs.items()}


def performance_labels(task: str) -> dict:
    """Performance name -> label for the task."""
    return tradeoff.REGRESSION_PERFORMANCE if task == "regression" \
        else tradeoff.PERFORMANCE_METRICS


def chosen(table: pd.DataFrame, points: list, dataset, gap: str, performance: str,
           rows: str = "test rows") -> None:
    """The detail of the chosen point, or how to choose one (``rows``: what the points were
    measured on, in words)."""
    point = state.sweep_point()
    hit = table[(table["method"] == point[0]) & (table["strength"] == point[1])] \
        if point else table.iloc[:0]
    if not len(hit):
        st.caption("Click a point on the chart to see its per-group changes and make it the "
                   "active mitigation.")
        return
    found = next(p for p in points if (p.method, p.strength) == point)
    base = points[0]
    if dataset.task == "regression":
        result = tradeoff.regression_detail(found, base, tradeoff.EvalRows.of(dataset),
                                            gap_name=gap)
    else:
        result = tradeoff.point_detail(found, base, [str(g) for g in dataset.group_labels],
                                       gap_name=gap)
    row, base_row = hit.iloc[0], table.iloc[0]
    is_base = row["method"] == tradeoff.BASELINE
    label = "the base model" if is_base else f"{row['label']} at strength {row['strength']:.2f}"
    st.subheader(f"Chosen point: {label}")
    a, b, c = st.columns(3)
    ratio = gap in GAPS and GAPS[gap].kind == "ratio"
    a.metric(gap_labels(dataset.task)[gap], fmt.num(row["gap"]),
             fmt.signed(row["gap"] - base_row["gap"]),
             delta_color="normal" if ratio else "inverse",
             help=f"95 % interval {fmt.num(row['gap_low'])} to {fmt.num(row['gap_high'])}; "
                  f"base model {fmt.num(base_row['gap'])}. Green means fairer.")
    lower = performance in tradeoff.LOWER_IS_BETTER
    b.metric(performance_labels(dataset.task)[performance], fmt.num(row["performance"]),
             fmt.signed(row["performance"] - base_row["performance"]),
             delta_color="inverse" if lower else "normal",
             help=f"95 % interval {fmt.num(row['performance_low'])} to "
                  f"{fmt.num(row['performance_high'])}; base model "
                  f"{fmt.num(base_row['performance'])}. Green means better.")
    share = result.changed / result.rows if result.rows else math.nan
    what = "Predictions changed" if dataset.task == "regression" else "Decisions changed"
    c.metric(what, f"{result.changed:,.0f} of {result.rows:,}", f"{share:.1%} of {rows}",
             delta_color="off", help="Test rows whose output differs from the base model's "
                                     "(expected number for randomised decisions).")
    if not is_base:
        for sentence in result.verdicts:
            st.markdown(f"- {fmt.md(sentence)}")
        if row["randomised"]:
            st.caption("This method randomises some decisions; the rates are expected values.")
    _groups(result.table, dataset.task, rows)
    active = state.mitigation()
    if is_base:
        st.caption("The base model is chosen: there is no active mitigation.")
    elif active is not None and (active.name, active.strength) == point:
        st.caption("This point is the active mitigation (see the sidebar): the Mitigate and "
                   "Compare screens use it.")


def _groups(table: pd.DataFrame, task: str, rows: str = "test rows") -> None:
    """Per-group changes as "before → after (change)", one group per row, with sizes."""
    out = pd.DataFrame({f"n ({rows})": [fmt.count(n) for n in table["n"]]},
                       index=pd.Index([str(g) for g in table.index], name="group"))
    if task == "regression":
        for stat, name in (("mean_prediction", "mean prediction"), ("mae", "MAE")):
            out[name] = [f"{fmt.sig(b)} → {fmt.sig(a)} ({a - b:+.3g})"
                         for b, a in zip(table[f"{stat}_before"], table[f"{stat}_after"])]
        out["predictions changed"] = [fmt.count(c) for c in table["changed"]]
        note = "in the target's units"
    else:
        for rate in ("selection_rate", "tpr", "fpr"):
            out[f"{RATE_SHORT[rate]} (%)"] = [
                fmt.move(b, a) for b, a in zip(table[f"{rate}_before"], table[f"{rate}_after"])]
        out["decisions changed"] = [fmt.count(c) for c in table["changed"]]
        note = "in percent, the change in percentage points"
    shell.group_dataframe(out)
    st.caption(f"Each cell: the value under the base model → under this point (change), on the "
               f"{rows} of each group, {note}.")


def download(table: pd.DataFrame) -> None:
    """Every point of the chart as CSV."""
    st.download_button("Download every point (CSV)", safe_csv(table, index=False),
                       file_name="fairdash_tradeoff.csv", mime="text/csv",
                       key="w_tradeoff_download",
                       help="One row per method and strength: both metrics with their 95 % "
                            "intervals, decisions changed, randomised and Pareto flags.")
