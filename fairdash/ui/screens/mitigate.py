"""Mitigate: preview a pre-, in- or post-processing method at a strength, compare before and
after, and make it the active mitigation only when the user says so."""

from __future__ import annotations

import streamlit as st

from fairdash import viz
from fairdash.exceptions import FairDashError
from fairdash.mitigation import STAGES, criterion_label, explain_knob, get_method
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state
from fairdash.ui.screens import mitigate_live, mitigate_tables

SCREEN = "mitigate"


def render() -> None:
    """The Mitigate screen."""
    st.title("Mitigate")
    if st.button("Load the COMPAS demo: repair the deployed decile_score by race",
                 key="w_compas_demo",
                 help="Switches to the COMPAS sample, takes its decile_score (1-10, rescaled to "
                      "0-1) as given predictions of two_year_recid, groups people by race and "
                      "makes the barycenter repair at full strength the active mitigation."):
        state.start_compas_demo()
        st.rerun()
    scored = shell.guard_scores()
    ds = scored.dataset
    shell.audited_rows_caption(scored)
    threshold = 0.5 if scored.decisions_only or ds.task == "regression" else state.threshold()
    valid = shared.methods_available(scored)
    trains = any(m.retrains for m in valid)
    st.caption(f"Post-processing is fitted on the calibration split "
               f"({int(ds.rows('calibration').sum()):,} rows)"
               + (", pre- and in-processing train on the train split" if trains else
                  " (only post-processing applies: given scores or an uploaded model cannot be "
                  "retrained)")
               + "; before and after are measured on the test rows"
               + ("" if ds.task == "regression" else
                  f", deciding at the threshold {threshold:.2f} set on the Audit screen") + ".")
    if not valid:
        st.info(f"No registered method applies to a {ds.task} target with this model.")
        return
    _sync_from_active()
    method = _picker(valid, ds.task)
    _results(scored, method, threshold)


def _sync_from_active() -> None:
    """Open on the active mitigation when it changed elsewhere (Tradeoffs, the demo) or when
    the screen comes back (Streamlit forgets a page's widgets when another page is shown)."""
    active = state.mitigation()
    if active is None or (active == state.screen_memory(SCREEN, "synced")
                          and state.widget("w_mitigation") is not None):
        return
    method = get_method(active.name)
    state.seed_widget(SCREEN, "w_criterion", method.criterion)
    state.seed_widget(SCREEN, "w_stage", method.stage)
    state.seed_widget(SCREEN, "w_mitigation", active.name)
    state.seed_widget(SCREEN, f"w_strength_{active.name}", float(active.strength))
    state.remember(SCREEN, "synced", active)


def _picker(valid: list, task: str):
    """Criterion, then stage, then a method valid for both."""
    criteria = list(dict.fromkeys(m.criterion for m in valid))
    c1, c2 = st.columns(2)
    state.keep_valid(SCREEN, "w_criterion", criteria, criteria[0])
    criterion = c1.selectbox("Gap to close", criteria, key="w_criterion",
                             format_func=lambda c: criterion_label(c, task))
    stages = [s for s in STAGES if any(m.stage == s and m.criterion == criterion for m in valid)]
    state.keep_valid(SCREEN, "w_stage", stages, "post")
    stage = c2.radio("Stage", stages, format_func=lambda s: STAGES[s].split(" (")[0],
                     horizontal=True, key="w_stage")
    options = [m for m in valid if m.stage == stage and m.criterion == criterion]
    names = [m.name for m in options]
    state.keep_valid(SCREEN, "w_mitigation", names, names[0])
    name = st.selectbox("Method", names, key="w_mitigation",
                        format_func=lambda n: next(m.label for m in options if m.name == n))
    return options[names.index(name)]


@st.fragment
def _results(scored, method, threshold: float) -> None:
    """Strength, fitting and the comparison: reruns alone as the slider moves (post-processing
    with one fit per front: only when it is let go, the steps are answered in the browser)."""
    key = mitigate_live.strength_key(method)
    if state.widget(key) is None:
        state.seed_widget(SCREEN, key, 1.0)
    live = mitigate_live.applies(scored, method)
    if live:
        mitigate_live.released(method)
        strength = float(state.widget(key))
    else:
        strength = st.slider(mitigate_live.LABEL, 0.0, 1.0, step=0.01, key=key,
                             help=f"{method.label}: {method.strength_mapping}.")
    try:
        result = _fit(scored, method, strength, threshold)
    except FairDashError as exc:
        st.error(str(exc))
        return
    ba = mitigate_tables.before_after(scored, result, threshold)
    if live:
        mitigate_live.control(scored, method, result, threshold, ba)
    _activation(method, strength)
    _card(method, result, scored.task, knob=not live)
    if live:
        st.subheader(f"Fairness gaps at strength {strength:.2f}, with intervals and p-values")
        mitigate_tables.gap_comparison(ba, scored.task)
        mitigate_tables.distribution_comparison(ba)
        _rates_after(ba)
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Fairness gaps")
        mitigate_tables.gap_comparison(ba, scored.task)
    with right:
        st.subheader("Overall performance")
        mitigate_tables.performance_table(ba, scored.task)
    if scored.task == "regression":  # its gap table already holds the distribution gaps
        with st.expander("Every statistic per group after the mitigation"):
            mitigate_tables.regression_groups(ba.after, scored.dataset.roles.target)
        return
    mitigate_tables.distribution_comparison(ba)
    st.plotly_chart(viz.before_after_rates_figure(ba.before.groups, ba.after.groups,
                                                  mitigate_tables.BEFORE_AFTER_RATES,
                                                  f"after {method.label}"),
                    key="fig_before_after")
    _rates_after(ba)


def _rates_after(ba) -> None:
    with st.expander("Every rate per group after the mitigation (95 % Wilson intervals)"):
        mitigate_tables.rate_groups(ba.after)


def _fit(scored, method, strength: float, threshold: float):
    """The cached mitigation; methods that train show a status box while they do."""
    if not method.retrains:  # milliseconds: no box, so the slider answers at once
        return shared.mitigation(scored, method.name, strength, threshold)
    slot = st.empty()
    n = int(scored.dataset.rows("train").sum())
    with slot.status(f"Training with {method.label} at strength {strength:.2f} on {n:,} "
                     "rows (cached afterwards) ...", expanded=False):
        result = shared.mitigation(scored, method.name, strength, threshold)
    slot.empty()
    return result


def _activation(method, strength: float) -> None:
    """Whether this preview is the active mitigation, and the button that makes it so."""
    active = state.mitigation()
    shown = state.MitigationChoice(method.name, round(float(strength), 4))
    left, right = st.columns([3, 1])
    if active == shown:
        left.success(f"Active mitigation: {method.label} at strength {strength:.2f}. The "
                     "Tradeoffs and Compare screens use it.", icon=":material/check:")
        if right.button("Clear the active mitigation", key="w_mitigate_clear"):
            state.set_mitigation(None)
            state.remember(SCREEN, "synced", None)
            st.rerun(scope="app")
        return
    now = "none" if active is None else \
        f"{get_method(active.name).label} at {active.strength:.2f}"
    left.info(f"Preview only: nothing changes elsewhere until you make it active (active "
              f"now: {now}).", icon=":material/visibility:")
    if right.button("Make this the active mitigation", key="w_mitigate_apply", type="primary"):
        state.set_mitigation(shown)
        state.remember(SCREEN, "synced", state.mitigation())
        st.rerun(scope="app")


def _card(method, result, task: str, *, knob: bool = True) -> None:
    """What the method does and assumes, its knob in words (unless the strength component
    says it), and its paper."""
    said = f"  \n**Its knob.** {explain_knob(method, result.native, result.strength, task)}" \
        if knob else ""
    st.markdown(f"**What it does.** {method.describe(task)}  \n"
                f"**What it assumes.** {method.assumes}{said}")
    facts = [
        f"Stage: {method.stage}-processing",
        "needs each person's group when deciding" if method.needs_sensitive_at_predict
        else "does not need the group when deciding",
        "randomises decisions (expected rates shown)" if method.randomised and task !=
        "regression" else "no random decisions",
        f"fitted on the {result.fit_split} split" if result.fit_split != "none"
        else "nothing fitted",
        f"Source: {method.paper}",
    ]
    if result.note:
        st.caption(fmt.md(result.note))
    st.caption(" · ".join(facts))
    shell.warnings(result.warnings)
