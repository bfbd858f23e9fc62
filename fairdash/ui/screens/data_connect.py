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
from datetime import UTC, datetime

import streamlit as st

from fairdash.exceptions import FairDashError
from fairdash.ui import connected, shell, state
from fairdash.ui import format as fmt
from fairdash.ui.workspace import Connection

#: The environment variable that turns the source on ("1"); anything else leaves it off.
ENV = "FAIRDASH_CONNECT"
#: The source's name among the Data screen's sources.
LABEL = "Connect to a table"
#: The positive-outcome choice that lets the engine's counts pick it (as the pandas path does).
AUTO = ""
AUTO_LABEL = "automatic (1, true or yes; else the rarer value)"


def enabled() -> bool:
    """Whether the deployment turned the source on (``FAIRDASH_CONNECT=1``)."""
    return os.environ.get(ENV, "") == "1"


@st.cache_data(max_entries=8, show_spinner=False, ttl=600)
def _columns(where: str, table: str) -> list[str]:
    return list(connected.open_table(where, table).columns)


@st.cache_data(max_entries=16, show_spinner=False, ttl=600)
def _target_values(where: str, table: str, target: str) -> list[str]:
    """Up to three distinct values of the outcome (a yes/no outcome has two)."""
    found = connected.open_table(where, table).select(target).distinct().limit(3).to_pandas()
    return sorted(str(v) for v in found.iloc[:, 0])


def picker(current) -> None:
    """The connect form; connecting makes the table the active source (then reruns)."""
    conn = state.connected()
    if conn is not None:
        for key, value in (("w_connect_where", conn.where), ("w_connect_table", conn.table),
                           ("w_target_connect", conn.target),
                           ("w_sensitive_connect", list(conn.sensitive)),
                           ("w_score_connect", conn.score), ("w_connect_rescale", conn.rescale),
                           ("w_connect_positive", conn.positive_label)):
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
    left, right = st.columns(2)
    rescale = left.checkbox("Min-max rescale a score outside 0-1", key="w_connect_rescale")
    try:
        values = _target_values(where, table, target)
    except Exception:  # noqa: BLE001 - any engine's error: counting names it in one sentence
        values = []
    state.keep_valid("data", "w_connect_positive", [AUTO, *values], AUTO)
    positive = right.selectbox("Positive outcome", [AUTO, *values], key="w_connect_positive",
                               format_func=lambda v: AUTO_LABEL if v == AUTO else v)
    if not sensitive or score is None:
        st.info("Choose the sensitive column(s) that define the groups, and the score column.")
        return
    wanted = Connection(where, table, target, None if positive == AUTO else positive,
                        tuple(sensitive), score, bool(rescale))
    if conn is not None and replace(conn, counted_at="") == replace(
            wanted, positive_label=wanted.positive_label or conn.positive_label):
        summary(conn)
        return
    if st.button("Connect: count every row in the engine", key="w_connect_go", type="primary"):
        _connect(wanted)
    if current.kind == "connect":
        st.caption("These columns differ from the connected table's: connect to count them.")
    else:
        st.caption(f"The active data stays {fmt.quoted(shell.active_data_name())} until you "
                   "connect.")


def _connect(wanted: Connection) -> None:
    """Count ``wanted`` now and make it the active source (then rerun), or say why not."""
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    try:
        with st.spinner("Counting every row in the engine ..."):
            c = connected.counts(replace(wanted, counted_at=stamp))
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The active data stays {fmt.quoted(shell.active_data_name())}.")
        return
    state.connect(replace(wanted, positive_label=c.positive_label, counted_at=stamp))
    st.rerun()


def summary(conn: Connection) -> None:
    """The connected table: what was counted, each group's size, and where to go next."""
    c = connected.counted(conn, state.threshold())
    if c is None:
        return
    st.success(connected.caption(conn, c), icon=":material/database:")
    left, right = st.columns([3, 1])
    left.caption(f"Counted at {conn.counted_at[:19].replace('T', ' ')} UTC.")
    if right.button("Count again", key="w_connect_recount",
                    help="Count the table again (it may have changed since); the threshold, "
                         "mitigation and chosen point start again."):
        _connect(replace(conn, counted_at=""))
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
