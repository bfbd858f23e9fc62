"""Open a table where it lives: files through embedded DuckDB, anything else through Ibis.

One code path: a file, a glob or a hive-partitioned folder is read by Ibis's DuckDB backend
(``read_parquet`` / ``read_csv``, scanned out-of-core); a connection URL goes to
``ibis.connect`` and a table is taken from it by name. Nothing here writes SQL text: every
query is an Ibis expression that the backend compiles (docs/architecture.md §3.1).
"""

from __future__ import annotations

import glob as _glob
from pathlib import Path

from fairdash.exceptions import DataError

__all__ = ["DEFAULT_ENGINE_ROWS", "file_rows", "is_many_files", "open_table", "sample_rows"]

#: Above this many rows, ``--engine auto`` scans a file with DuckDB instead of loading pandas.
DEFAULT_ENGINE_ROWS = 2_000_000

_PARQUET = (".parquet", ".pq", ".parq")
_CSV = (".csv", ".csv.gz", ".tsv", ".txt")


def is_many_files(path) -> bool:
    """Whether ``path`` is a glob pattern or a folder (a partitioned data set).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    bool
    """
    text = str(path)
    return _glob.has_magic(text) or Path(text).is_dir()


def _kind(path: str) -> str:
    """``"parquet"`` or ``"csv"`` from the name (a folder: from the first file in it)."""
    name = path.lower()
    if Path(path).is_dir():
        found = sorted(p for p in Path(path).rglob("*") if p.is_file()
                       and not p.name.startswith((".", "_")))
        if not found:
            raise DataError(f"Folder '{path}' holds no data files.")
        name = found[0].name.lower()
    if name.endswith(_PARQUET):
        return "parquet"
    if name.endswith(_CSV):
        return "csv"
    raise DataError(f"'{path}' is neither Parquet (.parquet) nor CSV (.csv, .csv.gz); "
                    "FairDash scans only those two formats.")


def _pattern(path: str) -> str:
    """A folder becomes the glob of every file below it (hive partitions included)."""
    if Path(path).is_dir():
        kind = _kind(path)
        suffix = "*.parquet" if kind == "parquet" else "*.csv*"
        return str(Path(path) / "**" / suffix)
    return path


def file_rows(path) -> int | None:
    """Rows of one Parquet file from its footer, or None when unknown without a scan.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    int or None
        None for a CSV file, a glob or a folder.
    """
    text = str(path)
    if is_many_files(text) or _kind(text) != "parquet":
        return None
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(text).metadata.num_rows)
    except (OSError, ValueError) as exc:
        raise DataError(f"Cannot read the Parquet footer of '{text}': {exc}.") from None


def open_table(data=None, *, connection=None, table: str | None = None):
    """An Ibis table for a file, glob or folder, or for a named table of a connection.

    Parameters
    ----------
    data : str or Path, optional
        A Parquet or CSV file (gzip allowed), a glob such as ``logs/*.parquet``, or a folder
        (hive-partitioned ``key=value`` sub-folders become columns).
    connection : str or ibis backend, optional
        A URL for ``ibis.connect`` (``duckdb:///path.db``, ``postgres://...``) or a connected
        Ibis backend (for example ``ibis.pyspark.connect(spark)``).
    table : str, optional
        The table's name on ``connection`` (required with it).

    Returns
    -------
    ibis.expr.types.Table

    Raises
    ------
    DataError
        When the file cannot be read or the table does not exist.
    """
    import ibis

    if connection is not None:
        if not table:
            raise DataError("Name the table to audit (--table) on the connection.")
        try:
            con = ibis.connect(connection) if isinstance(connection, str) else connection
            return con.table(table)
        except Exception as exc:  # noqa: BLE001 - any backend's own error: one sentence
            raise DataError(f"Cannot open table '{table}' on the connection: "
                            f"{_first_line(exc)}.") from None
    if data is None:
        raise DataError("Give a file, glob or folder, or a connection and a table.")
    text = str(data)
    if not is_many_files(text) and not Path(text).is_file():
        raise DataError(f"Cannot read '{text}': no such file.")
    kind, pattern = _kind(text), _pattern(text)
    con = ibis.duckdb.connect()
    try:
        if kind == "parquet":
            return con.read_parquet(pattern, hive_partitioning=Path(text).is_dir())
        return con.read_csv(pattern)
    except Exception as exc:  # noqa: BLE001 - duckdb's IOException, ParserException, ...
        raise DataError(f"Cannot read '{text}': {_first_line(exc)}.") from None


def sample_rows(table, n: int, *, seed: int = 0, columns=None):
    """About ``n`` rows drawn at random by the engine, as a pandas DataFrame.

    For the screens that need rows (training methods, flipped rows, subgroup search): the
    engine keeps each row with probability ``1.1 n / rows`` (Bernoulli sampling, seeded where
    the engine supports it) and returns at most ``n`` of them; a table of at most ``n`` rows
    comes back whole.

    Parameters
    ----------
    table : ibis.expr.types.Table
    n : int
        Most rows to return (at least 1).
    seed : int, default 0
    columns : sequence of str, optional
        Columns to keep (default all).

    Returns
    -------
    DataFrame
    """
    if columns:
        table = table.select(*columns)
    total = int(table.count().execute())
    if total > n:
        table = table.sample(min(1.0, 1.1 * n / total), method="row", seed=seed)
    return table.limit(int(n)).to_pandas()


def _first_line(exc: Exception) -> str:
    """The first line of an engine's error, without a trailing full stop."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
