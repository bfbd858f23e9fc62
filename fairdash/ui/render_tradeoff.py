"""Pieces of the Tradeoffs page: metric pickers, sweep controls and progress, chart, detail."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash.metrics import GAPS, RATE_SHORT, REGRESSION_GAPS
from fairdash.tradeoff import (BASELINE, LOWER_IS_BETTER, PERFORMANCE_METRICS,
                               REGRESSION_PERFORMANCE, EvalRows, point_detail,
                               regression_detail)
from fairdash.ui import render_mitigation, state


def gap_labels(task: str) -> dict:
    """Gap name -> label for the task's audit."""
    if task == "regression":
        return {name: spec.label for name, spec in REGRESSION_GAPS.items()}
    return {name: spec.label for name, spec in GAPS.items()}


def performance_labels(task: str) -> dict:
    """Performance name -> label for the task."""
    return REGRESSION_PERFORMANCE if task == "regression" else PERFORMANCE_METRICS

CHART_KEY = "w_tradeoff_chart"


def metric_pickers(task: str) -> tuple[str, str]:
    """The performance metric (y) and the fairness gap (x) of the chart."""
    left, right = st.columns(2)
    gaps, perf = gap_labels(task), performance_labels(task)
    if st.session_state.get("w_tradeoff_gap") not in gaps:
        st.session_state["w_tradeoff_gap"] = _criterion(state.mitigation(), gaps)
    if st.session_state.get("w_tradeoff_performance") not in perf:
        st.session_state["w_tradeoff_performance"] = next(iter(perf))
    with left:
        gap = st.selectbox("Fairness gap (x axis)", list(gaps), format_func=gaps.get,
                           key="w_tradeoff_gap",
                           help="Any gap of the audit, measured on the held-out test rows.")
    with right:
        performance = st.selectbox(
            "Performance (y axis)", list(perf), format_func=perf.get,
            key="w_tradeoff_performance",
            help="Errors in the target's units; lower is better." if task == "regression"
            else "Balanced accuracy is the mean of the true positive and true negative rates: "
                 "it does not reward predicting the majority class. The negative flip rate is "
                 "the share of test rows the base model decided right and this point decides "
                 "wrong: what an update breaks.")
    return performance, gap


def _criterion(choice, gaps: dict) -> str:
    """The active mitigation's criterion when it is one of ``gaps``, else the first gap."""
    if choice is not None:
        from fairdash.mitigation import get_method

        criterion = get_method(choice.name).criterion
        if criterion in gaps:
            return criterion
    return next(iter(gaps))


def sweep_settings(task: str) -> tuple[int, int]:
    """Strengths per single-fit front and per refitted method (regression fronts default to
    11: each of their points needs a bootstrap of the predictions, not just counts)."""
    with st.expander("Sweep settings"):
        front = st.slider("Strengths per post-processing front", 11, 101,
                          11 if task == "regression" else 51, step=10,
                          key="w_tradeoff_front_points",
                          help="Group thresholds and the barycenter repair are fitted once; "
                               "every strength is then a small linear program or a blend, so "
                               "their fronts appear at once.")
        refit = st.slider("Strengths per training method", 1, 8, 4,
                          key="w_tradeoff_refit_points",
                          help="Pre- and in-processing methods train a new model at every "
                               "strength, in the background, two at a time.")
    return front, refit


def training_controls(job) -> None:
    """Start, stop or resume the background sweep of the methods that train."""
    if job is None:
        st.caption("Only post-processing applies to this model (an uploaded model or given "
                   "scores cannot be retrained), so every line is on the chart already.")
        return
    fits = sum(len(s) for s in job.plan.values())
    done = len(job.points())
    what = (f"{len(job.plan)} methods that train a new model ({fits} fits on "
            f"{int(job.dataset.rows('train').sum()):,} training rows, two at a time)")
    if job.running and job.cancelled:
        st.info("Stopping: the fits already running finish first, and their points stay.",
                icon=":material/hourglass_bottom:")
    elif job.running:
        st.info(f"Sweeping {what} in the background: points appear as they finish; the "
                "page stays usable.", icon=":material/hourglass_top:")
        if st.button("Stop the training sweeps", key="w_tradeoff_stop",
                     help="Fits already running finish; finished points stay."):
            job.cancel()
            st.rerun()
    elif job.finished:
        st.caption(f"All {what} are on the chart.")
    else:
        label = "Resume the training sweeps" if done else "Sweep the training methods"
        st.caption(f"{what.capitalize()}: a few minutes on two cores. Until then the chart "
                   "shows the post-processing fronts, which need no training.")
        if st.button(label, key="w_tradeoff_start", type="primary"):
            job.start()
            st.rerun()


def progress(job) -> None:
    """One progress bar per method of the background sweep."""
    if job is None or not (job.running or job.points()):
        return
    items = job.progress()
    columns = st.columns(3)
    for i, p in enumerate(items):
        with columns[i % 3]:
            if p.error:
                st.warning(f"{p.label} failed: {p.error}")
            else:
                st.progress(p.done / p.total if p.total else 1.0,
                            text=f"{p.label}: {p.done} of {p.total} strengths")


def chart(table: pd.DataFrame, gap: str, performance: str, task: str):
    """The tradeoff chart; returns the clicked point as (method, strength), or None."""
    selected = state.sweep_point()
    fig = viz.tradeoff_figure(table, gap_labels(task)[gap], performance_labels(task)[performance],
                              ratio=gap in GAPS and GAPS[gap].kind == "ratio",
                              selected=selected,
                              lower_is_better=performance in LOWER_IS_BETTER)
    event = st.plotly_chart(fig, key=CHART_KEY, on_select="rerun", selection_mode="points")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for p in points:
        custom = p.get("customdata")
        if custom:
            return str(custom[0]), float(custom[1])
    return None


def choose(picked) -> bool:
    """Make a clicked point the chosen one and the active mitigation; True when it changed
    (the base model clears the active mitigation)."""
    if picked is None or picked == state.sweep_point():
        return False
    state.set_sweep_point(picked)
    if picked[0] == BASELINE:
        state.set_mitigation(None)
    else:
        render_mitigation.activate(*picked)
    return True


def chosen_point(table: pd.DataFrame, points: list, dataset, gap: str,
                 performance: str) -> None:
    """The detail of the chosen point, or how to choose one."""
    chosen = state.sweep_point()
    hit = table[(table["method"] == chosen[0]) & (table["strength"] == chosen[1])] \
        if chosen else table.iloc[:0]
    if not len(hit):
        st.caption("Click a point on the chart to see its per-group changes.")
        return
    point = next(p for p in points if (p.method, p.strength) == chosen)
    base = points[0]
    if dataset.task == "regression":
        result = regression_detail(point, base, EvalRows.of(dataset), gap_name=gap)
    else:
        result = point_detail(point, base, [str(g) for g in dataset.group_labels], gap_name=gap)
    detail(result, hit.iloc[0], table.iloc[0], gap, performance, dataset.task)
    if chosen[0] != BASELINE:
        st.caption("This point is now the active mitigation (see the sidebar): the Mitigate "
                   "page and later pages use it.")


def detail(result, row: pd.Series, base: pd.Series, gap: str, performance: str,
           task: str) -> None:
    """What the chosen point changes, group by group, against the base model."""
    label = "the base model" if row["method"] == BASELINE else \
        f"{row['label']} at strength {row['strength']:.2f}"
    st.subheader(f"Chosen point: {label}")
    a, b, c = st.columns(3)
    ratio = gap in GAPS and GAPS[gap].kind == "ratio"
    a.metric(gap_labels(task)[gap], f"{row['gap']:.3f}", f"{row['gap'] - base['gap']:+.3f}",
             delta_color="normal" if ratio else "inverse",
             help=f"95 % interval {row['gap_low']:.3f} to {row['gap_high']:.3f}; base model "
                  f"{base['gap']:.3f}.")
    b.metric(performance_labels(task)[performance], f"{row['performance']:.3f}",
             f"{row['performance'] - base['performance']:+.3f}",
             delta_color="inverse" if performance in LOWER_IS_BETTER else "normal",
             help=f"95 % interval {row['performance_low']:.3f} to "
                  f"{row['performance_high']:.3f}; base model {base['performance']:.3f}.")
    share = result.changed / result.rows if result.rows else math.nan
    what = "Predictions changed" if task == "regression" else "Decisions changed"
    c.metric(what, f"{result.changed:,.0f} of {result.rows:,}",
             f"{share:.1%} of test rows", delta_color="off",
             help="Test rows whose output differs from the base model's (expected number "
                  "for randomised decisions).")
    if row["method"] != BASELINE:
        for sentence in result.verdicts:
            st.markdown(f"- {sentence}")
        if row["randomised"]:
            st.caption("This method randomises some decisions; the rates are expected values.")
    if task == "regression":
        st.table(_regression_frame(result.table))
        st.caption("Each cell: the value under the base model → under this point (change), "
                   "on the test rows of each group, in the target's units.")
        return
    st.table(_detail_frame(result.table))
    st.caption("Each cell: the rate under the base model → under this point (change in "
               "percentage points), on the test rows of each group.")


def _regression_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Per-group mean prediction and MAE as "before → after (change)"."""
    out = pd.DataFrame({"n (test rows)": [f"{n:,}" for n in table["n"]]}, index=table.index)
    for stat, name in (("mean_prediction", "mean prediction"), ("mae", "MAE")):
        out[name] = [f"{b:.3g} → {a:.3g} ({a - b:+.3g})"
                     for b, a in zip(table[f"{stat}_before"], table[f"{stat}_after"])]
    out["predictions changed"] = [f"{c:,.0f}" for c in table["changed"]]
    return out


def _detail_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Per-group rates as "before → after (change)" in percent, with group sizes."""
    out = pd.DataFrame({"n (test rows)": [f"{n:,}" for n in table["n"]]}, index=table.index)
    for rate in ("selection_rate", "tpr", "fpr"):
        out[f"{RATE_SHORT[rate]} (%)"] = [
            _move(b, a) for b, a in zip(table[f"{rate}_before"], table[f"{rate}_after"])]
    out["decisions changed"] = [f"{c:,.0f}" for c in table["changed"]]
    return out


def _move(before: float, after: float) -> str:
    if math.isnan(before) or math.isnan(after):
        return "n/a"
    return f"{100 * before:.1f} → {100 * after:.1f} ({100 * (after - before):+.1f})"


def download(table: pd.DataFrame) -> None:
    """Every point of the chart as CSV."""
    st.download_button("Download every point (CSV)", table.to_csv(index=False),
                       file_name="fairdash_tradeoff.csv", mime="text/csv",
                       key="w_tradeoff_download",
                       help="One row per method and strength: both metrics with their 95 % "
                            "intervals, decisions changed, randomised and Pareto flags.")
