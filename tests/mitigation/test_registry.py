"""The registry: every entry builds its estimator, maps strength, and describes itself."""

import json
import pickle

import pytest
from sklearn.base import clone

from fairdash.mitigation import REGISTRY, STAGES, get_method, methods_for
from fairdash.metrics import GAPS

NAMES = list(REGISTRY)


@pytest.mark.parametrize("name", NAMES)
def test_entry_builds_an_estimator_with_strength(name):
    m = REGISTRY[name]
    for s in (0.0, 0.5, 1.0):
        est = m.make(s)
        assert est.get_params()["strength"] == s
        for key, value in m.params.items():
            assert est.get_params()[key] == value
        clone(est)
        pickle.loads(pickle.dumps(est))


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_complete(name):
    m = REGISTRY[name]
    assert m.stage in STAGES
    assert m.criterion in GAPS
    assert set(m.tasks) <= {"classification", "regression"} and m.tasks
    assert m.what.endswith(".") and m.assumes.endswith(".")
    json.dumps(m.to_dict())


def test_strength_outside_unit_interval_is_refused():
    with pytest.raises(ValueError, match="Strength"):
        REGISTRY["barycenter"].make(1.5)


def test_unknown_method_names_the_valid_ones():
    with pytest.raises(ValueError, match="thresholds_dp"):
        get_method("magic")


def test_filters():
    post_only = methods_for("classification", has_features=False)
    assert {m.stage for m in post_only} == {"post"}
    assert "barycenter_sequential" not in {m.name for m in post_only}
    assert "barycenter_sequential" in {m.name for m in methods_for("classification",
                                                                   n_sensitive=2)}
    regression = {m.name for m in methods_for("regression")}
    assert "barycenter" in regression and "thresholds_dp" not in regression
    assert all(m.criterion == "equalized_odds_difference"
               for m in methods_for(criterion="equalized_odds_difference"))
    # every stage offers something for demographic parity
    assert {m.stage for m in methods_for(criterion="demographic_parity_difference")} == set(
        STAGES)


def test_randomised_flags_match_the_spec():
    """docs/methods.md §10: thresholds, reductions and random repair randomise."""
    randomised = {m.name for m in REGISTRY.values() if m.randomised}
    assert randomised == {"thresholds_dp", "thresholds_eop", "thresholds_eo", "reductions_dp",
                          "reductions_eop", "reductions_eo", "ot_repair_random"}
    needs_s = {m.name for m in REGISTRY.values() if m.needs_sensitive_at_predict}
    assert needs_s == {"di_remover", "ot_repair", "ot_repair_random", "thresholds_dp",
                       "thresholds_eop", "thresholds_eo", "barycenter", "barycenter_sequential"}


def test_single_fit_front_and_retrains():
    from fairdash.tradeoff import FAST_METHODS

    assert {m.name for m in REGISTRY.values() if m.single_fit_front} == set(FAST_METHODS) == {
        "thresholds_dp", "thresholds_eop", "thresholds_eo", "barycenter"}
    for m in REGISTRY.values():
        assert m.retrains == (m.inputs == "features")
        assert m.to_dict()["retrains"] == m.retrains
    assert REGISTRY["reweighing"].retrains and not REGISTRY["barycenter"].retrains
    # exactly the methods offered without features are those that do not retrain
    assert {m.name for m in methods_for("classification", has_features=False)} == {
        m.name for m in methods_for("classification") if not m.retrains}


def test_criterion_labels():
    from fairdash.mitigation import CRITERIA, criterion_label

    assert set(CRITERIA) == {m.criterion for m in REGISTRY.values()}
    assert criterion_label("demographic_parity_difference") == (
        "Demographic parity: equal selection rates")
    assert criterion_label("demographic_parity_difference", "regression") == (
        "Demographic parity: the same distribution of predictions in every group")
    assert criterion_label("equalized_odds_difference", "classification") == CRITERIA[
        "equalized_odds_difference"]
    with pytest.raises(ValueError, match="demographic_parity_difference"):
        criterion_label("accuracy")
    # the method labels use the same words
    assert REGISTRY["thresholds_eop"].label == "Group thresholds (equal opportunity)"
