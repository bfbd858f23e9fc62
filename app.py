"""FairDash entry point: page config, session defaults, navigation and the shared sidebar."""

import streamlit as st

from fairdash.ui import navigation, render, state

st.set_page_config(page_title="FairDash", page_icon=":material/balance:", layout="wide")
state.init()
page = st.navigation(navigation.pages())
badge = st.sidebar.container()
try:
    page.run()
finally:  # after the page, so a choice made on this page already shows (also after st.stop)
    render.sidebar_badge(badge, page.title)
