"""Hand-computed confusion counts and rates, zero denominators included (docs/methods.md §9.1)."""

import math

import numpy as np
import pytest

from fairdash.exceptions import RoleError
from fairdash.metrics import (CELLS, RATE_DEFINITIONS, aggregate, all_rates, confusion_counts,
                              equal_opportunity_difference, equal_opportunity_ratio, rate)


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

