"""``python -m fairdash tradeoff`` as real subprocesses: JSON, CSV and bad input."""

import io
import json

import numpy as np
import pandas as pd
import pytest
from cli_runner import assert_refused, run_commands

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.models import fit_builtin, score_dataset
from fairdash.tradeoff import SWEEP_COLUMNS, pareto_front, sweep

FAST = ("--resamples", "200")

COMMANDS = {
    "json": ["tradeoff", "--sample", "adult", "--methods", "thresholds_dp,barycenter",
             "--points", "6", "--gap", "equalized_odds_difference", *FAST],
    "csv": ["tradeoff", "--sample", "adult", "--methods", "thresholds_eo,reweighing",
            "--points", "3", "--performance", "balanced_accuracy", "--format", "csv", *FAST],
    "compas": ["tradeoff", "--sample", "compas", "--sensitive", "race_binary", "--score-column",
               "decile_score", "--rescale-scores", "--methods", "all", "--points", "5", *FAST],
    "bad_method": ["tradeoff", "--sample", "adult", "--methods", "magic"],
    "bad_gap": ["tradeoff", "--sample", "adult", "--methods", "barycenter", "--gap", "fairness"],
    "needs_features": ["tradeoff", "--sample", "compas", "--sensitive", "race_binary",
                       "--score-column", "decile_score", "--rescale-scores", "--methods",
                       "ferm_linear"],
}


@pytest.fixture(scope="module")
def runs():
    return run_commands(COMMANDS)


def test_json_rows_and_library_agree(runs):
    run = runs["json"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["gap"] == "equalized_odds_difference" and out["performance"] == "accuracy"
    assert out["audited_split"] == "test" and out["rows_audited"] > 9000
    points = pd.DataFrame(out["points"])
    assert list(points.columns) == list(SWEEP_COLUMNS)
    assert len(points) == 1 + 2 * 6
    assert points["method"].tolist().count("baseline") == 1
    # the library gives the same table
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    lib = sweep(ds, ["thresholds_dp", "barycenter"], 6, base_scores=scores,
                gap="equalized_odds_difference", n_resamples=200)
    np.testing.assert_allclose(points["gap"], lib["gap"], atol=1e-9)
    np.testing.assert_allclose(points["performance_high"], lib["performance_high"], atol=1e-9)
    assert points["pareto"].tolist() == lib["pareto"].tolist()


def test_csv_has_every_point_with_intervals_and_the_front(runs):
    run = runs["csv"]
    assert run.returncode == 0, run.stderr
    table = pd.read_csv(io.StringIO(run.stdout))
    assert list(table.columns) == list(SWEEP_COLUMNS)
    # thresholds_eo: 3 points from 0 to 1; reweighing: 3 points in (0, 1] after strength 0,
    # the base model (no fit), so both lines start at the baseline row
    assert table.loc[table["method"] == "thresholds_eo", "strength"].tolist() == [0, 0.5, 1]
    assert table.loc[table["method"] == "reweighing", "strength"].round(4).tolist() == [
        0.0, 0.3333, 0.6667, 1.0]
    starts = table[(table["method"] != "baseline") & (table["strength"] == 0)]
    assert (starts["gap"] == table.iloc[0]["gap"]).all()
    assert (starts["performance"] == table.iloc[0]["performance"]).all()
    assert (table["performance_low"] <= table["performance"]).all()
    assert (table["performance"] <= table["performance_high"]).all()
    assert table["pareto"].tolist() == pareto_front(table["gap"].to_numpy(),
                                                   table["performance"].to_numpy()).tolist()


def test_scores_only_sweeps_post_processing(runs):
    run = runs["compas"]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    stages = {p["stage"] for p in out["points"]}
    assert stages == {"none", "post"}
    assert out["model"] == "scores:decile_score"


@pytest.mark.parametrize("name, words", [
    ("bad_method", "magic"),
    ("bad_gap", "fairness"),
    ("needs_features", "only post-processing"),
])
def test_bad_input_is_one_sentence(runs, name, words):
    assert_refused(runs[name], words)
