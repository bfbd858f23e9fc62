"""The Mitigate strength component on the server side (issue 16): what it is sent equals the
library's ``mitigate`` followed by an audit of the test rows at every strength of the grid,
a release is applied once and reruns the preview, and making it active stays explicit."""

import json

import numpy as np
import pytest

from fairdash.mitigation import before_after, explain_knob, mitigate
from fairdash.report._live import counts_from_payload
from fairdash.ui.state import MitigationChoice

PAGE = "app_pages/mitigate.py"


def payload(at) -> dict:
    """The strength component's payload (the only component on the Mitigate screen)."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["payload"]


def release(at, method: str, strength: float, release_id: str):
    """What the component sends when the slider is let go at ``strength``."""
    at.session_state[f"w_mitigate_live_{method}"] = {"strength": strength, "id": release_id}
    return at.run()


def expected_counts(dataset, result, labels) -> np.ndarray:
    """(K, 4) expected tn, fp, fn, tp of ``result`` on the test rows, groups in ``labels``
    order, from its scores (decision probabilities when randomised)."""
    from fairdash.data import AUDITED_SPLIT

    mask = dataset.rows(AUDITED_SPLIT)
    y, s = dataset.y[mask], result.scores[mask]
    d = s if result.decisions_only else (s >= 0.5).astype(float)
    group = np.asarray(dataset.group_labels)[dataset.group_codes[mask]].astype(str)
    out = []
    for g in labels:
        pos, neg = (group == g) & (y == 1), (group == g) & (y == 0)
        out.append([neg.sum() - d[neg].sum(), d[neg].sum(), pos.sum() - d[pos].sum(),
                    d[pos].sum()])
    return np.array(out)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["thresholds_dp", "thresholds_eo", "barycenter"])
def test_the_counts_sent_are_the_librarys_at_every_strength(app, open_page, adult, method):
    at = open_page(app, PAGE)
    if method == "thresholds_eo":
        at.selectbox(key="w_criterion").set_value("equalized_odds_difference").run()
        at.radio(key="w_stage").set_value("post").run()
    at.selectbox(key="w_mitigation").set_value(method).run()
    assert not at.exception
    sent = payload(at)
    live, dataset, scores = sent["live"], adult[0], adult[1]
    assert sent["strengths"] == [round(0.01 * i, 2) for i in range(101)]
    for i, s in enumerate(sent["strengths"]):
        result = mitigate(dataset, method, s, base_scores=scores, threshold=0.5)
        np.testing.assert_allclose(counts_from_payload(live, i),
                                   expected_counts(dataset, result, live["labels"]),
                                   rtol=1e-9, atol=1e-9, err_msg=f"{method} at {s}")
        assert sent["knob"][i] == explain_knob(method, result.native, s)
        if i % 25 == 0:
            ba = before_after(dataset, scores, result, threshold=0.5, n_resamples=1)
            assert sent["changed"][i] == pytest.approx(ba.changed, rel=1e-9, abs=1e-9)
            assert live["n"] == ba.after.groups["n"].tolist()
            assert live["labels"] == [str(g) for g in ba.after.groups.index]


def test_a_release_sets_the_strength_once_and_activation_stays_explicit(app, open_page):
    at = open_page(app, PAGE)
    assert payload(at)["strength"] == 1.0
    release(at, "thresholds_dp", 0.37, "a-1")
    assert not at.exception
    assert at.session_state["w_strength_thresholds_dp"] == 0.37
    assert payload(at)["strength"] == 0.37  # the component is redrawn at the new strength
    assert any(s.value.startswith("Fairness gaps at strength 0.37") for s in at.subheader)
    assert at.session_state["mitigation"] is None  # a preview only
    # a rerun with the same release does not undo a strength set later
    at.session_state["w_strength_thresholds_dp"] = 0.6
    at.run()
    assert at.session_state["w_strength_thresholds_dp"] == 0.6
    release(at, "thresholds_dp", 0.42, "a-2")
    assert payload(at)["strength"] == 0.42
    at.button(key="w_mitigate_apply").click().run()
    assert at.session_state["mitigation"] == MitigationChoice("thresholds_dp", 0.42)
    assert any("Active mitigation" in s.value for s in at.success)


def test_training_methods_and_a_regression_target_keep_the_server_slider(app, open_page):
    at = open_page(app, PAGE)
    assert len(at.get("component_instance")) == 1 and not at.slider
    at.radio(key="w_stage").set_value("pre").run()
    assert not at.get("component_instance")
    assert at.slider(key="w_strength_reweighing").value == 1.0
