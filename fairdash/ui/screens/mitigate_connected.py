"""Mitigate on a connected table (issue 15): group thresholds fitted from every row's counts.

The post-processing methods that start from the base rule at the threshold (registry methods
with ``uses_threshold``: the group thresholds) fit from the cells of counts exactly as on the
rows (:func:`fairdash.engines.fit_on_counts`); before and after are audited on the counts of
every row (:func:`fairdash.engines.rule_counts` and :func:`fairdash.metrics.audit_counts`), and
the fitted rule goes back to the warehouse as SQL (:func:`fairdash.engines.rule_sql`). The
strength is the ordinary screen's component (``mitigate_live``), sent every row's expected
counts at each of its strengths from one fit (:func:`fairdash.engines.threshold_points`); the
fit, the table with intervals and p-values, the SQL rule and "make active" follow the strength
released. The other methods train on rows or move each row's score, so this screen names them
and offers a sample of rows (``connected_rows``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import streamlit as st

from fairdash import viz
from fairdash.exceptions import FairDashError
from fairdash.mitigation import get_method
from fairdash.ui import budget, connected, state
from fairdash.ui import format as fmt
from fairdash.ui.screens import mitigate, mitigate_live, mitigate_tables

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
    from fairdash.engines import fit_on_counts, rule_counts, rule_sql
    from fairdash.metrics import audit_counts
    from fairdash.mitigation import native_values

    est = fit_on_counts(get_method(name).make(strength, threshold=threshold), _c)
    after = audit_counts(rule_counts(est, _c), _c.labels, threshold=None,
                         row_counts=_c.row_counts())
    sql = rule_sql(est, _c, connected.open_table(conn.where, conn.table), _c.score)
    return SimpleNamespace(after=after, native=native_values(est), sql=sql)


@budget.cached
def _front(conn, threshold: float, name: str, _c):
    """The group-threshold method's counts of every row at each strength of the slider (one
    fit): ``(counts (101, K, 4), changed (101,))``, groups in ``_c.labels`` order."""
    from fairdash.engines import threshold_points

    points = threshold_points(_c, name, mitigate_live.STRENGTHS, threshold=threshold)[1:]
    return (np.stack([p.counts for p in points]),
            np.array([float(p.changed.sum()) for p in points]))


def _pooled_auc(c) -> float | None:
    """The scores' AUC over every row (None with binned scores: ties within a bin)."""
    from fairdash.metrics import ScoreIndex

    if c.resolution is not None:
        return None
    return float(ScoreIndex(c.y, c.scores, np.zeros(len(c.y), dtype=np.int64), 1,
                            sample_weight=c.weights).auc()[0])


@st.fragment
def _results(conn, method, threshold: float) -> None:
    """The strength component, the fit at the released strength and before/after: a move is
    answered in the browser, a release reruns the page."""
    if state.widget(STRENGTH_KEY) is None:
        state.seed_widget(SCREEN, STRENGTH_KEY, 1.0)
    component = f"w_mitigate_connect_live_{method.name}"
    mitigate_live.released(method, STRENGTH_KEY, component)
    strength = float(state.widget(STRENGTH_KEY))
    c = connected.counts(conn, threshold)
    try:
        fit = _fit(conn, float(threshold), method.name, round(strength, 4), c)
        counts, changed = _front(conn, float(threshold), method.name, c)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return
    before = connected.audit(conn, threshold)
    labels = [str(g) for g in before.groups.index]
    order = [[str(g) for g in c.labels].index(g) for g in labels]
    fig = viz.before_after_rates_figure(before.groups, fit.after.groups,
                                        mitigate_tables.BEFORE_AFTER_RATES,
                                        f"after {method.label}")
    fig.update_layout(title_text="Per-group rates before and after (every row, 95 % Wilson "
                                 "intervals)")
    knob = [_counted(k) for k in mitigate_live.knobs(method, fit.native.get("e0"))]
    front = mitigate_live.grid(counts[:, order], labels, c.row_counts()[order], changed, knob)
    mitigate_live.draw(method, strength, front, rows=c.rows, auc=(_pooled_auc(c), None),
                       figure=fig, version=(repr(conn), float(threshold)),
                       component=component, rows_phrase="rows (every row of the table)")
    mitigate._activation(method, strength)
    st.markdown(f"**What it does.** {_counted(method.describe())}  \n"
                f"**What it assumes.** {method.assumes}")
    st.caption(f"Stage: post-processing · needs each person's group when deciding · "
               f"randomises decisions between two thresholds (expected rates shown) · fitted "
               f"on the counts of all {c.rows:,} rows · Source: {method.paper}")
    st.subheader(f"Fairness gaps at strength {strength:.2f}, with intervals and p-values")
    mitigate_tables.gap_comparison(SimpleNamespace(before=before, after=fit.after),
                                   "classification")
    with st.expander("Every rate per group after the mitigation (95 % Wilson intervals)"):
        mitigate_tables.rate_groups(fit.after)
    _rule(conn, c, fit.sql)


def _counted(text: str) -> str:
    """A registry sentence about the rows' split, said of the counted rows instead."""
    return text.replace("the calibration rows", "the counts of every row")


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
