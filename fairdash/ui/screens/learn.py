"""Learn: the lessons of a 90-minute workshop, run from the app alone (docs/methods.md §12)."""

from __future__ import annotations

import streamlit as st

from fairdash.learn import LESSONS, handout_html, link_terms
from fairdash.ui import format as fmt
from fairdash.ui.screens import learn_common as common

#: minutes per lesson in the suggested 90-minute plan
PLAN = {"rates": 15, "impossible": 20, "loan": 20, "bias": 20, "pays": 15, "bounty": 15}


def render() -> None:
    """The Learn home: the lessons, their goals and handouts, and workshop mode."""
    st.title("Learn: fairness in six lessons")
    on = common.workshop()
    st.markdown(link_terms(fmt.md(
        "Five lessons for a 90-minute workshop, and a sixth, a class game, for spare time. "
        "Each runs on a small population built into "
        "the app, so nothing needs uploading: a goal, a live figure with one to three knobs, "
        "what to notice (with the numbers), a task the app checks, and a button that does the "
        "same on real data. Every number comes from the same library the analysis screens "
        "use.")))
    if on:
        st.caption("Workshop mode: the sidebar is hidden; use the links under each lesson.")
    for key, lesson in LESSONS.items():
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.page_link(common.LESSON_PAGES[key],
                           label=f"Lesson {lesson.number}: {lesson.title}",
                           icon=":material/play_circle:")
            left.markdown(f"{link_terms(fmt.md(lesson.goal))} *About {PLAN[key]} minutes.*")
            if not on:
                right.download_button("Handout (HTML)", handout_html(key),
                                       file_name=f"fairdash-lesson-{lesson.number}.html",
                                       mime="text/html", key=f"w_learn_home_handout_{key}",
                                       icon=":material/print:")
    st.markdown("Open a handout in the browser and print it: the goal, steps and questions "
                "fill page one, the answers start on page two.")
    common.navigation(None)
