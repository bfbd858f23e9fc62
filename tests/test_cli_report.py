"""``python -m fairdash report`` as real subprocesses: it writes the file, with the `audit`
command's numbers, adds the mitigation, comparison, tradeoff and slices sections asked for,
exits 1 on a failed gate (file written) and 2 with one sentence for bad options."""

import json
import re

import pytest
from cli_runner import assert_refused, run_cli, run_commands

from fairdash.report import read_embedded


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("report")


@pytest.fixture(scope="module")
def runs(out_dir):
    o = lambda name: str(out_dir / f"{name}.html")
    return run_commands({
        "plain": ["report", "--sample", "adult", "-o", o("plain")],
        "audit": ["audit", "--sample", "adult", "--threshold", "0.3"],
        "at03": ["report", "--sample", "adult", "--threshold", "0.3", "-o", o("at03")],
        "full": ["report", "--sample", "adult", "--mitigation", "thresholds_dp@0.8",
                 "--compare", "base,thresholds_eo@0.5", "--tradeoff", "--slices",
                 "-o", o("full")],
        "gate": ["report", "--sample", "adult", "--fail-on", "demographic_parity_difference>0.1",
                 "--fail-on", "demographic_parity_ratio<0.1", "-o", o("gate")],
        "compas": ["report", "--sample", "compas", "--sensitive", "race_binary",
                   "--score-column", "decile_score", "--rescale-scores",
                   "--mitigation", "barycenter", "-o", o("compas")],
    })


def _gaps(html: str) -> dict:
    return {k: float(v) for k, v in
            re.findall(r'<tr data-gap="(\w+)">.*?data-value="([^"]+)"', html)}


def test_report_writes_the_file_and_says_so(runs, out_dir):
    run = runs["plain"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    path = out_dir / "plain.html"
    assert out["output"] == str(path) and out["bytes"] == path.stat().st_size
    assert out["sections"] == [] and "gate" not in out
    html = path.read_text()
    assert 1_500_000 < out["bytes"] < 5_000_000
    assert "Fairness report: Logistic regression" in html
    assert "python -m fairdash report --sample adult" in html       # provenance command


def test_the_report_has_the_audit_commands_numbers(runs, out_dir):
    assert runs["audit"].returncode == 0 and runs["at03"].returncode == 0
    audited = json.loads(runs["audit"].stdout)
    html = (out_dir / "at03.html").read_text()
    shown = _gaps(html)
    assert shown == {k: v["value"] for k, v in audited["gaps"].items()}
    live = read_embedded(html)["fd-live"]
    assert live["thresholds"][live["audited_index"]] == 0.3
    assert [g["group"] for g in audited["groups"]] == live["labels"]
    assert [g["n"] for g in audited["groups"]] == live["n"]
    assert audited["provenance"]["data"]["fingerprint"] in html


def test_mitigation_comparison_tradeoff_and_slices(runs, out_dir):
    run = runs["full"]
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["sections"] == ["mitigation", "comparison", "tradeoff",
                                                  "slices"]
    html = (out_dir / "full.html").read_text()
    for heading in ("Mitigation: Group thresholds (demographic parity)",
                    ("Model update: base model &rarr; Group thresholds (equalized odds) at "
                     "strength 0.5"), "<h2>Tradeoff</h2>", "Groups nobody named", "Who paid"):
        assert heading in html, heading
    figures = read_embedded(html)["fd-figures"]
    assert {"fig-mitigation", "fig-tradeoff", "fig-flips"} <= set(figures)
    assert "The chosen point: <b>Group thresholds (demographic parity)</b> at strength 0.8" \
        in html
    assert len(html.encode()) < 5_000_000


def test_given_scores_with_a_post_processing_method(runs, out_dir):
    run = runs["compas"]
    assert run.returncode == 0, run.stderr
    html = (out_dir / "compas.html").read_text()
    assert "Given scores in column &#x27;decile_score&#x27;" in html
    assert "Mitigation: Wasserstein barycenter" in html


def test_a_failed_gate_exits_1_and_still_writes_the_report(runs, out_dir):
    run = runs["gate"]
    assert run.returncode == 1, run.stderr
    gate = json.loads(run.stdout)["gate"]
    assert [g["passed"] for g in gate] == [False, True]
    assert run.stderr.strip().splitlines() == [gate[0]["verdict"]]
    html = (out_dir / "gate.html").read_text()
    assert html.count('<span class="badge fail">FAIL</span>') == 1
    assert html.count('<span class="badge pass">PASS</span>') == 1


@pytest.mark.parametrize("argv, words", [
    (["--mitigation", "nosuch@1"], "'nosuch@1' is not a model"),
    (["--mitigation", "thresholds_dp@2"], "the strength must lie in [0, 1]"),
    (["--mitigation", "model:hgb"], "is not a method"),
    (["--compare", "base"], "--compare must name two models as OLD,NEW"),
    (["--compare", "base,model:nosuch"], "no built-in model called 'nosuch'"),
    (["--fail-on", "dp=0.1"], "--fail-on 'dp=0.1'"),
    (["--threshold", "1.5"], "--threshold must be a number in [0, 1]"),
    (["--target", "hours_per_week"], "The report covers yes/no outcomes"),
])
def test_bad_options_are_one_sentence(tmp_path, argv, words):
    run = run_cli(["report", "--sample", "adult", *argv, "-o", tmp_path / "r.html"])
    assert_refused(run, words)
    assert len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()


def test_bad_output_paths_and_retraining_on_given_scores(tmp_path):
    run = run_cli(["report", "--sample", "adult", "-o", tmp_path / "missing" / "r.html"])
    assert_refused(run, "does not exist")
    run = run_cli(["report", "--sample", "adult", "-o", tmp_path])
    assert_refused(run, "is a folder")
    run = run_cli(["report", "--sample", "compas", "--score-column", "decile_score",
                   "--rescale-scores", "--mitigation", "reweighing@1", "-o", tmp_path / "r.html"])
    assert_refused(run, "trains a new model")
    run = run_cli(["report", "--sample", "adult"])                 # argparse: -o is required
    assert run.returncode == 2 and "-o/--output" in run.stderr
