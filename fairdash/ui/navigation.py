"""The page list: read by app.py and by the smoke tests."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]

#: (script relative to the project root, title, icon, default page?)
PAGES = (
    ("app_pages/data.py", "Data", ":material/table_view:", False),
    ("app_pages/model.py", "Model", ":material/model_training:", False),
    ("app_pages/audit.py", "Audit", ":material/balance:", True),
    ("app_pages/mitigate.py", "Mitigate", ":material/tune:", False),
    ("app_pages/tradeoffs.py", "Tradeoffs", ":material/scatter_plot:", False),
    ("app_pages/compare.py", "Compare", ":material/compare_arrows:", False),
)


def pages() -> list:
    """``st.Page`` objects in menu order; the Audit page opens first."""
    return [st.Page(str(ROOT / path), title=title, icon=icon, default=default)
            for path, title, icon, default in PAGES]
