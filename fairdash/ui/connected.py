"""A table counted where it lives (issue 15): what the connected screens share.

A connected table is a source of its own (``state.connect``; a
:class:`~fairdash.ui.workspace.Connection`, which never travels in a link). Its rows stay in
the engine: :func:`counts` asks the engine for the counts per group x label x score
(:func:`fairdash.engines.count_scores`, cached in the byte budget), :func:`audit` gives the
audit of every row from them, equal to :func:`fairdash.metrics.audit` of the same rows, and
:func:`prelude` opens each connected screen (``screens/audit_connected.py``,
``mitigate_connected.py``, ``tradeoffs_connected.py``) with the sentence on its rows. The
screens that need rows in memory say so and offer a sample of rows drawn at random by the
engine (:func:`sample_form`, :func:`rows_screen`; :func:`fairdash.engines.sample_rows`), which
becomes the active table like an upload; its audit is the sample's, within its intervals.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from fairdash import data as fd_data
from fairdash.exceptions import FairDashError
from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE
from fairdash.mitigation import REGISTRY
from fairdash.ui import budget, shared, state
from fairdash.ui import format as fmt
from fairdash.ui.workspace import DEFAULT_THRESHOLD, Connection


def open_table(where: str, table: str):
    """The Ibis table of a path or a connection URL and table name (raises FairDashError)."""
    from fairdash.engines import open_table as _open

    if "://" in where:
        return _open(connection=where, table=table or None)
    return _open(where)


@budget.cached
def _count(where, table, target, sensitive, score, positive, rescale, threshold, counted_at):
    from fairdash.engines import count_scores

    return count_scores(open_table(where, table), target=target, sensitive=sensitive,
                        score=score, positive_label=positive, threshold=threshold,
                        rescale=rescale)


def counts(conn: Connection, threshold: float = DEFAULT_THRESHOLD):
    """The engine's counts of every row (cached in the byte budget).

    Exact cells serve every threshold; binned cells (many distinct scores) are counted again
    at ``threshold``, so the counts there stay exact.

    Parameters
    ----------
    conn : Connection
    threshold : float, default DEFAULT_THRESHOLD

    Returns
    -------
    fairdash.engines.ScoreCounts

    Raises
    ------
    FairDashError
        The engine cannot read the table or the roles do not fit it (one sentence).
    """
    key = (conn.where, conn.table, conn.target, tuple(conn.sensitive), conn.score)
    out = _count(*key, None, conn.rescale, DEFAULT_THRESHOLD, conn.counted_at)
    if conn.positive_label not in (None, out.positive_label):
        out = _count(*key, conn.positive_label, conn.rescale, DEFAULT_THRESHOLD,
                     conn.counted_at)
    if out.resolution is not None and float(threshold) != out.threshold:
        out = _count(*key, out.positive_label, conn.rescale, float(threshold), conn.counted_at)
    return out


def counted(conn: Connection, threshold: float):
    """:func:`counts` with a spinner, or None after saying why the engine could not count."""
    try:
        with st.spinner("Counting every row in the engine ..."):
            return counts(conn, threshold)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} Check the connection on the Data screen.")
        return None


@st.cache_data(max_entries=32, show_spinner=False)
def _audit(conn: Connection, threshold: float, method: str, reference, min_group_size: int):
    return counts(conn, threshold).audit(threshold=threshold, method=method,
                                         reference=reference, min_group_size=min_group_size)


def audit(conn: Connection, threshold: float, method: str = "between_groups", reference=None,
          min_group_size: int = DEFAULT_MIN_GROUP_SIZE):
    """The audit of every row at ``threshold`` from the counts (cached).

    Parameters
    ----------
    conn : Connection
    threshold : float
    method, reference, min_group_size
        As in :func:`fairdash.metrics.audit_counts`.

    Returns
    -------
    AuditResult
        Equal to :func:`fairdash.metrics.audit` of the same rows (tests/app/test_app_connect).
    """
    return _audit(conn, float(threshold), method, reference, int(min_group_size))


def prelude(title: str):
    """A connected screen's title and the sentence on its rows: ``(connection, threshold,
    counts)``, the counts None when the engine could not count (said on the screen)."""
    st.title(title)
    conn, threshold = state.connected(), state.threshold()
    c = counted(conn, threshold)
    if c is not None:
        st.caption(caption(conn, c))
    return conn, threshold, c


def caption(conn: Connection, c) -> str:
    """One sentence: which rows, counted where, at which resolution (escaped)."""
    exact = ("every distinct score its own cell" if c.resolution is None
             else f"scores in bins of {c.resolution:g}, exact at the threshold")
    rescaled = " rescaled to 0-1," if c.rescaled is not None else ""
    return (f"Every row of {fmt.md(conn.name)} ({c.rows:,} rows) counted in {fmt.md(c.engine)} "
            f"({exact}); score {fmt.code(conn.score)},{rescaled} outcome "
            f"{fmt.code(conn.target)} = {fmt.code(c.positive_label)}. Only counts per group, "
            "label and score left the engine; the audited split is all rows.")


def methods() -> list:
    """The registry's methods that fit from counts: group thresholds on a yes/no target."""
    return [m for m in REGISTRY.values() if m.uses_threshold and "classification" in m.tasks]


def needs_rows_sentence() -> str:
    """The methods that need rows, named from the registry."""
    rows = [m.label for m in REGISTRY.values()
            if "classification" in m.tasks and m not in methods()]
    return (f"The other methods ({', '.join(rows)}) train on rows or move each row's score, "
            "so they need rows in memory.")


#: Most rows a sample may have (the app's own limit for a table in memory).
MAX_SAMPLE = 200_000
#: Rows the sample form proposes.
DEFAULT_ROWS = 50_000
#: The screens that need rows, and what of them does.
NEEDS = {
    "model": "Training or uploading a model needs rows in memory (the connected table's model "
             "is its score column).",
    "compare": "Compare's flipped rows need rows in memory.",
    "subgroups": "The subgroup search needs rows in memory.",
    "report": "The report is built from rows in memory (the Audit screen downloads the audit "
              "of every row as JSON).",
}


@st.cache_data(max_entries=4, show_spinner=False, ttl=600)
def _sample(where: str, table: str, n: int, counted_at: str):
    from fairdash.engines import sample_rows

    frame = sample_rows(open_table(where, table), n)
    return frame, fd_data.table_fingerprint(frame)


def rows_screen(name: str, title: str):
    """A screen's ``render`` on a connected table: its title, why it needs rows, the sample."""
    def render() -> None:
        st.title(title)
        conn = state.connected()
        sample_form(conn, NEEDS[name])

    return render


def sample_form(conn: Connection, why: str) -> None:
    """``why`` in one sentence, and a button loading rows the engine draws as the active
    table (then reruns)."""
    st.info(f"{why} The connected table stays in its engine: load a sample of its rows "
            "drawn at random by the engine to use this here. Audit, Mitigate (group "
            "thresholds) and Tradeoffs (their fronts) work on the counts of every row.",
            icon=":material/table_rows:")
    left, right = st.columns([1, 2])
    n = left.number_input("Rows to sample", 1_000, MAX_SAMPLE, DEFAULT_ROWS, step=1_000,
                          key="w_connect_sample_n")
    right.caption("The sample becomes the active table, like an upload, and the connected "
                  "table is no longer active (connect again on the Data screen to come "
                  "back). Its audit is of the sample: it differs from every row's by about "
                  "its intervals.")
    if not right.button("Load a sample of rows", key="w_connect_sample_go"):
        return
    try:
        with st.spinner("Drawing a sample in the engine ..."):
            frame, table_hash = _sample(conn.where, conn.table, int(n), conn.counted_at)
        source, roles = _as_source(conn, frame, int(n))
        checked = shared.dataset_for(frame, table_hash, roles, conn.rescale)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The connected table stays active.")
        return
    state.set_source(source, roles, (pd.DataFrame(frame), table_hash), task=checked.task)
    state.set_roles(roles, conn.rescale, task=checked.task)
    state.set_model(state.ModelChoice("scores", conn.score))
    st.rerun()


def _as_source(conn: Connection, frame, n: int):
    """The sample as an upload-like source and its roles: the connection's, with the other
    columns as features when they make a valid table, else none."""
    name = f"{len(frame):,} rows sampled from {conn.name}"
    key = hashlib.sha1(f"{conn!r}|{n}".encode()).hexdigest()[:16]
    used = {conn.target, *conn.sensitive, conn.score}
    features = tuple(c for c in frame.columns if c not in used)
    roles = fd_data.ColumnRoles(conn.target, conn.positive_label, tuple(conn.sensitive),
                                features, conn.score)
    try:
        fd_data.build_dataset(frame, roles, rescale_scores=conn.rescale)
    except FairDashError:
        roles = conn.roles
    return state.DataSource("upload", name, key), roles
