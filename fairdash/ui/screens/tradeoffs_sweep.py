"""Tradeoffs screen: settings, and the background sweep of the methods that train."""

from __future__ import annotations

import streamlit as st

from fairdash import tradeoff
from fairdash.ui import format as fmt
from fairdash.ui import shared, state


def settings(task: str) -> tuple[int, int]:
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


@st.cache_resource(max_entries=4, show_spinner=False)
def _points(dataset_key, base_key, threshold, base_name):
    # Points computed on the same data, model and threshold are the same for every session.
    return tradeoff.PointStore()


def job(scored, threshold: float, points: int):
    """This session's background sweep of the methods that train (not started), or None when
    none apply.

    The job belongs to the session (``state.sweep_job``): another session on the same data
    cannot see or stop it, but finished points are shared through a cached store, so a point
    one session fitted appears at once for the next.
    """
    plan = tuple((m.name, tuple(tradeoff.default_strengths(m, points)))
                 for m in shared.methods_available(scored) if not m.single_fit_front)
    if not plan:
        return None
    key = (scored.dataset.fingerprint, scored.model_key, float(threshold),
           shared.base_learner(scored))
    store = _points(*key)
    return state.sweep_job(key + (plan,), lambda: tradeoff.SweepJob(
        scored.dataset, dict(plan), scored.all_scores, threshold=float(threshold),
        base_key=scored.model_key, base_name=key[3], store=store))


def controls(job) -> None:
    """Start, stop or resume the background sweep."""
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
                "screen stays usable.", icon=":material/hourglass_top:")
        if st.button("Stop the training sweeps", key="w_tradeoff_stop",
                     help="Fits already running finish; finished points stay."):
            job.cancel()
            st.rerun()
    elif job.finished:
        st.caption(f"All {what} are on the chart.")
    else:
        label = "Resume the training sweeps" if done else "Sweep the training methods"
        st.caption(f"{what.capitalize()}: a minute or more on two cores. Until then the chart "
                   "shows the post-processing fronts, which need no training.")
        if st.button(label, key="w_tradeoff_start", type="primary"):
            job.start()
            st.rerun()


def progress(job) -> None:
    """One progress bar per method of the background sweep."""
    if job is None or not (job.running or job.points()):
        return
    with st.expander("Sweep progress", expanded=job.running):
        columns = st.columns(3)
        for i, p in enumerate(job.progress()):
            with columns[i % 3]:
                if p.error:
                    st.warning(f"{p.label} failed: {fmt.md(p.error)}")
                else:
                    st.progress(p.done / p.total if p.total else 1.0,
                                text=f"{p.label}: {p.done} of {p.total} strengths")
