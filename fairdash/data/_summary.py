"""A one-row-per-column summary of a table for the Data page."""

from __future__ import annotations

import pandas as pd

from fairdash.data._roles import flag_columns


def column_summary(df: pd.DataFrame, target: str | None = None) -> pd.DataFrame:
    """Type, missing values, distinct values, examples and warnings per column.

    Returns
    -------
    DataFrame indexed by ``column`` with ``type``, ``missing``, ``distinct``, ``examples``
    and ``flag`` (empty, or why a model should probably not use the column).
    """
    flags = flag_columns(df, target)
    rows = []
    for col in df.columns:
        s = df[col]
        examples = ", ".join(map(str, s.dropna().unique()[:3]))
        kind = "number" if pd.api.types.is_numeric_dtype(s) else "text"
        rows.append({"column": str(col), "type": kind, "missing": int(s.isna().sum()),
                     "distinct": int(s.nunique()), "examples": examples,
                     "flag": flags.get(col, "")})
    return pd.DataFrame(rows).set_index("column")
