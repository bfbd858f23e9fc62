"""The Audit threshold component on the server side (issue 16): what it is sent equals the
library's audit at every threshold, and a release is applied once, through the state."""

import json

import numpy as np
import pytest

from fairdash.data import AUDITED_SPLIT, build_dataset, load_sample, sample_roles
from fairdash.metrics import ScoreIndex, audit_counts, encode_groups
from fairdash.models import fit_builtin, score_dataset
from fairdash.report._live import counts_from_payload


@pytest.fixture(scope="module")
def adult_index():
    """The library's ScoreIndex of the audited Adult rows under the app's default model."""
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    mask = ds.rows(AUDITED_SPLIT)
    codes, labels = encode_groups(ds.frame.loc[mask, list(ds.roles.sensitive)])
    return ScoreIndex(ds.y[mask], scores[mask], codes, len(labels)), [str(g) for g in labels]


def _payload(at):
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["payload"]


def _release(at, threshold, release_id):
    at.session_state["w_threshold"] = {"threshold": threshold, "id": release_id}
    return at.run()


def test_the_counts_sent_are_the_librarys_at_every_threshold(app, open_page, adult_index):
    at = open_page(app, "app_pages/audit.py")
    payload = _payload(at)
    index, labels = adult_index
    live = payload["live"]
    assert payload["threshold"] == 0.5 and live["labels"] == labels
    assert live["thresholds"][live["audited_index"]] == 0.5
    counts = index.counts_at(np.asarray(live["thresholds"]))
    for pos in range(len(live["thresholds"])):
        np.testing.assert_array_equal(counts_from_payload(live, pos), counts[pos])
    at0 = audit_counts(counts_from_payload(live, live["audited_index"]), labels, n_resamples=1)
    assert [name for name, _ in payload["gaps"]] == list(at0.gaps.index)
    assert set(payload["figs"]) == {"bars", "roc", "hist"}
    assert payload["figs"]["bars"]["live"]["rate"] == "selection_rate"


def test_a_release_sets_the_threshold_once(app, open_page, gap_value, adult_index):
    at = open_page(app, "app_pages/audit.py")
    index, labels = adult_index
    _release(at, 0.37, "a-1")
    assert not at.exception
    assert at.session_state["threshold"] == 0.37
    assert at.query_params["t"] == "0.37"  # the URL follows
    assert _payload(at)["threshold"] == 0.37  # the component is redrawn at the new threshold
    want = audit_counts(index.counts_at(0.37), labels, n_resamples=1)
    assert gap_value(at, "demographic_parity_difference") == pytest.approx(
        want.gaps.loc["demographic_parity_difference", "value"], abs=5e-4)
    # a rerun with the same release (say, a rate chosen) does not undo a threshold set later
    at.session_state["threshold"] = 0.6
    at.run()
    assert at.session_state["threshold"] == 0.6
    _release(at, 0.42, "a-2")
    assert at.session_state["threshold"] == 0.42


def test_against_a_reference_group_the_payload_names_it(app, open_page):
    at = open_page(app, "app_pages/audit.py")
    at.selectbox(key="w_method").select("vs_reference").run()
    at.selectbox(key="w_reference").select("Male").run()
    assert not at.exception
    live = _payload(at)["live"]
    assert live["method"] == "vs_reference"
    assert live["labels"][live["reference"]] == "Male"
