"""A catalogue of bad and hostile files, each with the words its refusal must contain.

One catalogue, two drivers: ``tests/test_bad_input_cli.py`` runs every table through
``python -m fairdash audit --data`` (exit 2, one sentence, no traceback) and
``tests/app/test_bad_input_app.py`` uploads the same bytes on the Data screen (the sentence
shown, no traceback, the session goes on with the sample data). Model files are uploaded on the
Model screen. Every file is built here from real bytes (CSV text, Parquet, gzip, zip, skops).
"""

from __future__ import annotations

import gzip
import io
import pickle
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Text that must never reach a user: Python's traceback and its frames.
TRACEBACK_MARKS = ("Traceback (most recent call last)", 'File "/', "site-packages")


@dataclass(frozen=True)
class Case:
    """One bad file: its name, bytes, the words of its refusal and the roles to audit with."""

    id: str
    filename: str
    data: bytes
    words: tuple[str, ...]
    #: CLI roles (beyond --data); the app uses the roles it suggests for the upload
    args: tuple[str, ...] = ("--target", "y", "--sensitive", "g", "--positive-label", "1")
    #: whether the app sees it: some need roles the upload's suggestion does not pick
    app: bool = True
    extra: dict = field(default_factory=dict)


def _frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"x1": rng.normal(size=n).round(4), "x2": rng.normal(size=n).round(4),
                         "g": rng.choice(["a", "b"], n), "y": rng.integers(0, 2, n)})


def _csv(frame: pd.DataFrame, **kwargs) -> bytes:
    return frame.to_csv(index=False, **kwargs).encode()


def _parquet(frame_or_table) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = (frame_or_table if isinstance(frame_or_table, pa.Table)
             else pa.Table.from_pandas(frame_or_table, preserve_index=False))
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def zip_bytes(members: dict) -> bytes:
    """A zip archive of ``name -> text`` members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def _with(frame: pd.DataFrame, **changes) -> pd.DataFrame:
    frame = frame.copy()
    for column, (rows, value) in changes.items():
        frame[column] = frame[column].astype(object) if isinstance(value, str) else frame[column]
        frame.loc[rows, column] = value
    return frame


def _table_cases() -> list[Case]:
    base = _frame()
    text = base.to_csv(index=False)
    rows = text.splitlines()
    c = []
    add = c.append
    # what the file is
    add(Case("empty", "data.csv", b"", ("empty",)))
    add(Case("whitespace", "data.csv", b"  \n\n \t\n", ("empty",)))
    add(Case("header-only", "data.csv", b"x1,x2,g,y\n", ("no data rows",)))
    add(Case("png", "chart.png", b"\x89PNG\r\n\x1a\n" + bytes(200), ("PNG image",)))
    add(Case("jpeg", "photo.csv", b"\xff\xd8\xff\xe0" + bytes(200), ("JPEG image",)))
    add(Case("pdf", "report.csv", b"%PDF-1.7\n" + bytes(100), ("PDF",)))
    add(Case("xlsx", "book.xlsx", zip_bytes({"[Content_Types].xml": "<x/>",
                                        "xl/workbook.xml": "<workbook/>"}),
             ("Excel", "CSV")))
    add(Case("zip", "archive.zip", zip_bytes({"data.csv": text}), ("ZIP",)))
    add(Case("xls", "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), ("Excel",)))
    add(Case("pickle-renamed", "data.csv", pickle.dumps(base, protocol=4), ("pickle",)))
    add(Case("pickle-suffix", "data.pkl", text.encode(), ("pickle",)))
    add(Case("joblib-suffix", "model.joblib", text.encode(), ("pickle",)))
    add(Case("nul-bytes", "data.csv", b"x1,y\n" + bytes(range(256)) * 4, ("binary data",)))
    add(Case("parquet-damaged", "data.parquet", b"PAR1" + b"\x00garbage" * 50,
             ("Parquet", "damaged")))
    add(Case("gzip-damaged", "data.csv.gz", b"\x1f\x8b\x08\x00" + b"garbage" * 30,
             ("gzip", "damaged")))
    add(Case("gzip-of-png", "data.csv.gz", gzip.compress(b"\x89PNG\r\n\x1a\n" + bytes(100)),
             ("PNG image",)))
    # how the text is laid out
    add(Case("sentence", "notes.txt", b"This is a note about the data and not the data.\n"
             b"It has two lines.\n", ("only one column",)))
    add(Case("ragged", "data.csv", b"a,b,c\n1\n2\n3\n4\n", ("does not look like a table",)))
    add(Case("extra-field", "data.csv",
             "\n".join(rows[:5] + [rows[5] + ",7,8"] + rows[6:]).encode(),
             ("line 6", "6 fields", "header has 4")))
    add(Case("blank-name", "data.csv", _csv(base.rename(columns={"x2": " "})),
             ("blank column name",)))
    add(Case("saved-index", "data.csv", base.to_csv().encode(), ("blank column name",)))
    add(Case("duplicate-names", "data.csv",
             ("x1,x1,g,y\n" + "\n".join(rows[1:])).encode(), ("duplicate column names", "x1")))
    add(Case("header-quote", "data.csv", b'x1,"g,y\n1,a,0\n' + b"2,b,1\n" * 30,
             ("quote",)))
    # roles that cannot work
    add(Case("no-target", "data.csv", _csv(base.drop(columns="y")), ("'y'",), app=False))
    add(Case("one-class", "data.csv", _csv(base.assign(y=1)), ("only one value",), app=False))
    add(Case("missing-target", "data.csv", _csv(_with(base, y=(slice(0, 9), np.nan))),
             ("missing values",)))
    add(Case("three-classes", "data.csv", _csv(base.assign(y=np.arange(200) % 3)),
             ("3 classes",), args=("--target", "y", "--sensitive", "g",
                                   "--positive-label", "1", "--model", "logreg"), app=False))
    add(Case("too-few-rows", "data.csv", _csv(base.head(8)), ("8 rows", "at least")))
    add(Case("too-many-groups", "data.csv", _csv(base.assign(g=np.arange(200) % 80)),
             ("80 groups",), app=False))
    add(Case("positive-absent", "data.csv", _csv(base), ("Positive label", "'yes'"),
             args=("--target", "y", "--sensitive", "g", "--positive-label", "yes"),
             app=False))
    add(Case("score-text", "data.csv", _csv(base.assign(s="high")), ("must be numeric",),
             args=("--target", "y", "--sensitive", "g", "--positive-label", "1",
                   "--score-column", "s"), app=False))
    add(Case("score-out-of-range", "data.csv", _csv(base.assign(s=np.linspace(0, 9, 200))),
             ("outside [0, 1]", "rescal"),
             args=("--target", "y", "--sensitive", "g", "--positive-label", "1",
                   "--score-column", "s"), app=False))
    add(Case("score-missing", "data.csv",
             _csv(base.assign(s=np.r_[np.full(5, np.nan), np.full(195, 0.5)])),
             ("missing values",),
             args=("--target", "y", "--sensitive", "g", "--positive-label", "1",
                   "--score-column", "s"), app=False))
    add(Case("regression-inf-target", "data.csv",
             _csv(_with(base.assign(t=np.linspace(0, 1, 200)), t=([3], np.inf))),
             ("infinite",), args=("--target", "t", "--sensitive", "g", "--features", "x1,x2"),
             app=False))
    add(Case("date-feature", "data.parquet",
             _parquet(base.assign(when=pd.date_range("2020-01-01", periods=200))),
             ("dates",), args=("--target", "y", "--sensitive", "g", "--positive-label", "1",
                               "--features", "x1,when"), app=False))
    # values no model can compute with, and tables too large to read (issue 11)
    add(Case("inf-feature", "data.csv", _csv(_with(base, x1=([3, 9], np.inf))),
             ("Feature column 'x1'", "2 infinite values", "empty cells")))
    add(Case("huge-feature", "data.csv", _csv(_with(base, x1=([3], 1e308), x2=([4], -1e200))),
             ("beyond", "too large to square")))
    add(Case("inf-score-rescaled", "data.csv",
             _csv(_with(base.assign(s=np.linspace(0, 3, 200)), s=([2], np.inf))),
             ("Score column 's'", "infinite"),
             args=("--target", "y", "--sensitive", "g", "--positive-label", "1",
                   "--score-column", "s", "--rescale-scores"), app=False))
    add(Case("huge-regression-target", "data.csv",
             _csv(base.assign(t=np.linspace(-1, 1, 200) * 1e300)),
             ("Target column 't'", "too large to square"),
             args=("--target", "t", "--sensitive", "g", "--features", "x1,x2"), app=False))
    add(Case("nested-parquet", "nested.parquet", _nested(base), ("nested column 'info'",
                                                                 "flatten")))
    add(Case("list-parquet", "lists.parquet", _nested(base, lists=True), ("nested column",)))
    add(Case("wide-csv", "wide.csv", (",".join(f"c{i}" for i in range(1200)) + "\n"
                                      + ",".join("1" * 1200) + "\n").encode(),
             ("1,200 columns", "1,000")))
    add(Case("long-parquet", "long.parquet",
             _parquet(pd.DataFrame({"x1": np.zeros(5_000_001, dtype=np.int8)})),
             ("5,000,001 rows", "sample of its rows")))
    add(Case("body-quote", "data.csv", b"x1,g,y\n" + b"1,a,0\n" * 30 + b'2,"b,1\n'
             + b"3,a,1\n" * 30, ("quote", "line 32", "never closed")))
    return c


def _nested(frame: pd.DataFrame, lists: bool = False) -> bytes:
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    values = [[i, i + 1] for i in range(len(frame))] if lists else [
        {"a": i, "b": str(i)} for i in range(len(frame))]
    return _parquet(table.append_column("info", pa.array(values)))


def _model_cases() -> list[Case]:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    base = _frame()
    fitted = LogisticRegression().fit(base[["x1", "x2"]], base["y"])
    c = []
    add = c.append
    add(Case("model-pickle", "model.pkl", pickle.dumps(fitted), ("pickle",)))
    add(Case("model-joblib-bytes", "model.skops", pickle.dumps(fitted, protocol=5),
             ("pickle",)))
    add(Case("model-empty", "model.skops", b"", ("empty",)))
    add(Case("model-not-zip", "model.skops", b"just some text\n" * 10, ("not a skops file",)))
    add(Case("model-zip-not-skops", "model.skops", zip_bytes({"readme.txt": "hello"}),
             ("skops",)))
    add(Case("model-transformer", "scaler.skops",
             sio.dumps(StandardScaler().fit(base[["x1", "x2"]])), ("not a classifier",)))
    add(Case("model-unfitted", "model.skops", sio.dumps(LogisticRegression()),
             ("not been fitted",)))
    add(Case("model-csv", "data.skops", _csv(base), ("not a skops file",)))
    return c


TABLE_CASES = _table_cases()
MODEL_CASES = _model_cases()
