"""An unexpected error shows one sentence with an id, never a traceback, and the app goes on."""

import logging

from fairdash.ui.screens import home


def test_an_unexpected_error_is_a_sentence_with_an_id(app, monkeypatch, caplog):
    def broken():
        raise RuntimeError("secret detail in /srv/fairdash/private.py")

    monkeypatch.delenv("FAIRDASH_RAISE_ERRORS")  # as a deployment runs
    monkeypatch.setattr(home, "render", broken)
    with caplog.at_level(logging.ERROR, logger="fairdash"):
        app.run()
    assert not app.exception
    [shown] = [e.value for e in app.error]
    assert "error id" in shown and "secret" not in shown and "/srv" not in shown
    error_id = shown.split("error id ")[1][:8]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)
    assert "Active data" in [c.value for c in app.sidebar.caption]  # the frame still stands
    monkeypatch.undo()
    app.switch_page("app_pages/audit.py").run()
    assert not app.exception and not app.error  # the same session goes on


def test_the_server_never_sends_error_details():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" /
                            "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
