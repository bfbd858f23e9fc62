"""Strength 0 is the model as it is, for every method (issue #10 item 1), on Adult and COMPAS."""

import numpy as np
import pytest

from fairdash.mitigation import before_after, evaluate, methods_for, mitigate

POST = ["thresholds_dp", "thresholds_eop", "thresholds_eo", "barycenter"]
GAPS = ["demographic_parity_difference", "equal_opportunity_difference",
        "equalized_odds_difference"]


@pytest.fixture(scope="module", params=["adult", "compas"])
def case(request, adult_full, compas_deployed):
    return adult_full if request.param == "adult" else compas_deployed


@pytest.mark.parametrize("name", POST)
@pytest.mark.parametrize("threshold", [0.5, 0.65])
def test_post_processing_at_strength_zero_changes_no_decision(case, name, threshold):
    ds, base = case
    result = mitigate(ds, name, 0.0, base_scores=base, threshold=threshold)
    np.testing.assert_array_equal(result.scores, base)
    assert not result.decisions_only and result.threshold == threshold and result.note
    before = evaluate(ds, base, threshold=threshold, n_resamples=20)
    ba = before_after(ds, base, result, threshold=threshold, before=before, n_resamples=20)
    assert ba.changed == 0
    np.testing.assert_array_equal(ba.after.gaps.loc[GAPS, "value"],
                                  before.gaps.loc[GAPS, "value"])
    assert ba.after.overall["accuracy"] == before.overall["accuracy"]


@pytest.mark.parametrize("name", ["thresholds_dp", "thresholds_eop", "thresholds_eo"])
@pytest.mark.parametrize("threshold", [0.5, 0.65])
def test_the_fitted_thresholds_at_strength_zero_are_the_base_rule(case, name, threshold):
    """What the estimator behind the result decides is the base rule too, and the reported
    e0 is the base model's violation on the calibration rows."""
    ds, base = case
    result = mitigate(ds, name, 0.0, base_scores=base, threshold=threshold)
    est = result.estimator
    groups = ds.group_labels[ds.group_codes]
    np.testing.assert_array_equal(est.decision_proba(base, sensitive_features=groups),
                                  (base >= threshold).astype(float))
    assert est.threshold == threshold
    assert result.native["tolerance"] == result.native["e0"] == est.e0_ > 0


@pytest.mark.parametrize("name", ["thresholds_dp", "thresholds_eo"])
def test_threshold_changes_the_path_not_the_end(case, name):
    """Half way, the rule depends on the base threshold; at strength 1 it does not."""
    ds, base = case
    half = [mitigate(ds, name, 0.5, base_scores=base, threshold=t).scores for t in (0.5, 0.65)]
    assert not np.array_equal(*half)
    full = [mitigate(ds, name, 1.0, base_scores=base, threshold=t).scores for t in (0.5, 0.65)]
    np.testing.assert_array_equal(*full)


@pytest.mark.parametrize("name", ["reweighing", "di_remover", "ferm_projection",
                                  "pc_reweighing", "penalty_mmd", "reductions_dp"])
def test_training_methods_at_strength_zero_are_the_base_model(adult_small, adult_base_scores,
                                                               name):
    result = mitigate(adult_small, name, 0.0, base_scores=adult_base_scores, threshold=0.65)
    np.testing.assert_array_equal(result.scores, adult_base_scores)
    assert result.estimator is None and result.native == {} and result.fit_split == "none"
    assert "model as it is" in result.note and not result.decisions_only


def test_training_method_at_strength_zero_without_base_scores_fits_the_base_learner(
        adult_small, adult_base_scores):
    result = mitigate(adult_small, "reweighing", 0.0)
    np.testing.assert_allclose(result.scores, adult_base_scores, atol=1e-12)


def test_every_method_has_a_strength_zero(adult_small, adult_base_scores):
    for m in methods_for("classification", n_sensitive=1):
        result = mitigate(adult_small, m.name, 0.0, base_scores=adult_base_scores)
        np.testing.assert_array_equal(result.scores, adult_base_scores)


def test_barycenter_at_strength_zero_has_no_jitter(compas_deployed):
    """COMPAS deciles are heavily tied, so the jitter would move them if it were applied."""
    ds, base = compas_deployed
    fitted = mitigate(ds, "barycenter", 0.0, base_scores=base).estimator
    groups = ds.group_labels[ds.group_codes]
    np.testing.assert_array_equal(fitted.transform(base, sensitive_features=groups), base)
