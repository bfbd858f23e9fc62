"""Pass/fail rules on gaps: parsing, judging on the estimate or on the interval."""

import pytest

from fairdash.metrics._gate import GATE_GAPS, GateRule, check_gates, parse_gate

GAPS = {"demographic_parity_difference": {"value": 0.18, "ci_low": 0.16, "ci_high": 0.20},
        "demographic_parity_ratio": {"value": 0.75, "ci_low": 0.70, "ci_high": 0.85},
        "equal_opportunity_difference": {"value": None, "ci_low": None, "ci_high": None}}


@pytest.mark.parametrize("text, rule", [
    ("demographic_parity_difference>0.1", GateRule("demographic_parity_difference", ">", 0.1)),
    (" equalized_odds_difference >= 5e-2 ", GateRule("equalized_odds_difference", ">=", 0.05)),
    ("demographic_parity_ratio<0.8", GateRule("demographic_parity_ratio", "<", 0.8)),
    ("ks<=1", GateRule("ks", "<=", 1.0))])
def test_rules_parse(text, rule):
    assert parse_gate(text) == rule
    assert parse_gate(str(rule)) == rule


@pytest.mark.parametrize("text, words", [
    ("demographic_parity_difference=0.1", "is not of the form GAP>BOUND"),
    ("dp>0.1", "'dp', which this audit does not measure"),
    ("demographic_parity_difference>nan", "not a finite number"),
    ("demographic_parity_difference>1e999", "not a finite number"),
    ("demographic_parity_difference>0.1.2", "not a finite number"),
    ("", "is not of the form GAP>BOUND")])
def test_bad_rules_are_refused_in_one_sentence(text, words):
    with pytest.raises(ValueError, match=words):
        parse_gate(text)


def test_only_the_audits_own_gaps_are_allowed():
    with pytest.raises(ValueError, match="choose one of ks"):
        parse_gate("demographic_parity_difference>0.1", gaps=("ks",))
    assert set(GATE_GAPS) >= {"demographic_parity_difference", "ks", "rmse_difference"}


def test_estimate_and_interval_judgements():
    rules = [parse_gate(r) for r in ("demographic_parity_difference>0.17",
                                     "demographic_parity_difference>0.19",
                                     "demographic_parity_ratio<0.8")]
    on_value = check_gates(GAPS, rules)
    assert [v.failed for v in on_value] == [True, False, True]
    on_ci = check_gates(GAPS, rules, on_interval=True)
    # 0.16 is not above 0.17; the ratio's upper end 0.85 is not below 0.8
    assert [v.failed for v in on_ci] == [False, False, False]
    assert check_gates(GAPS, [parse_gate("demographic_parity_difference>0.15")],
                       on_interval=True)[0].failed
    assert on_value[0].sentence().startswith("FAIL demographic_parity_difference>0.17: ")
    assert "0.180 [95% CI 0.160, 0.200]" in on_value[0].sentence()
    assert on_value[1].to_dict()["passed"] and on_value[1].sentence().startswith("pass ")


def test_a_gap_that_cannot_be_measured_fails():
    [v] = check_gates(GAPS, [parse_gate("equal_opportunity_difference>0.5")])
    assert v.failed and "could not be measured" in v.sentence()


def test_boundary_is_exclusive_for_strict_rules():
    gaps = {"ks": {"value": 0.1, "ci_low": 0.05, "ci_high": 0.2}}
    assert not check_gates(gaps, [parse_gate("ks>0.1")])[0].failed
    assert check_gates(gaps, [parse_gate("ks>=0.1")])[0].failed
