"""Data: choose a table, look at it, and say what each column is.

A new upload becomes the active table only once its column roles pass validation; until then
it waits as a pending upload and the last good table stays active.
"""

from __future__ import annotations

import streamlit as st

from fairdash import data as fd_data
from fairdash.data import ColumnRoles
from fairdash.exceptions import FairDashError
from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state
from fairdash.ui.screens import data_connect, data_roles

SOURCES = ("Bundled sample", "Upload a file", "Synthetic data")
KINDS = {"sample": 0, "upload": 1, "synthetic": 2, "connect": 3}


@st.cache_data(max_entries=16, show_spinner=False)
def _column_summary(table_hash: str, target, _frame):
    return fd_data.column_summary(_frame, target)


def render() -> None:
    """The Data screen."""
    st.title("Data")
    st.write("Pick a bundled data set, upload your own table, or generate synthetic data with "
             "known disparities. Then say which column is the outcome and which define the "
             "groups.")
    picked = _source_picker()
    if picked:
        _activate_or_hold(*picked)
        st.rerun()
    pending = state.pending_upload()
    if pending is not None:
        _pending(pending)
        return
    if state.connected() is not None or state.widget("w_source_kind") == data_connect.LABEL:
        return  # the connect form owns the screen (a connected table has no rows here)
    frame, table_hash = shared.active_table()
    _preview(frame, table_hash, shell.active_data_name(), state.roles())
    st.subheader("Column roles")
    applied = data_roles.roles_picker(frame, table_hash, state.roles(),
                                      _flags(frame, table_hash, state.roles()),
                                      state.rescale_scores())
    checked = _validated(frame, table_hash, applied, "The roles in use stay as they were.")
    if checked is not None:
        state.set_roles(*applied, task=checked.task)
        st.success("Roles applied. The Model and Audit screens now use them.")
    ds = shell.guard_dataset()
    shell.warnings(ds.warnings)
    data_roles.group_overview(ds)
    st.page_link(shell.MODEL_PAGE, label="Next: choose a model", icon=":material/arrow_forward:")


def _flags(frame, table_hash, roles) -> dict:
    summary = _column_summary(table_hash, roles.target if roles else None, frame)
    return summary.loc[summary["flag"] != "", "flag"].to_dict()


def _preview(frame, table_hash, name: str, roles) -> None:
    st.subheader(f"Preview: {fmt.md(name)}")
    st.caption(f"{len(frame):,} rows × {frame.shape[1]} columns; the first 200 rows are shown.")
    st.dataframe(frame.head(200), height=250)
    with st.expander("Column summary (types, missing values, flagged columns)"):
        st.dataframe(_column_summary(table_hash, roles.target if roles else None, frame),
                     width="stretch")


def _pending(pending) -> None:
    """An upload whose roles do not fit yet: its preview and roles; the active table stays."""
    src, frame, table_hash, roles, problem = pending
    st.warning(f"The uploaded table {fmt.quoted(src.name)} is not active yet. {problem} "
               f"The active table is still {fmt.quoted(shell.active_data_name())}. If other "
               "column roles fit, choose them below to switch; otherwise pick other data above.")
    _preview(frame, table_hash, src.name, roles)
    st.subheader("Column roles for the uploaded table")
    applied = data_roles.roles_picker(frame, table_hash, roles,
                                      _flags(frame, table_hash, roles), False)
    if st.button("Discard this upload", key="w_apply_discard"):
        state.set_pending_upload(None)
        st.rerun()
    checked = _validated(frame, table_hash, applied, "The active table stays as it is.")
    if checked is not None:
        state.set_source(src, applied[0], (frame, table_hash), task=checked.task)
        state.set_roles(*applied, task=checked.task)
        st.rerun()


def _validated(frame, table_hash: str, applied, kept: str):
    """The Dataset for roles the user applied, or None (with the reason and what stays)."""
    if not applied:
        return None
    try:
        return shared.dataset_for(frame, table_hash, *applied)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} {kept}")
        return None


def _activate_or_hold(src, roles: ColumnRoles, upload) -> None:
    """Make a new table active when its roles validate; otherwise hold it as pending."""
    if upload is None:
        state.set_source(src, roles)
        return
    frame, table_hash = upload
    try:
        checked = shared.dataset_for(frame, table_hash, roles, False)
    except FairDashError as exc:
        state.set_pending_upload((src, frame, table_hash, roles, str(exc)))
        return
    state.set_source(src, roles, upload, task=checked.task)


def _source_picker() -> tuple | None:
    """Choose a sample, upload a file, or generate synthetic data.

    Returns
    -------
    (DataSource, ColumnRoles, upload or None) when the user picked new data, else None.
    """
    current = state.source()
    sources = SOURCES + ((data_connect.LABEL,) if data_connect.enabled() else ())
    kind = st.radio("Data source", sources, index=min(KINDS[current.kind], len(sources) - 1),
                    horizontal=True, key="w_source_kind")
    if kind == data_connect.LABEL:  # off unless the deployment turns it on (issue 15)
        data_connect.picker(current)
        return None
    if kind == SOURCES[0]:
        names = list(fd_data.SAMPLES)
        pick = st.selectbox("Sample", names, format_func=lambda n: fd_data.SAMPLES[n].title,
                            index=names.index(current.name) if current.kind == "sample" else 0,
                            key="w_sample")
        st.caption(fd_data.SAMPLES[pick].note)
        if current != state.DataSource("sample", pick):
            return state.DataSource("sample", pick), fd_data.sample_roles(pick), None
        return None
    if kind == SOURCES[1]:
        return _upload_picker(current)
    return _synthetic_picker()


def _upload_picker(current) -> tuple | None:
    mb = fd_data.DEFAULT_MAX_UPLOAD_BYTES // 2**20
    # No type filter: the browser would refuse other files with only a red mark, while the
    # reader names what the file is (an Excel workbook, a PDF...) and what to do.
    file = st.file_uploader(f"CSV (any delimiter, UTF-8, UTF-16 or Latin-1, may be gzipped) "
                            f"or Parquet, up to {mb} MB", key="w_upload")
    if file is None:
        st.caption(f"A file over {mb} MB is stopped by the browser before it uploads (a red "
                   "mark beside its name): upload a sample of its rows, or save the table as "
                   "Parquet, which is often several times smaller. An Excel workbook: save it "
                   "as CSV first.")
        return None
    raw = file.getvalue()
    source = state.DataSource("upload", file.name, shared.content_key(raw))
    pending = state.pending_upload()
    if current == source or (pending is not None and pending[0] == source):
        return None
    try:
        frame, table_hash = shared.parsed_upload(source.key, file.name, raw)
        roles = fd_data.suggest_roles(frame)
    except FairDashError as exc:
        st.error(f"{fmt.md(exc)} The active table stays {fmt.quoted(shell.active_data_name())}.")
        return None
    return source, roles, (frame, table_hash)


def _synthetic_picker() -> tuple | None:
    d = shared.SYNTHETIC_DEFAULTS
    cols = st.columns(5)
    n = cols[0].number_input("Rows", 200, 2_000_000, d["n"], step=1000, key="w_syn_n")
    share = cols[1].slider("Minority share", 0.05, 0.5, d["minority_share"], key="w_syn_share")
    gap = cols[2].slider("Base-rate gap", 0.0, 0.4, d["base_rate_gap"], key="w_syn_gap",
                         help="How much more often the majority's true outcome is positive.")
    bias = cols[3].slider("Label bias", 0.0, 0.8, d["label_bias"], key="w_syn_bias",
                          help="Share of the minority's true positives recorded as negative.")
    proxy = cols[4].slider("Proxy strength", 0.0, 1.0, d["proxy_strength"], key="w_syn_proxy",
                           help="Correlation between the feature 'proxy' and the group.")
    if not st.button("Generate", key="w_syn_go"):
        return None
    return shared.synthetic_source(n, share, gap, bias, proxy)
