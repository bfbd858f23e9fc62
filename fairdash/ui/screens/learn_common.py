"""What every Learn screen shares: workshop mode, knobs that survive page changes, the
"what to notice" and "try this" boxes, handouts and the lesson navigation.

The lessons' numbers come from :mod:`fairdash.learn`; this module only renders them.
"""

from __future__ import annotations

import streamlit as st

from fairdash.learn import LESSONS, handout_html, link_terms
from fairdash.ui import format as fmt
from fairdash.ui import shell, state

SCREEN = "learn"
WORKSHOP_KEY = "w_learn_workshop"
#: page of each lesson, in order
LESSON_PAGES = {key: f"app_pages/learn_{key}.py" for key in LESSONS}
LEARN_HOME = "app_pages/learn.py"
#: projector styles: larger type, no sidebar, the full width
WORKSHOP_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 1.2rem 2.2rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, [data-testid="stAlertContainer"] p { font-size: 1.3rem; }
[data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.05rem; }
[data-testid="stCode"] code { font-size: 1.1rem; }
[data-testid="stSelectbox"] input { font-size: 1.15rem !important; }
h1 { font-size: 2.6rem !important; }
</style>"""


def knob(key: str, default):
    """Seed widget ``key`` from this screen's memory (Streamlit forgets a page's widget keys
    when another page is shown), so it is drawn with the value the learner left it at."""
    if state.widget(key) is None:
        state.seed_widget(SCREEN, key, state.screen_memory(SCREEN, key, default))


def keep(key: str, value) -> None:
    """Remember a knob's value for :func:`knob`."""
    state.remember(SCREEN, key, value)


def set_knob(key: str, value) -> None:
    """Move a knob (from a button's callback, before it is drawn) and remember it."""
    state.seed_widget(SCREEN, key, value)
    keep(key, value)


def workshop() -> bool:
    """The presenter toggle: True in workshop (projector) mode, whose styles it applies."""
    # every Learn page draws this key: seed it on every run (a page's widget of the same key is
    # another widget to Streamlit), and remember a change in the callback, before the run
    state.seed_widget(SCREEN, WORKSHOP_KEY, state.screen_memory(SCREEN, WORKSHOP_KEY, False))
    on = st.toggle("Workshop mode (projector: large type, lesson controls only)",
                   key=WORKSHOP_KEY, on_change=_keep_workshop,
                   help="Enlarges text and figures and hides the sidebar, the handout and the "
                        "links to the analysis screens. Turn it off to see them again.")
    if on:
        st.html(WORKSHOP_CSS)
    return on


def _keep_workshop() -> None:
    keep(WORKSHOP_KEY, bool(state.widget(WORKSHOP_KEY)))


def header(key: str) -> bool:
    """Title, goal and the workshop toggle of lesson ``key``; True in workshop mode."""
    lesson = LESSONS[key]
    st.title(f"Lesson {lesson.number}: {lesson.title}")
    on = workshop()
    st.markdown(f"**Goal.** {link_terms(fmt.md(lesson.goal))}")
    return on


def lesson(key: str, live, real_data_label, go, intro: str | None = None) -> None:
    """A lesson screen: header, ``intro`` (markdown), ``live(workshop_on)``, the "do this on
    real data" button (``real_data_label``: text, or a callable giving it after ``live`` ran;
    hidden in workshop mode) and the footer."""
    on = header(key)
    if intro:
        st.markdown(intro)
    live(on)
    if not on:
        real_data(real_data_label() if callable(real_data_label) else real_data_label, go)
    footer(key, on)


def notice(sentences) -> None:
    """"What to notice": the library's sentences, escaped, with glossary terms linked."""
    st.markdown("**What to notice**")
    st.markdown(link_terms("\n".join(f"- {fmt.md(s)}" for s in sentences)))


def task(key: str, check) -> None:
    """The "try this" box with the library's verdict."""
    st.markdown(f"**Try this.** {fmt.md(LESSONS[key].task)}")
    if check.done:
        st.success(fmt.md(check.message), icon=":material/check_circle:")
    else:
        st.info(fmt.md(check.message), icon=":material/pending:")


def footer(key: str, workshop_on: bool) -> None:
    """Sources, the handout and the lesson navigation (the handout hidden in workshop mode)."""
    lesson = LESSONS[key]
    st.caption(f"Maths: docs/methods.md {lesson.methods}. Sources: {fmt.md(lesson.papers)}.")
    if not workshop_on:
        st.download_button(f"Handout for lesson {lesson.number} (HTML, prints on two pages)",
                           handout_html(key), file_name=f"fairdash-lesson-{lesson.number}.html",
                           mime="text/html", key=f"w_learn_handout_{key}",
                           icon=":material/print:")
    navigation(key)


def navigation(key: str | None) -> None:
    """Links to the previous and next lesson, the Learn home and the glossary (the sidebar is
    hidden in workshop mode, so these are the way around)."""
    keys = list(LESSONS)
    cols = st.columns(4)
    if key is not None and keys.index(key) > 0:
        prev = keys[keys.index(key) - 1]
        cols[0].page_link(LESSON_PAGES[prev], label=f"← Lesson {LESSONS[prev].number}")
    if key is None or keys.index(key) < len(keys) - 1:
        nxt = keys[0] if key is None else keys[keys.index(key) + 1]
        cols[1].page_link(LESSON_PAGES[nxt], label=f"Lesson {LESSONS[nxt].number} →")
    cols[2].page_link(LEARN_HOME, label="All lessons", icon=":material/school:")
    cols[3].page_link(shell.GLOSSARY_PAGE, label="Glossary", icon=":material/menu_book:")


def real_data(label: str, go) -> None:
    """The "do this on real data" button: ``go()`` sets the state, then the page switches."""
    if st.button(f"Do this on real data: {label}", key="w_learn_real_data",
                 icon=":material/open_in_new:"):
        page = go()
        st.switch_page(page)


def chart(fig, key: str, large: bool = False) -> None:
    """A lesson figure at the full width; in workshop mode with the figure's own (larger)
    fonts rather than the app theme's."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False},
                    theme=None if large else "streamlit")
