"""Counts from DuckDB (through Ibis) equal the pandas path's on the same rows, exactly."""

import numpy as np
import pytest
from engine_tables import (
    THRESHOLDS,
    assert_same_as_pandas,
    decision_log,
    pandas_reference,
    scored_sample,
)

from fairdash.data import SAMPLES, ColumnRoles, build_dataset
from fairdash.engines import count_scores, open_table
from fairdash.exceptions import DataError, RoleError


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_audit_equals_pandas_on_parquet(tmp_path, name):
    frame, target, sensitive, positive = scored_sample(name)
    frame.to_parquet(tmp_path / "t.parquet")
    counts = count_scores(open_table(tmp_path / "t.parquet"), target=target,
                          sensitive=sensitive, score="score", positive_label=positive)
    assert counts.resolution is None and counts.engine == "duckdb"
    assert counts.rows == len(frame)
    assert_same_as_pandas(counts, frame, target, sensitive, positive, n_resamples=300)


def test_csv_glob_and_hive_folder_equal_pandas(tmp_path):
    frame, target, sensitive, positive = scored_sample("german")
    (tmp_path / "csv").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
        part = frame.iloc[rows]
        part.to_csv(tmp_path / "csv" / f"part{i}.csv", index=False)
    hive = frame.assign(day=np.arange(len(frame)) % 4)
    hive.to_parquet(tmp_path / "hive", partition_cols=["day"])
    for source in (tmp_path / "csv" / "*.csv", tmp_path / "hive"):
        counts = count_scores(open_table(source), target=target, sensitive=sensitive,
                              score="score", threshold=0.3)
        assert_same_as_pandas(counts, frame, target, sensitive, positive, n_resamples=200)
    by_day = count_scores(open_table(tmp_path / "hive"), target=target, sensitive=("day",),
                          score="score")
    assert by_day.row_counts().tolist() == [250, 250, 250, 250]


@pytest.mark.slow
def test_million_rows_duckdb_file_and_database_equal_pandas(tmp_path):
    import ibis

    frame = decision_log(1_000_000)
    frame.to_parquet(tmp_path / "log.parquet")
    con = ibis.duckdb.connect(tmp_path / "log.db")
    con.create_table("decisions", frame)
    con.disconnect()
    tables = [open_table(tmp_path / "log.parquet"),
              open_table(connection=f"duckdb://{tmp_path / 'log.db'}", table="decisions")]
    for table in tables:
        counts = count_scores(table, target="label", sensitive=("group", "region"),
                              score="score")
        assert len(counts.labels) == 16 and counts.rows == 1_000_000
        assert_same_as_pandas(counts, frame, "label", ("group", "region"), "1",
                              n_resamples=200)


def test_binned_scores_are_exact_at_the_threshold(tmp_path):
    frame = decision_log(50_000, seed=4)
    frame.to_parquet(tmp_path / "log.parquet")
    table = open_table(tmp_path / "log.parquet")
    coarse = count_scores(table, target="label", sensitive="group", score="score",
                          threshold=0.4321, resolution=0.01)
    assert coarse.resolution == 0.01 and len(coarse.weights) < len(frame)
    ref, index = pandas_reference(frame, "label", ("group",), "1", threshold=0.4321)
    assert np.array_equal(coarse.index().counts_at(0.4321), index.counts_at(0.4321))
    assert coarse.audit().gaps["value"].equals(ref.gaps["value"])
    # elsewhere a row moves only within its bin: AUC within a bin's share of the pairs
    assert np.allclose(coarse.index().auc(), index.auc(), atol=0.01)
    # 'auto' bins when the engine counts more distinct scores than max_exact
    auto = count_scores(table, target="label", sensitive="group", score="score", max_exact=10)
    assert auto.resolution == 1e-4


def test_rescaled_scores_equal_the_pandas_rescaling(tmp_path):
    frame = decision_log(5_000, seed=2).assign(points=lambda f: f["score"] * 900 + 100)
    frame.to_parquet(tmp_path / "t.parquet")
    table = open_table(tmp_path / "t.parquet")
    with pytest.raises(RoleError, match="outside \\[0, 1\\]"):
        count_scores(table, target="label", sensitive="group", score="points")
    counts = count_scores(table, target="label", sensitive="group", score="points",
                          rescale=True)
    ds = build_dataset(frame, ColumnRoles("label", "1", ("group",), (), "points"),
                       rescale_scores=True)
    assert_same_as_pandas(counts, frame.assign(score=ds.scores), "label", ("group",), "1",
                          n_resamples=100)


def test_text_target_guesses_the_rarer_class_over_rows(tmp_path):
    frame = decision_log(3_000, seed=5)
    frame["outcome"] = np.where(frame["label"] == 1, "approved", "declined")
    frame.to_parquet(tmp_path / "t.parquet")
    counts = count_scores(open_table(tmp_path / "t.parquet"), target="outcome",
                          sensitive="group", score="score")
    assert counts.positive_label == "approved"  # about 45 % of rows, but one cell in two


def test_decisions_and_booleans_count_as_scores(tmp_path):
    frame = decision_log(4_000, seed=6)
    frame["approved"] = frame["score"] >= 0.5
    frame.to_parquet(tmp_path / "t.parquet")
    counts = count_scores(open_table(tmp_path / "t.parquet"), target="label",
                          sensitive="group", score="approved")
    assert len(counts.weights) <= 8 * 2 * 2
    assert_same_as_pandas(counts, frame.assign(score=frame["approved"].astype(float)),
                          "label", ("group",), "1", n_resamples=100)


@pytest.mark.parametrize("change, words", [
    (lambda f: f.assign(label=f["label"].where(f.index % 7 > 0)), "'label' has 429 missing"),
    (lambda f: f.assign(group=f["group"].where(f.index % 10 > 0)), "'group' has 300 missing"),
    (lambda f: f.assign(score=f["score"].where(f.index % 3 > 0)), "'score' has 1000 missing"),
    (lambda f: f.assign(score=f["score"].where(f.index > 0, np.inf)), "1 infinite"),
    (lambda f: f.assign(label=f.index % 3), "has 3 values"),
    (lambda f: f.assign(label=1), "has only one value"),
    (lambda f: f.assign(score=f["group"]), "must be numeric"),
    (lambda f: f.drop(columns="region"), "Column 'region' is not in the table"),
])
def test_bad_tables_are_refused_with_one_sentence(tmp_path, change, words):
    change(decision_log(3_000, seed=1)).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(RoleError, match=words):
        count_scores(open_table(tmp_path / "t.parquet"), target="label",
                     sensitive=("group", "region"), score="score")


def test_missing_sources_are_refused(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        open_table(tmp_path / "none.parquet")
    with pytest.raises(DataError, match="neither Parquet"):
        (tmp_path / "t.json").write_text("{}")
        open_table(tmp_path / "t.json")
    with pytest.raises(DataError, match="Cannot open table 'nope'"):
        open_table(connection=f"duckdb://{tmp_path / 'x.db'}", table="nope")
    with pytest.raises(DataError, match="--table"):
        open_table(connection="duckdb://")
    assert THRESHOLDS[0] == 0.0


def test_sample_rows_are_drawn_by_the_engine(tmp_path):
    from fairdash.engines import sample_rows

    frame = decision_log(20_000, seed=9)
    frame.to_parquet(tmp_path / "t.parquet")
    table = open_table(tmp_path / "t.parquet")
    part = sample_rows(table, 1_000, seed=3, columns=["group", "label"])
    assert len(part) == 1_000 and list(part.columns) == ["group", "label"]
    assert set(part["group"]) <= set(frame["group"])
    assert len(sample_rows(table, 50_000)) == len(frame)  # a small table comes back whole
