"""FairDash entry point: page config, session defaults, navigation and the sidebar.

A new session on a chart screen gets its chart placeholder first (``prime_charts``): before
anything imports the data layer (pandas, numpy, pyarrow), which ``shell`` and ``state`` leave to
the functions that need it, so the browser loads its chart code while the server imports and
works (issue 16, docs/live-threshold.md).
"""

import sys

import streamlit as st

from fairdash.ui import shell, state

#: the server's GIL switch interval (s). A script computing in Python holds the GIL, and the
#: server's event loop, which sends the messages the script has queued, needs it back after
#: every socket write: at Python's default (5 ms) a first run's elements, the first chart
#: included, reached the browser up to 0.9 s after the script queued them (load 5; issue 16,
#: docs/live-threshold.md).
SWITCH_INTERVAL = 0.0005


def prime_charts(slot) -> None:
    """Draw an empty, invisible plotly chart in ``slot`` (a session's first run only).

    Streamlit's browser code loads its plotly chart code (a 4.7 MB script, about 1 s to fetch
    and evaluate on a 2-core machine) only when the first chart arrives; a first screen that
    trains a model before its first chart then pays that second after the server's work
    instead of during it. This placeholder, sent before any work, makes the browser load it
    while the server imports, trains and audits (issue 16, docs/live-threshold.md). It is
    10 px of nothing at the foot of the sidebar and is gone after the first rerun.
    """
    import plotly.graph_objects as go  # Streamlit has imported plotly already

    figure = go.Figure(layout={
        "height": 10, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {"visible": False}, "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"})
    slot.plotly_chart(figure, config={"staticPlot": True, "displayModeBar": False},
                      key="fig_primer")


#: pages whose first run draws a plotly chart after heavy work (url paths): primed on arrival
CHART_PAGES = {"audit", "mitigate", "tradeoffs", "compare", "subgroups", "learn_rates",
               "learn_impossible", "learn_loan", "learn_bias", "learn_pays", "learn_bounty"}

sys.setswitchinterval(SWITCH_INTERVAL)  # process-wide and cheap; every run sets the same
st.set_page_config(page_title="FairDash", page_icon="⚖️", layout="wide")
new_session = state.new_session()
page = st.navigation(shell.pages(), expanded=True)  # every screen and lesson in view
sidebar = st.sidebar.container()
if new_session and page.url_path in CHART_PAGES:
    prime_charts(st.sidebar.empty())

from fairdash.ui import sharing  # the data layer and pandas: once the placeholder is sent

state.init()
if new_session:
    sharing.restore_link()  # the view in the URL, if any (a shared link, a reload)
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
