"""Hostile or broken tables: each is a real file written to tmp_path and read back, and each is
either read correctly or refused with one sentence naming what is wrong and what to do.

Covers infinite and overflowing numbers (features, scores, targets, predictions), nested and
oversized Parquet files, too many columns or rows, UTF-16 without byte-order mark, an unclosed
quote, spreadsheets, and groups too small for the split a mitigation is fitted on.
"""

import io
import warnings
import zipfile

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fairdash.data import (DECODED_SIZE_FACTOR, MAX_ABS_VALUE, MAX_COLUMNS, MAX_ROWS,
                           ColumnRoles, build_dataset, read_table)
from fairdash.exceptions import DataError, FairDashError, RoleError
from fairdash.mitigation import REGISTRY, fit_split, mitigate
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer
from fairdash.models import fit_builtin, score_dataset

ROLES = ColumnRoles(target="y", positive_label="1", sensitive=("g",), features=("x1", "x2"))


def frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": rng.normal(size=n), "g": rng.choice(["a", "b"], n),
                         "y": (x1 + rng.normal(size=n) > 0).astype(int), "p": rng.random(n)})


def csv_file(tmp_path, df: pd.DataFrame, name: str = "data.csv") -> pd.DataFrame:
    """Write ``df`` as CSV, read it back through read_table (what the app and CLI do)."""
    path = tmp_path / name
    df.to_csv(path, index=False)
    return read_table(path.read_bytes(), name)


def parquet_bytes(tmp_path, table, name: str = "data.parquet") -> bytes:
    path = tmp_path / name
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    pq.write_table(table, path)
    return path.read_bytes()


def one_sentence(message: str) -> None:
    assert message.count(". ") == 0 and message.endswith("."), message
    assert "Traceback" not in message and "\n" not in message


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


# --- 6. unclear files -----------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_read(tmp_path, codec):
    df = pd.DataFrame({"city": ["Zürich", "Genève", "Bern"], "n": [1, 2, 3]})
    path = tmp_path / "unicode.csv"
    path.write_bytes(df.to_csv(index=False).encode(codec))
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    pd.testing.assert_frame_equal(read_table(path.read_bytes(), "unicode.csv"), df)


def test_cut_utf16_without_byte_order_mark_says_so(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_bytes(("a,b\n" + "1,2\n" * 50).encode("utf-16-le")[:-1])  # half a character
    with pytest.raises(DataError) as info:
        read_table(path.read_bytes(), "cut.csv")
    assert str(info.value) == ("File 'cut.csv' looks like UTF-16 text without a byte-order "
                               "mark but could not be decoded as such; save it again as \"CSV "
                               "UTF-8\" (in Excel: File > Save As > CSV UTF-8) and upload that "
                               "file.")


def test_unclosed_quote_in_a_data_row_names_its_line():
    with pytest.raises(DataError) as info:
        read_table(b'x1,g,y\n1,"a,1\n2,b,0\n', "quote.csv")
    assert str(info.value) == ("File 'quote.csv' cannot be read as a table: a quote (\") opened "
                               "on line 2 is never closed, so everything after it reads as one "
                               "value; close or remove that quote and upload the file again.")


def test_unclosed_quote_deep_in_a_large_file_names_its_line():
    data = b"x1,g,y\n" + b"1,a,1\n" * 20_000 + b'2,"b,0\n' + b"3,c,1\n" * 5
    with pytest.raises(DataError, match=r"a quote \(\"\) opened on line 20,002 is never closed"):
        read_table(data, "deep.csv")


def test_unclosed_quote_after_good_rows_names_its_line():
    data = b"x1,g,y\n" + b"1,a,1\n" * 5 + b'2,"b,0\n' + b"3,c,1\n" * 50_000
    with pytest.raises(DataError, match=r"opened on line 7 is never closed"):
        read_table(data, "mid.csv")


@pytest.mark.parametrize("data", [b'x1,"g,y\n1,a,0\n' + b"2,b,1\n" * 30, b'x1,"g,y\n'])
def test_unclosed_quote_in_a_short_files_header_is_named(data):
    with pytest.raises(DataError, match=r"^File 'head\.csv' has a header row that never ends "
                                        r"\(usually a quote that is never closed\)"):
        read_table(data, "head.csv")


def test_header_with_a_closed_quote_over_two_lines_is_a_header():
    with pytest.raises(DataError, match="has column names but no data rows"):
        read_table(b'a,"b\nc",d\n', "head.csv")


def test_closed_quotes_spanning_lines_are_still_fine():
    out = read_table(b'x1,g,y\n1,"a\nb",1\n2,"say ""hi""",0\n', "ok.csv")
    assert out["g"].tolist() == ["a\nb", 'say "hi"']


def test_wrong_delimiter_without_quotes_keeps_its_message():
    with pytest.raises(DataError, match="does not look like a table"):
        read_table(b"a,b,c\n1\n2\n3\n4\n", "ragged.csv")


def zip_bytes(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_excel_workbook_is_named_with_how_to_export_it(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(zip_bytes({"[Content_Types].xml": "<Types/>",
                                "xl/workbook.xml": "<workbook/>",
                                "xl/worksheets/sheet1.xml": "<worksheet/>"}))
    with pytest.raises(DataError) as info:
        read_table(path.read_bytes(), "book.xlsx")
    assert str(info.value) == ("File 'book.xlsx' is an Excel workbook, not a CSV or Parquet file; "
                               "open it in Excel and save the sheet as CSV (File > Save As > CSV "
                               "UTF-8) first, then upload that file.")


def test_excel_workbook_is_recognised_whatever_its_name():
    data = zip_bytes({"xl/workbook.xml": "<workbook/>"})
    with pytest.raises(DataError, match="'export.csv' is an Excel workbook"):
        read_table(data, "export.csv")


def test_opendocument_spreadsheet_is_named():
    data = zip_bytes({"mimetype": "application/vnd.oasis.opendocument.spreadsheet",
                      "content.xml": "<x/>"})
    with pytest.raises(DataError, match="'sheet.ods' is an OpenDocument spreadsheet"):
        read_table(data, "sheet.ods")


def test_other_zip_archives_keep_the_generic_message():
    with pytest.raises(DataError, match=r"'data\.zip' is not a CSV or Parquet file \(it looks "
                                        r"like a ZIP archive"):
        read_table(zip_bytes({"data.csv": "a,b\n1,2\n"}), "data.zip")


# --- 7. groups without rows in the split a mitigation is fitted on -------------------------


def small_group_dataset(tmp_path, size: int):
    df = frame(600)
    df.loc[:size - 1, "g"] = "c"
    return build_dataset(csv_file(tmp_path, df), ROLES)


@pytest.mark.parametrize("size, words", [(1, "has a single row, which is not in"),
                                         (2, "has 2 rows, none of them in")])
@pytest.mark.parametrize("method", ["thresholds_dp", "barycenter"])
def test_post_processing_names_a_group_without_calibration_rows(tmp_path, size, words, method):
    ds = small_group_dataset(tmp_path, size)
    assert not (ds.split[:size] == "calibration").any()
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    with pytest.raises(RoleError) as info:
        mitigate(ds, method, 1.0, base_scores=scores)
    message = str(info.value)
    assert message == (f"Group 'c' {words} the calibration split that {REGISTRY[method].label} "
                       "is fitted on, so nothing would be fitted for it; merge it with a similar "
                       "group, choose another sensitive column, or add rows of that group to "
                       "the data.")
    assert "did not occur" not in message


def test_group_with_calibration_rows_is_not_refused_by_the_check(tmp_path):
    ds = small_group_dataset(tmp_path, 6)
    assert (ds.split[:6] == "calibration").any()
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    assert mitigate(ds, "thresholds_dp", 1.0, base_scores=scores).scores.shape == (600,)


def test_training_methods_fit_on_train_where_a_small_group_has_its_rows(tmp_path):
    ds = small_group_dataset(tmp_path, 1)
    assert fit_split(REGISTRY["di_remover"]) == "train" and ds.split[0] == "train"
    assert fit_split(REGISTRY["thresholds_dp"]) == "calibration"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for method in ("di_remover", "reweighing"):  # needs the group at decision time, or not
            assert mitigate(ds, method, 1.0).scores.shape == (600,)


def test_every_refusal_here_is_a_fairdash_error():
    assert issubclass(DataError, FairDashError) and issubclass(RoleError, FairDashError)
