"""A view as URL parameters and as a saved session, and back (pure: no Streamlit)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.data import SAMPLES, ColumnRoles, sample_roles
from fairdash.mitigation import REGISTRY
from fairdash.ui.link import (
    from_query,
    from_session_json,
    synthetic_key,
    synthetic_settings,
    to_query,
    to_session_json,
)
from fairdash.ui.workspace import (
    DataSource,
    MitigationChoice,
    ModelChoice,
    Workspace,
    default_workspace,
)

SYN = {"n": 20000, "minority_share": 0.3, "base_rate_gap": 0.2, "label_bias": 0.0,
       "proxy_strength": 0.5}


@st.composite
def views(draw):
    name = draw(st.sampled_from(sorted(SAMPLES)))
    usual = sample_roles(name)
    roles = draw(st.sampled_from([usual, ColumnRoles(
        usual.target, usual.positive_label, usual.sensitive[:1], usual.features[:3])]))
    model = ModelChoice("builtin", draw(st.sampled_from(["logreg", "hgb", "rf"])))
    threshold = draw(st.sampled_from([0.5, 0.0, 1.0, 0.37, 0.65]))
    method = draw(st.none() | st.sampled_from(sorted(REGISTRY)))
    strength = draw(st.sampled_from([0.0, 0.25, 1.0, 0.6]))
    mitigation = None if method is None else MitigationChoice(method, strength)
    sweep = (method, strength) if method and draw(st.booleans()) else None
    comparison = draw(st.none() | st.just(("base", "model:hgb")))
    return Workspace(DataSource("sample", name), roles, model=model, threshold=threshold,
                     mitigation=mitigation, sweep=sweep, comparison=comparison)


@settings(max_examples=80, deadline=None)
@given(views())
def test_every_view_round_trips_through_its_parameters(ws):
    back, notes = from_query(to_query(ws))
    assert notes == []
    assert back.source == ws.source and back.threshold == ws.threshold
    assert back.mitigation == ws.mitigation and back.sweep == ws.sweep
    assert back.comparison == ws.comparison
    assert (back.roles or sample_roles(ws.source.name)) == ws.roles
    assert (back.model or ModelChoice("builtin", "logreg")) == ws.model
    assert to_query(back) == to_query(ws)


def test_the_default_view_is_a_short_link():
    assert to_query(default_workspace()) == {"data": "sample:adult"}


def test_column_names_with_commas_survive_as_repeated_keys():
    roles = ColumnRoles("y", "1", ("race, self-reported", "sex"), ("a,b", "c"))
    ws = Workspace(DataSource("sample", "adult"), roles)
    q = to_query(ws)
    assert q["sens"] == ["race, self-reported", "sex"] and q["feat"] == ["a,b", "c"]
    assert from_query(q)[0].roles == roles


def test_synthetic_settings_travel():
    key = synthetic_key(SYN)
    assert synthetic_settings(key) == SYN
    ws = Workspace(DataSource("synthetic", "Synthetic (...)", key))
    back, _ = from_query(to_query(ws))
    assert back.source.kind == "synthetic" and synthetic_settings(back.source.key) == SYN


@pytest.mark.parametrize("q, words", [
    ({"data": "upload:hires.csv"}, "uploaded file ('hires.csv'), which cannot travel"),
    ({"data": "sample:nope"}, "does not have"),
    ({"data": "synthetic:n=1;share=x"}, "could not be read"),
])
def test_what_cannot_be_restored_is_said(q, words):
    ws, notes = from_query(q)
    assert ws is None and len(notes) == 1 and words in notes[0]


@pytest.mark.parametrize("q, words", [
    ({"t": "2"}, "threshold '2' is not a number in [0, 1]"),
    ({"t": "abc"}, "threshold 'abc'"),
    ({"mit": "nonsense@1"}, "'nonsense' is not a FairDash method"),
    ({"mit": "barycenter@7"}, "strength '7' is not in [0, 1]"),
    ({"model": "upload:m.skops"}, "was an uploaded file"),
])
def test_a_bad_part_is_left_at_its_default_with_a_sentence(q, words):
    ws, notes = from_query({"data": "sample:adult", **q})
    assert ws is not None and ws.source == DataSource("sample", "adult")
    assert any(words in n for n in notes), notes
    assert ws.threshold == 0.5 and ws.mitigation is None


def test_no_data_means_no_link():
    assert from_query({}) == (None, [])


def test_saved_session_round_trip_and_refusals():
    ws = Workspace(DataSource("sample", "compas"), sample_roles("compas"), threshold=0.7)
    params, fingerprint = from_session_json(to_session_json(ws, "abc"))
    assert fingerprint == "abc" and from_query(params)[0].threshold == 0.7
    with pytest.raises(ValueError, match="not JSON"):
        from_session_json(b"\x89PNG")
    with pytest.raises(ValueError, match="not a FairDash saved session"):
        from_session_json(json.dumps({"view": {}}))
