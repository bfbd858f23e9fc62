"""Columns as small integer codes for the slice search, and each code as conditions.

Categorical (text, bool, category) columns are coded by value; numeric columns by quantile
bins whose edges are values of the column; a missing value is its own level. Levels too rare to
form a slice are pooled into one code that no slice may use, which keeps every column's number
of codes below ``1 / min_support`` and the search's count tables small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash.exceptions import RoleError
from fairdash.subgroups._literals import format_value, quote_column

__all__ = ["ColumnCodes", "Condition", "describe", "encode_columns", "rule_text"]

#: Operators a slice condition uses (the rule language has more).
CONDITION_OPS = ("==", "<", ">=", "is missing")


@dataclass(frozen=True)
class Condition:
    """One condition of a slice: ``column op value``.

    ``op`` is ``"=="``, ``"<"``, ``">="`` or ``"is missing"`` (``value`` None).
    """

    column: str
    op: str
    value: object = None

    def text(self) -> str:
        """The condition in the rule language (:func:`~fairdash.subgroups.parse_rule`)."""
        name = quote_column(self.column)
        if self.op == "is missing":
            return f"{name} is missing"
        return f"{name} {self.op} {format_value(self.value)}"

    def to_dict(self) -> dict:
        """``{"column", "op", "value"}`` with a JSON-safe value."""
        value = self.value.item() if hasattr(self.value, "item") else self.value
        return {"column": self.column, "op": self.op, "value": value}


def _plain(value) -> str:
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe(conditions) -> str:
    """The conditions in plain words, one clause per column ("age from 25 to under 33")."""
    by_column: dict[str, dict] = {}
    for c in conditions:
        by_column.setdefault(c.column, {})[c.op] = c.value
    clauses = []
    for column, ops in by_column.items():
        if "is missing" in ops:
            clauses.append(f"{column} is missing")
        elif "==" in ops:
            clauses.append(f"{column} is {_plain(ops['=='])}")
        elif "<" in ops and ">=" in ops:
            clauses.append(f"{column} from {_plain(ops['>='])} to under {_plain(ops['<'])}")
        elif "<" in ops:
            clauses.append(f"{column} under {_plain(ops['<'])}")
        else:
            clauses.append(f"{column} {_plain(ops['>='])} or more")
    if len(clauses) <= 1:
        return "".join(clauses) or "every row"
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


def rule_text(conditions) -> str:
    """The conditions joined with ``and`` in the rule language."""
    return " and ".join(c.text() for c in conditions) if conditions else ""


@dataclass
class ColumnCodes:
    """One column coded for the search.

    Attributes
    ----------
    name : str
    kind : {"category", "bins"}
    codes : ndarray of int64, shape (n,)
    levels : list of tuple of Condition
        The conditions of each code (empty for the pooled rare code).
    usable : ndarray of bool
        Which codes a slice may use (False for the pooled rare levels).
    """

    name: str
    kind: str
    codes: np.ndarray
    levels: list = field(default_factory=list)
    usable: np.ndarray = None

    @property
    def cardinality(self) -> int:
        return len(self.levels)


def _bin_edges(x: np.ndarray, n_bins: int) -> np.ndarray:
    """Quantile edges (values of the column) cutting ``x`` into at most ``n_bins`` bins."""
    lowest = x.min()
    if np.mean(x == lowest) >= 1.0 / n_bins and (x > lowest).any():
        # a zero-inflated column (capital_gain): the lowest value is a level of its own, the
        # rest is cut by its own quantiles
        above = x[x > lowest]
        qs = np.arange(1, n_bins - 1) / (n_bins - 1)
        inner = np.quantile(above, qs, method="nearest") if len(qs) else np.array([])
        edges = np.unique(np.concatenate([[above.min()], inner]))
    else:
        qs = np.arange(1, n_bins) / n_bins
        edges = np.unique(np.quantile(x, qs, method="nearest"))
    return edges[edges > lowest]


def _numeric_levels(name: str, values: np.ndarray, n_bins: int):
    present = ~np.isnan(values)
    x = values[present]
    distinct = np.unique(x)
    if len(distinct) <= n_bins:
        codes = np.searchsorted(distinct, values)
        levels = [(Condition(name, "==", _number(v)),) for v in distinct]
        return "category", codes, levels, present
    edges = _bin_edges(x, n_bins)
    codes = np.searchsorted(edges, values, side="right")
    levels = []
    for j in range(len(edges) + 1):
        parts = []
        if j > 0:
            parts.append(Condition(name, ">=", _number(edges[j - 1])))
        if j < len(edges):
            parts.append(Condition(name, "<", _number(edges[j])))
        levels.append(tuple(parts))
    return "bins", codes, levels, present


def _number(v):
    v = float(v)
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def encode_columns(frame: pd.DataFrame, columns, *, n_bins: int = 5, min_count: int = 1,
                   count_rows: np.ndarray | None = None) -> list[ColumnCodes]:
    """Code ``columns`` of ``frame`` for the slice search.

    Parameters
    ----------
    frame : DataFrame
    columns : sequence of str
    n_bins : int, default 5
        Quantile bins per numeric column; a numeric column with at most this many distinct
        values is coded by value.
    min_count : int, default 1
        Levels with fewer rows than this among ``count_rows`` are pooled into one code no
        slice may use.
    count_rows : boolean array, optional
        The rows whose counts decide which levels are rare (default: every row).

    Returns
    -------
    list of ColumnCodes
    """
    if n_bins < 2:
        raise RoleError(f"Numeric columns need at least 2 bins; got {n_bins}.")
    out = []
    for name in columns:
        if name not in frame.columns:
            raise RoleError(f"Column '{name}' is not in the table.")
        column = frame[name]
        dtype = column.dtype
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            kind, codes, levels, present = _numeric_levels(name, values, n_bins)
        else:
            kind = "category"
            try:
                codes, uniques = pd.factorize(column, sort=True)
            except TypeError:  # mixed kinds of values that do not sort together
                codes, uniques = pd.factorize(column)
            present = codes >= 0
            levels = [(Condition(name, "==", u.item() if hasattr(u, "item") else u),)
                      for u in uniques]
        codes = np.asarray(codes, dtype=np.int64)
        if not present.all():
            codes = np.where(present, codes, len(levels))
            levels.append((Condition(name, "is missing"),))
        out.append(_pool_rare(name, kind, codes, levels, min_count, count_rows))
    return out


def _pool_rare(name, kind, codes, levels, min_count, count_rows) -> ColumnCodes:
    counted = codes if count_rows is None else codes[count_rows]
    sizes = np.bincount(counted, minlength=len(levels))
    keep = sizes >= max(min_count, 1)
    if keep.all():
        return ColumnCodes(name, kind, codes, levels, np.ones(len(levels), dtype=bool))
    new = np.full(len(levels), int(keep.sum()), dtype=np.int64)
    new[keep] = np.arange(int(keep.sum()))
    kept = [lvl for lvl, k in zip(levels, keep) if k]
    return ColumnCodes(name, kind, new[codes], kept + [()],
                       np.r_[np.ones(len(kept), dtype=bool), False])
