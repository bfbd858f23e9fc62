"""CSV that a spreadsheet cannot run: every text cell, header and row label that starts like a
formula is prefixed with a single quote (the OWASP guidance on CSV injection).

Numbers stay numbers: only text is touched, so "-0.5" in a numeric column is still -0.5, while a
group label "=HYPERLINK(...)" or a column "@SUM(A1)" is written as text.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_START", "neutralise", "safe_csv"]

#: first characters with which a spreadsheet starts a formula (or a DDE call)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")


def neutralise(value):
    """``value`` with a leading quote when it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _is_text(values) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def safe_csv(frame: pd.DataFrame, *, index: bool = True) -> str:
    """``frame.to_csv(index=index)`` with formula-like text neutralised.

    Parameters
    ----------
    frame : DataFrame
    index : bool, default True
        Write the row labels (also neutralised when they are text).

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> print(safe_csv(pd.DataFrame({"g": ["=1+1", "a"], "x": [-0.5, 2.0]}), index=False))
    g,x
    '=1+1,-0.5
    a,2.0
    <BLANKLINE>
    """
    out = frame.copy()
    for i, column in enumerate(out.columns):
        if _is_text(out.iloc[:, i]):
            out.iloc[:, i] = out.iloc[:, i].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    if index and _is_text(out.index):
        out.index = out.index.map(neutralise)
    return out.to_csv(index=index)
