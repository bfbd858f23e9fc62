"""``python -m fairdash audit`` counted by an engine: the JSON equals the library's audit of the
same (all) rows; the engine is chosen as documented; bad uses exit 2 with one sentence."""

import json

import ibis
import numpy as np
import pytest
from cli_runner import assert_refused, run_cli
from engine_tables import decision_log, pandas_reference, scored_sample

ROLES = ("--target", "label", "--sensitive", "group,region", "--score-column", "score",
         "--resamples", "200")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    frame = decision_log(20_000, seed=11)
    frame.to_parquet(folder / "log.parquet")
    frame.to_csv(folder / "log.csv", index=False)
    (folder / "parts").mkdir()
    for i in range(2):
        frame.iloc[i::2].to_parquet(folder / "parts" / f"p{i}.parquet")
    con = ibis.duckdb.connect(folder / "log.db")
    con.create_table("decisions", frame)
    con.disconnect()
    return folder, frame


def _audit(*argv):
    run = run_cli(["audit", *argv])
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_engine_audit_equals_the_library_audit_of_all_rows(files):
    folder, frame = files
    ref, _ = pandas_reference(frame, "label", ("group", "region"), "1", threshold=0.4,
                              n_resamples=200)
    expected = ref.to_dict()
    for source in (("--data", folder / "log.parquet", "--engine", "duckdb"),
                   ("--data", folder / "log.csv", "--engine", "duckdb"),
                   ("--data", folder / "parts" / "*.parquet"),            # a glob: auto
                   ("--data", folder / "parts"),                          # a folder: auto
                   ("--connection", f"duckdb://{folder / 'log.db'}", "--table", "decisions")):
        out = _audit(*source, *ROLES, "--threshold", "0.4")
        assert out["audited_split"] == "all" and out["rows_audited"] == len(frame)
        assert out["engine"] == "duckdb" and out["score_resolution"] is None
        assert out["gaps"] == expected["gaps"] and out["groups"] == expected["groups"]
        assert out["warnings"][0].startswith("Every row of the table is audited")
        assert out["provenance"]["data"]["split"] == {"all": len(frame)}


def test_small_files_stay_on_pandas_and_pandas_can_be_forced(files):
    folder, _ = files
    for extra in ((), ("--engine", "pandas")):
        out = _audit("--data", folder / "log.parquet", *ROLES, *extra)
        assert out["audited_split"] == "test" and "engine" not in out


def test_binned_resolution_and_the_gate(files):
    folder, frame = files
    out = _audit("--data", folder / "log.parquet", "--engine", "duckdb", *ROLES,
                 "--score-resolution", "0.001", "--fail-on", "demographic_parity_difference>1")
    assert out["score_resolution"] == 0.001 and out["counted_cells"] < len(frame)
    assert out["gate"][0]["passed"] is True
    run = run_cli(["audit", "--data", folder / "log.parquet", "--engine", "duckdb", *ROLES,
                   "--fail-on", "demographic_parity_difference>0.0001"])
    assert run.returncode == 1 and "demographic_parity_difference" in run.stderr


@pytest.mark.parametrize("argv, words", [
    (("--engine", "duckdb", "--target", "label", "--sensitive", "group"), "--score-column"),
    (("--engine", "duckdb", *ROLES, "--model", "hgb"), "not allowed with argument"),
    (("--engine", "duckdb", *ROLES, "--score-resolution", "2"), "score resolution must be"),
    (("--engine", "duckdb", *ROLES, "--sensitive", "group,group"), "each column once"),
    (("--table", "decisions", *ROLES), "give --connection too"),
])
def test_bad_engine_audits_exit_2(files, argv, words):
    folder, _ = files
    assert_refused(run_cli(["audit", "--data", folder / "log.parquet", *argv]), words)


def test_bad_connections_and_commands_that_need_rows_exit_2(files):
    folder, _ = files
    db = f"duckdb://{folder / 'log.db'}"
    assert_refused(run_cli(["audit", "--connection", db, "--table", "nope", *ROLES]),
                   "Cannot open table 'nope'")
    assert_refused(run_cli(["audit", "--connection", db, *ROLES]), "--table")
    assert_refused(run_cli(["audit", "--connection", db, "--table", "decisions",
                            "--engine", "pandas", *ROLES]), "--engine pandas loads")
    assert_refused(run_cli(["audit", "--sample", "german", "--engine", "duckdb"]),
                   "always loaded with pandas")
    assert_refused(run_cli(["tradeoff", "--data", folder / "parts", *ROLES[:6]]),
                   "'tradeoff' needs the rows in memory")
    assert_refused(run_cli(["mitigate", "--data", folder / "parts", *ROLES[:6],
                            "--method", "reweighing", "--strength", "1"]),
                   "only the group thresholds")


def test_sample_scores_audited_through_the_cli_equal_pandas(tmp_path):
    frame, target, sensitive, positive = scored_sample("compas")
    frame.to_parquet(tmp_path / "compas.parquet")
    out = _audit("--data", tmp_path / "compas.parquet", "--engine", "duckdb", "--target", target,
                 "--sensitive", ",".join(sensitive), "--score-column", "score",
                 "--positive-label", positive, "--resamples", "200")
    ref, _ = pandas_reference(frame, target, sensitive, positive, n_resamples=200)
    assert out["gaps"] == ref.to_dict()["gaps"]


@pytest.mark.slow
def test_auto_counts_a_file_over_two_million_rows_in_the_engine(tmp_path):
    frame = decision_log(2_000_001, n_groups=2, seed=12).round({"score": 3})
    frame.to_parquet(tmp_path / "big.parquet")
    out = _audit("--data", tmp_path / "big.parquet", *ROLES)
    assert out["audited_split"] == "all" and out["engine"] == "duckdb"
    assert out["rows_audited"] == 2_000_001
    # training a model needs the rows: that audit stays on pandas (and its row limit)
    assert _audit("--data", tmp_path / "big.parquet", *ROLES[:4], "--features", "score",
                  "--resamples", "50")["audited_split"] == "test"


def test_engine_mitigate_fits_thresholds_from_the_counts_and_audits_all_counts(files):
    from fairdash.metrics import audit_counts, confusion_counts, encode_groups
    from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

    folder, frame = files
    run = run_cli(["mitigate", "--data", folder / "log.parquet", "--engine", "duckdb", *ROLES,
                   "--method", "thresholds_eo", "--strength", "0.7"])
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["fit_split"] == "every row (20,000), from the counts"
    assert out["before"]["audited_split"] == out["after"]["audited_split"] == "all"
    assert out["before"]["gaps"] == _audit("--data", folder / "log.parquet", "--engine",
                                           "duckdb", *ROLES)["gaps"]
    codes, labels = encode_groups(frame[["group", "region"]])
    est = GroupThresholdOptimizer("equalized_odds", strength=0.7).fit(
        frame["score"], frame["label"], sensitive_features=labels.to_numpy()[codes])
    p = est.decision_proba(frame["score"], sensitive_features=labels.to_numpy()[codes])
    ref = audit_counts(confusion_counts(frame["label"], p, codes, len(labels)), labels,
                       row_counts=np.bincount(codes), n_resamples=200).to_dict()
    for name, gap in ref["gaps"].items():
        assert out["after"]["gaps"][name]["value"] == pytest.approx(gap["value"], abs=1e-9)
    assert "CASE" in out["rule_sql"] and "decision_proba" in out["rule_sql"]
