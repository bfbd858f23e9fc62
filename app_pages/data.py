"""Data: choose a table, look at it, and say what each column is."""

import streamlit as st

from fairdash.data import group_overview
from fairdash.exceptions import FairDashError
from fairdash.ui import cache, render, render_regression, state, widgets

st.title("Data")
st.write("Pick a bundled data set, upload your own table, or generate synthetic data with "
         "known disparities. Then say which column is the outcome and which define the groups.")

picked = widgets.source_picker()
if picked:
    state.set_source(*picked)
    st.rerun()

frame, table_hash = cache.active_table()
summary = cache.column_summary()
st.subheader(f"Preview of the active data: {render.active_data_name()}")
st.caption(f"{len(frame):,} rows × {frame.shape[1]} columns; the first 200 rows are shown.")
st.dataframe(frame.head(200), height=250)
with st.expander("Column summary (types, missing values, flagged columns)"):
    st.dataframe(summary, width="stretch")

st.subheader("Column roles")
flags = summary.loc[summary["flag"] != "", "flag"].to_dict()
applied = widgets.roles_picker(frame, table_hash, state.roles(), flags)
if applied:
    roles, rescale = applied
    try:
        checked = cache.validate(frame, table_hash, roles, rescale)
    except FairDashError as exc:
        st.error(str(exc))
    else:
        state.set_roles(roles, rescale, task=checked.task)
        st.success("Roles applied. The Model and Audit pages now use them.")

ds = render.guard_dataset()
for warning in ds.warnings:
    st.warning(warning)
if ds.task == "regression":
    render_regression.target_overview(ds)
else:
    st.subheader("Groups: sizes, base rates and the train / calibration / test split")
    st.caption("Base rate = share of the group whose true outcome is the positive label, with "
               "a 95 % Wilson interval. The split is stratified by group × label (60/20/20, "
               "seeded), so every group keeps its base rate in each part.")
    st.dataframe(group_overview(ds), width="stretch", column_config=render.overview_columns())
st.page_link("app_pages/model.py", label="Next: choose a model", icon=":material/arrow_forward:")
