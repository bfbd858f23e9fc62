"""Data: "Connect to a table" (issue 15), counted where the table lives.

A file, glob or folder on the server, or a connection URL (``duckdb:///...``, ``postgres://...``)
and a table name, with its outcome, sensitive and score columns. Connecting makes the table the
active source (``state.connect``: a :class:`~fairdash.ui.workspace.Connection`, which never
travels in a link): the engine counts rows per group x label x score (:mod:`fairdash.engines`)
and the Audit, Mitigate (group thresholds) and Tradeoffs (their fronts) screens work on those
counts of every row (``connected_audit``, ``connected_mitigate``, ``connected_tradeoffs``); no
row is loaded. The screens that need rows offer a sample drawn by the engine
(``connected_rows``).

Off by default: it reads paths on the server and opens connections, so a deployment turns it on
with the environment variable ``FAIRDASH_CONNECT=1``.
"""

from __future__ import annotations

import os
from dataclasses import replace

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import connected, shell, state
from fairdash.ui import format as fmt
from fairdash.ui.workspace import Connection

#: The environment variable that turns the source on ("1"); anything else leaves it off.
ENV = "FAIRDASH_CONNECT"
#: The source's name among the Data screen's sources.
LABEL = "Connect to a table"


def enabled() -> bool:
    """Whether the deployment turned the source on (``FAIRDASH_CONNECT=1``)."""
    return os.environ.get(ENV, "") == "1"


@st.cache_data(max_entries=8, show_spinner=False, ttl=600)
def _columns(where: str, table: str) -> list[str]:
    return list(connected.open_table(where, table).columns)


def picker(current) -> None:
    """The connect form; connecting makes the table the active source (then reruns)."""
    conn = state.connected()
    if conn is not None:
        for key, value in (("w_connect_where", conn.where), ("w_connect_table", conn.table),
                           ("w_target_connect", conn.target),
                           ("w_sensitive_connect", list(conn.sensitive)),
                           ("w_score_connect", conn.score), ("w_connect_rescale", conn.rescale)):
            if state.widget(key) is None:
                state.seed_widget("data", key, value)
    where = st.text_input("File, glob or folder on the server, or a connection URL",
                          key="w_connect_where",
                          placeholder="/data/decisions/*.parquet or duckdb:///data/log.db")
    table = st.text_input("Table name (with a connection URL)", key="w_connect_table") \
        if "://" in where else ""
    where, table = where.strip(), table.strip()
    if not where:
        st.caption("Every row of the table is audited, counted by the engine (DuckDB for files); "
                   "only counts per group, label and score come back.")
        return
    try:
        columns = _columns(where, table)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return
    cols = st.columns(3)
    target = cols[0].selectbox("Outcome column", columns, key="w_target_connect")
    rest = [c for c in columns if c != target]
    state.keep_valid_many("data", "w_sensitive_connect", rest)
    sensitive = cols[1].multiselect("Sensitive column(s)", rest, key="w_sensitive_connect")
    score = cols[2].selectbox("Score or decision column",
                              [c for c in rest if c not in sensitive], key="w_score_connect")
    rescale = st.checkbox("Min-max rescale a score outside 0-1", key="w_connect_rescale")
    if not sensitive or score is None:
        st.info("Choose the sensitive column(s) that define the groups, and the score column.")
        return
    wanted = Connection(where, table, target, None, tuple(sensitive), score, bool(rescale))
    if conn is not None and replace(conn, positive_label=None) == wanted:
        summary(conn)
        return
    if st.button("Connect: count every row in the engine", key="w_connect_go", type="primary"):
        try:
            with st.spinner("Counting every row in the engine ..."):
                c = connected.counts(wanted)
        except FairDashError as exc:
            st.error(f"{fmt.md(exc)} The active data stays {fmt.quoted(shell.active_data_name())}.")
            return
        state.connect(replace(wanted, positive_label=c.positive_label))
        st.rerun()
    if current.kind == "connect":
        st.caption("These columns differ from the connected table's: connect to count them.")
    else:
        st.caption(f"The active data stays {fmt.quoted(shell.active_data_name())} until you "
                   "connect.")


def summary(conn: Connection) -> None:
    """The connected table: what was counted, each group's size, and where to go next."""
    c = connected.counted(conn, state.threshold())
    if c is None:
        return
    st.success(connected.caption(conn, c), icon=":material/database:")
    groups = connected.audit(conn, state.threshold()).groups
    shell.group_dataframe(fmt.rate_table(groups, {"base_rate": "truly positive share"}))
    st.markdown("**Counted, not loaded.** Audit, Mitigate (group thresholds) and Tradeoffs "
                "(their fronts) work on these counts of every row.")
    left, mid, right = st.columns(3)
    left.page_link(shell.AUDIT_PAGE, label="Audit every row", icon=":material/balance:")
    mid.page_link(shell.MITIGATE_PAGE, label="Mitigate with group thresholds",
                  icon=":material/tune:")
    right.page_link("app_pages/tradeoffs.py", label="Tradeoffs of group thresholds",
                    icon=":material/scatter_plot:")
    connected.sample_form(conn, "Training a model or a training method, Compare's "
                               "flipped rows and the subgroup search need rows in memory.")
