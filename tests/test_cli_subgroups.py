"""``python -m fairdash slices`` and ``bounty`` as real subprocesses: the issue's JSON, the
library's numbers, and one sentence with exit status 2 for bad arguments."""

import json

import numpy as np
import pandas as pd
import pytest
from cli_runner import assert_refused, run_commands

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.models import fit_builtin, score_dataset
from fairdash.subgroups import find_slices, parse_rule

SLICE_KEYS = {"rule", "conditions", "n", "rate", "rate_rest", "effect", "ci_low", "ci_high",
              "p_value", "q_value", "confirmed"}
ROUND_KEYS = {"rule", "accepted", "group_error_before", "group_error_after",
              "overall_error_before", "overall_error_after"}
PLANTED = 'region == "north" and job == "clerk"'


def _flipped_csv(path):
    """The label follows x > 0, except in the planted slice where it follows x < 0."""
    rng = np.random.default_rng(0)
    n = 6000
    frame = pd.DataFrame({"region": rng.choice(["north", "south", "east", "west", "centre"], n),
                          "job": rng.choice(["clerk", "driver", "nurse", "teacher"], n),
                          "x": rng.normal(size=n), "sex": rng.choice(["F", "M"], n)})
    inside = (frame["region"] == "north") & (frame["job"] == "clerk")
    frame["label"] = ((np.where(inside, -1, 1) * frame["x"]
                       + 0.3 * rng.normal(size=n)) > 0).astype(int)
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def runs():
    return run_commands({
        "json": ["slices", "--sample", "adult", "--max-depth", "2", "--top", "5"],
        "depth": ["slices", "--sample", "adult", "--max-depth", "0"],
        "mae": ["slices", "--sample", "adult", "--rate", "mae"],
        "top": ["slices", "--sample", "adult", "--top", "0"],
        "scores": ["bounty", "--sample", "compas", "--score-column", "decile_score",
                   "--rescale-scores"],
        "rounds": ["bounty", "--sample", "adult", "--rounds", "0"],
    })


@pytest.fixture(scope="module")
def slow_runs(tmp_path_factory):
    csv = str(_flipped_csv(tmp_path_factory.mktemp("bounty") / "flipped.csv"))
    data = ["--data", csv, "--target", "label", "--positive-label", "1", "--sensitive", "sex"]
    return run_commands({
        "table": ["slices", "--sample", "adult", "--max-depth", "2", "--top", "3",
                  "--format", "table"],
        "sliceline": ["slices", "--sample", "adult", "--score", "sliceline", "--rate", "fnr",
                      "--max-depth", "2"],
        "regression": ["slices", "--sample", "adult", "--target", "hours_per_week",
                       "--sensitive", "sex", "--max-depth", "1", "--top", "3"],
        "bounty": ["bounty", *data, "--rounds", "2", "--max-depth", "2"],
    })


def test_slices_json_is_the_issues_shape_and_the_librarys_numbers(runs):
    run = runs["json"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) == {"tested", "slices"} and len(out["slices"]) == 5
    assert all(set(s) == SLICE_KEYS for s in out["slices"])
    assert all(set(c) == {"column", "op", "value"} for s in out["slices"]
               for c in s["conditions"])
    flags = [s["confirmed"] for s in out["slices"]]
    assert flags == sorted(flags, reverse=True)                 # confirmed first
    effects = [s["effect"] for s in out["slices"] if s["confirmed"]]
    assert effects == sorted(effects, reverse=True)
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    lib = find_slices(ds, score_dataset(fit_builtin(ds, "logreg"), ds), max_depth=2)
    assert out["tested"] == lib.tested
    assert out == lib.to_dict(top=5)
    for s in out["slices"]:
        parse_rule(s["rule"]).mask(ds.frame)                    # every rule reads back


@pytest.mark.slow
def test_slices_table_names_the_rows_and_the_caution(slow_runs):
    run = slow_runs["table"]
    assert run.returncode == 0, run.stderr
    assert "adult: logreg, error rate on the test split" in run.stdout
    assert "confirmed at FDR 0.05" in run.stdout
    assert "not a cause" in run.stdout
    assert len([ln for ln in run.stdout.splitlines() if ln[:1] in "* "
                and "==" in ln]) == 3


@pytest.mark.slow
def test_sliceline_score_and_another_rate(slow_runs):
    run = slow_runs["sliceline"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["tested"] >= 1 and out["slices"][0]["rate"] > out["slices"][0]["rate_rest"]


@pytest.mark.slow
def test_a_continuous_target_searches_the_mae(slow_runs):
    run = slow_runs["regression"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert len(out["slices"]) == 3 and all(s["rate"] > 1 for s in out["slices"])   # hours


@pytest.mark.slow
def test_bounty_json_patches_the_planted_group(slow_runs):
    run = slow_runs["bounty"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert set(out) == {"rounds", "final"} and set(out["final"]) == {"overall_error", "groups"}
    assert all(set(r) == ROUND_KEYS for r in out["rounds"])
    first = out["rounds"][0]
    assert first["rule"] == PLANTED and first["accepted"]
    assert first["overall_error_after"] < first["overall_error_before"]
    assert PLANTED in [g["rule"] for g in out["final"]["groups"]]


@pytest.mark.parametrize("name, words", [
    ("depth", "from 1 to 5"),
    ("top", "--top must be at least 1"),
    ("mae", "needs a continuous target"),
    ("scores", "needs a built-in model"),
    ("rounds", "--rounds must be at least 1"),
])
def test_bad_arguments_are_one_sentence(runs, name, words):
    assert_refused(runs[name], words)
    assert len(runs[name].stderr.strip().splitlines()) == 1
