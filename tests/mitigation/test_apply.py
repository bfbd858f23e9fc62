"""Applying registered methods to a real Dataset, and measuring before and after."""

import numpy as np
import pytest
from scipy.stats import ks_2samp

from fairdash.data import ColumnRoles, build_dataset, load_sample
from fairdash.exceptions import ModelError, RoleError
from fairdash.metrics import audit
from fairdash.mitigation import REGISTRY, before_after, evaluate, methods_for, mitigate

FAST = [m.name for m in methods_for("classification")
        if not m.name.startswith(("reductions", "ferm_kernel", "penalty"))]
SLOW = [m.name for m in methods_for("classification")
        if m.name.startswith(("reductions", "ferm_kernel", "penalty"))]


def _check_result(ds, res, name):
    assert res.scores.shape == (len(ds.y),)
    assert np.isfinite(res.scores).all()
    assert res.scores.min() >= 0 and res.scores.max() <= 1
    m = REGISTRY[name]
    assert res.decisions_only == (m.randomised and m.stage != "pre")
    assert res.fit_split == ("calibration" if m.stage == "post" else "train")


@pytest.mark.parametrize("name", FAST)
def test_every_fast_method_scores_every_row(name, adult_small, adult_base_scores):
    res = mitigate(adult_small, name, 1.0, base_scores=adult_base_scores)
    _check_result(adult_small, res, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW)
def test_every_slow_method_scores_every_row(name, adult_small, adult_base_scores):
    res = mitigate(adult_small, name, 1.0, base_scores=adult_base_scores)
    _check_result(adult_small, res, name)


def test_sequential_barycenter_needs_two_attributes(adult_small, adult_base_scores):
    with pytest.raises(RoleError, match="at least 2 sensitive columns"):
        mitigate(adult_small, "barycenter_sequential", 1.0, base_scores=adult_base_scores)


def test_sequential_barycenter_equalises_every_intersection(adult_two_attributes):
    from fairdash.models import fit_builtin, score_dataset

    ds = adult_two_attributes
    base = score_dataset(fit_builtin(ds, "logreg"), ds)
    res = mitigate(ds, "barycenter_sequential", 1.0, base_scores=base)
    test = ds.rows("test")
    codes, after, before = ds.group_codes[test], res.scores[test], base[test]
    big = [g for g in range(len(ds.group_labels)) if (codes == g).sum() >= 100]
    assert len(big) >= 3
    ks_before = max(ks_2samp(before[codes == a], before[codes == b]).statistic
                    for a in big for b in big if a < b)
    ks_after = max(ks_2samp(after[codes == a], after[codes == b]).statistic
                   for a in big for b in big if a < b)
    assert ks_after < ks_before / 2


def test_post_processing_needs_base_scores(adult_small):
    with pytest.raises(ModelError, match="trained model's scores"):
        mitigate(adult_small, "thresholds_dp", 1.0)


def test_training_methods_need_features():
    frame = load_sample("compas")
    ds = build_dataset(frame, ColumnRoles("two_year_recid", "1", ("race_binary",), (),
                                          "decile_score"), rescale_scores=True)
    with pytest.raises(RoleError, match="needs feature columns"):
        mitigate(ds, "reweighing", 1.0, base_scores=ds.scores)


def test_barycenter_at_strength_zero_returns_the_base_scores(adult_small, adult_base_scores):
    res = mitigate(adult_small, "barycenter", 0.0, base_scores=adult_base_scores)
    np.testing.assert_allclose(res.scores, adult_base_scores, atol=1e-12)


def test_barycenter_repairs_the_score_distribution_on_held_out_rows(adult_small,
                                                                    adult_base_scores):
    res = mitigate(adult_small, "barycenter", 1.0, base_scores=adult_base_scores)
    test = adult_small.rows("test")
    g = adult_small.group_codes[test]
    before = ks_2samp(adult_base_scores[test][g == 0], adult_base_scores[test][g == 1]).statistic
    after = ks_2samp(res.scores[test][g == 0], res.scores[test][g == 1]).statistic
    assert before > 0.3 and after < 0.1


def test_threshold_dp_closes_the_gap_on_held_out_rows(adult_small, adult_base_scores):
    res = mitigate(adult_small, "thresholds_dp", 1.0, base_scores=adult_base_scores)
    ba = before_after(adult_small, adult_base_scores, res, threshold=0.5)
    before = ba.before.gaps.loc["demographic_parity_difference", "value"]
    after = ba.after.gaps.loc["demographic_parity_difference", "value"]
    assert before > 0.1
    assert after < 0.06  # ~2.4 binomial standard errors on ~1,200 test rows
    # expected selection rates are the mean decision probability of each group
    test = adult_small.rows("test")
    for code, label in enumerate(adult_small.group_labels):
        rows = adult_small.group_codes[test] == code
        assert ba.after.groups.loc[str(label), "selection_rate"] == pytest.approx(
            res.scores[test][rows].mean(), abs=1e-12)


def test_before_equals_a_direct_audit_of_the_test_rows(adult_small, adult_base_scores):
    res = mitigate(adult_small, "barycenter", 0.5, base_scores=adult_base_scores)
    ba = before_after(adult_small, adult_base_scores, res, threshold=0.4)
    test = adult_small.rows("test")
    direct = audit(adult_small.y[test], y_score=adult_base_scores[test],
                   sensitive_features=adult_small.frame.loc[test, "sex"], threshold=0.4)
    np.testing.assert_allclose(ba.before.gaps["value"], direct.gaps["value"], atol=1e-12)
    after_direct = evaluate(adult_small, res.scores, threshold=0.4)
    np.testing.assert_allclose(ba.after.gaps["value"], after_direct.gaps["value"], atol=1e-12)
    changed = ((adult_base_scores[test] >= 0.4) != (res.scores[test] >= 0.4)).sum()
    assert ba.changed == changed and ba.rows == test.sum()
    assert ba.performance.loc["accuracy", "before"] == pytest.approx(
        ((adult_base_scores[test] >= 0.4) == adult_small.y[test]).mean())


def test_reweighing_lowers_the_selection_rate_gap(adult_small, adult_base_scores):
    res = mitigate(adult_small, "reweighing", 1.0, base_scores=adult_base_scores)
    ba = before_after(adult_small, adult_base_scores, res, threshold=0.5)
    gaps = ba.before.gaps["value"], ba.after.gaps["value"]
    assert gaps[1]["demographic_parity_difference"] < gaps[0]["demographic_parity_difference"]


def test_reweighing_at_strength_zero_is_the_base_model(adult_small, adult_base_scores):
    res = mitigate(adult_small, "reweighing", 0.0, base_scores=adult_base_scores)
    np.testing.assert_allclose(res.scores, adult_base_scores, atol=1e-6)


def test_ferm_linear_equalises_mean_decision_values_of_the_positives(adult_small,
                                                                   adult_base_scores):
    """What FERM constrains (docs/methods.md §1.2), on the training rows. The true-positive-rate
    gap is only its surrogate: on this 6,000-row sample (~115 positive women in train) it
    overshoots; on the full data it falls 0.122 -> 0.030 (bench/fidelity.py)."""
    from scipy.special import logit

    train_pos = adult_small.rows("train") & (adult_small.y == 1)
    codes = adult_small.group_codes

    def mean_gap(scores):
        d = logit(np.clip(scores, 1e-12, 1 - 1e-12))
        return abs(d[train_pos & (codes == 0)].mean() - d[train_pos & (codes == 1)].mean())

    weak = mitigate(adult_small, "ferm_linear", 0.0, base_scores=adult_base_scores)
    full = mitigate(adult_small, "ferm_linear", 1.0, base_scores=adult_base_scores)
    assert mean_gap(full.scores) < mean_gap(weak.scores) / 10
    assert full.native["epsilon"] == pytest.approx(0.0, abs=1e-12)
