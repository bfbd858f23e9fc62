"""Equalized odds with agg="mean": an undefined part is left out, as in the worst case and in
fairlearn; NaN only when both parts are undefined."""

import warnings

import fairlearn.metrics as flm
import numpy as np
import pytest

from fairdash.metrics import (audit, average_odds_difference, equalized_odds_difference,
                              equalized_odds_ratio)

#: two groups of 40, no false positive anywhere (FPR ratio 0 / 0), TPR 0.75 against 0.25
Y = np.tile(np.r_[np.ones(20, int), np.zeros(20, int)], 2)
P = np.r_[np.ones(15, int), np.zeros(25, int), np.ones(5, int), np.zeros(35, int)]
G = np.repeat(["a", "b"], 40)


def _fairlearn(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


def test_ratio_mean_leaves_the_undefined_fpr_ratio_out_like_fairlearn():
    theirs = _fairlearn(flm.equalized_odds_ratio, Y, P, sensitive_features=G, agg="mean")
    ours = equalized_odds_ratio(Y, P, sensitive_features=G, agg="mean")
    assert ours == pytest.approx(theirs) == pytest.approx(0.25 / 0.75)
    # the worst case already left it out: with one defined part both agree
    assert equalized_odds_ratio(Y, P, sensitive_features=G) == pytest.approx(ours)


def test_difference_mean_leaves_an_undefined_fpr_gap_out():
    # only group a has negative rows: the FPR difference is undefined (one group), TPR is not
    y = np.r_[np.tile([1, 0], 20), np.ones(40, int)]
    p = np.r_[np.tile([1, 1, 0, 0], 10), np.tile([1, 0, 0, 0], 10)]
    g = np.repeat(["a", "b"], 40)
    tpr_gap = 0.5 - 0.25
    assert equalized_odds_difference(y, p, sensitive_features=g, agg="mean") == pytest.approx(
        tpr_gap)
    assert equalized_odds_difference(y, p, sensitive_features=g) == pytest.approx(tpr_gap)
    assert average_odds_difference(y, p, sensitive_features=g) == pytest.approx(tpr_gap)


def test_nan_only_when_both_parts_are_undefined():
    y = np.ones(40, int)               # no negatives: no FPR; a alone has positives predicted
    p = np.r_[np.ones(20, int), np.zeros(20, int)]
    g = np.repeat(["a", "b"], 20)
    assert equalized_odds_ratio(y, p, sensitive_features=g, agg="mean") == 0.0  # TPR 0 / 1
    y0 = np.zeros(40, int)             # no positives and no positive prediction: both 0 / 0
    assert np.isnan(equalized_odds_ratio(y0, np.zeros(40, int), sensitive_features=g,
                                         agg="mean"))


@pytest.mark.parametrize("method", ["between_groups", "to_overall", "vs_reference"])
def test_the_audit_aggregates_the_same_way(method):
    ref = "a" if method == "vs_reference" else None
    result = audit(Y, P, sensitive_features=G, method=method, reference=ref, n_resamples=200,
                   min_group_size=1)
    for name in ("equalized_odds_ratio_mean", "equalized_odds_ratio"):
        row = result.gaps.loc[name]
        assert row["value"] == pytest.approx(
            equalized_odds_ratio(Y, P, sensitive_features=G, method=method, reference=ref,
                                 agg="mean" if name.endswith("mean") else "worst_case"))
        assert not np.isnan(row["value"]) and not np.isnan(row["p_value"])
        assert not np.isnan(row["ci_low"]) and not np.isnan(row["ci_high"])
    if method != "vs_reference":
        theirs = _fairlearn(flm.equalized_odds_ratio, Y, P, sensitive_features=G,
                            method=method, agg="mean")
        assert result.gaps.loc["equalized_odds_ratio_mean", "value"] == pytest.approx(theirs)
