"""GroupThresholdOptimizer: decision rules, ROC and hull helpers, pitfalls, errors and the
estimator contract."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import ConvexHull
from sklearn.base import clone
from sklearn.metrics import roc_curve
from threshold_data import CONSTRAINTS, brute_force_best, expected_rates, fit, scored

from fairdash.exceptions import DataError, RoleError
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer
from fairdash.mitigation.postprocessing._hull import group_rocs, monotone_chain_upper, upper_hull
from fairdash.mitigation.postprocessing._rules import mixed_rule, selected

# --------------------------------------------------------------------------------------------
# decision rules
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("constraint", CONSTRAINTS)
@pytest.mark.parametrize("kw", [{}, {"strength": 0.4, "threshold": 0.3},
                                {"strength": 0.7, "threshold": 0.8}, {"tolerance": 0.03}])
def test_expected_rates_equal_targets_on_continuous_scores(constraint, kw):
    """§4.10.3: the rates of decision_proba on the calibration rows are the targets, for the
    three-level rule alone and mixed with the base rule."""
    s, y, g = scored(5000, k=3, seed=9)
    for max_points in (None, 5):       # thinned hull vertices are real ROC points: still exact
        m = fit(constraint, s, y, g, max_roc_points=max_points, **kw)
        got = expected_rates(m, s, y, g)
        for lab, (f, t, sel) in got.items():
            assert f == pytest.approx(m.targets_.loc[lab, "fpr"], abs=1e-9)
            assert t == pytest.approx(m.targets_.loc[lab, "tpr"], abs=1e-9)
            assert sel == pytest.approx(m.targets_.loc[lab, "selection_rate"], abs=1e-9)


def test_mixed_rule_is_the_mixture_of_its_parts():
    """(1 - share) [r >= threshold] + share * three-level rule, exact at share 0 and 1."""
    rng = np.random.default_rng(0)
    parts = [(0.6, 0.3, (0.1, 0.45, 0.9)), (0.2, 0.2, (0.0, 0.5, 1.0)),
             (np.inf, 0.7, (0.05, 0.3, 0.3))]
    r = np.r_[rng.random(3000), 0.2, 0.3, 0.5, 0.6, 0.7]
    codes = rng.integers(0, 3, len(r))
    hi = np.array([p[0] for p in parts])[codes]
    lo = np.array([p[1] for p in parts])[codes]
    probs = np.array([p[2] for p in parts])[codes]
    three = probs[np.arange(len(r)), (r >= lo).astype(int) + (r >= hi)]
    for thr in (0.5, 0.3, 0.65):
        for share in (0.0, 0.25, 1.0):
            got = mixed_rule(parts, thr, share).proba(r, codes)
            np.testing.assert_allclose(got, (1 - share) * (r >= thr) + share * three,
                                       atol=1e-15)
        np.testing.assert_array_equal(mixed_rule(parts, thr, 0.0).proba(r, codes), r >= thr)
        np.testing.assert_array_equal(mixed_rule(parts, thr, 1.0).proba(r, codes), three)


def test_selected_counts_equal_summing_the_probabilities():
    rng = np.random.default_rng(1)
    parts = [(0.6, 0.3, (0.1, 0.45, 0.9))]
    r = np.sort(np.round(rng.random(500), 2))               # ties at the cuts
    rules = [mixed_rule(parts, thr, share) for thr, share in
             [(0.5, 0.0), (0.3, 0.5), (0.6, 1.0), (0.65, 0.2)]]
    cuts = np.stack([rule.cuts[0] for rule in rules])
    levels = np.stack([rule.levels[0] for rule in rules])
    expected = [rule.proba(r, np.zeros(len(r), dtype=np.int64)).sum() for rule in rules]
    np.testing.assert_allclose(selected(r, cuts, levels), expected, atol=1e-9)
    assert selected(r, cuts[:1], levels[:1])[0] == np.sum(r >= 0.5)   # whole at share 0


def test_predict_samples_decision_proba():
    s, y, g = scored(4000, k=2, seed=11)
    m = fit("equalized_odds", s, y, g)
    p = m.decision_proba(s, sensitive_features=g)
    draws = np.mean([m.predict(s, sensitive_features=g, random_state=i) for i in range(200)],
                    axis=0)
    assert np.abs(draws - p).max() < 0.15
    np.testing.assert_array_equal(m.predict(s, sensitive_features=g, random_state=3),
                                  m.predict(s, sensitive_features=g, random_state=3))
    assert set(np.unique(m.predict(s, sensitive_features=g))) <= {0, 1}



# --------------------------------------------------------------------------------------------
# ROC and hull helpers
# --------------------------------------------------------------------------------------------

def test_group_rocs_match_sklearn():
    s, y, g = scored(5000, k=2, seed=13, rounding=4)
    codes = (g == "g1").astype(np.int64)
    full = group_rocs(s, y, codes, 2)
    for c in (0, 1):
        f, t, thr = roc_curve(y[codes == c], s[codes == c], drop_intermediate=False)
        np.testing.assert_allclose(full[c].fpr, f)
        np.testing.assert_allclose(full[c].tpr, t)
        np.testing.assert_allclose(full[c].thresholds[1:], thr[1:])


def test_hull_thinning_keeps_ends_and_real_points():
    s, y, g = scored(20_000, k=2, seed=13)
    exact = fit("equalized_odds", s, y, g, max_roc_points=None)
    same = fit("equalized_odds", s, y, g, max_roc_points=1000)
    thin = fit("equalized_odds", s, y, g, max_roc_points=8)
    for lab in ("g0", "g1"):
        assert len(exact.hulls_[lab]) < 1000
        pd.testing.assert_frame_equal(same.hulls_[lab], exact.hulls_[lab])
        h = thin.hulls_[lab]
        assert len(h) <= 8
        assert (h["fpr"].iloc[0], h["tpr"].iloc[0]) == (0, 0)
        assert (h["fpr"].iloc[-1], h["tpr"].iloc[-1]) == (1, 1)
        assert np.isin(h["threshold"], exact.hulls_[lab]["threshold"]).all()
    assert thin.expected_accuracy_ <= exact.expected_accuracy_
    assert thin.expected_accuracy_ == pytest.approx(exact.expected_accuracy_, abs=0.01)


@pytest.mark.parametrize("seed", range(5))
def test_upper_hull_matches_monotone_chain_and_qhull(seed):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=3000)
    y = (rng.random(3000) < 1 / (1 + np.exp(-2 * s))).astype(int)
    f, t, _ = roc_curve(y, s, drop_intermediate=False)
    h = upper_hull(f, t)
    np.testing.assert_array_equal(h, monotone_chain_upper(f, t))
    pts = np.vstack([np.c_[f, t], [1, 0]])
    q = np.array(sorted(set(ConvexHull(pts).vertices) - {len(f)}))
    # qhull merges nearly collinear vertices; the hulls must be the same curve
    assert set(q) <= set(h)
    grid = np.linspace(0, 1, 2001)
    np.testing.assert_allclose(np.interp(grid, f[h], t[h]), np.interp(grid, f[q], t[q]),
                               atol=1e-12)


# --------------------------------------------------------------------------------------------
# pitfalls, errors, estimator contract
# --------------------------------------------------------------------------------------------

def test_group_without_positives_is_left_out_with_warning():
    s, y, g = scored(3000, k=2, seed=14)
    rng = np.random.default_rng(0)
    s3 = rng.random(300)
    s, y, g = np.r_[s, s3], np.r_[y, np.zeros(300, int)], np.r_[g, ["empty"] * 300]
    with pytest.warns(UserWarning, match="no positive"):
        m = GroupThresholdOptimizer(constraint="equal_opportunity").fit(
            s, y, sensitive_features=g)
    assert any("'empty'" in w and "left out" in w for w in m.warnings_)
    assert np.isnan(m.targets_.loc["empty", "tpr"])
    assert m.targets_.loc["g0", "tpr"] == pytest.approx(m.targets_.loc["g1", "tpr"], abs=1e-9)
    # with no positives the cheapest decision is to select nobody
    assert m.targets_.loc["empty", "fpr"] == pytest.approx(0.0)
    # equalized odds still constrains the FPR of that group
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        eo = GroupThresholdOptimizer(constraint="equalized_odds").fit(s, y, sensitive_features=g)
    f = eo.targets_["fpr"]
    assert f.max() - f.min() <= 1e-7


def test_small_group_warns():
    s, y, g = scored(600, k=2, seed=15)
    s, y, g = np.r_[s, [0.2, 0.8, 0.6]], np.r_[y, [0, 1, 1]], np.r_[g, ["tiny"] * 3]
    with pytest.warns(UserWarning, match="fewer than 50"):
        GroupThresholdOptimizer(constraint="demographic_parity").fit(s, y, sensitive_features=g)


def test_errors():
    s, y, g = scored(500, k=2, seed=16)
    m = fit("equalized_odds", s, y, g)
    with pytest.raises(RoleError, match="'zz'"):
        m.decision_proba(s[:3], sensitive_features=["g0", "zz", "g1"])
    with pytest.raises(DataError, match="0 and 1"):
        GroupThresholdOptimizer().fit(s, y + 1, sensitive_features=g)
    with pytest.raises(DataError, match="missing or infinite"):
        GroupThresholdOptimizer().fit(np.r_[s[:-1], np.nan], y, sensitive_features=g)
    with pytest.raises(DataError, match="shape"):
        GroupThresholdOptimizer().fit(np.c_[1 - s, s], y, sensitive_features=g)
    with pytest.raises(ValueError, match="constraint"):
        GroupThresholdOptimizer(constraint="parity").fit(s, y, sensitive_features=g)
    with pytest.raises(ValueError, match="strength"):
        GroupThresholdOptimizer(strength=1.5).fit(s, y, sensitive_features=g)
    with pytest.raises(DataError, match="rows"):
        GroupThresholdOptimizer().fit(s, y, sensitive_features=g[:-1])
    from sklearn.exceptions import NotFittedError
    with pytest.raises(NotFittedError):
        GroupThresholdOptimizer().decision_proba(s, sensitive_features=g)


def test_accepts_column_scores_series_and_int_groups():
    s, y, g = scored(800, k=2, seed=17)
    codes = (g == "g1").astype(int)
    a = fit("equalized_odds", s[:, None], pd.Series(y), pd.Series(g))
    b = fit("equalized_odds", s, y.astype(bool), g)
    np.testing.assert_allclose(a.decision_proba(s, sensitive_features=g),
                               b.decision_proba(s, sensitive_features=list(g)))
    c = fit("equalized_odds", s, y, codes)
    assert list(c.groups_) == ["0", "1"]
    np.testing.assert_allclose(c.decision_proba(s, sensitive_features=codes),
                               a.decision_proba(s, sensitive_features=g))


def test_clone_and_pickle_round_trip():
    s, y, g = scored(1000, k=3, seed=18)
    m = GroupThresholdOptimizer(constraint="demographic_parity", strength=0.7,
                                max_roc_points=200)
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "targets_")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(s, y, sensitive_features=g)
    back = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(back.decision_proba(s, sensitive_features=g),
                                  m.decision_proba(s, sensitive_features=g))
    pd.testing.assert_frame_equal(back.targets_, m.targets_)


def test_single_group_is_unconstrained():
    s, y, _ = scored(1000, k=1, seed=19)
    m = fit("equalized_odds", s, y, np.zeros(1000))
    assert m.e0_ == 0.0 and m.violation_ == 0.0
    assert m.expected_accuracy_ == pytest.approx(1 - brute_force_best(s, y) / 1000)


