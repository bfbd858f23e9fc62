"""Data: "Connect to a table" (issue 15), counted where the table lives.

A file, glob or folder on the server, or a connection URL (``duckdb:///...``, ``postgres://...``)
and a table name. The engine counts rows per group x label x score (:mod:`fairdash.engines`) and
this part shows the audit of every row from those counts; no row is loaded. The screens that
need rows (the model, training methods, Compare's flipped rows, subgroup search) get a sample of
rows drawn by the engine, which becomes the active table like an upload.

Off by default: it reads paths on the server and opens connections, so a deployment turns it on
with the environment variable ``FAIRDASH_CONNECT=1``.
"""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import streamlit as st

from fairdash import data as fd_data
from fairdash.exceptions import FairDashError
from fairdash.ui import format as fmt
from fairdash.ui import state

#: The environment variable that turns the source on ("1"); anything else leaves it off.
ENV = "FAIRDASH_CONNECT"
#: The source's name among the Data screen's sources.
LABEL = "Connect to a table"
#: Most rows a sample may have (the app's own limit for a table in memory).
MAX_SAMPLE = 200_000

_RATES = ["n", "base_rate", "selection_rate", "tpr", "fpr", "ppv", "accuracy", "auc"]


def enabled() -> bool:
    """Whether the deployment turned the source on (``FAIRDASH_CONNECT=1``)."""
    return os.environ.get(ENV, "") == "1"


def _open(where: str, table: str):
    from fairdash.engines import open_table

    if "://" in where:
        return open_table(connection=where, table=table or None)
    return open_table(where)


@st.cache_data(max_entries=8, show_spinner=False)
def _columns(where: str, table: str) -> list[str]:
    return list(_open(where, table).columns)


@st.cache_data(max_entries=8, show_spinner="Counting in the engine...")
def _audit(where: str, table: str, target: str, sensitive: tuple, score: str,
           threshold: float):
    from fairdash.engines import count_scores

    counts = count_scores(_open(where, table), target=target, sensitive=sensitive,
                          score=score, threshold=threshold)
    return counts.audit(), counts


@st.cache_data(max_entries=8, show_spinner="Fitting group thresholds on rows the engine draws...")
def _thresholds(where: str, table: str, key: tuple, method: str, strength: float):
    from fairdash.engines import fit_on_sample, rule_counts, rule_sql
    from fairdash.metrics import audit_counts
    from fairdash.mitigation import get_method

    counts = _audit(where, table, *key)[1]
    ibis_table = _open(where, table)
    est, fitted_on = fit_on_sample(get_method(method).make(strength, threshold=key[-1]),
                                   ibis_table, counts)
    after = audit_counts(rule_counts(est, counts), counts.labels,
                         row_counts=counts.row_counts())
    return after, fitted_on, rule_sql(est, counts, ibis_table, counts.score)


@st.cache_data(max_entries=4, show_spinner="Drawing a sample in the engine...")
def _sample(where: str, table: str, n: int, columns: tuple):
    from fairdash.engines import sample_rows

    frame = sample_rows(_open(where, table), n, columns=list(columns))
    return frame, fd_data.table_fingerprint(frame)


def picker(current) -> tuple | None:
    """The connect form, the audit from counts, and the sample of rows.

    Parameters
    ----------
    current : DataSource
        The active source.

    Returns
    -------
    (DataSource, ColumnRoles, (frame, fingerprint)) when the user loads a sample, else None.
    """
    where = st.text_input("File, glob or folder on the server, or a connection URL",
                          placeholder="/data/decisions/*.parquet or duckdb:///data/log.db")
    table = st.text_input("Table name (with a connection URL)") if "://" in where else ""
    if not where.strip():
        st.caption("Every row of the table is audited, counted by the engine (DuckDB for files); "
                   "only counts per group, label and score come back.")
        return None
    try:
        columns = _columns(where.strip(), table.strip())
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return None
    cols = st.columns(3)
    target = cols[0].selectbox("Outcome column", columns, key="w_target_connect")
    rest = [c for c in columns if c != target]
    sensitive = cols[1].multiselect("Sensitive column(s)", rest, key="w_sensitive_connect")
    score = cols[2].selectbox("Score or decision column",
                              [c for c in rest if c not in sensitive], key="w_score_connect")
    threshold = st.slider("Decision threshold on the scores", 0.0, 1.0, 0.5, 0.01)
    if not sensitive or score is None:
        st.info("Choose the sensitive column(s) that define the groups, and the score column.")
        return None
    key = (target, tuple(sensitive), score, float(threshold))
    try:
        audit, counts = _audit(where.strip(), table.strip(), *key)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return None
    _show(audit, counts)
    _thresholds_part(where.strip(), table.strip(), key)
    return _sample_form(where.strip(), table.strip(), current, target, counts.positive_label,
                        tuple(sensitive), score)


def _show(audit, counts) -> None:
    """The audit of every row, from the engine's counts."""
    exact = ("every distinct score" if counts.resolution is None
             else f"scores in bins of {counts.resolution:g}")
    st.success(f"Counted {counts.rows:,} rows in {counts.engine} ({exact}; positive outcome: "
               f"{fmt.md(counts.target)} = {fmt.md(counts.positive_label)}). Every row is "
               "audited (audited split: all).")
    groups = audit.groups[[c for c in _RATES if c in audit.groups.columns]]
    st.dataframe(groups.round(3))
    st.dataframe(audit.gaps[["value", "ci_low", "ci_high", "p_value"]].round(3))
    for text in audit.warnings:
        st.caption(fmt.md(text))


def _thresholds_part(where: str, table: str, key: tuple) -> None:
    """Group thresholds fitted on rows the engine draws, measured on every row's counts, and
    the rule as SQL for the warehouse."""
    from fairdash.mitigation import REGISTRY

    if not st.toggle("Mitigate with group thresholds (post-processing)"):
        return
    names = [m.name for m in REGISTRY.values() if m.uses_threshold]
    cols = st.columns(2)
    method = cols[0].selectbox("Method", names, format_func=lambda n: REGISTRY[n].label)
    strength = cols[1].slider("Strength", 0.0, 1.0, 1.0, 0.05)
    try:
        after, fitted_on, sql = _thresholds(where, table, key, method, float(strength))
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return
    st.caption(f"Fitted on {fitted_on:,} rows drawn by the engine; the gaps below are the "
               "expected ones on every row (decisions between two thresholds are randomised).")
    st.dataframe(after.gaps[["value", "ci_low", "ci_high", "p_value"]].round(3))
    st.code(sql, language="sql")


def _sample_form(where, table, current, target, positive, sensitive, score) -> tuple | None:
    """A sample of rows for the screens that need rows; returns it as a new source."""
    st.markdown("**Screens that need rows.** Training a model or a training method, Compare's "
                "flipped rows and the subgroup search work on rows in memory: load a sample "
                "drawn by the engine. Its audit is the sample's, within its intervals.")
    n = st.number_input("Rows to sample", 1_000, MAX_SAMPLE, 50_000, step=1_000)
    if not st.button("Load a sample of rows", key="w_apply_connect_sample"):
        return None
    keep = (target, *sensitive, score)
    try:
        frame, fingerprint = _sample(where, table, int(n), keep)
    except FairDashError as exc:
        st.error(fmt.md(exc))
        return None
    name = f"{len(frame):,} rows sampled from {where}" + (f" table {table}" if table else "")
    key = hashlib.sha1(f"{where}|{table}|{n}|{keep}".encode()).hexdigest()[:16]
    source = state.DataSource("upload", name, key)
    if source == current:
        return None
    roles = fd_data.ColumnRoles(target, positive, sensitive, (), score)
    return source, roles, (pd.DataFrame(frame), fingerprint)
