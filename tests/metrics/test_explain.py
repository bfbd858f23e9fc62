"""Plain-language sentences for gaps: they name the groups, the size, the interval, the p-value."""

import re

import numpy as np
import pytest

from fairdash.metrics import GAPS, audit, explain_gap


def _result(seed=0, n=1500, method="between_groups"):
    rng = np.random.default_rng(seed)
    names = np.array(["women", "men", "nonbinary"], dtype=object)
    g = rng.choice(3, n, p=[0.45, 0.45, 0.1])
    y = (rng.random(n) < np.array([0.4, 0.5, 0.45])[g]).astype(int)
    sel = np.where(y == 1, np.array([0.55, 0.85, 0.7])[g], np.array([0.1, 0.3, 0.2])[g])
    p = (rng.random(n) < sel).astype(int)
    return audit(y, p, sensitive_features=names[g], method=method)


def _p_in(sentence):
    match = re.search(r"p (?:=|<) (\d\.\d+|\d(?:\.\d+)?e-\d+)", sentence)
    assert match, sentence
    return float(match.group(1))


@pytest.mark.parametrize("name", ["demographic_parity_difference", "demographic_parity_ratio",
                                  "equal_opportunity_difference", "equalized_odds_difference",
                                  "accuracy_score_difference", "predictive_parity_difference"])
def test_sentence_names_the_extreme_groups_and_the_p_value(name):
    result = _result()
    sentence = explain_gap(name, result, positive_meaning="a loan offer")
    spec = GAPS[name]
    rates = result.groups[list(spec.rates)]
    # the rate with the widest spread is the one described
    main = max(spec.rates, key=lambda r: rates[r].max() - rates[r].min())
    hi, lo = rates[main].idxmax(), rates[main].idxmin()
    assert f"'{hi}'" in sentence and f"'{lo}'" in sentence
    middle = set(result.groups.index) - {hi, lo}
    assert not any(f"'{m}'" in sentence for m in middle)
    assert sentence.index(f"'{hi}'") < sentence.index(f"'{lo}'")  # higher rate first
    p = result.gaps.loc[name, "p_value"]
    assert _p_in(sentence) == pytest.approx(p, abs=0.006)
    assert "interval" in sentence
    assert "undefined" not in sentence.lower()


def test_sentence_gives_the_size_and_interval_in_points():
    result = _result()
    row = result.gaps.loc["demographic_parity_difference"]
    sentence = explain_gap("demographic_parity_difference", result, positive_meaning="a loan offer")
    assert f"{row['value'] * 100:.1f} percentage points" in sentence
    assert f"{row['ci_low'] * 100:.1f} to {row['ci_high'] * 100:.1f}" in sentence
    assert "a loan offer" in sentence
    ratio = explain_gap("demographic_parity_ratio", result)
    assert "80 %" in ratio
    assert f"{result.gaps.loc['demographic_parity_ratio', 'value']:.0%}" in ratio


def test_strong_evidence_and_no_evidence_are_worded_differently():
    strong = _result()
    p = strong.gaps.loc["demographic_parity_difference", "p_value"]
    assert p < 0.01
    s = explain_gap("demographic_parity_difference", strong)
    assert "very unlikely" in s
    if p <= 1 / (strong.n_resamples + 1):  # no shuffled data set reached the observed gap
        assert f"p < {1 / strong.n_resamples:.3g}" in s
        assert f"none of the {strong.n_resamples:,}" in s
    else:
        assert f"p = {p:.3f}" in s

    y = np.tile([1, 1, 0, 0, 1, 0, 1, 0], 30)
    pred = np.tile([1, 0, 0, 1, 1, 0, 1, 0], 30)
    groups = np.repeat(["a", "b", "c"], 80)  # identical groups: no disparity at all
    weak = audit(y, pred, sensitive_features=groups, n_resamples=200)
    s = explain_gap("demographic_parity_difference", weak)
    assert weak.gaps.loc["demographic_parity_difference", "p_value"] == 1.0
    assert "p = 1.00" in s and "not clear evidence" in s


def test_combined_criteria_say_how_they_combine():
    result = _result()
    assert "worst of true and false positive rates" in explain_gap("equalized_odds_difference",
                                                                   result)
    assert "mean of the true and false positive rate gaps" in explain_gap(
        "equalized_odds_difference_mean", result)


def test_small_groups_are_not_named_as_extremes():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 205)
    p = np.r_[rng.integers(0, 2, 200), np.ones(5, dtype=int)]  # 'tiny' selects everyone
    groups = np.r_[np.where(rng.random(200) < 0.5, "a", "b"), ["tiny"] * 5]
    result = audit(y, p, sensitive_features=groups, n_resamples=50)
    sentence = explain_gap("demographic_parity_difference", result)
    assert "'tiny'" not in sentence and "'a'" in sentence and "'b'" in sentence


def test_undefined_gap_says_so():
    # only group a has positive rows: TPR is defined for one group, so no TPR gap exists
    y = np.r_[np.tile([1, 0], 20), np.zeros(40, dtype=int)]
    p = np.tile([1, 0, 0, 1], 20)
    groups = np.repeat(["a", "b"], 40)
    result = audit(y, p, sensitive_features=groups, n_resamples=50)
    assert np.isnan(result.gaps.loc["equal_opportunity_difference", "value"])
    sentence = explain_gap("equal_opportunity_difference", result)
    assert "undefined" in sentence.lower()
    assert "p = " not in sentence
    # a defined gap of the same audit is explained normally
    assert "undefined" not in explain_gap("demographic_parity_difference", result).lower()


def test_every_gap_gets_a_sentence():
    for method in ("between_groups", "to_overall"):
        result = _result(seed=1, method=method)
        for name in GAPS:
            sentence = explain_gap(name, result)
            assert isinstance(sentence, str) and sentence.endswith(".")
            assert "nan" not in sentence.lower()
