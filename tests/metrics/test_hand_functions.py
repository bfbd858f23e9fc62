"""The metric functions on hand-computed two-group examples (docs/methods.md §9.3), the sanity
checks of 9.7, and sample weights."""

import numpy as np
import pandas as pd
import pytest

from fairdash.metrics import (GAPS, accuracy_score_difference, all_rates, audit,
                              average_odds_difference, confusion_counts,
                              demographic_parity_difference, demographic_parity_ratio,
                              encode_groups, equal_opportunity_difference,
                              equal_opportunity_ratio, equalized_odds_difference,
                              equalized_odds_ratio, predictive_parity_difference, rate)


# ---------------------------------------------------------------------------------------------
# Sanity checks of docs/methods.md §9.7
# ---------------------------------------------------------------------------------------------


def test_identity_selection_rate_from_base_rate_tpr_fpr():
    rng = np.random.default_rng(7)
    counts = rng.integers(1, 100, size=(50, 4)).astype(float)
    counts[::5] *= rng.random((10, 4))  # weighted (non-integer) counts too
    r = all_rates(counts)
    pi = r["base_rate"]
    np.testing.assert_allclose(r["selection_rate"], pi * r["tpr"] + (1 - pi) * r["fpr"],
                               rtol=1e-12)


TWO_GROUP_FUNCTIONS = {
    demographic_parity_difference: "selection_rate",
    equal_opportunity_difference: "tpr",
    predictive_parity_difference: "ppv",
    accuracy_score_difference: "accuracy",
}


@pytest.mark.parametrize("fn", list(TWO_GROUP_FUNCTIONS), ids=lambda f: f.__name__)
def test_two_groups_difference_is_absolute_difference(fn):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    p = rng.integers(0, 2, 200)
    s = np.where(rng.random(200) < 0.4, "F", "M")
    codes, labels = encode_groups(s)
    per_group = rate(confusion_counts(y, p, codes, len(labels)), TWO_GROUP_FUNCTIONS[fn])
    assert fn(y, p, sensitive_features=s) == pytest.approx(abs(per_group[0] - per_group[1]),
                                                           abs=1e-15)


def test_two_groups_equalized_odds_by_hand():
    # group a: TPR 2/3, FPR 1/2; group b: TPR 1/2, FPR 0/2
    y = [1, 1, 1, 0, 0, 1, 1, 0, 0]
    p = [1, 1, 0, 1, 0, 1, 0, 0, 0]
    s = ["a"] * 5 + ["b"] * 4
    assert equalized_odds_difference(y, p, sensitive_features=s) == pytest.approx(0.5)
    assert equalized_odds_difference(y, p, sensitive_features=s, agg="mean") == \
        pytest.approx((1 / 6 + 0.5) / 2)
    assert equalized_odds_ratio(y, p, sensitive_features=s) == 0.0
    assert equalized_odds_ratio(y, p, sensitive_features=s, agg="mean") == \
        pytest.approx((0.75 + 0.0) / 2)
    assert average_odds_difference(y, p, sensitive_features=s) == \
        pytest.approx((1 / 6 + 0.5) / 2)
    # AIF360 style, signed, vs the reference group a: ((0 - 1/2) + (1/2 - 2/3)) / 2
    assert average_odds_difference(y, p, sensitive_features=s, method="vs_reference",
                                   reference="a") == pytest.approx((-0.5 - 1 / 6) / 2)
    assert demographic_parity_difference(y, p, sensitive_features=s) == pytest.approx(0.6 - 0.25)
    assert demographic_parity_ratio(y, p, sensitive_features=s) == pytest.approx(0.25 / 0.6)
    # statistical parity difference SR_b - SR_a and disparate impact SR_b / SR_a
    assert demographic_parity_difference(y, p, sensitive_features=s, method="vs_reference",
                                         reference="a") == pytest.approx(0.25 - 0.6)
    assert demographic_parity_ratio(y, p, sensitive_features=s, method="vs_reference",
                                    reference="a") == pytest.approx(0.25 / 0.6)


def test_agg_must_be_known():
    with pytest.raises(ValueError, match="agg"):
        equalized_odds_difference([0, 1], [0, 1], sensitive_features=["a", "b"], agg="max")
    with pytest.raises(TypeError):
        demographic_parity_difference([0, 1], [0, 1], sensitive_features=["a", "b"], foo=1)


def test_min_group_size_on_functions():
    # group c has one row with a selection rate of 1; leaving it out changes the gap
    y = [0, 1, 0, 1, 0, 1, 0, 1, 1]
    p = [0, 0, 0, 1, 1, 1, 0, 1, 1]
    s = ["a"] * 4 + ["b"] * 4 + ["c"]
    assert demographic_parity_difference(y, p, sensitive_features=s) == pytest.approx(0.75)
    assert demographic_parity_difference(y, p, sensitive_features=s, min_group_size=2) == \
        pytest.approx(0.5)


@pytest.mark.parametrize("name", sorted(GAPS))
def test_all_ones_weights_equal_unweighted(name):
    rng = np.random.default_rng(11)
    n = 300
    y = rng.integers(0, 2, n)
    p = rng.integers(0, 2, n)
    s = rng.choice(["x", "y", "z"], n)
    plain = audit(y, p, sensitive_features=s, n_resamples=50)
    ones = audit(y, p, sensitive_features=s, sample_weight=np.ones(n), n_resamples=50)
    pd.testing.assert_frame_equal(plain.groups, ones.groups)
    assert ones.gaps.loc[name, "value"] == plain.gaps.loc[name, "value"]
    assert ones.gaps.loc[name, "p_value"] == plain.gaps.loc[name, "p_value"]


def test_all_ones_weights_equal_unweighted_functions():
    rng = np.random.default_rng(12)
    y, p = rng.integers(0, 2, 120), rng.integers(0, 2, 120)
    s = rng.choice(["x", "y", "z"], 120)
    for fn in (demographic_parity_difference, demographic_parity_ratio,
               equal_opportunity_difference, equal_opportunity_ratio, equalized_odds_difference,
               equalized_odds_ratio, accuracy_score_difference, predictive_parity_difference):
        for method in ("between_groups", "to_overall"):
            a = fn(y, p, sensitive_features=s, method=method)
            b = fn(y, p, sensitive_features=s, method=method, sample_weight=np.ones(120))
            assert a == b, (fn.__name__, method)


def test_integer_weights_equal_repeated_rows():
    y = np.array([1, 0, 1, 1, 0, 0, 1])
    p = np.array([1, 1, 0, 1, 0, 1, 1])
    s = np.array(["a", "a", "a", "b", "b", "b", "b"])
    w = np.array([3, 1, 2, 1, 2, 1, 4])
    rep = np.repeat(np.arange(7), w)
    for fn in (demographic_parity_difference, equalized_odds_difference,
               predictive_parity_difference):
        assert fn(y, p, sensitive_features=s, sample_weight=w) == \
            pytest.approx(fn(y[rep], p[rep], sensitive_features=s[rep]), abs=1e-15)

