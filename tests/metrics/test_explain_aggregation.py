"""Gap sentences follow the chosen aggregation; gaps know which way is fairer."""

import math

import numpy as np
import pytest

from fairdash.metrics import (GAPS, REGRESSION_GAPS, VERDICTS, aggregation_note, audit,
                              explain_gap, gap_change_verdict)

NAMES = ["women", "men", "nonbinary"]


def _result(method="between_groups", reference=None, seed=0, n=1500):
    rng = np.random.default_rng(seed)
    g = rng.choice(3, n, p=[0.45, 0.45, 0.1])
    y = (rng.random(n) < np.array([0.4, 0.5, 0.45])[g]).astype(int)
    sel = np.where(y == 1, np.array([0.55, 0.85, 0.7])[g], np.array([0.1, 0.3, 0.2])[g])
    p = (rng.random(n) < sel).astype(int)
    return audit(y, p, sensitive_features=np.array(NAMES, dtype=object)[g], method=method,
                 reference=reference, n_resamples=200)


SINGLE = ["demographic_parity_difference", "demographic_parity_ratio",
          "equal_opportunity_difference", "predictive_parity_difference",
          "accuracy_score_difference"]
EXTREMES = ("highest", "lowest", "lower rate", "higher one")


@pytest.mark.parametrize("reference", ["men", "women"])
@pytest.mark.parametrize("name", SINGLE)
def test_reference_mode_names_the_reference_and_explains_the_sign(name, reference):
    result = _result("vs_reference", reference)
    sentence = explain_gap(name, result)
    spec = GAPS[name]
    rate = spec.rates[0]
    rates = result.groups[rate]
    value = result.gaps.loc[name, "value"]
    assert not any(word in sentence for word in EXTREMES), sentence
    assert f"reference group '{reference}'" in sentence
    # the group named is the one farthest from the reference, and its signed value is given
    others = rates.drop(index=reference)
    if spec.kind == "difference":
        far = (others - rates[reference]).abs().idxmax()
        assert value == pytest.approx(rates[far] - rates[reference])
        assert f"'{far}' minus '{reference}' is {value * 100:+.1f} percentage points" in sentence
    else:
        far = (others / rates[reference]).map(lambda v: abs(math.log(v))).idxmax()
        assert value == pytest.approx(rates[far] / rates[reference])
        assert f"The rate of '{far}' is {value:.0%} of the reference group's" in sentence
    side = "higher" if (value > 0 if spec.kind == "difference" else value > 1) else "lower"
    assert f"'{far}' is {side} than the reference" in sentence
    assert f"of all groups, '{far}' is the farthest from '{reference}'" in sentence
    # signed interval
    low = result.gaps.loc[name, "ci_low"]
    if spec.kind == "difference":
        assert f"{low * 100:+.1f} to" in sentence


def test_reference_mode_combined_criteria():
    result = _result("vs_reference", "women")
    for name in ("equalized_odds_difference", "average_odds_difference",
                 "equalized_odds_ratio", "equalized_odds_ratio_mean"):
        sentence = explain_gap(name, result)
        assert "reference group 'women'" in sentence, name
        assert not any(word in sentence for word in EXTREMES), sentence
        assert "nan" not in sentence.lower()
    mean = explain_gap("equalized_odds_ratio_mean", result)
    assert "mean of the true and false positive rate ratios" in mean


@pytest.mark.parametrize("name", SINGLE)
def test_to_overall_compares_a_group_with_all_rows(name):
    result = _result("to_overall")
    sentence = explain_gap(name, result)
    assert "all rows" in sentence
    assert not any(word in sentence for word in EXTREMES), sentence
    rate = GAPS[name].rates[0]
    rates, overall = result.groups[rate], result.overall[rate]
    if GAPS[name].kind == "difference":
        far = (rates - overall).abs().idxmax()
        assert f"{result.gaps.loc[name, 'value'] * 100:.1f} percentage points" in sentence
    else:
        far = np.minimum(rates / overall, overall / rates).idxmin()
    assert f"of '{far}'" in sentence and f"{overall:.1%} of all rows" in sentence


def test_between_groups_says_highest_minus_lowest():
    result = _result()
    assert "(highest group minus lowest)" in explain_gap("demographic_parity_difference", result)
    assert "lower rate is" in explain_gap("demographic_parity_ratio", result)


def test_an_undefined_part_of_a_mean_is_said_to_be_left_out():
    # no false positive anywhere: the FPR ratio is 0 / 0
    y = np.tile(np.r_[np.ones(20, int), np.zeros(20, int)], 2)
    p = np.r_[np.ones(15, int), np.zeros(25, int), np.ones(5, int), np.zeros(35, int)]
    result = audit(y, p, sensitive_features=np.repeat(["a", "b"], 40), n_resamples=100)
    sentence = explain_gap("equalized_odds_ratio_mean", result)
    assert "false positive rate part is undefined here and left out" in sentence
    assert "Among the truly positive" in sentence


def test_aggregation_notes():
    assert "highest group's rate minus the lowest" in aggregation_note("between_groups")
    assert "all rows" in aggregation_note("to_overall")
    note = aggregation_note("vs_reference", "men")
    assert "'men'" in note and "negative when the group's rate is lower" in note
    assert "highest" not in note and "lowest" not in note


def test_every_gap_knows_which_way_is_fairer():
    for name, spec in GAPS.items():
        assert spec.fairer == ("lower" if spec.kind == "difference" else "higher"), name
        assert spec.higher_is_fairer == (spec.kind == "ratio")


@pytest.mark.parametrize("name, before, after, method, verdict", [
    ("demographic_parity_difference", 0.20, 0.05, "between_groups", "fairer"),
    ("demographic_parity_difference", 0.05, 0.20, "between_groups", "less fair"),
    ("demographic_parity_ratio", 0.60, 0.90, "between_groups", "fairer"),
    ("demographic_parity_ratio", 0.90, 0.60, "to_overall", "less fair"),
    ("equalized_odds_ratio_mean", 0.7, 0.7, "between_groups", "unchanged"),
    ("demographic_parity_difference", -0.20, 0.10, "vs_reference", "fairer"),
    ("demographic_parity_difference", 0.05, -0.10, "vs_reference", "less fair"),
    ("demographic_parity_ratio", 1.5, 0.7, "vs_reference", "fairer"),     # |log| .41 -> .36
    ("demographic_parity_ratio", 0.9, 1.5, "vs_reference", "less fair"),
    ("ks", 0.3, 0.1, "between_groups", "fairer"),
    ("wasserstein_1", 1.0, 2.0, "between_groups", "less fair"),
    ("demographic_parity_difference", float("nan"), 0.1, "between_groups", "undefined"),
])
def test_gap_change_verdict(name, before, after, method, verdict):
    assert verdict in VERDICTS
    assert gap_change_verdict(name, before, after, method=method) == verdict


def test_gap_change_verdict_knows_every_gap():
    for name in [*GAPS, *REGRESSION_GAPS]:
        assert gap_change_verdict(name, 0.5, 0.5) == "unchanged"
    with pytest.raises(ValueError, match="accuracy"):
        gap_change_verdict("accuracy", 0.5, 0.6)
