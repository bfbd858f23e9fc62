"""FairDash entry point: page config, session defaults, navigation and the sidebar."""

import streamlit as st

from fairdash.ui import shell, state

st.set_page_config(page_title="FairDash", page_icon=":material/balance:", layout="wide")
state.init()
page = st.navigation(shell.pages())
sidebar = st.sidebar.container()
try:
    page.run()
except Exception as exc:  # noqa: BLE001 - the last line of defence; reruns pass through
    shell.unexpected_error(exc)
finally:  # after the screen, so a choice made on it already shows; also after an error
    shell.sidebar(sidebar)
