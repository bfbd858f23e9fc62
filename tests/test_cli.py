"""``python -m fairdash audit`` run as a real subprocess on the bundled samples and on files.

Every command of this module is started at once in one fixture (they are independent
processes), so the module costs about as long as its slowest command.
"""

import json
import pickle
import subprocess
from pathlib import Path

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
from cli_runner import run_commands

from fairdash.data import (ColumnRoles, build_dataset, load_sample, make_synthetic,
                           outside_model_warning, sample_roles)
from fairdash.models import fit_builtin, score_dataset

ROOT = Path(__file__).resolve().parents[1]
FAST = ("--resamples", "200")
RATES = ("base_rate", "selection_rate", "tpr", "fpr", "fnr", "tnr", "ppv", "npv", "accuracy")
#: Gap names that are also metric functions in fairlearn.metrics.
FAIRLEARN_GAPS = ("demographic_parity_difference", "demographic_parity_ratio",
                  "equal_opportunity_difference", "equal_opportunity_ratio",
                  "equalized_odds_difference", "equalized_odds_ratio",
                  "accuracy_score_difference")
SYN_FEATURES = ("x1", "x2", "proxy", "region")


def _files(folder: Path) -> dict[str, Path]:
    """The input files the commands read, written to a temporary folder."""
    synthetic = make_synthetic(2_000, random_state=3)
    frame = synthetic.drop(columns=["label", "label_unbiased"]).assign(
        outcome=np.where(synthetic["label"] == 1, "yes", "no"))
    paths = {"csv": folder / "loans.csv", "pkl": folder / "table.pkl",
             "missing": folder / "no_such_file.csv"}
    frame.to_csv(paths["csv"], index=False)
    paths["pkl"].write_bytes(pickle.dumps(frame))
    return paths


def _commands(files: dict[str, Path]) -> dict[str, list[str]]:
    return {
        "adult_json": ["--sample", "adult", "--format", "json"],
        "compas_scores": ["--sample", "compas", "--score-column", "decile_score",
                          "--rescale-scores"],
        "compas_table": ["--sample", "compas", "--score-column", "decile_score",
                         "--rescale-scores", "--format", "table"],
        "intersectional": ["--sample", "compas", "--score-column", "decile_score",
                           "--rescale-scores", "--sensitive", "sex,race"],
        "csv": ["--data", str(files["csv"]), "--target", "outcome", "--positive-label", "yes",
                "--sensitive", "group"],
        # bad input
        "missing_file": ["--data", str(files["missing"]), "--target", "outcome"],
        "unknown_target": ["--data", str(files["csv"]), "--target", "salary"],
        "multiclass_target": ["--data", str(files["csv"]), "--target", "region",
                              "--sensitive", "group"],
        "scores_out_of_range": ["--sample", "compas", "--score-column", "decile_score"],
        "pickle": ["--data", str(files["pkl"]), "--target", "outcome"],
    }


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return _files(tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def runs(files) -> dict[str, subprocess.CompletedProcess]:
    return run_commands({name: ["audit", *args, *FAST]
                         for name, args in _commands(files).items()}, timeout=240)


def ok_json(run: subprocess.CompletedProcess) -> dict:
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)


# --- successful audits ------------------------------------------------------------------------


def test_adult_json_structure(runs):
    out = ok_json(runs["adult_json"])
    assert out["model"] == "logreg" and out["audited_split"] == "test"
    assert out["n_resamples"] == 200
    assert [g["group"] for g in out["groups"]] == ["Female", "Male"]
    assert sum(g["n"] for g in out["groups"]) == out["rows_audited"]
    for group in out["groups"]:
        assert isinstance(group["n"], int) and group["n"] > 3000
        for rate in RATES:
            low, value, high = group[f"{rate}_low"], group[rate], group[f"{rate}_high"]
            assert 0 <= low <= value <= high <= 1, (group["group"], rate)
    for name in FAIRLEARN_GAPS:
        assert callable(getattr(flm, name))
        gap = out["gaps"][name]
        assert set(gap) == {"value", "ci_low", "ci_high", "p_value"}
        assert all(isinstance(v, float) for v in gap.values()), gap
        assert 0 <= gap["p_value"] <= 1


@pytest.fixture(scope="module")
def adult_test_rows():
    """The CLI's test rows and scores, rebuilt through the library."""
    ds = build_dataset(load_sample("adult"), sample_roles("adult"), random_state=0)
    mask = ds.rows("test")
    scores = score_dataset(fit_builtin(ds, "logreg", random_state=0), ds)[mask]
    return ds.y[mask], (scores >= 0.5).astype(int), ds.frame.loc[mask, "sex"]


def test_adult_gaps_equal_fairlearn(runs, adult_test_rows):
    out = ok_json(runs["adult_json"])
    y_true, y_pred, sex = adult_test_rows
    assert out["rows_audited"] == len(y_true)
    for name in FAIRLEARN_GAPS:
        expected = getattr(flm, name)(y_true, y_pred, sensitive_features=sex)
        assert out["gaps"][name]["value"] == pytest.approx(expected, abs=1e-12), name
    selection = pd.Series(y_pred).groupby(sex.to_numpy()).mean()
    for group in out["groups"]:
        assert group["selection_rate"] == pytest.approx(selection[group["group"]], abs=1e-12)


def _cli_dataset(argv):
    """The Dataset the CLI builds for these audit arguments."""
    from fairdash.cli import build_parser, load_dataset

    return load_dataset(build_parser().parse_args(["audit", *argv]))


def test_compas_scores_audit_the_test_rows_with_a_caveat(runs):
    """Given scores are audited on the held-out test split, as models trained here are (one
    rule for every page and the CLI), with a warning that their model may have seen it."""
    out = ok_json(runs["compas_scores"])
    ds = _cli_dataset(["--sample", "compas", "--score-column", "decile_score",
                       "--rescale-scores"])
    test = ds.rows("test")
    compas = ds.frame[test]
    assert out["audited_split"] == "test"
    assert out["rows_audited"] == int(test.sum()) == len(compas) < 7214
    assert out["model"] == "scores:decile_score"
    assert out["warnings"][0] == outside_model_warning("scores")
    assert "cannot know which rows" in out["warnings"][0]
    counts = compas["race_binary"].value_counts()
    assert {g["group"]: g["n"] for g in out["groups"]} == counts.to_dict()
    # rescaled deciles 1..10 -> 0..1: decile >= 5.5 is a positive decision at threshold 0.5
    selected = (compas["decile_score"] >= 5.5).groupby(compas["race_binary"]).mean()
    for group in out["groups"]:
        assert group["selection_rate"] == pytest.approx(selected[group["group"]], abs=1e-12)


def test_table_format_names_the_groups(runs):
    run = runs["compas_table"]
    assert run.returncode == 0, run.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(run.stdout)
    rows = int(_cli_dataset(["--sample", "compas", "--score-column", "decile_score",
                             "--rescale-scores"]).rows("test").sum())
    assert f"{rows:,} rows audited (test split)" in run.stdout
    assert "note: FairDash cannot know which rows" in run.stdout
    lines = run.stdout.splitlines()
    for group in ("African-American", "Caucasian", "Other"):
        assert any(line.startswith(group) for line in lines), group
    assert any(line.startswith("demographic_parity_difference") for line in lines)


def test_intersectional_groups(runs):
    out = ok_json(runs["intersectional"])
    ds = _cli_dataset(["--sample", "compas", "--score-column", "decile_score",
                       "--rescale-scores", "--sensitive", "sex,race"])
    compas = ds.frame[ds.rows("test")]
    assert out["sensitive"] == ["sex", "race"]
    expected = (compas["sex"] + " & " + compas["race"]).value_counts().to_dict()
    assert {g["group"]: g["n"] for g in out["groups"]} == expected
    assert "Female & African-American" in expected
    # groups under the minimum size are shown but left out of the gaps
    small = {g["group"] for g in out["groups"] if g["n"] < out["min_group_size"]}
    assert small and set(out["excluded_groups"]) == small


def test_csv_with_string_labels(runs, files):
    out = ok_json(runs["csv"])
    assert out["positive_label"] == "yes" and out["target"] == "outcome"
    assert out["sensitive"] == ["group"]
    frame = pd.read_csv(files["csv"])
    ds = build_dataset(frame, ColumnRoles("outcome", "yes", ("group",), SYN_FEATURES))
    mask = ds.rows("test")
    assert out["rows_audited"] == mask.sum()
    test = frame[mask]
    truth = (test["outcome"] == "yes").groupby(test["group"]).agg(["size", "sum"])
    for group in out["groups"]:
        assert group["n"] == truth.loc[group["group"], "size"]
        assert group["positives"] == truth.loc[group["group"], "sum"]


# --- bad input: one line on stderr, exit status 2, no traceback --------------------------------


@pytest.mark.parametrize("name, culprit", [
    ("missing_file", "no_such_file.csv"),
    ("unknown_target", "'salary'"),
    ("multiclass_target", "'region' has 4 classes"),
    ("scores_out_of_range", "'decile_score' runs from 1 to 10"),
    ("pickle", "'table.pkl' is a pickled"),
])
def test_bad_input_exits_2_with_one_error_line(runs, name, culprit):
    run = runs[name]
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert culprit in lines[0]
    assert run.stdout == ""


# --- regression audits (continuous targets) ---------------------------------------------------

REG_FEATURES = ("age", "education_num", "occupation", "sex")


def _regression_commands(folder: Path) -> dict[str, list[str]]:
    rng = np.random.default_rng(4)
    n = 600
    group = rng.choice(["a", "b"], n, p=[0.3, 0.7])
    spend = rng.normal(100, 20, n) + (group == "b") * 15
    csv = folder / "spend.csv"
    pd.DataFrame({"group": group, "x": rng.normal(size=n), "spend": spend,
                  "predicted": spend + rng.normal(0, 10, n)}).to_csv(csv, index=False)
    adult = ["--sample", "adult", "--target", "hours_per_week", "--features",
             ",".join(REG_FEATURES)]
    return {
        "json": adult,
        "table": [*adult, "--format", "table"],
        "predictions": ["--data", str(csv), "--target", "spend", "--sensitive", "group",
                        "--score-column", "predicted"],
        "classifier_on_continuous": [*adult, "--model", "logreg"],
    }


@pytest.fixture(scope="module")
def regression_runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("cli_regression")
    done = run_commands({name: ["audit", *args, *FAST]
                         for name, args in _regression_commands(folder).items()}, timeout=240)
    done["folder"] = folder
    return done


def test_classification_json_names_its_task(runs):
    assert ok_json(runs["adult_json"])["task"] == "classification"
    assert ok_json(runs["compas_scores"])["task"] == "classification"


def test_continuous_target_gives_a_regression_audit_equal_to_the_library(regression_runs):
    from fairdash.metrics import REGRESSION_GAPS, regression_audit

    out = ok_json(regression_runs["json"])
    assert out["task"] == "regression" and out["model"] == "linear"
    assert out["positive_label"] is None and out["audited_split"] == "test"
    assert set(out["gaps"]) == set(REGRESSION_GAPS)
    ds = build_dataset(load_sample("adult"),
                       ColumnRoles("hours_per_week", None, ("sex",), REG_FEATURES))
    mask = ds.rows("test")
    predictions = score_dataset(fit_builtin(ds, "linear"), ds)[mask]
    expected = regression_audit(ds.y[mask], predictions, sensitive_features=ds.frame.loc[
        mask, "sex"], n_resamples=200, random_state=0)
    assert out["rows_audited"] == mask.sum()
    for name, row in expected.gaps.iterrows():
        for key in ("value", "ci_low", "ci_high", "p_value"):
            assert out["gaps"][name][key] == pytest.approx(row[key], rel=1e-9), (name, key)
    for group in out["groups"]:
        assert group["n"] == expected.groups.loc[group["group"], "n"]
        assert group["mae"] == pytest.approx(expected.groups.loc[group["group"], "mae"])


def test_regression_table_format(regression_runs):
    run = regression_runs["table"]
    assert run.returncode == 0, run.stderr
    assert "regression audit of hours_per_week" in run.stdout
    lines = run.stdout.splitlines()
    assert any(line.startswith("Female") for line in lines)
    for name in ("mean_prediction_gap", "ks", "wasserstein_1", "barycenter_unfairness"):
        assert any(line.startswith(name) for line in lines), name


def test_given_predictions_of_a_continuous_target(regression_runs):
    out = ok_json(regression_runs["predictions"])
    assert out["task"] == "regression" and out["model"] == "scores:predicted"
    csv = regression_runs["folder"] / "spend.csv"
    ds = _cli_dataset(["--data", str(csv), "--target", "spend", "--sensitive", "group",
                       "--score-column", "predicted"])
    frame = ds.frame[ds.rows("test")]
    assert out["audited_split"] == "test" and out["rows_audited"] == len(frame) < 600
    assert out["warnings"][0] == outside_model_warning("scores")
    mae = (frame["predicted"] - frame["spend"]).abs().groupby(frame["group"]).mean()
    for group in out["groups"]:
        assert group["mae"] == pytest.approx(mae[group["group"]], rel=1e-12)
    means = frame.groupby("group")["predicted"].mean()
    assert out["gaps"]["mean_prediction_gap"]["value"] == pytest.approx(
        means.max() - means.min(), rel=1e-12)


def test_classifier_on_a_continuous_target_is_one_error_line(regression_runs):
    run = regression_runs["classifier_on_continuous"]
    assert run.returncode == 2 and run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "'logreg' is a classification model" in lines[0], run.stderr
