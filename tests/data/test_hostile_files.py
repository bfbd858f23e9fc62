"""Files that are not clean tables (UTF-16 without byte-order mark, an unclosed quote,
spreadsheets) and groups too small for the split a mitigation is fitted on: each read correctly
or refused with one sentence naming what is wrong and what to do."""

import warnings

import pandas as pd
import pytest
from hostile_inputs import zip_bytes
from hostile_tables import ROLES, csv_file, frame

from fairdash.data import (
    build_dataset,
    read_table,
)
from fairdash.exceptions import DataError, FairDashError, RoleError
from fairdash.mitigation import REGISTRY, fit_split, mitigate
from fairdash.models import fit_builtin, score_dataset

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
