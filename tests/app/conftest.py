"""AppTest fixtures: a fresh app per test, caches cleared afterwards."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from fairdash.ui import budget

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app(monkeypatch):
    """An AppTest of app.py, not yet run; caches are cleared when the test ends. An unexpected
    error is raised (``at.exception``) instead of shown as a sentence with an id."""
    monkeypatch.setenv("FAIRDASH_RAISE_ERRORS", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    yield at
    st.cache_data.clear()
    st.cache_resource.clear()
    budget.clear()


def _gap_value(at, name: str) -> float:
    for table in at.table:
        frame = table.value
        if "fairlearn name" in frame.columns:
            shown = frame.set_index("fairlearn name").loc[name, "value"]
            return float("nan") if shown == "n/a" else float(shown)
    raise AssertionError("no gap table on the page")


@pytest.fixture
def gap_value():
    """``gap_value(at, name)``: the value the audit page's gap table shows for ``name``."""
    return _gap_value


def _open_page(app, page: str):
    """Run the app, switch to ``page`` and check it opened without an error."""
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not [e.value for e in app.error]
    return app


@pytest.fixture
def open_page():
    """``open_page(app, "app_pages/x.py")``: the AppTest, run and switched to that page."""
    return _open_page


@pytest.fixture(scope="session")
def adult():
    """Full Adult with the app's defaults and the default model's scores on every row: what
    the pages show, computed by the library."""
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset

    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    return ds, score_dataset(fit_builtin(ds, "logreg"), ds)


def _metric(at, label):
    for m in at.metric:
        if m.label == label:
            return m
    raise AssertionError(f"no metric '{label}' on the page: {[m.label for m in at.metric]}")


@pytest.fixture
def metric():
    """``metric(at, label)``: the ``st.metric`` element called ``label``."""
    return _metric
