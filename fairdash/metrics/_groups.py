"""Turn sensitive features (one column or several) into integer group codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.exceptions import RoleError

#: Separator between the values of several sensitive columns in an intersectional group's label.
INTERSECTION_SEP = " & "


def encode_groups(sensitive_features) -> tuple[np.ndarray, pd.Index]:
    """Encode sensitive features as integer codes ``0..K-1``.

    Parameters
    ----------
    sensitive_features : array-like, Series, DataFrame or list of 1-D arrays
        One value per row, or several columns whose value tuples form intersectional groups.

    Returns
    -------
    codes : ndarray of int64, shape (n,)
        Group code of each row.
    labels : pandas.Index of str, named ``"group"``
        Label of each code, sorted; intersectional labels join values with ``" & "``.

    Raises
    ------
    RoleError
        If a sensitive value is missing.
    """
    frame = _as_frame(sensitive_features)
    missing = frame.isna().sum()
    if missing.any():
        col = missing.idxmax()
        raise RoleError(
            f"Sensitive column '{col}' has {int(missing[col])} missing values; "
            "fill or drop those rows first, because a row without a group cannot be audited."
        )
    # factorize each column, then the tuple of codes: no per-row Python work
    parts = [_factorize(frame[c]) for c in frame.columns]
    combined = np.zeros(len(frame), dtype=np.int64)
    for col_codes, uniques in parts:
        combined = combined * len(uniques) + col_codes
    codes, present = _dense(combined)
    labels = []
    for key in present:
        values = []
        for col_codes, uniques in reversed(parts):
            key, idx = divmod(key, len(uniques))
            values.append(str(uniques[idx]))
        labels.append(INTERSECTION_SEP.join(reversed(values)))
    return codes, pd.Index(labels, dtype=object, name="group")


def _factorize(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes and sorted string labels of one column, converting only the distinct values.

    ``astype(str)`` on every row is the slow part for large or categorical columns; factorizing
    first and naming the few distinct values is the same grouping unless two values print
    alike (``1`` and ``"1"``) or cannot be sorted together, where the row-wise path is kept.
    """
    try:
        codes, uniques = pd.factorize(column, sort=True)
    except TypeError:  # mixed types that do not sort
        codes, uniques = None, None
    if uniques is not None:
        labels = [str(u) for u in uniques]
        if len(set(labels)) == len(labels):
            order = np.argsort(np.asarray(labels, dtype=object), kind="stable")
            rank = np.empty(len(labels), dtype=np.int64)
            rank[order] = np.arange(len(labels))
            return rank[codes], [labels[i] for i in order]
    codes, uniques = pd.factorize(column.astype(str), sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _dense(combined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber combined codes 0..K-1 in sorted order; returns (codes, distinct combined keys).

    Codes are small non-negative integers (products of the columns' cardinalities), so a
    bincount finds the used ones in O(n) instead of re-sorting all rows with ``np.unique``.
    """
    if combined.size and combined.max() <= 4 * combined.size + 1024:
        used = np.bincount(combined) > 0
        present = np.flatnonzero(used)
        if len(present) == len(used):  # already dense (always, for one column)
            return combined, present
        return (np.cumsum(used) - 1)[combined], present
    present, codes = np.unique(combined, return_inverse=True)
    return codes.astype(np.int64), present


def _as_frame(sensitive_features) -> pd.DataFrame:
    if isinstance(sensitive_features, pd.DataFrame):
        return sensitive_features.reset_index(drop=True)
    if isinstance(sensitive_features, pd.Series):
        return sensitive_features.reset_index(drop=True).to_frame()
    if isinstance(sensitive_features, (list, tuple)) and sensitive_features and np.ndim(
        sensitive_features[0]
    ) == 1:
        return pd.DataFrame({f"s{i}": np.asarray(c) for i, c in enumerate(sensitive_features)})
    if np.ndim(sensitive_features) == 2:
        return pd.DataFrame(np.asarray(sensitive_features, dtype=object))
    if isinstance(sensitive_features, np.ndarray):
        # one array, kept vectorised (a Python list of 1M values costs ~0.4 s); text as object,
        # which pandas factorizes faster than its str dtype, and NaN stays missing
        kind = sensitive_features.dtype.kind
        return pd.Series(sensitive_features, dtype=object if kind in "US" else None,
                         name="sensitive").to_frame()
    # a Series keeps None/NaN missing (np.asarray would turn NaN into the string "nan")
    return pd.DataFrame({"sensitive": pd.Series(list(sensitive_features), dtype=object)})
