"""Streamlit custom components of the dashboard (plain HTML and JavaScript, no build step)."""
