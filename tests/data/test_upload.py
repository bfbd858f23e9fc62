"""read_table: real bytes in, a DataFrame or one clear DataError out."""

import gzip
import io
import pickle
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairdash.data import DEFAULT_MAX_UPLOAD_BYTES, read_table
from fairdash.exceptions import DataError

GERMAN = Path(__file__).resolve().parents[2] / "sample_data" / "german_credit.csv"


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    return pd.read_csv(GERMAN)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --- reading what people really upload -------------------------------------------------------


def test_default_limit_is_200_mb():
    assert DEFAULT_MAX_UPLOAD_BYTES == 200 * 1024 * 1024


def test_sample_file_reads_like_pandas(german):
    frame = read_table(GERMAN.read_bytes(), "german_credit.csv")
    pd.testing.assert_frame_equal(frame, german)


def test_latin1_semicolon_gzip_round_trip_of_sample(german):
    cities = ["Zürich", "São Paulo", "Genève", "Köln"] * (len(german) // 4 + 1)
    original = german.assign(city=pd.Series(cities[: len(german)], dtype="str"))
    data = gzip.compress(original.to_csv(sep=";", index=False).encode("latin-1"))
    frame = read_table(data, "german_credit.csv.gz")
    pd.testing.assert_frame_equal(frame, original)


def test_quoted_fields_hold_delimiters_and_newlines():
    text = ('id,comment,city\n1,"late, then paid","Zürich"\n'
            '2,"two\nlines, here",Bern\n3,plain,Genf\n')
    frame = read_table(csv_bytes(text), "notes.csv")
    assert list(frame.columns) == ["id", "comment", "city"]
    assert frame["comment"].tolist() == ["late, then paid", "two\nlines, here", "plain"]
    assert frame["id"].tolist() == [1, 2, 3]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_supported_delimiter(delimiter):
    rows = [["age", "sex", "income"], ["31", "F", "52000.5"], ["45", "M", ""], ["27", "F", "39000"]]
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    frame = read_table(csv_bytes(text), "people.txt")
    assert list(frame.columns) == ["age", "sex", "income"]
    assert frame["age"].tolist() == [31, 45, 27]
    assert frame["income"].dtype == np.float64 and np.isnan(frame["income"][1])


def test_semicolon_with_decimal_commas_and_quoted_semicolons():
    text = 'name;amount;note\n"Doe; J.";1,5;x\nRoe;2,25;y\nPoe;3,0;"a;b"\nLoe;4,75;z\n'
    frame = read_table(csv_bytes(text), "eu.csv")
    assert list(frame.columns) == ["name", "amount", "note"]
    assert frame["name"][0] == "Doe; J." and frame["note"][2] == "a;b"


def test_latin1_accents():
    text = "city;group;y\nZürich;a;1\nSão Paulo;b;0\nKöln;a;1\n"
    frame = read_table(csv_bytes(text, "latin-1"), "cities.csv")
    assert frame["city"].tolist() == ["Zürich", "São Paulo", "Köln"]


def test_windows_1252_euro_sign():
    frame = read_table(csv_bytes("price,label\n5,€ 5\n6,“six”\n", "cp1252"), "prices.csv")
    assert frame["label"].tolist() == ["€ 5", "“six”"]


def test_utf8_bom_is_not_part_of_the_first_name():
    frame = read_table(b"\xef\xbb\xbf" + csv_bytes("städt,y\nja,1\nnein,0\n"), "bom.csv")
    assert list(frame.columns) == ["städt", "y"]


def test_utf8_bom_then_invalid_utf8_falls_back_to_windows_1252():
    frame = read_table(b"\xef\xbb\xbf" + "city\nZürich\n".encode("latin-1"), "mixed.csv")
    assert list(frame.columns) == ["city"] and frame["city"][0] == "Zürich"


def test_utf16_with_bom_as_excel_unicode_text_writes_it():
    frame = read_table("a\tb\r\nZürich\t1\r\nBern\t2\r\n".encode("utf-16"), "excel.txt")
    assert list(frame.columns) == ["a", "b"] and frame["a"].tolist() == ["Zürich", "Bern"]


def test_crlf_line_endings():
    frame = read_table(b"a,b\r\n1,x\r\n2,y\r\n", "windows.csv")
    assert frame.to_dict("list") == {"a": [1, 2], "b": ["x", "y"]}


def test_gzip_csv():
    frame = read_table(gzip.compress(b"a,b\n1,x\n2,y\n"), "small.csv.gz")
    assert frame.to_dict("list") == {"a": [1, 2], "b": ["x", "y"]}


def test_types_are_inferred_and_empty_strings_are_missing():
    frame = read_table(b"i,f,s,b\n1,0.5,x,True\n2,,,False\n3,2.5,z,True\n", "types.csv")
    assert frame["i"].dtype == np.int64 and frame["f"].dtype == np.float64
    assert frame["b"].dtype == bool
    assert pd.api.types.is_string_dtype(frame["s"])
    assert frame["f"].isna().tolist() == [False, True, False]
    assert frame["s"].isna().tolist() == [False, True, False]


def test_column_names_are_stripped():
    frame = read_table(b" age ;\tsex ; y\n1;F;0\n2;M;1\n", "spaces.csv")
    assert list(frame.columns) == ["age", "sex", "y"]


def test_trailing_delimiter_on_every_row_adds_no_column():
    frame = read_table(b"a,b,c\n1,2,3,\n4,5,6,\n", "trailing.csv")
    assert frame.to_dict("list") == {"a": [1, 4], "b": [2, 5], "c": [3, 6]}


def test_short_rows_are_padded_with_missing_values():
    frame = read_table(b"a,b,c\n1,2,3\n4,5\n6,7,8\n", "short.csv")
    assert np.isnan(frame["c"][1]) and frame["c"][2] == 8


def test_a_real_one_column_table_is_kept():
    frame = read_table(b"score\n1\n2\n3\n", "scores.csv")
    assert frame.to_dict("list") == {"score": [1, 2, 3]}


def test_delimiter_found_in_a_file_larger_than_the_sniffing_sample():
    rows = "".join(f'{i};"text, with comma {i}";{i % 2}\n' for i in range(5000))
    data = csv_bytes("id;text;y\n" + rows)
    assert len(data) > 64 * 1024
    frame = read_table(data, "big.csv")
    assert frame.shape == (5000, 3) and frame["text"][4999] == "text, with comma 4999"


def test_header_longer_than_the_sniffing_sample():
    # 1,000 columns (the most read) with long names: the header alone exceeds the sample
    names = [f"a_rather_long_feature_name_as_exported_by_some_warehouse_tool_{i:05d}"
             for i in range(1000)]
    text = ",".join(names) + "\n" + ",".join("1" for _ in names) + "\n"
    assert len(text.split("\n")[0]) > 64 * 1024
    frame = read_table(csv_bytes(text), "wide.csv")
    assert list(frame.columns) == names and frame.iloc[0].sum() == 1000


def test_parquet_round_trip():
    original = pd.DataFrame({"age": [31, 45, 27], "income": [1.5, np.nan, 3.0],
                             "sex": ["F", "M", None], "y": [True, False, True]})
    buffer = io.BytesIO()
    original.to_parquet(buffer)
    pd.testing.assert_frame_equal(read_table(buffer.getvalue(), "people.parquet"), original)


def test_parquet_named_index_becomes_a_column():
    original = pd.DataFrame({"y": [0, 1]}, index=pd.Index(["p1", "p2"], name="person"))
    buffer = io.BytesIO()
    original.to_parquet(buffer)
    frame = read_table(buffer.getvalue(), "indexed.parquet")
    assert list(frame.columns) == ["person", "y"] and frame["person"].tolist() == ["p1", "p2"]


# --- refusing what is not a clean table ------------------------------------------------------


def test_size_limit_states_size_and_limit_in_mb():
    data = b"a,b\n" + b"1,2\n" * (3 * 1024 * 1024 // 4)  # 3 MB
    with pytest.raises(DataError, match=r"'big\.csv' is 3 MB, over the 1 MB upload limit"):
        read_table(data, "big.csv", max_bytes=1024 * 1024)


def test_size_limit_with_a_small_limit_does_not_print_zero():
    with pytest.raises(DataError, match=r"'t\.csv' is 0\.000191 MB, over the 0\.0000954 MB"):
        read_table(b"a,b\n" + b"1,2\n" * 49, "t.csv", max_bytes=100)


def test_gzip_bomb_is_refused_by_its_unpacked_size():
    data = gzip.compress(b"a,b\n" + b"0,0\n" * (4 * 1024 * 1024))  # 16 MB unpacked
    assert len(data) < 1024 * 1024
    with pytest.raises(DataError, match=r"'bomb\.csv\.gz' unpacks to more than 1 MB"):
        read_table(data, "bomb.csv.gz", max_bytes=1024 * 1024)


def test_damaged_gzip():
    with pytest.raises(DataError, match=r"'cut\.csv\.gz' looks gzip-compressed but could not be"):
        read_table(gzip.compress(b"a,b\n1,2\n" * 100)[:30], "cut.csv.gz")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t \n", b"\xef\xbb\xbf", gzip.compress(b"")])
def test_empty_file(data):
    with pytest.raises(DataError, match=r"File 'empty\.csv' is empty"):
        read_table(data, "empty.csv")


@pytest.mark.parametrize("data", [b"a,b,c\n", b"a;b;c", b"a,b\n\n\n"])
def test_header_only(data):
    with pytest.raises(DataError, match=r"'head\.csv' has column names but no data rows"):
        read_table(data, "head.csv")


def test_empty_parquet_is_header_only():
    buffer = io.BytesIO()
    pd.DataFrame({"a": pd.Series([], dtype="int64")}).to_parquet(buffer)
    with pytest.raises(DataError, match=r"'none\.parquet' has column names but no data rows"):
        read_table(buffer.getvalue(), "none.parquet")


def test_nul_bytes_are_binary():
    with pytest.raises(DataError, match=r"'data\.csv' is not a CSV or Parquet file .*binary data"):
        read_table(b"a,b\n1,\x00\x00\x002\n", "data.csv")


def test_control_characters_without_nul_are_binary():
    noise = bytes(range(1, 9)) * 50
    with pytest.raises(DataError, match=r"'noise\.bin' is not a CSV or Parquet file"):
        read_table(b"a,b\n" + noise, "noise.bin")


def test_png_is_named():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    with pytest.raises(DataError, match=r"'chart\.png' is not a CSV or Parquet file .*PNG image"):
        read_table(png, "chart.png")


def test_zip_is_named_with_the_excel_hint():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match=r"'book\.xlsx' is not a CSV or Parquet file .*\.xlsx"):
        read_table(buffer.getvalue(), "book.xlsx")


def test_pickle_bytes_are_refused_whatever_the_name():
    data = pickle.dumps(pd.DataFrame({"a": [1, 2]}))
    with pytest.raises(DataError, match=r"'table\.csv' is a pickled .*pickled files are not data"):
        read_table(data, "table.csv")


def test_gzipped_pickle_is_refused():
    with pytest.raises(DataError, match=r"'model\.gz' is a pickled Python object"):
        read_table(gzip.compress(pickle.dumps({"w": [1.0, 2.0]})), "model.gz")


@pytest.mark.parametrize("filename", ["model.pkl", "frame.PICKLE", "clf.joblib"])
def test_pickle_file_names_are_refused_even_with_text_inside(filename):
    with pytest.raises(DataError, match=re.escape(f"'{filename}' is a pickled Python object")):
        read_table(b"a,b\n1,2\n", filename)


def test_prose_is_one_column_and_the_message_suggests_a_delimiter():
    text = b"The quick brown fox jumps over the lazy dog\nand then it ran away\nthe end\n"
    with pytest.raises(DataError, match=r"'story\.txt' found only one column .*semicolons, tabs"):
        read_table(text, "story.txt")


def test_colon_delimited_file_is_one_column():
    with pytest.raises(DataError, match=r"'colon\.csv' found only one column \('a:b:c'\)"):
        read_table(b"a:b:c\n1:2:3\n4:5:6\n", "colon.csv")


def test_prose_with_commas_is_not_a_table():
    text = b"Dear team, here is the report.\nIt shows results.\nBest wishes\n"
    with pytest.raises(DataError, match=r"'letter\.txt' does not look like a table: .*2 comma"):
        read_table(text, "letter.txt")


def test_duplicate_column_names_are_named():
    with pytest.raises(DataError, match=r"'dup\.csv' has duplicate column names \('age', 'y'\)"):
        read_table(b"age,y,sex,age,y\n1,0,F,1,0\n", "dup.csv")


def test_duplicates_after_stripping_spaces():
    with pytest.raises(DataError, match=r"'dup\.csv' has duplicate column names \('sex'\)"):
        read_table(b"sex,sex \nF,F\n", "dup.csv")


def test_blank_column_names_give_positions():
    with pytest.raises(DataError, match=r"'blank\.csv' has a blank column name at .*\(s\) 2, 4 "):
        read_table(b"a,,b, \n1,2,3,4\n", "blank.csv")


def test_saved_pandas_index_is_a_blank_first_column():
    data = pd.DataFrame({"a": [1, 2], "y": [0, 1]}).to_csv().encode()
    with pytest.raises(DataError, match=r"position\(s\) 1 \(often a saved row index\)"):
        read_table(data, "indexed.csv")


@pytest.mark.parametrize(("text", "message"), [
    (b"a,b\n1,2\n3,4,5\n6,7\n", "line 3 has more fields than the 2 in the header"),
    # Two extra fields: pandas' own ParserError, whose line number is reported.
    (b"a,b\n1,2\n3,4,5,6\n6,7\n", "line 3 has 4 fields but the header has 2"),
    # A quoted newline and a blank line before the bad row still give its real line.
    (b'a,b\n"x\ny",2\n\n3,4,5\n', "line 5 has more fields than the 2 in the header"),
])
def test_row_with_too_many_fields_names_the_line(text, message):
    with pytest.raises(DataError, match=r"'ragged\.csv' cannot be read .*" + message):
        read_table(text, "ragged.csv")


def test_extra_field_in_first_data_row_is_not_turned_into_an_index():
    # Left to itself pandas would make the first column the index and shift every name.
    with pytest.raises(DataError, match=r"'shift\.csv' .*line 2 has more fields than the 3"):
        read_table(b"a,b,c\n0,1,2,3\n1,5,6\n2,3,4\n", "shift.csv")


def test_no_row_fitting_the_header_is_not_a_table():
    with pytest.raises(DataError, match=r"'shift\.csv' does not look like a table"):
        read_table(b"a,b,c\n0,1,2,3\n1,5,6,7\n", "shift.csv")


def test_header_with_a_quote_that_never_closes():
    data = b'"id,y\n' + b"1,0\n" * 50_000
    with pytest.raises(DataError, match=r"'quote\.csv' has a header row that never ends"):
        read_table(data, "quote.csv")


def test_unreadable_parquet():
    with pytest.raises(DataError, match=r"'broken\.parquet' starts like a Parquet file but could"):
        read_table(b"PAR1" + b"\x00garbage" * 20, "broken.parquet")
