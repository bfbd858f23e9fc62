"""Tiny hand-computed examples for the metrics library (ALGORITHMS.md 9.1, 9.2, 9.6, 9.7)."""

import math

import numpy as np
import pandas as pd
import pytest

from fairdash.exceptions import RoleError
from fairdash.metrics import (CELLS, GAPS, RATE_DEFINITIONS, aggregate, all_rates, audit,
                              confusion_counts, demographic_parity_difference,
                              demographic_parity_ratio, encode_groups,
                              equal_opportunity_difference, equal_opportunity_ratio,
                              equalized_odds_difference, equalized_odds_ratio,
                              predictive_parity_difference, accuracy_score_difference,
                              average_odds_difference, rate, wilson_interval)

NAN = float("nan")

# ---------------------------------------------------------------------------------------------
# confusion_counts
# ---------------------------------------------------------------------------------------------

Y = np.array([1, 1, 0, 0, 1, 0, 1, 0, 0, 1])
P = np.array([1, 0, 1, 0, 1, 0, 0, 0, 1, 1])
CODES = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
W = np.array([1, 2, 1, 1, 3, 1, 2, 1, 1, 1], dtype=float)


def test_cells_order():
    assert CELLS == ("tn", "fp", "fn", "tp")


def test_confusion_counts_hard_unweighted():
    counts = confusion_counts(Y, P, CODES, 2)
    # group 0 rows: tp, fn, fp, tn, tp, tn; group 1 rows: fn, tn, fp, tp
    np.testing.assert_array_equal(counts, [[2, 1, 1, 2], [1, 1, 1, 1]])
    assert counts.shape == (2, 4)
    assert counts.dtype == np.float64


def test_confusion_counts_hard_weighted():
    counts = confusion_counts(Y, P, CODES, 2, sample_weight=W)
    # group 0: tn = w3 + w5 = 2, fp = w2 = 1, fn = w1 = 2, tp = w0 + w4 = 4
    # group 1: tn = w7 = 1, fp = w8 = 1, fn = w6 = 2, tp = w9 = 1
    np.testing.assert_allclose(counts, [[2, 1, 2, 4], [1, 1, 2, 1]])
    assert counts.sum() == pytest.approx(W.sum())


def test_confusion_counts_bool_inputs():
    counts = confusion_counts(Y.astype(bool), P.astype(bool), CODES, 2)
    np.testing.assert_array_equal(counts, [[2, 1, 1, 2], [1, 1, 1, 1]])


def test_confusion_counts_empty_group_is_zero_row():
    counts = confusion_counts(Y, P, CODES, 3)
    np.testing.assert_array_equal(counts[2], [0, 0, 0, 0])


def test_confusion_counts_soft_decisions_are_expected_counts():
    y = np.array([1, 0, 1])
    p = np.array([0.7, 0.2, 0.5])
    counts = confusion_counts(y, p, np.zeros(3, dtype=int), 1)
    # tp = 0.7 + 0.5, fn = 0.3 + 0.5, fp = 0.2, tn = 0.8
    np.testing.assert_allclose(counts, [[0.8, 0.2, 0.8, 1.2]])


def test_confusion_counts_soft_decisions_weighted():
    y = np.array([1, 0, 1])
    p = np.array([0.7, 0.2, 0.5])
    counts = confusion_counts(y, p, np.zeros(3, dtype=int), 1, sample_weight=[2.0, 1.0, 1.0])
    # tp = 2*0.7 + 0.5 = 1.9, fn = 2*0.3 + 0.5 = 1.1, fp = 0.2, tn = 0.8
    np.testing.assert_allclose(counts, [[0.8, 0.2, 1.1, 1.9]])


def test_soft_decisions_of_zero_and_one_equal_hard():
    soft = np.where(P == 1, 1.0, 0.0)
    soft_counts = confusion_counts(Y, soft, CODES, 2)
    np.testing.assert_array_equal(soft_counts, confusion_counts(Y, P, CODES, 2))


def test_confusion_counts_rejects_non_binary_target():
    with pytest.raises(RoleError, match="0/1"):
        confusion_counts([0, 2, 1], [0, 1, 1], [0, 0, 0], 1)
    with pytest.raises(RoleError, match="0/1"):
        confusion_counts(["yes", "no"], [0, 1], [0, 0], 1)


# ---------------------------------------------------------------------------------------------
# rates
# ---------------------------------------------------------------------------------------------

# tn=6, fp=2, fn=1, tp=3 (n = 12)
COUNTS = np.array([6.0, 2.0, 1.0, 3.0])
EXPECTED = {
    "base_rate": 4 / 12, "selection_rate": 5 / 12, "tpr": 3 / 4, "fpr": 2 / 8, "fnr": 1 / 4,
    "tnr": 6 / 8, "ppv": 3 / 5, "npv": 6 / 7, "accuracy": 9 / 12,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_rate_by_hand(name):
    assert float(rate(COUNTS, name)) == pytest.approx(EXPECTED[name], abs=1e-15)


def test_rate_definitions_cover_hand_examples():
    assert set(RATE_DEFINITIONS) == set(EXPECTED)
    rates = all_rates(COUNTS)
    for name, value in EXPECTED.items():
        assert float(rates[name]) == pytest.approx(value)


def test_complements():
    rng = np.random.default_rng(1)
    counts = rng.integers(1, 50, size=(7, 4)).astype(float)
    r = all_rates(counts)
    np.testing.assert_allclose(r["fnr"], 1 - r["tpr"])
    np.testing.assert_allclose(r["tnr"], 1 - r["fpr"])


NO_POSITIVES = np.array([3.0, 1.0, 0.0, 0.0])      # tn=3, fp=1
NO_NEGATIVES = np.array([0.0, 0.0, 1.0, 2.0])      # fn=1, tp=2
NO_PRED_POS = np.array([3.0, 0.0, 2.0, 0.0])       # tn=3, fn=2
NO_PRED_NEG = np.array([0.0, 4.0, 0.0, 1.0])       # fp=4, tp=1
EMPTY = np.zeros(4)


def test_zero_denominators_give_nan_not_zero():
    r = all_rates(NO_POSITIVES)
    assert math.isnan(r["tpr"]) and math.isnan(r["fnr"])
    assert float(r["fpr"]) == 0.25 and float(r["base_rate"]) == 0.0
    assert float(r["ppv"]) == 0.0  # 0 of 1 predicted positives: defined, and 0
    r = all_rates(NO_NEGATIVES)
    assert math.isnan(r["fpr"]) and math.isnan(r["tnr"])
    assert float(r["tpr"]) == pytest.approx(2 / 3)
    r = all_rates(NO_PRED_POS)
    assert math.isnan(r["ppv"])
    assert float(r["npv"]) == pytest.approx(3 / 5) and float(r["tpr"]) == 0.0
    r = all_rates(NO_PRED_NEG)
    assert math.isnan(r["npv"])
    assert float(r["ppv"]) == pytest.approx(1 / 5)
    r = all_rates(EMPTY)
    assert all(math.isnan(float(v)) for v in r.values())


def test_rates_work_on_batches():
    batch = np.stack([COUNTS, NO_POSITIVES, NO_PRED_POS])[None].repeat(5, axis=0)
    tpr = rate(batch, "tpr")
    assert tpr.shape == (5, 3)
    np.testing.assert_array_equal(tpr[:, 0], 0.75)
    assert np.isnan(tpr[:, 1]).all()
    np.testing.assert_array_equal(tpr[:, 2], 0.0)


def test_group_without_positives_is_ignored_by_the_aggregate():
    counts = np.stack([COUNTS, NO_POSITIVES, NO_PRED_POS])  # TPR = 0.75, NaN, 0.0
    tpr = rate(counts, "tpr")
    assert float(aggregate(tpr)) == pytest.approx(0.75)
    assert float(aggregate(tpr, kind="ratio")) == 0.0
    # and via the row-level function: group "b" has no positives
    y = [1, 1, 0, 0, 0, 0, 1, 1, 0]
    p = [1, 0, 0, 1, 1, 0, 1, 1, 0]
    s = ["a", "a", "a", "b", "b", "b", "c", "c", "c"]
    # TPR a = 1/2, b undefined, c = 2/2
    assert equal_opportunity_difference(y, p, sensitive_features=s) == pytest.approx(0.5)
    assert equal_opportunity_ratio(y, p, sensitive_features=s) == pytest.approx(0.5)


def test_aggregate_is_nan_with_fewer_than_two_defined_groups():
    tpr = rate(np.stack([COUNTS, NO_POSITIVES]), "tpr")
    assert math.isnan(float(aggregate(tpr)))
    assert math.isnan(float(aggregate(tpr, kind="ratio")))
    y = [1, 0, 0, 0]
    p = [1, 0, 1, 0]
    s = ["a", "a", "b", "b"]
    assert math.isnan(equal_opportunity_difference(y, p, sensitive_features=s))


# ---------------------------------------------------------------------------------------------
# aggregate()
# ---------------------------------------------------------------------------------------------

VALUES = np.array([0.2, 0.5, 0.9])


def test_between_groups_difference_and_ratio():
    assert float(aggregate(VALUES)) == pytest.approx(0.7)
    assert float(aggregate(VALUES, kind="ratio")) == pytest.approx(0.2 / 0.9)


def test_between_groups_ratio_with_max_zero_is_nan():
    assert math.isnan(float(aggregate(np.array([0.0, 0.0, 0.0]), kind="ratio")))
    assert float(aggregate(np.array([0.0, 0.0, 0.0]))) == 0.0


def test_to_overall_difference_and_ratio():
    overall = 0.5
    assert float(aggregate(VALUES, overall, method="to_overall")) == pytest.approx(0.4)
    # min over g of min(M_g/M, M/M_g): 0.2/0.5 = 0.4, 1, 0.5/0.9 = 0.556
    assert float(aggregate(VALUES, overall, kind="ratio", method="to_overall")) == \
        pytest.approx(0.4)
    assert float(aggregate(np.array([0.6, 0.9]), 0.7, kind="ratio", method="to_overall")) == \
        pytest.approx(0.7 / 0.9)


def test_to_overall_needs_overall():
    with pytest.raises(ValueError):
        aggregate(VALUES, method="to_overall")


def test_vs_reference_is_signed():
    # reference 0.5: differences -0.3 and +0.4, the larger in size is +0.4
    assert float(aggregate(VALUES, method="vs_reference", reference=1)) == pytest.approx(0.4)
    # reference 0.9: differences -0.7 and -0.4: stays negative
    assert float(aggregate(VALUES, method="vs_reference", reference=2)) == pytest.approx(-0.7)
    # reference 0.2: +0.3, +0.7
    assert float(aggregate(VALUES, method="vs_reference", reference=0)) == pytest.approx(0.7)
    # ratios vs 0.5: 0.4 and 1.8; |log 0.4| > |log 1.8| so 0.4
    assert float(aggregate(VALUES, kind="ratio", method="vs_reference", reference=1)) == \
        pytest.approx(0.4)
    # ratios vs 0.2: 2.5 and 4.5 (above 1, disparate impact in favour of the others)
    assert float(aggregate(VALUES, kind="ratio", method="vs_reference", reference=0)) == \
        pytest.approx(4.5)


def test_vs_reference_needs_reference():
    with pytest.raises(RoleError):
        aggregate(VALUES, method="vs_reference")


def test_vs_reference_with_zero_reference_rate_is_undefined():
    # ratio M_g / M_r with M_r = 0 has a zero denominator: NaN (ALGORITHMS 9.1), not inf
    out = float(aggregate(np.array([0.0, 0.4, 0.6]), kind="ratio", method="vs_reference",
                          reference=0))
    assert math.isnan(out)
    # but a zero rate in a *compared* group is a defined ratio of 0 vs a nonzero reference
    out = float(aggregate(np.array([0.0, 0.4, 0.6]), kind="ratio", method="vs_reference",
                          reference=1))
    assert out == 0.0


def test_unknown_method_is_refused():
    with pytest.raises(RoleError, match="between_groups"):
        aggregate(VALUES, method="pairwise")


def test_include_leaves_groups_out():
    include = np.array([True, True, False])
    assert float(aggregate(VALUES, include=include)) == pytest.approx(0.3)
    assert float(aggregate(VALUES, 0.5, method="to_overall", include=include)) == \
        pytest.approx(0.3)


def test_aggregate_batches():
    values = np.array([[0.2, 0.5, 0.9], [0.1, 0.1, np.nan], [np.nan, 0.3, np.nan]])
    out = aggregate(values)
    assert out.shape == (3,)
    np.testing.assert_allclose(out[:2], [0.7, 0.0])
    assert math.isnan(out[2])


# ---------------------------------------------------------------------------------------------
# Wilson (ALGORITHMS 9.6)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k, m, low, high", [
    (0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (8, 10, 0.4902, 0.9433),
])
def test_wilson_checks(k, m, low, high):
    lo, hi = wilson_interval(k, m)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_wilson_vectorised_and_zero_trials():
    lo, hi = wilson_interval([0, 5, 8, 0], [10, 10, 10, 0])
    np.testing.assert_allclose(lo[:3], [0.0, 0.2366, 0.4902], atol=5e-5)
    np.testing.assert_allclose(hi[:3], [0.2775, 0.7634, 0.9433], atol=5e-5)
    assert math.isnan(lo[3]) and math.isnan(hi[3])


def test_wilson_wider_at_higher_confidence_and_symmetric():
    lo95, hi95 = wilson_interval(3, 20)
    lo99, hi99 = wilson_interval(3, 20, confidence=0.99)
    assert lo99 < lo95 < 0.15 < hi95 < hi99
    lo, hi = wilson_interval(17, 20)
    assert float(lo) == pytest.approx(1 - float(hi95))
    assert float(hi) == pytest.approx(1 - float(lo95))


def test_audit_table_carries_wilson_bounds():
    y = [1] * 10 + [0] * 10
    p = [1] * 8 + [0] * 2 + [1] * 5 + [0] * 5
    result = audit(y, p, sensitive_features=["a"] * 20, min_group_size=1, n_resamples=10)
    row = result.groups.loc["a"]
    assert row["tpr"] == 0.8
    assert row["tpr_low"] == pytest.approx(0.4902, abs=5e-5)
    assert row["tpr_high"] == pytest.approx(0.9433, abs=5e-5)
    assert row["fpr"] == 0.5
    assert row["fpr_low"] == pytest.approx(0.2366, abs=5e-5)
    assert row["fpr_high"] == pytest.approx(0.7634, abs=5e-5)


# ---------------------------------------------------------------------------------------------
# Sanity checks of ALGORITHMS 9.7
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


# ---------------------------------------------------------------------------------------------
# encode_groups
# ---------------------------------------------------------------------------------------------


def test_encode_one_column():
    codes, labels = encode_groups(["b", "a", "b", "c"])
    assert list(labels) == ["a", "b", "c"]
    assert labels.name == "group"
    np.testing.assert_array_equal(codes, [1, 0, 1, 2])
    assert codes.dtype == np.int64


def test_encode_series_and_numbers_as_strings():
    codes, labels = encode_groups(pd.Series([1, 0, 1], name="flag"))
    assert list(labels) == ["0", "1"]
    np.testing.assert_array_equal(codes, [1, 0, 1])


def test_encode_two_columns_intersectional():
    frame = pd.DataFrame({"sex": ["F", "M", "F", "M", "F"],
                          "race": ["x", "x", "y", "y", "x"]})
    codes, labels = encode_groups(frame)
    assert list(labels) == ["F & x", "F & y", "M & x", "M & y"]
    np.testing.assert_array_equal(codes, [0, 2, 1, 3, 0])


def test_encode_two_columns_only_present_cells():
    frame = pd.DataFrame({"sex": ["F", "M", "F", "M"], "race": ["x", "x", "x", "y"]})
    codes, labels = encode_groups(frame)
    assert list(labels) == ["F & x", "M & x", "M & y"]
    np.testing.assert_array_equal(codes, [0, 1, 0, 2])


def test_encode_list_of_columns_and_non_default_index():
    frame = pd.DataFrame({"a": ["p", "q", "p"], "b": [1, 1, 2]}, index=[10, 20, 30])
    codes, labels = encode_groups(frame)
    codes2, labels2 = encode_groups([frame["a"].to_numpy(), frame["b"].to_numpy()])
    assert list(labels) == list(labels2) == ["p & 1", "p & 2", "q & 1"]
    np.testing.assert_array_equal(codes, codes2)
    np.testing.assert_array_equal(codes, [0, 2, 1])


def test_intersectional_audit_labels():
    frame = pd.DataFrame({"sex": ["F", "M"] * 20, "age": ["old"] * 20 + ["young"] * 20})
    y = np.tile([0, 1], 20)
    result = audit(y, y, sensitive_features=frame, min_group_size=1, n_resamples=10)
    assert list(result.groups.index) == ["F & old", "F & young", "M & old", "M & young"]
    assert result.groups["n"].tolist() == [10, 10, 10, 10]


@pytest.mark.parametrize("missing", [None, np.nan])
def test_missing_sensitive_value_names_the_column(missing):
    frame = pd.DataFrame({"sex": ["F", "M", "F"], "race": ["x", missing, "y"]})
    with pytest.raises(RoleError, match="race"):
        encode_groups(frame)
    with pytest.raises(RoleError, match="sex"):
        encode_groups(pd.Series(["F", missing, "M"], name="sex"))
    with pytest.raises(RoleError, match="missing"):
        encode_groups(np.array(["F", missing, "M"], dtype=object))


def test_missing_sensitive_value_in_audit():
    with pytest.raises(RoleError, match="gender"):
        audit([0, 1, 1], [0, 1, 0], sensitive_features=pd.Series(["a", None, "b"], name="gender"))
