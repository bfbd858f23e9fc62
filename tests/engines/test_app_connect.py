"""The Data screen's "Connect to a table" source (AppTest): off by default; when the deployment
turns it on, the audit of every row comes from the engine's counts, group thresholds fitted on
rows the engine draws are measured on every row and shown as SQL, and a sample of rows drawn by
the engine becomes the active table for the screens that need rows."""

import importlib.util
from pathlib import Path

from engine_tables import decision_log, pandas_reference

_SPEC = importlib.util.spec_from_file_location(
    "app_fixtures", Path(__file__).resolve().parents[1] / "app" / "conftest.py")
_APP_FIXTURES = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_APP_FIXTURES)
app = _APP_FIXTURES.app  # the AppTest fixture of tests/app: a fresh app, caches cleared after


def _data_page(at):
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, at.exception
    return at.radio(key="w_source_kind")


def test_the_source_is_off_by_default(app, monkeypatch):
    monkeypatch.delenv("FAIRDASH_CONNECT", raising=False)
    assert "Connect to a table" not in _data_page(app).options


def test_connect_audits_every_row_from_counts_then_samples_rows(app, monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    frame = decision_log(30_000, n_groups=3, seed=21)
    frame.to_parquet(tmp_path / "log.parquet")
    _data_page(app).set_value("Connect to a table").run()
    app.text_input[0].set_value(str(tmp_path / "log.parquet")).run()
    app.selectbox(key="w_target_connect").set_value("label").run()
    app.multiselect(key="w_sensitive_connect").set_value(["group"]).run()
    app.selectbox(key="w_score_connect").set_value("score").run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "Counted 30,000 rows in duckdb" in app.success[0].value
    ref, _ = pandas_reference(frame, "label", ("group",), "1")
    shown = app.dataframe[1].value["value"]
    assert shown.to_dict() == ref.gaps["value"].round(3).to_dict()
    app.toggle[0].set_value(True).run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    after = app.dataframe[2].value["value"]
    assert after["demographic_parity_difference"] < 1e-6  # thresholds_dp at strength 1
    assert "CASE" in app.code[0].value and "decision_proba" in app.code[0].value
    app.number_input[0].set_value(2_000).run()
    app.button(key="w_apply_connect_sample").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert len(app.session_state["upload_frame"][0]) == 2_000
