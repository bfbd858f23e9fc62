"""Tradeoffs: every mitigation across its strength on one gap-against-performance chart."""

from __future__ import annotations

import streamlit as st

from fairdash import tradeoff, viz
from fairdash.metrics import GAPS
from fairdash.mitigation import STAGES
from fairdash.ui import budget, shared, shell, state
from fairdash.ui import format as fmt
from fairdash.ui.screens import tradeoffs_detail, tradeoffs_sweep
from fairdash.ui.screens.tradeoffs_detail import gap_labels, performance_labels

SCREEN = "tradeoffs"
CHART_KEY = "w_tradeoff_chart"


def render() -> None:
    """The Tradeoffs screen."""
    st.title("Tradeoffs")
    scored = shell.guard_scores()
    ds = scored.dataset
    threshold = 0.5 if ds.task == "regression" or scored.decisions_only else state.threshold()
    shell.audited_rows_caption(scored)
    st.caption("Each point is a method at one strength; every line starts at the base model "
               "(the star: strength 0 is the model as it is)"
               + ("" if ds.task == "regression" else
                  f", deciding at the threshold {threshold:.2f} set on the Audit screen")
               + ". Click a point to see whom it helps and make it the active mitigation.")
    performance, gap = _metric_pickers(ds.task)
    front_points, refit_points = tradeoffs_sweep.settings(ds.task)
    fronts, notes = _fronts(scored, threshold, front_points)
    job = tradeoffs_sweep.job(scored, threshold, refit_points)
    tradeoffs_sweep.controls(job)
    _live(scored, threshold, fronts, notes, job, performance, gap)


def _metric_pickers(task: str) -> tuple[str, str]:
    """The performance metric (y) and the fairness gap (x) of the chart."""
    left, right = st.columns(2)
    gaps, perf = gap_labels(task), performance_labels(task)
    active = state.mitigation()
    preferred = next(iter(gaps))
    if active is not None:
        from fairdash.mitigation import get_method

        criterion = get_method(active.name).criterion
        preferred = criterion if criterion in gaps else preferred
    state.keep_valid(SCREEN, "w_tradeoff_gap", list(gaps), preferred)
    state.keep_valid(SCREEN, "w_tradeoff_performance", list(perf), next(iter(perf)))
    gap = left.selectbox("Fairness gap (x axis)", list(gaps), format_func=gaps.get,
                         key="w_tradeoff_gap",
                         help="Any gap of the audit, measured on the held-out test rows.")
    performance = right.selectbox(
        "Performance (y axis)", list(perf), format_func=perf.get, key="w_tradeoff_performance",
        help="Errors in the target's units; lower is better." if task == "regression"
        else "Balanced accuracy is the mean of the true positive and true negative rates: it "
             "does not reward predicting the majority class. The negative flip rate is the "
             "share of test rows the base model decided right and this point decides wrong: "
             "what an update breaks.")
    return performance, gap


@budget.cached
def _fronts_cached(dataset_key, base_key, threshold, points, names, _dataset, _base_scores):
    return tradeoff.fronts(_dataset, _base_scores, threshold=threshold, points=points,
                           methods=list(names))


def _fronts(scored, threshold: float, points: int):
    """The base point and the single-fit post-processing fronts (cached)."""
    names = tuple(m.name for m in shared.methods_available(scored) if m.single_fit_front)
    return _fronts_cached(scored.dataset.fingerprint, scored.model_key, float(threshold),
                          int(points), names, scored.dataset, scored.all_scores)


@st.cache_data(max_entries=64, show_spinner=False)
def _table_cached(dataset_key, base_key, threshold, keys, performance, gap, _points, _dataset):
    resamples = 200 if _dataset.task == "regression" else 1000  # regression: ~0.1 s a point
    return tradeoff.measure(_points, tradeoff.EvalRows.of(_dataset), performance=performance,
                            gap_name=gap, n_resamples=resamples)


def _table(scored, threshold: float, fronts: list, swept: list, performance: str, gap: str):
    """The measured fronts and swept points; measured and cached apart, so a point arriving
    from the background sweep measures only the swept points; Pareto flagged over both."""
    import pandas as pd

    key = (scored.dataset.fingerprint, scored.model_key, float(threshold))
    parts = [_table_cached(*key, tuple((p.method, p.strength) for p in part), performance,
                           gap, part, scored.dataset) for part in (fronts, swept) if part]
    return tradeoff.flag_pareto(pd.concat(parts, ignore_index=True), gap, performance)


def _live(scored, threshold, fronts, notes, job, performance, gap) -> None:
    polling = job is not None and job.running

    @st.fragment(run_every=2.0 if polling else None)
    def live():
        """Progress, chart and the chosen point; reruns alone while the sweep runs."""
        if polling and not job.running:
            st.rerun()  # the sweep ended: redraw the page once, without polling
        tradeoffs_sweep.progress(job)
        swept = job.points() if job is not None else []
        table = _table(scored, threshold, fronts, swept, performance, gap)
        methods, whiskers = _view_controls(table)
        picked = _chart(table, gap, performance, scored.task, methods, whiskers)
        if picked is not None and picked != state.sweep_point():
            state.choose_point(picked, tradeoff.BASELINE)
            st.rerun(scope="app")
        tradeoffs_detail.chosen(table, fronts + swept, scored.dataset, gap, performance)
        for message in notes:
            st.caption(f"Note: {fmt.md(message)}")
        tradeoffs_detail.download(table)

    live()


def _view_controls(table) -> tuple[list, bool]:
    """Which methods to draw (by stage) and whether to draw whiskers."""
    rows = table[table["method"] != tradeoff.BASELINE].drop_duplicates("method")
    labels = dict(zip(rows["method"], rows["label"]))
    stage_of = dict(zip(rows["method"], rows["stage"]))
    left, mid, right = st.columns([2, 4, 1])
    stages = [s for s in STAGES if s in set(stage_of.values())]
    shown_now = state.widget("w_tradeoff_stages")
    if shown_now is None:
        state.seed_widget(SCREEN, "w_tradeoff_stages", stages)
    else:  # a finished sweep brings new stages: show them too
        new = [s for s in stages if s not in state.screen_memory(SCREEN, "stages", [])]
        state.seed_widget(SCREEN, "w_tradeoff_stages",
                          [s for s in stages if s in shown_now or s in new])
    state.remember(SCREEN, "stages", stages)
    shown_stages = left.multiselect("Stages shown", stages,
                                    format_func=lambda s: STAGES[s].split("-")[0],
                                    key="w_tradeoff_stages",
                                    help="Pre-, in- and post-processing methods.")
    in_stage = [m for m in labels if stage_of[m] in shown_stages]
    state.keep_valid_many(SCREEN, "w_tradeoff_methods", in_stage)
    methods = mid.multiselect("Methods shown", in_stage, format_func=labels.get,
                              key="w_tradeoff_methods",
                              placeholder="All methods of the chosen stages",
                              help="Leave empty to show every method of the chosen stages.")
    whiskers = right.toggle("95 % whiskers", key="w_tradeoff_whiskers",
                            help="Intervals on both axes; hover any point for its own.")
    return (methods or in_stage), whiskers


def _chart(table, gap: str, performance: str, task: str, methods: list, whiskers: bool):
    """The tradeoff chart; returns the clicked point as (method, strength), or None."""
    fig = viz.tradeoff_figure(table, gap_labels(task)[gap], performance_labels(task)[performance],
                              ratio=gap in GAPS and GAPS[gap].kind == "ratio",
                              selected=state.sweep_point(),
                              lower_is_better=performance in tradeoff.LOWER_IS_BETTER,
                              methods=methods, whiskers=whiskers)
    event = st.plotly_chart(fig, key=CHART_KEY, on_select="rerun", selection_mode="points")
    for p in ((event or {}).get("selection", {}).get("points", []) if event else []):
        custom = p.get("customdata")
        if custom:
            return str(custom[0]), float(custom[1])
    return None
