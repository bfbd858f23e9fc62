"""Audit screen: pass/fail rules give the same verdicts as ``audit --fail-on``, travel in the
URL, and a rule that is not one is said in a sentence."""

from cli_runner import run_cli

SUBMIT = "FormSubmitter:w_audit_gate-Apply the rules"


def _set_rules(at, text: str, on_interval: bool = False):
    at.text_area(key="w_audit_gate_text").set_value(text)
    at.checkbox(key="w_audit_gate_ci").set_value(on_interval)
    at.button(key=SUBMIT).click().run()
    assert not at.exception
    return [m.value for m in at.markdown if "badge[" in m.value]


def test_badges_equal_the_command_lines_verdicts(app, open_page, gap_value):
    at = open_page(app, "app_pages/audit.py")
    dp = gap_value(at, "demographic_parity_difference")
    rules = [f"demographic_parity_difference>{dp - 0.01:.3f}", "equalized_odds_difference>0.9"]
    [badges] = _set_rules(at, "\n".join(rules))
    assert badges.count("FAIL") == 1 and badges.count(":green-badge") == 1
    assert "1 of 2 pass" in " ".join(m.value for m in at.markdown)
    cli = run_cli(["audit", "--sample", "adult", "--resamples", "100",
                   *[a for r in rules for a in ("--fail-on", r)]])
    assert cli.returncode == 1 and len(cli.stderr.splitlines()) == 1
    assert at.query_params["gate"] == rules


def test_judged_on_the_interval_a_near_bound_passes(app, open_page, gap_value):
    at = open_page(app, "app_pages/audit.py")
    dp = gap_value(at, "demographic_parity_difference")
    rule = f"demographic_parity_difference>{dp - 0.002:.4f}"
    assert "FAIL" in _set_rules(at, rule)[0]
    badges = _set_rules(at, rule, on_interval=True)[0]
    assert "FAIL" not in badges and "judged on the interval" in badges


def test_a_bad_rule_is_one_sentence_and_the_rest_still_judged(app, open_page):
    at = open_page(app, "app_pages/audit.py")
    [badges] = _set_rules(at, "dp>0.1\nequalized_odds_difference>0.9")
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "names the gap 'dp'" in errors[0]
    assert badges.count(":green-badge") == 1
