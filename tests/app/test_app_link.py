"""The URL holds the view: a new session opened on it (a reload, a colleague's link) shows the
same data, roles, model, threshold, mitigation, chosen point and Compare pair; what cannot
travel is said in a sentence; a saved session restores the view."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fairdash.data import ColumnRoles, sample_roles
from fairdash.ui.workspace import MitigationChoice, ModelChoice

APP = str(Path(__file__).resolve().parents[2] / "app.py")

VIEW_KEYS = ("source", "roles", "rescale_scores", "model", "threshold", "mitigation", "sweep",
             "comparison")


def _view(at) -> dict:
    return {k: at.session_state[k] for k in VIEW_KEYS}


def _reopen(at) -> AppTest:
    """A new session on the first one's URL."""
    other = AppTest.from_file(APP, default_timeout=120)
    other.query_params.update({k: v for k, v in at.query_params.items()})
    other.run()
    assert not other.exception, other.exception
    return other


def test_the_default_view_is_a_short_link(app):
    app.run()
    assert dict(app.query_params) == {"data": "sample:adult"}


@pytest.mark.parametrize("change", [
    {"threshold": 0.65},
    {"model": ModelChoice("builtin", "hgb")},
    {"mitigation": MitigationChoice("thresholds_eo", 0.6)},
    {"mitigation": MitigationChoice("barycenter", 0.4), "sweep": ("barycenter", 0.4)},
    {"comparison": ("base", "model:rf")},
    {"roles": ColumnRoles("income_gt_50k", "1", ("sex", "race"),
                          sample_roles("adult").features[:5])},
])
def test_a_reopened_link_shows_the_same_view(app, change):
    app.run()
    for key, value in change.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception
    other = _reopen(app)
    assert _view(other) == _view(app)
    for key, value in change.items():
        assert other.session_state[key] == value


def test_synthetic_data_and_a_sample_travel(app):
    app.run()
    app.switch_page("app_pages/data.py").run()
    app.radio(key="w_source_kind").set_value("Synthetic data").run()
    app.number_input(key="w_syn_n").set_value(3000).run()
    app.slider(key="w_syn_bias").set_value(0.3).run()
    app.button(key="w_syn_go").click().run()
    assert app.session_state["source"].kind == "synthetic"
    app.session_state["threshold"] = 0.3
    app.run()
    other = _reopen(app)
    assert _view(other) == _view(app)
    assert len(other.session_state["upload_frame"][0]) == 3000


def test_an_upload_link_says_it_cannot_travel(app):
    app.query_params.update({"data": "upload:<b>hires</b>.csv", "t": "0.3"})
    app.run()
    assert not app.exception
    shown = " ".join(w.value for w in app.warning)
    assert "cannot travel in a link" in shown and "upload it again" in shown
    assert "<b>" not in shown.replace("\\<b>", "")  # the file name is escaped
    assert app.session_state["source"].name == "adult"


def test_a_link_whose_parts_do_not_fit_keeps_the_rest(app):
    app.query_params.update({"data": "sample:german", "target": "no_such_column",
                             "model": "builtin:nope", "t": "0.4"})
    app.run()
    assert not app.exception
    shown = " ".join(w.value for w in app.warning)
    assert "column roles do not fit" in shown and "model 'nope' does not fit" in shown
    assert app.session_state["source"].name == "german"
    assert app.session_state["roles"] == sample_roles("german")
    assert app.session_state["threshold"] == 0.4


def test_a_saved_session_restores_the_view(app):
    app.run()
    app.session_state["threshold"] = 0.7
    app.session_state["mitigation"] = MitigationChoice("thresholds_dp", 1.0)
    app.run()
    saved = dict(app.query_params)
    from fairdash.ui.link import to_session_json
    from fairdash.ui.workspace import Workspace
    text = to_session_json(Workspace(app.session_state["source"], app.session_state["roles"],
                                     threshold=0.7,
                                     mitigation=MitigationChoice("thresholds_dp", 1.0)), None)
    fresh = AppTest.from_file(APP, default_timeout=120)
    fresh.run()
    fresh.sidebar.file_uploader(key="w_share_load").set_value(
        ("fairdash-session.json", text.encode(), "application/json")).run()
    assert not fresh.exception
    assert fresh.session_state["threshold"] == 0.7
    assert fresh.session_state["mitigation"] == MitigationChoice("thresholds_dp", 1.0)
    assert dict(fresh.query_params) == saved
