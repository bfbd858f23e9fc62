"""Hostile or broken tables: each is a real file written to tmp_path and read back, and each is
either read correctly or refused with one sentence naming what is wrong and what to do.

Covers infinite and overflowing numbers (features, scores, targets, predictions), nested and
oversized Parquet files and too many columns or rows (files that are not clean tables, and groups
too small for a mitigation's split: ``test_hostile_files.py``).
"""

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hostile_tables import ROLES, csv_file, frame, one_sentence, parquet_bytes

from fairdash.data import (
    DECODED_SIZE_FACTOR,
    MAX_ABS_VALUE,
    MAX_COLUMNS,
    MAX_ROWS,
    ColumnRoles,
    build_dataset,
    read_table,
)
from fairdash.exceptions import DataError, RoleError
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer
from fairdash.models import fit_builtin, score_dataset

# --- 1. infinite and overflowing feature values --------------------------------------------


def test_infinite_feature_is_refused_naming_column_count_and_example(tmp_path):
    df = frame()
    df.loc[[3, 7], "x1"] = [np.inf, -np.inf]
    table = csv_file(tmp_path, df)
    with pytest.raises(DataError) as info:
        build_dataset(table, ROLES)
    message = str(info.value)
    assert message.startswith("Feature column 'x1' has 2 infinite values (such as inf)")
    assert "replace them with empty cells, which are treated as missing" in message
    assert "drop those rows" in message and "out of the features" in message
    one_sentence(message)


def test_values_near_the_float_maximum_are_refused(tmp_path):
    df = frame()
    df.loc[[3, 7], "x2"] = [1e308, -1e308]
    with pytest.raises(DataError, match=r"^Feature column 'x2' has 2 values beyond ±1e\+150, "
                                        r"too large to square without overflow \(such as "
                                        r"1e\+308\); replace them"):
        build_dataset(csv_file(tmp_path, df), ROLES)


@pytest.mark.parametrize("value, refused", [(1e150, False), (-1e150, False),
                                            (1.0000001e150, True), (1e200, True)])
def test_magnitude_bound_is_inclusive_at_1e150(tmp_path, value, refused):
    assert MAX_ABS_VALUE == 1e150
    df = frame()
    df.loc[[3, 7], "x1"] = [value, -value]
    table = csv_file(tmp_path, df)
    if refused:
        with pytest.raises(DataError, match=r"'x1' has 2 values beyond ±1e\+150"):
            build_dataset(table, ROLES)
    else:
        ds = build_dataset(table, ROLES)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no overflow while fitting
            scores = score_dataset(fit_builtin(ds, "logreg"), ds)
        assert np.isfinite(scores).all()


def test_missing_feature_values_still_mean_missing(tmp_path):
    df = frame().astype({"x1": object})
    df.loc[[3, 7, 11], "x1"] = ""  # empty cells
    table = csv_file(tmp_path, df)
    assert table["x1"].isna().sum() == 3
    ds = build_dataset(table, ROLES)
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    assert np.isfinite(scores).all() and len(scores) == 200


def test_infinite_value_outside_the_features_is_not_looked_at(tmp_path):
    df = frame().assign(note=1.0)
    df.loc[5, "note"] = np.inf
    ds = build_dataset(csv_file(tmp_path, df), ROLES)
    assert "note" not in ds.X.columns
    with pytest.raises(DataError, match="Feature column 'note' has 1 infinite values"):
        build_dataset(ds.frame, ColumnRoles("y", "1", ("g",), ("x1", "note")))


def test_nullable_float_parquet_feature_with_infinity_is_refused(tmp_path):
    df = frame().astype({"x1": "Float64"})
    df.loc[4, "x1"] = pd.NA
    df.loc[9, "x1"] = np.inf
    table = read_table(parquet_bytes(tmp_path, df), "nullable.parquet")
    assert str(table["x1"].dtype) == "Float64"
    with pytest.raises(DataError, match=r"'x1' has 1 infinite values \(such as inf\)"):
        build_dataset(table, ROLES)


def test_large_integers_are_fine(tmp_path):
    df = frame().assign(x2=np.arange(200, dtype=np.int64) * 2**50)
    assert build_dataset(csv_file(tmp_path, df), ROLES).X["x2"].max() > 1e17


# --- 2. nested Parquet columns --------------------------------------------------------------


def test_nested_parquet_columns_are_refused_by_name_and_type(tmp_path):
    base = pa.Table.from_pandas(frame(20), preserve_index=False)
    table = (base.append_column("address", pa.array([{"city": "Bern", "zip": 3000}] * 20))
             .append_column("tags", pa.array([["a", "b"]] * 20))
             .append_column("extra", pa.array([[("k", 1)]] * 20,
                                              type=pa.map_(pa.string(), pa.int64()))))
    with pytest.raises(DataError) as info:
        read_table(parquet_bytes(tmp_path, table), "nested.parquet")
    message = str(info.value)
    assert message.startswith("File 'nested.parquet' has nested columns 'address' (struct<city: "
                              "string, zip: int64>), 'tags' (list<")
    assert "'extra' (map<string, int64" in message
    assert "flatten them into plain columns (one per field) or drop them" in message
    one_sentence(message)


def test_one_nested_column_is_named_in_the_singular(tmp_path):
    table = pa.Table.from_pandas(frame(20), preserve_index=False).append_column(
        "s", pa.array([{"a": 1}] * 20))
    with pytest.raises(DataError, match=r"has nested column 's' \(struct<a: int64>\), whose"):
        read_table(parquet_bytes(tmp_path, table), "one.parquet")


def test_flat_parquet_with_categories_and_strings_still_reads(tmp_path):
    df = frame(20).assign(g=lambda d: d["g"].astype("category"), text=["hello"] * 20)
    out = read_table(parquet_bytes(tmp_path, df), "flat.parquet")
    assert list(out.columns) == list(df.columns) and len(out) == 20


# --- 3. sizes: rows, columns, decoded Parquet size ------------------------------------------


def test_limits_are_the_documented_values():
    assert (MAX_ROWS, MAX_COLUMNS, DECODED_SIZE_FACTOR) == (5_000_000, 1_000, 5)


def test_parquet_with_too_many_rows_is_refused_from_its_footer(tmp_path):
    table = pa.table({"y": pa.array(np.zeros(MAX_ROWS + 1, dtype=np.int8))})
    data = parquet_bytes(tmp_path, table)
    assert len(data) < 1_000_000  # compresses to almost nothing
    with pytest.raises(DataError, match=r"^File 'long\.parquet' has 5,000,001 rows, more than "
                                        r"the 5,000,000 FairDash reads; upload a random sample"):
        read_table(data, "long.parquet")


def test_parquet_with_exactly_the_row_limit_is_read(tmp_path):
    table = pa.table({"y": pa.array(np.zeros(MAX_ROWS, dtype=np.int8))})
    assert len(read_table(parquet_bytes(tmp_path, table), "limit.parquet")) == MAX_ROWS


def test_parquet_decoded_size_is_checked_against_a_multiple_of_the_upload_limit(tmp_path):
    table = pa.table({f"c{i}": pa.array(np.zeros(100_000)) for i in range(3)})  # 2.4 MB decoded
    data = parquet_bytes(tmp_path, table)
    limit = 200_000
    assert len(data) < limit < 2_400_000 // DECODED_SIZE_FACTOR
    with pytest.raises(DataError) as info:
        read_table(data, "zeros.parquet", max_bytes=limit)
    message = str(info.value)
    assert message.startswith("File 'zeros.parquet' would take about 2.29 MB in memory once "
                              "decoded (100,000 rows of 3 columns), over the 0.954 MB limit "
                              "(5 times the 0.191 MB upload limit)")
    assert message.endswith("upload a random sample of its rows or fewer columns.")
    # the same file within the limit
    assert len(read_table(data, "zeros.parquet", max_bytes=2_400_000 // DECODED_SIZE_FACTOR
                          + 1)) == 100_000


def test_text_counts_towards_the_decoded_size(tmp_path):
    table = pa.table({"t": pa.array(["x" * 100] * 10_000)})  # about 1 MB of text
    data = parquet_bytes(tmp_path, table)
    with pytest.raises(DataError, match=r"would take about 1\.\d+ MB in memory"):
        read_table(data, "text.parquet", max_bytes=150_000)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_column_limit_is_inclusive(tmp_path, kind):
    at_limit = pd.DataFrame(np.ones((2, MAX_COLUMNS), dtype=np.int8),
                            columns=[f"c{i}" for i in range(MAX_COLUMNS)])
    over = at_limit.assign(extra=1)
    for df, ok in ((at_limit, True), (over, False)):
        if kind == "csv":
            path = tmp_path / "wide.csv"
            df.to_csv(path, index=False)
            data = path.read_bytes()
        else:
            data = parquet_bytes(tmp_path, df)
        if ok:
            assert read_table(data, f"wide.{kind}").shape == (2, MAX_COLUMNS)
        else:
            with pytest.raises(DataError, match=rf"^File 'wide\.{kind}' has 1,001 columns, more "
                                                r"than the 1,000 FairDash reads; keep only the "
                                                r"columns the audit needs"):
                read_table(data, f"wide.{kind}")


def test_csv_column_limit_is_checked_before_the_rows_are_parsed(tmp_path):
    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    path = tmp_path / "wide.csv"
    # the second row has too many fields: parsing it would give another message
    path.write_text(header + "\n" + ",".join(["1"] * (MAX_COLUMNS + 1)) + "\n"
                    + ",".join(["1"] * (MAX_COLUMNS + 5)) + "\n")
    with pytest.raises(DataError, match="has 1,001 columns"):
        read_table(path.read_bytes(), "wide.csv")


def test_csv_with_too_many_rows_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n" + b"1,0\n" * (MAX_ROWS + 1))
    with pytest.raises(DataError, match=r"^File 'long\.csv' has more than 5,000,000 data rows, "
                                        r"the most FairDash reads; upload a random sample"):
        read_table(path.read_bytes(), "long.csv")


# --- 4. non-finite scores -------------------------------------------------------------------


@pytest.mark.parametrize("rescale", [True, False])
def test_infinite_score_is_refused_before_rescaling(tmp_path, rescale):
    df = frame().assign(p=lambda d: d["p"] * 10)
    df.loc[4, "p"] = np.inf
    roles = ColumnRoles("y", "1", ("g",), (), "p")
    with pytest.raises(RoleError) as info:
        build_dataset(csv_file(tmp_path, df), roles, rescale_scores=rescale)
    assert str(info.value) == ("Score column 'p' has 1 infinite values (such as inf); give every "
                               "row a finite score or drop those rows.")


def test_finite_scores_are_still_rescaled(tmp_path):
    df = frame().assign(p=lambda d: d["p"] * 10)
    ds = build_dataset(csv_file(tmp_path, df), ColumnRoles("y", "1", ("g",), (), "p"),
                       rescale_scores=True)
    assert ds.scores.min() == 0 and ds.scores.max() == 1


def test_mitigation_refuses_the_same_values_with_the_same_words():
    scores = np.r_[np.linspace(0, 1, 99), np.inf]
    groups = np.tile(["a", "b"], 50)
    with pytest.raises(DataError, match=r"^The scores contain 1 missing or infinite values "
                                        r"\(such as inf\); score every row with a finite"):
        GroupThresholdOptimizer().fit(scores, np.tile([0, 1], 50), sensitive_features=groups)


# --- 5. regression targets and predictions --------------------------------------------------


def regression_frame(n: int = 200, scale: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    t = rng.normal(size=n) * scale
    return frame(n).assign(t=t, pred=t * 0.9)


REGRESSION = ColumnRoles("t", "1", ("g",), ("x1", "x2"))


def test_huge_regression_target_is_refused(tmp_path):
    with pytest.raises(RoleError) as info:
        build_dataset(csv_file(tmp_path, regression_frame(scale=1e300)), REGRESSION)
    message = str(info.value)
    assert message.startswith("Target column 't' has 200 values beyond ±1e+150, too large to "
                              "square without overflow (such as ")
    assert message.endswith("drop or fix those rows first, or rescale the column (for example "
                            "divide it by a power of ten).")


def test_regression_target_up_to_the_bound_audits_without_overflow(tmp_path):
    df = regression_frame()
    df["t"] = np.clip(df["t"] * 1e150, -1e150, 1e150)
    df["pred"] = -df["t"]  # errors of 2e150, squared 4e300
    ds = build_dataset(csv_file(tmp_path, df),
                       ColumnRoles("t", "1", ("g",), (), "pred"))
    from fairdash.metrics import regression_audit

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        test = ds.rows("test")
        result = regression_audit(ds.y[test], ds.scores[test],
                                  sensitive_features=ds.group_codes[test], n_resamples=50,
                                  min_group_size=5)
    assert np.isfinite(result.groups["rmse"]).all()
    values = [gap["value"] for gap in result.to_dict()["gaps"].values()]
    assert all(v is not None and np.isfinite(v) for v in values), values


@pytest.mark.parametrize("value, words", [(np.inf, "1 infinite values (such as inf)"),
                                          (1e200, "1 values beyond ±1e+150")])
def test_bad_prediction_column_is_refused(tmp_path, value, words):
    df = regression_frame()
    df.loc[2, "pred"] = value
    with pytest.raises(RoleError) as info:
        build_dataset(csv_file(tmp_path, df), ColumnRoles("t", "1", ("g",), (), "pred"))
    assert str(info.value).startswith(f"Prediction column 'pred' has {words}")
