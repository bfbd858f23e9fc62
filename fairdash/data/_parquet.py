"""Reading an uploaded Parquet file, after checking from its footer that the table fits."""

from __future__ import annotations

import io

import pandas as pd

from fairdash.data._limits import DECODED_SIZE_FACTOR, MAX_COLUMNS, MAX_ROWS, mb
from fairdash.exceptions import DataError

__all__ = ["read_parquet"]

# pandas keeps a variable-width value (text, bytes, decimals) behind an 8-byte pointer or offset
_POINTER_BYTES = 8
_SHOWN = 3


def read_parquet(data: bytes, name: str, max_bytes: int) -> pd.DataFrame:
    """The table in a Parquet file, refused before decoding if it is too large or nested.

    Parameters
    ----------
    data : bytes
        The file's content (it starts with ``PAR1``).
    name : str
        The file's name in quotes, for messages.
    max_bytes : int
        The upload limit; the decoded table may take :data:`DECODED_SIZE_FACTOR` times it.

    Returns
    -------
    pandas.DataFrame
        As :func:`pandas.read_parquet` returns it; a named saved index becomes a column.

    Raises
    ------
    fairdash.exceptions.DataError
        If the file is damaged, has more than :data:`MAX_COLUMNS` columns, a nested column
        (struct, list, map or union), more than :data:`MAX_ROWS` rows, or a decoded size over
        ``DECODED_SIZE_FACTOR * max_bytes``.

    Notes
    -----
    Everything checked comes from the file's footer (its schema and row-group metadata), which
    pyarrow reads without decoding a single value, so an oversized file is refused at once.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(data))
        schema, rows = meta.schema_arrow, meta.metadata.num_rows
    except Exception as exc:  # pyarrow raises several unrelated types for damaged files
        raise _damaged(name) from exc
    if len(schema) > MAX_COLUMNS:
        raise DataError(f"File {name} has {len(schema):,} columns, more than the "
                        f"{MAX_COLUMNS:,} FairDash reads; keep only the columns the audit needs "
                        "(target, sensitive columns and features) and upload it again.")
    nested = [f for f in schema if pa.types.is_nested(f.type)]
    if nested:
        shown = ", ".join(f"'{f.name}' ({_short(f.type)})" for f in nested[:_SHOWN])
        more = f" and {len(nested) - _SHOWN} more" if len(nested) > _SHOWN else ""
        raise DataError(f"File {name} has nested column{'s' if len(nested) > 1 else ''} "
                        f"{shown}{more}, whose cells hold lists or records rather than one "
                        "value; flatten them into plain columns (one per field) or drop them, "
                        "and upload the file again.")
    if rows > MAX_ROWS:
        raise DataError(f"File {name} has {rows:,} rows, more than the {MAX_ROWS:,} FairDash "
                        "reads; upload a random sample of its rows.")
    size, limit = _decoded_size(meta), DECODED_SIZE_FACTOR * max_bytes
    if size > limit:
        raise DataError(f"File {name} would take about {mb(size)} in memory once decoded "
                        f"({rows:,} rows of {len(schema):,} columns), over the {mb(limit)} "
                        f"limit ({DECODED_SIZE_FACTOR} times the {mb(max_bytes)} upload limit); "
                        "upload a random sample of its rows or fewer columns.")
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise _damaged(name) from exc
    # A saved pandas index comes back as the index; a named one is data, a plain one is not.
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=all(n is None for n in frame.index.names))
    return frame


def _damaged(name: str) -> DataError:
    return DataError(f"File {name} starts like a Parquet file but could not be read, so it is "
                     "probably damaged; export it again or upload it as CSV.")


def _short(kind) -> str:
    text = str(kind)
    return text if len(text) <= 40 else text[:37] + "..."


def _decoded_size(meta) -> int:
    """Estimated bytes of the decoded table.

    Fixed-width values count at their width. A text, bytes or decimal value counts 8 bytes (a
    pointer or offset) plus its characters: the column chunk's uncompressed size, or, when
    larger, its number of values times the longer of its min and max statistics, since a
    dictionary-encoded chunk stores a repeated value once but decodes it in every row.
    """
    variable, width = set(), 0
    for field in meta.schema_arrow:
        try:
            fixed = field.type.bit_width
        except ValueError:  # "non-fixed width type"
            fixed = 0
        if fixed and not str(field.type).startswith("decimal"):
            width += max(1, fixed // 8)
        else:  # pandas holds decimals as Python objects
            variable.add(field.name)
            width += _POINTER_BYTES
    size = meta.metadata.num_rows * width
    for g in range(meta.metadata.num_row_groups):
        group = meta.metadata.row_group(g)
        for c in range(group.num_columns):
            column = group.column(c)
            if column.path_in_schema.split(".")[0] not in variable:
                continue
            stats, longest = column.statistics, 0
            if stats is not None and stats.has_min_max:
                longest = max((len(v) for v in (stats.min, stats.max)
                               if isinstance(v, (str, bytes))), default=0)
            size += max(column.total_uncompressed_size, column.num_values * longest)
    return size
