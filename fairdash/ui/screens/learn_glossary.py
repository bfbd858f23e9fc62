"""Glossary: the terms of the lessons and screens, each with an anchor the lessons link to."""

from __future__ import annotations

import streamlit as st

from fairdash.learn import GLOSSARY
from fairdash.ui import format as fmt
from fairdash.ui.screens import learn_common as common


def render() -> None:
    """The glossary screen."""
    st.title("Glossary")
    common.workshop()
    st.markdown("The terms the lessons and the analysis screens use, in the order a workshop "
                "meets them. Formulas and papers: docs/methods.md, section given per term.")
    for anchor, (term, definition, _, section) in GLOSSARY.items():
        st.subheader(term, anchor=anchor)
        st.markdown(f"{fmt.md(definition)} *(docs/methods.md {section})*")
    common.navigation(None)
