"""``python -m fairdash methods`` and ``python -m fairdash mitigate`` as real subprocesses."""

import json

import pytest
from cli_runner import run_commands

from fairdash.mitigation import REGISTRY

FAST = ("--resamples", "200")

COMMANDS = {
    "methods_json": ["methods", "--format", "json"],
    "methods_table": ["methods"],
    "thresholds": ["mitigate", "--sample", "adult", "--method", "thresholds_dp", "--strength",
                   "1", *FAST],
    "audit": ["audit", "--sample", "adult", *FAST],
    "compas": ["mitigate", "--sample", "compas", "--sensitive", "race_binary", "--score-column",
               "decile_score", "--rescale-scores", "--method", "barycenter", "--strength", "1",
               "--threshold", "0.45", *FAST],
    "strength_zero": ["mitigate", "--sample", "compas", "--sensitive", "race_binary",
                      "--score-column", "decile_score", "--rescale-scores", "--method",
                      "thresholds_dp", "--strength", "0", "--threshold", "0.65", *FAST],
    "bad_method": ["mitigate", "--sample", "adult", "--method", "magic", "--strength", "1"],
    "bad_strength": ["mitigate", "--sample", "adult", "--method", "barycenter", "--strength",
                     "2"],
    "needs_features": ["mitigate", "--sample", "compas", "--sensitive", "race_binary",
                       "--score-column", "decile_score", "--rescale-scores", "--method",
                       "reweighing", "--strength", "1"],
}


@pytest.fixture(scope="module")
def runs():
    return run_commands(COMMANDS)


def test_methods_json_is_the_registry(runs):
    out = json.loads(runs["methods_json"].stdout)
    assert [m["name"] for m in out] == list(REGISTRY)
    for m in out:
        for key in ("stage", "criterion", "native_parameter", "strength_mapping", "tasks",
                    "needs_sensitive_at_predict", "randomised", "what", "assumes"):
            assert key in m
    assert runs["methods_table"].returncode == 0
    assert len(runs["methods_table"].stdout.strip().splitlines()) == len(REGISTRY) + 1


def test_mitigate_prints_before_and_after_in_the_audit_shape(runs):
    r = runs["thresholds"]
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    audit = json.loads(runs["audit"].stdout)
    for side in ("before", "after"):  # the provenance block is the command's, at the top
        assert set(audit) - {"provenance"} <= set(out[side])
        assert out[side]["audited_split"] == "test"
    # the built-in model is audited on the test split by `audit` too: same numbers
    assert out["before"]["gaps"] == audit["gaps"]
    assert out["provenance"]["data"] == audit["provenance"]["data"]
    dp = [out[s]["gaps"]["demographic_parity_difference"]["value"] for s in ("before", "after")]
    assert dp[0] > 0.15 and dp[1] < 0.03
    assert out["decisions_randomised"] is True and out["fit_split"] == "calibration"
    assert 0 <= out["native"]["tolerance"] < 1e-9
    assert out["performance"]["accuracy"]["after"] < out["performance"]["accuracy"]["before"]


def test_compas_decile_score_repaired_by_race(runs):
    r = runs["compas"]
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    before = out["before"]["gaps"]["demographic_parity_difference"]["value"]
    after = out["after"]["gaps"]["demographic_parity_difference"]["value"]
    assert before > 0.2 and after < before / 3
    assert out["decisions_randomised"] is False
    auc = out["performance"]["auc"]
    assert auc["after"] < auc["before"] and auc["after"] > 0.6


@pytest.mark.parametrize("name, words", [
    ("bad_method", "no mitigation method called 'magic'"),
    ("bad_strength", "--strength must lie in [0, 1]"),
    ("needs_features", "only post-processing methods apply")])
def test_bad_input_is_one_sentence(runs, name, words):
    r = runs[name]
    assert r.returncode == 2
    assert r.stderr.startswith("error: ") and words in r.stderr
    assert "Traceback" not in r.stderr


def test_strength_zero_at_the_threshold_changes_nothing(runs):
    """Issue #10 item 1: --threshold reaches the method, so strength 0 is the model as it is."""
    r = runs["strength_zero"]
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["changed_decisions"] == 0 and out["decisions_randomised"] is False
    assert out["after"]["threshold"] == 0.65
    assert out["after"]["gaps"] == out["before"]["gaps"]
