"""``audit --fail-on``: exit 1 with one line per violated rule, 0 when every rule holds, 2 for
a rule that is not one; on Adult, against the library's own audit."""

import json

import pytest
from cli_runner import run_cli

from fairdash.data import AUDITED_SPLIT, build_dataset, load_sample, sample_roles
from fairdash.metrics import audit
from fairdash.models import fit_builtin, score_dataset

ADULT = ["audit", "--sample", "adult", "--resamples", "100"]


@pytest.fixture(scope="module")
def dp():
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    mask = ds.rows(AUDITED_SPLIT)
    result = audit(ds.y[mask], y_score=scores[mask], sensitive_features=ds.frame.loc[mask, "sex"],
                   n_resamples=100)
    return result.gaps.loc["demographic_parity_difference"]


def test_a_gap_over_its_bound_fails_the_gate(dp):
    run = run_cli(ADULT + ["--fail-on", f"demographic_parity_difference>{dp.value - 0.01:.4f}",
                           "--fail-on", "equalized_odds_difference>0.9"])
    assert run.returncode == 1
    assert run.stderr.splitlines() == [line for line in run.stderr.splitlines()
                                       if line.startswith("FAIL demographic_parity_difference>")]
    gate = json.loads(run.stdout)["gate"]
    assert [g["passed"] for g in gate] == [False, True]
    assert gate[0]["value"] == pytest.approx(dp.value, abs=1e-9)


def test_every_rule_holding_passes_the_gate(dp):
    run = run_cli(ADULT + ["--fail-on", f"demographic_parity_difference>{dp.value + 0.01:.4f}",
                           "--format", "table"])
    assert run.returncode == 0 and run.stderr == ""
    assert "gate: pass demographic_parity_difference>" in run.stdout


def test_judged_on_the_interval_a_bound_inside_it_passes(dp):
    bound = (dp.ci_low + dp.value) / 2   # under the estimate, above the interval's lower end
    args = ADULT + ["--fail-on", f"demographic_parity_difference>{bound:.4f}"]
    assert run_cli(args).returncode == 1
    assert run_cli(args + ["--fail-on-ci"]).returncode == 0


@pytest.mark.parametrize("rule, words", [
    ("dp>0.1", "'dp', which this audit does not measure"),
    ("demographic_parity_difference=0.1", "is not of the form GAP>BOUND")])
def test_a_bad_rule_is_refused(rule, words):
    run = run_cli(ADULT + ["--fail-on", rule])
    assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr


def test_a_rule_for_another_kind_of_audit_is_refused():
    run = run_cli(["audit", "--sample", "adult", "--target", "hours_per_week", "--resamples",
                   "20", "--fail-on", "demographic_parity_difference>0.1"])
    assert run.returncode == 2 and "choose one of mean_prediction_gap" in run.stderr
