"""How much of an uploaded table FairDash reads: bytes, decoded size, rows and columns.

The limits keep one upload from holding the app for minutes or taking gigabytes of memory. They
are checked before the body of a file is parsed wherever the file says how large it is (a CSV's
header row, a Parquet file's footer), so a refusal costs milliseconds.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DECODED_SIZE_FACTOR", "DEFAULT_MAX_UPLOAD_BYTES", "MAX_COLUMNS", "MAX_ROWS", "mb"]

#: Largest upload accepted, in bytes; a gzip file's unpacked size counts too.
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024

#: A Parquet file's decoded table may take at most this many times the upload limit in memory
#: (1,000 MB with the default limit). Parquet compresses so well (a 445 KB file held 20 million
#: rows and took 3.5 GB once read) that the file's own size says little about the table's.
DECODED_SIZE_FACTOR = 5

#: Most data rows read from one file (CSV or Parquet). The app is built for tables of up to a
#: few million rows (a million audits in seconds); beyond that a sample of the rows gives the
#: same audit within its confidence intervals.
MAX_ROWS = 5_000_000

#: Most columns read from one file (CSV or Parquet), checked on the header before the rows are
#: parsed: a 2 MB CSV of 10,000 columns took 108 s to load, and an audit needs a target, a few
#: sensitive columns and the features a model uses.
MAX_COLUMNS = 1_000

_MB = 1024 * 1024


def mb(n: int) -> str:
    """``n`` bytes in megabytes (MiB), for messages.

    Parameters
    ----------
    n : int
        A size in bytes.

    Returns
    -------
    str
        Whole megabytes from 1,000 MB on (``"3,580 MB"``), else three significant digits without
        exponent (``"200 MB"``, ``"0.00954 MB"``), so a small limit never prints as ``"0.0 MB"``
        and a large size is not rounded to tens.
    """
    if n >= 1000 * _MB:
        return f"{round(n / _MB):,} MB"
    return f"{np.format_float_positional(n / _MB, precision=3, fractional=False, trim='-')} MB"
