"""Issue 11's bad-input matrix, app half: every bad file of ``hostile_inputs`` uploaded in ONE
session (as one stubborn user would) gets a sentence with the words that say what is wrong,
no traceback and no exception; after each one the same session still audits the sample data
(the command-line half: ``tests/test_bad_input_cli.py``)."""

from pathlib import Path

import pytest
import streamlit as st
from hostile_inputs import MODEL_CASES, TABLE_CASES, TRACEBACK_MARKS
from streamlit.testing.v1 import AppTest

from fairdash.ui import budget

APP = str(Path(__file__).resolve().parents[2] / "app.py")

APP_CASES = [c for c in TABLE_CASES if c.app]
PAGES = ("app_pages/data.py", "app_pages/model.py", "app_pages/audit.py")


@pytest.fixture(scope="module")
def session():
    """One session for the whole module: each case must leave it usable for the next."""
    mp = pytest.MonkeyPatch()
    mp.setenv("FAIRDASH_RAISE_ERRORS", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    yield at
    mp.undo()
    st.cache_data.clear()
    st.cache_resource.clear()
    budget.clear()


def _shown(at) -> str:
    """Every text element of the page, to look for traceback marks."""
    parts = [e.value for kind in ("error", "warning", "info", "caption", "markdown", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _refusal(at, words) -> str:
    """The first error or warning on Data, Model or Audit holding every one of ``words``."""
    seen = []
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert not any(mark in _shown(at) for mark in TRACEBACK_MARKS), _shown(at)
        seen += [m.value for m in list(at.error) + list(at.warning)]
        for message in seen:
            if all(w.lower() in message.lower() for w in words):
                return message
    raise AssertionError(f"no message with {words}; shown: {seen}")


def _still_audits(at) -> None:
    """The last good data (the Adult sample) is active and audits without an error."""
    assert at.session_state["source"].name == "adult"
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("fairlearn name" in t.value.columns for t in at.table)


@pytest.mark.parametrize("case", APP_CASES, ids=[c.id for c in APP_CASES])
def test_a_bad_upload_gets_a_sentence_and_the_session_goes_on(session, case):
    session.switch_page("app_pages/data.py").run()
    session.radio(key="w_source_kind").set_value("Upload a file").run()
    session.file_uploader(key="w_upload").set_value(
        (case.filename, case.data, "application/octet-stream")).run()
    message = _refusal(session, case.words)
    assert "Traceback" not in message
    _still_audits(session)


@pytest.mark.parametrize("case", MODEL_CASES, ids=[c.id for c in MODEL_CASES])
def test_a_bad_model_file_gets_a_sentence_and_the_model_stays(session, case):
    session.switch_page("app_pages/model.py").run()
    session.radio(key="w_model_kind").set_value("Upload a model (skops file)").run()
    session.file_uploader(key="w_model_upload").set_value(
        (case.filename, case.data, "application/octet-stream")).run()
    assert not session.exception
    messages = [e.value for e in session.error]
    assert any(all(w.lower() in m.lower() for w in case.words) for m in messages), messages
    assert not any(mark in _shown(session) for mark in TRACEBACK_MARKS)
    assert session.session_state["model"].kind == "builtin"   # the last good model stays
    _still_audits(session)
