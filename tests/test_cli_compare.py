"""``python -m fairdash compare`` as real subprocesses: the flip report of two models."""

import json

import pytest
from cli_runner import assert_refused, run_commands

from fairdash.compare import compare_models, parse_spec
from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.models import fit_builtin, score_dataset

COMMANDS = {
    "thresholds": ["compare", "--sample", "adult", "--new", "thresholds_dp@1",
                   "--flipped-rows", "5"],
    "hgb": ["compare", "--sample", "adult", "--old", "base", "--new", "model:hgb"],
    "bad_spec": ["compare", "--sample", "adult", "--new", "magic"],
    "bad_strength": ["compare", "--sample", "adult", "--new", "barycenter@3"],
    "regression": ["compare", "--sample", "adult", "--target", "hours_per_week",
                   "--sensitive", "sex", "--new", "barycenter"],
}


@pytest.fixture(scope="module")
def runs():
    return run_commands(COMMANDS)


def test_flips_of_group_thresholds_equal_the_library(runs):
    run = runs["thresholds"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["old"] == "base" and out["new"] == "thresholds_dp@1"
    assert out["audited_split"] == "test"
    o = out["overall"]
    assert o["accuracy_new"] - o["accuracy_old"] == pytest.approx(o["pfr"] - o["nfr"])
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    lib = compare_models(ds, parse_spec("base"), parse_spec("thresholds_dp@1"), scores)
    assert o["nfr"] == pytest.approx(lib.overall["nfr"])
    assert out["flipped_rows"] == len(lib.flips)
    assert {g["group"] for g in out["groups"]} == {"Female", "Male"}
    assert len(out["flipped"]) == 5
    assert all(r["kind"] == "negative flip" for r in out["flipped"])


def test_a_stronger_model_flips_some_people_it_improves_on_average(runs):
    run = runs["hgb"]
    assert run.returncode == 0, run.stderr
    o = json.loads(run.stdout)["overall"]
    assert o["accuracy_new"] > o["accuracy_old"]
    assert o["nfr"] > 0.005    # yet some people the old model served right are now wrong


@pytest.mark.parametrize("name, words", [
    ("bad_spec", "'magic' is not a model"),
    ("bad_strength", "[0, 1]"),
    ("regression", "continuous"),
])
def test_bad_input_is_one_sentence(runs, name, words):
    assert_refused(runs[name], words)
