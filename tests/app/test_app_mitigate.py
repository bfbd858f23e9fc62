"""The Mitigate page: choices, live post-processing, numbers equal the library's, the demo."""

import json

import pytest

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.mitigation import before_after, mitigate
from fairdash.models import fit_builtin, score_dataset
from fairdash.ui.state import ModelChoice

PAGE = "app_pages/mitigate.py"


def _shown(at, criterion: str, column: str) -> float:
    for table in at.table:
        frame = table.value
        if "after" in frame.columns and criterion in frame.index:
            return float(frame.loc[criterion, column].split(" ")[0])
    raise AssertionError("no before/after gap table on the page")


def _set_strength(at, method: str, value: float, release_id: str = "t-1"):
    """Let the strength component's slider go at ``value`` (post-processing with one fit per
    front: the slider is in the component's frame, docs/live-threshold.md)."""
    at.session_state[f"w_mitigate_live_{method}"] = {"strength": value, "id": release_id}
    return at.run()


def _library(method, strength, threshold=0.5):
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    res = mitigate(ds, method, strength, base_scores=scores)
    return before_after(ds, scores, res, threshold=threshold)



def test_opening_mitigate_previews_without_activating(app, open_page):
    """Issue 10 item 4: the preview is live, but nothing is active until the user says so."""
    at = open_page(app, PAGE)
    assert "mitigation" not in at.session_state or at.session_state["mitigation"] is None
    assert at.selectbox(key="w_mitigation").value == "thresholds_dp"
    ba = _library("thresholds_dp", 1.0)
    gaps = ba.before.gaps, ba.after.gaps
    dp = "Demographic parity difference"
    assert _shown(at, dp, "before") == pytest.approx(
        gaps[0].loc["demographic_parity_difference", "value"], abs=5e-4)
    assert _shown(at, dp, "after") == pytest.approx(
        gaps[1].loc["demographic_parity_difference", "value"], abs=5e-4)
    assert _shown(at, dp, "after") < 0.03 < _shown(at, dp, "before")
    assert any("Preview only" in i.value for i in at.info)

    _set_strength(at, "thresholds_dp", 0.5)
    assert not at.exception
    half = _library("thresholds_dp", 0.5).after.gaps.loc["demographic_parity_difference",
                                                          "value"]
    assert _shown(at, dp, "after") == pytest.approx(half, abs=5e-4)
    assert at.session_state["mitigation"] is None
    at.button(key="w_mitigate_apply").click().run()
    assert at.session_state["mitigation"].name == "thresholds_dp"
    assert at.session_state["mitigation"].strength == 0.5
    assert any("Active mitigation" in s.value for s in at.success)


def test_strength_zero_changes_no_decision(app, open_page):
    """Issue 10 item 1 on the screen: strength 0 is the model as it is."""
    at = open_page(app, PAGE)
    _set_strength(at, "thresholds_dp", 0.0)
    dp = "Demographic parity difference"
    assert _shown(at, dp, "after") == _shown(at, dp, "before")
    (component,) = at.get("component_instance")
    sent = json.loads(component.proto.json_args)["payload"]
    assert sent["strength"] == 0.0 and sent["changed"][0] == 0  # drawn as "0 decisions"


def test_each_method_keeps_its_own_strength(app, open_page):
    """Issue 10 item 4: a strength does not carry over from one method to the next."""
    at = open_page(app, PAGE)
    _set_strength(at, "thresholds_dp", 0.3)
    at.radio(key="w_stage").set_value("pre").run()
    at.selectbox(key="w_mitigation").set_value("reweighing").run()
    assert at.slider(key="w_strength_reweighing").value == 1.0
    assert not at.exception and not [e.value for e in at.error]
    shown = _shown(at, "Demographic parity difference", "after")
    assert shown == pytest.approx(_library("reweighing", 1.0).after.gaps.loc[
        "demographic_parity_difference", "value"], abs=5e-4)
    assert at.session_state["mitigation"] is None


def test_changing_the_model_clears_the_mitigation(app, open_page):
    at = open_page(app, PAGE)
    at.button(key="w_mitigate_apply").click().run()
    assert at.session_state["mitigation"].name == "thresholds_dp"
    at.switch_page("app_pages/model.py").run()
    assert at.session_state["mitigation"] is not None  # the same model keeps it
    at.selectbox(key="w_builtin").set_value("hgb").run()
    assert not at.exception
    assert at.session_state["mitigation"] is None


def test_compas_demo_repairs_the_decile_score(app, open_page):
    at = open_page(app, PAGE)
    at.button(key="w_compas_demo").click().run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error]
    assert at.session_state["source"].name == "compas"
    assert at.session_state["model"].kind == "scores"
    assert at.session_state["mitigation"].name == "barycenter"
    # the widgets show the demo's choice, not the previous one
    assert at.selectbox(key="w_mitigation").value == "barycenter"
    assert at.session_state["w_strength_barycenter"] == 1.0
    assert not at.warning, [w.value for w in at.warning]
    dp = "Demographic parity difference"
    assert _shown(at, dp, "after") < _shown(at, dp, "before") / 3


def test_regression_target_offers_the_barycenter_and_shows_prediction_gaps(app, open_page):
    """Adult with the continuous target hours_per_week: the linear regressor's predictions
    repaired so their distribution no longer depends on sex."""
    from fairdash.data import ColumnRoles

    roles = sample_roles("adult")
    features = tuple(c for c in roles.features if c != "hours_per_week")
    app.session_state["roles"] = ColumnRoles("hours_per_week", None, ("sex",), features)
    app.session_state["model"] = ModelChoice("builtin", "linear")
    at = open_page(app, PAGE)
    assert at.session_state["mitigation"] is None
    at.radio(key="w_stage").set_value("post").run()
    at.selectbox(key="w_mitigation").set_value("barycenter").run()
    assert not at.exception and not [e.value for e in at.error]
    ks_before, ks_after = _shown(at, "Kolmogorov-Smirnov (KS)", "before"), _shown(
        at, "Kolmogorov-Smirnov (KS)", "after")
    assert ks_before > 0.3 and ks_after < 0.1
