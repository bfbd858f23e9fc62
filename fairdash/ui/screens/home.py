"""Home: what FairDash is, the three ways in, and where the user is."""

from __future__ import annotations

import streamlit as st

from fairdash.ui import format as fmt
from fairdash.ui import shared, shell, state


def render() -> None:
    """The landing screen."""
    st.title("FairDash")
    st.markdown(
        "**See how a model treats each group of people, change it, and show what the change "
        "costs and who pays.** Load a table and a model (trained here, uploaded, or a column "
        "of predictions); the audit shows every group's rates with their uncertainty and "
        "group sizes; a pre-, in- or post-processing method narrows the gap you choose, and "
        "the Tradeoffs and Compare screens show what it costs in accuracy and which decisions "
        "it changes. Every number is measured on held-out rows, and the command line "
        "(`python -m fairdash`) gives the same numbers.")
    _journey()
    st.divider()
    analyse, demo, teach = st.columns(3)
    with analyse:
        st.subheader("Analyse my data")
        st.markdown("Upload a CSV or Parquet file, say which column is the outcome and which "
                    "columns define the groups, then train, upload or point at a model.")
        st.page_link(shell.DATA_PAGE, label="Open the Data screen",
                     icon=":material/upload_file:")
    with demo:
        st.subheader("Run a demo")
        st.markdown("**Adult census income**: a logistic regression predicting income above "
                    "$50K, audited by sex. **COMPAS**: the deployed recidivism score, "
                    "repaired so its distribution no longer depends on race.")
        if st.button("Audit Adult", key="w_home_adult", icon=":material/balance:"):
            src = state.DataSource("sample", state.DEFAULT_SAMPLE)
            state.set_source(src, state.default_workspace().roles)
            st.switch_page(shell.AUDIT_PAGE)
        if st.button("Repair COMPAS scores", key="w_home_compas", icon=":material/tune:"):
            state.start_compas_demo()
            st.switch_page(shell.MITIGATE_PAGE)
    with teach:
        st.subheader("Teach a workshop")
        st.markdown("Six lessons with a live figure, a task the app checks and a printable "
                    "handout each (what the gaps measure, why you cannot have them all, "
                    "thresholds per group, where bias comes from, who pays, the groups nobody "
                    "named), a workshop mode for the projector and a glossary. Or generate a "
                    "population whose disparities you set and walk the room through Audit → "
                    "Mitigate → Tradeoffs.")
        st.page_link(shell.LEARN_PAGES[0][0], label="Open the lessons", icon=":material/school:")
        if st.button("Start with a synthetic population", key="w_home_synthetic",
                     icon=":material/science:"):
            state.set_source(*shared.synthetic_source(**shared.SYNTHETIC_DEFAULTS))
            st.switch_page(shell.AUDIT_PAGE)


def _journey() -> None:
    """Data -> model -> audit -> mitigate, each a link, the finished ones ticked."""
    st.caption("Where you are: data → model → audit → mitigate (the active choices are in "
               "the sidebar)")
    for column, (label, page, done, status) in zip(st.columns(4), shell.journey()):
        with column:
            st.page_link(page, label=f"{label}: {fmt.md(status)}",
                         icon=":material/check_circle:" if done
                         else ":material/radio_button_unchecked:")
