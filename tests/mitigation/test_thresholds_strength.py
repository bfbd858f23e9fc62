"""GroupThresholdOptimizer along ``strength``: from the base rule ``score >= threshold`` at 0
to the exact constraint at 1 (docs/methods.md §4.7)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from threshold_data import CONSTRAINTS, expected_rates, fit, scored, violation

from fairdash.mitigation import get_method
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

THRESHOLDS = [0.5, 0.3, 0.65]


@pytest.fixture(scope="module")
def data():
    return scored(4000, k=3, seed=21)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
@pytest.mark.parametrize("threshold", THRESHOLDS)
def test_strength_zero_is_the_base_rule(data, constraint, threshold):
    """The house rule: strength 0 is the model as it is, decision for decision."""
    s, y, g = data
    m = fit(constraint, s, y, g, strength=0.0, threshold=threshold)
    p = m.decision_proba(s, sensitive_features=g)
    np.testing.assert_array_equal(p, (s >= threshold).astype(float))
    np.testing.assert_array_equal(m.predict(s, sensitive_features=g, random_state=1),
                                  (s >= threshold).astype(int))
    pd.testing.assert_frame_equal(m.targets_[list(m.base_.columns)], m.base_)
    assert set(m.targets_["base_share"]) == {1.0}
    assert m.violation_ == m.tolerance_ == m.e0_ == pytest.approx(violation(m, s, y, g),
                                                                  abs=1e-12)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_strength_one_is_the_exact_constraint_at_any_threshold(data, constraint):
    s, y, g = data
    exact = fit(constraint, s, y, g, tolerance=0.0)
    for threshold in THRESHOLDS:
        m = fit(constraint, s, y, g, strength=1.0, threshold=threshold)
        np.testing.assert_array_equal(m.decision_proba(s, sensitive_features=g),
                                      exact.decision_proba(s, sensitive_features=g))
        assert m.tolerance_ == 0.0 and m.violation_ <= 1e-9


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_strength_maps_to_tolerance(constraint):
    s, y, g = scored(3000, k=2, seed=6)
    m = fit(constraint, s, y, g, strength=0.4)
    assert m.tolerance_ == pytest.approx(0.6 * m.e0_)
    assert m.violation_ <= m.tolerance_ + 1e-9
    np.testing.assert_allclose(m.targets_["base_share"], 0.6)
    # the native knob overrides strength (and leaves the base rule out)
    native = fit(constraint, s, y, g, strength=0.4, tolerance=0.0)
    assert native.tolerance_ == 0.0 and set(native.targets_["base_share"]) == {0.0}


@pytest.mark.parametrize("constraint", CONSTRAINTS)
@pytest.mark.parametrize("threshold", [0.5, 0.65])
def test_path_bound_straight_line_and_convexity(data, constraint, threshold):
    """Violation <= (1 - s) e0; cost no higher than the straight mixture of the base rule and
    the exact solution; cost convex in s (a mixture of two feasible points is feasible)."""
    s, y, g = data
    m = fit(constraint, s, y, g, threshold=threshold)
    grid = np.linspace(0, 1, 21)
    twins = m.at_strengths(grid)
    cost = np.array([t.expected_cost_ for t in twins])
    for t, v in zip(twins, grid):
        assert violation(t, s, y, g) <= (1 - v) * m.e0_ + 1e-9
    assert np.all(cost <= (1 - grid) * cost[0] + grid * cost[-1] + 1e-12)
    assert np.all(np.diff(cost, 2) >= -1e-9)
    # continuous: a step of 1e-3 in strength moves the cost little
    near = m.at_strengths([0.5, 0.501])
    assert abs(near[1].expected_cost_ - near[0].expected_cost_) < 1e-3


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_at_strengths_equals_fitting_each_strength(data, constraint):
    s, y, g = data
    m = fit(constraint, s, y, g, strength=1.0, threshold=0.4)
    for v, twin in zip([0.0, 0.3, 1.0], m.at_strengths([0.0, 0.3, 1.0])):
        refit = fit(constraint, s, y, g, strength=v, threshold=0.4)
        np.testing.assert_array_equal(twin.decision_proba(s, sensitive_features=g),
                                      refit.decision_proba(s, sensitive_features=g))
        pd.testing.assert_frame_equal(twin.targets_, refit.targets_)
    # the original is untouched
    assert m.strength == 1.0 and m.tolerance_ == 0.0


@st.composite
def small_problems(draw):
    """2-3 groups of 8-60 rows with scores on a coarse grid (ties), each group with both
    labels, a threshold, a strength and a constraint."""
    k = draw(st.integers(2, 3))
    rows = []
    for a in range(k):
        n = draw(st.integers(6, 60))
        levels = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
        labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
        rows += [(lv / 20, lab, f"g{a}") for lv, lab in zip(levels, labels)]
        rows += [(draw(st.integers(0, 20)) / 20, lab, f"g{a}") for lab in (0, 1)]
    s, y, g = (np.array(c) for c in zip(*rows))
    return (s.astype(float), y.astype(int), g, draw(st.sampled_from([0.0, 0.3, 0.5, 0.65, 1.0])),
            draw(st.floats(0, 1)), draw(st.sampled_from(CONSTRAINTS)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_property_bound_and_base_decisions(problem):
    s, y, g, threshold, strength, constraint = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)         # small groups
        m = GroupThresholdOptimizer(constraint=constraint, threshold=threshold).fit(
            s, y, sensitive_features=g)
    base = (s >= threshold).astype(float)
    np.testing.assert_array_equal(m.at_strengths([0.0])[0].decision_proba(
        s, sensitive_features=g), base)
    [twin] = m.at_strengths([strength])
    assert violation(twin, s, y, g) <= (1 - strength) * m.e0_ + 1e-9
    assert twin.violation_ <= twin.tolerance_ + 1e-9
    # never worse than the straight mixture of the base rule and the exact solution
    exact = m.at_strengths([1.0])[0].expected_cost_
    base_cost = m.at_strengths([0.0])[0].expected_cost_
    assert twin.expected_cost_ <= (1 - strength) * base_cost + strength * exact + 1e-9


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_held_out_gap_within_sampling_noise(constraint):
    s, y, g = scored(40_000, k=2, seed=10)
    cal, test = slice(0, 20_000), slice(20_000, None)
    m = fit(constraint, s[cal], y[cal], g[cal])
    rates = expected_rates(m, s[test], y[test], g[test])
    yt, gt = y[test], g[test]
    idx = {"equal_opportunity": [1], "equalized_odds": [0, 1], "demographic_parity": [2]}
    for j in idx[constraint]:
        a, b = rates["g0"][j], rates["g1"][j]
        masks = [(gt == lab) & ((yt == j) if j < 2 else True) for lab in ("g0", "g1")]
        se = np.sqrt(sum(r * (1 - r) / mk.sum() for r, mk in zip((a, b), masks)))
        assert abs(a - b) < 4 * se + 1e-3


def test_threshold_must_be_finite():
    s, y, g = scored(500, k=2, seed=16)
    with pytest.raises(ValueError, match="threshold"):
        GroupThresholdOptimizer(threshold=np.nan).fit(s, y, sensitive_features=g)


@pytest.mark.parametrize("name", ["thresholds_dp", "thresholds_eop", "thresholds_eo"])
def test_registry_builds_it(name):
    s, y, g = scored(2000, k=2, seed=20)
    est = get_method(name).make(0.5)
    assert isinstance(est, GroupThresholdOptimizer) and est.threshold == 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(s, y, sensitive_features=g)
    assert est.tolerance_ == pytest.approx(0.5 * est.e0_)
