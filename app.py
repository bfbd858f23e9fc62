"""FairDash entry point: page config, session defaults, navigation and the sidebar."""

import streamlit as st

from fairdash.ui import sharing, shell, state

st.set_page_config(page_title="FairDash", page_icon="⚖️", layout="wide")
if state.init():  # a new session: the view in the URL, if any (a shared link, a reload)
    sharing.restore_link()
page = st.navigation(shell.pages(), expanded=True)  # every screen and lesson in view
sidebar = st.sidebar.container()
try:
    sharing.show_notices()
    page.run()
except Exception as exc:  # noqa: BLE001 - the last line of defence; reruns pass through
    shell.unexpected_error(exc)
finally:  # after the screen, so a choice made on it already shows; also after an error
    shell.sidebar(sidebar)
    with sidebar:
        sharing.panel()
    sharing.write_link()  # the address bar holds the view: reload or share it
