"""Mitigate on a connected table (issue 15): group thresholds fitted from every row's counts.

The post-processing methods that start from the base rule at the threshold (registry methods
with ``uses_threshold``: the group thresholds) fit from the cells of counts exactly as on the
rows (:func:`fairdash.engines.fit_on_counts`); before and after are audited on the counts of
every row (:func:`fairdash.engines.rule_counts` and :func:`fairdash.metrics.audit_counts`), and
the fitted rule goes back to the warehouse as SQL (:func:`fairdash.engines.rule_sql`). The
other methods train on rows or move each row's score, so this screen names them and offers a
sample of rows (``connected_rows``).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from fairdash import viz
from fairdash.exceptions import FairDashError
from fairdash.mitigation import explain_knob, get_method
from fairdash.ui import budget, connected, state
from fairdash.ui import format as fmt
from fairdash.ui.screens import mitigate, mitigate_tables

SCREEN = "mitigate"
METHOD_KEY, STRENGTH_KEY = "w_mitigate_connect_method", "w_mitigate_connect_strength"


def render() -> None:
    """The Mitigate screen on a connected table."""
    conn, threshold, c = connected.prelude("Mitigate")
    if c is None:
        return
    st.caption(f"Group thresholds are fitted from the counts of every row (the same rule as "
               f"fitted on the rows themselves) and audited before and after on those counts, "
               f"deciding at the threshold {threshold:.2f} set on the Audit screen.")
    options = connected.methods()
    _sync_from_active(options)
    names = [m.name for m in options]
    state.keep_valid(SCREEN, METHOD_KEY, names, names[0])
    name = st.selectbox("Method (post-processing: group thresholds)", names, key=METHOD_KEY,
                        format_func=lambda n: get_method(n).label)
    _results(conn, get_method(name), threshold)
    with st.expander("Training methods and the barycenter repair need rows"):
        connected.sample_form(conn, connected.needs_rows_sentence())


def _sync_from_active(options) -> None:
    """Open on the active mitigation when it was chosen elsewhere (a Tradeoffs point)."""
    active = state.mitigation()
    if active is None or active.name not in [m.name for m in options] or (
            active == state.screen_memory(SCREEN, "synced")
            and state.widget(METHOD_KEY) is not None):
        return
    state.seed_widget(SCREEN, METHOD_KEY, active.name)
    state.seed_widget(SCREEN, STRENGTH_KEY, float(active.strength))
    state.remember(SCREEN, "synced", active)


@budget.cached
def _fit(conn, threshold: float, name: str, strength: float, _c):
    from fairdash.engines import fit_on_counts, rule_counts, rule_sql, threshold_points
    from fairdash.metrics import audit_counts
    from fairdash.mitigation import native_values

    est = fit_on_counts(get_method(name).make(strength, threshold=threshold), _c)
    after = audit_counts(rule_counts(est, _c), _c.labels, threshold=None,
                         row_counts=_c.row_counts())
    point = threshold_points(_c, name, [strength], threshold=threshold)[-1]
    sql = rule_sql(est, _c, connected.open_table(conn.where, conn.table), _c.score)
    return SimpleNamespace(after=after, native=native_values(est), sql=sql,
                           changed=float(point.changed.sum()), rows=_c.rows)


@st.fragment
def _results(conn, method, threshold: float) -> None:
    """Strength, the fit and before/after: reruns alone as the slider moves."""
    if state.widget(STRENGTH_KEY) is None:
        state.seed_widget(SCREEN, STRENGTH_KEY, 1.0)
    strength = st.slider("Strength (0 = the scores as they are, 1 = the method at full "
                         "strength)", 0.0, 1.0, step=0.01, key=STRENGTH_KEY,
                         help=f"{method.label}: {method.strength_mapping}.")
    c = connected.counts(conn, threshold)
    try:
        fit = _fit(conn, float(threshold), method.name, round(float(strength), 4), c)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return
    before = connected.audit(conn, threshold)
    mitigate._activation(method, strength)
    knob = explain_knob(method, fit.native, strength)
    st.markdown(f"**What it does.** {_counted(method.describe())}  \n"
                f"**What it assumes.** {method.assumes}  \n"
                f"**Its knob.** {_counted(knob)}")
    st.caption(f"Stage: post-processing · needs each person's group when deciding · "
               f"randomises decisions between two thresholds (expected rates shown) · fitted "
               f"on the counts of all {c.rows:,} rows · Source: {method.paper}")
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Fairness gaps")
        mitigate_tables.gap_comparison(SimpleNamespace(before=before, after=fit.after),
                                       "classification")
    with right:
        st.subheader("Overall performance")
        _performance(before, fit)
    fig = viz.before_after_rates_figure(before.groups, fit.after.groups,
                                        mitigate_tables.BEFORE_AFTER_RATES,
                                        f"after {method.label}")
    fig.update_layout(title_text="Per-group rates before and after (every row, 95 % Wilson "
                                 "intervals)")
    st.plotly_chart(fig, key="fig_before_after")
    with st.expander("Every rate per group after the mitigation (95 % Wilson intervals)"):
        mitigate_tables.rate_groups(fit.after)
    _rule(conn, c, fit.sql)


def _counted(text: str) -> str:
    """A registry sentence about the rows' split, said of the counted rows instead."""
    return text.replace("the calibration rows", "the counts of every row")


def _performance(before, fit) -> None:
    """Accuracy and balanced accuracy before and after, and the decisions that changed."""
    rows = []
    for label, get in (("Accuracy", lambda o: o["accuracy"]),
                       ("Balanced accuracy", lambda o: (o["tpr"] + 1 - o["fpr"]) / 2),
                       ("Selection rate", lambda o: o["selection_rate"])):
        b, a = float(get(before.overall)), float(get(fit.after.overall))
        rows.append({"measure": label, "before": fmt.num(b), "after": fmt.num(a),
                     "change": fmt.signed(a - b)})
    st.table(pd.DataFrame(rows).set_index("measure"))
    st.caption(f"All {fit.rows:,} rows; {fit.changed:,.0f} decisions "
               f"({fit.changed / max(fit.rows, 1):.1%}) differ from the scores' own at the "
               "threshold (expected number: decisions between two thresholds are drawn at "
               "random).")


def _rule(conn, c, sql: str) -> None:
    """The fitted rule as SQL for the engine that holds the table."""
    st.subheader("The rule, for the warehouse")
    st.caption(f"Each row's probability of a positive decision (`decision_proba`), in "
               f"{fmt.md(c.engine)}'s SQL: draw u uniform per row and decide u < "
               "decision_proba, or use it as the expected decision."
               + ("" if c.rescaled is None else
                  f" The SQL rescales the score as the counts did: ({fmt.code(conn.score)} − "
                  f"{c.rescaled[0]:g}) / ({c.rescaled[1]:g} − {c.rescaled[0]:g}), then tests "
                  "the cuts.")
               + ("" if "://" in conn.where else
                  " For a file, FROM names DuckDB's view of it: put the table that holds "
                  "these rows there."))
    st.code(sql, language="sql")
