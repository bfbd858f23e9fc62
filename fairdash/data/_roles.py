"""Column roles: which column is the target, which are sensitive, features, scores."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Column names that usually hold a protected attribute, most common first.
SENSITIVE_HINTS = ("sex", "gender", "race", "ethnicity", "age_group", "age_cat", "religion",
                   "nationality", "foreign_worker", "disability", "marital_status")
#: Flag a column as leaking when alone it removes this share of the majority-guess errors.
LEAK_LIFT = 0.75
TARGET_HINTS = re.compile(r"^(target|label|class|outcome|y|income\w*|default\w*|"
                          r"two_year_recid|good_credit|approved|hired)$", re.I)


@dataclass(frozen=True)
class ColumnRoles:
    """The role of each column; hashable, so it can key caches.

    Attributes
    ----------
    target : str
    positive_label : str or None
        Value of ``target`` (as text) that counts as the positive outcome; not needed (None
        or ignored) for a continuous target, which is audited as a regression.
    sensitive : tuple of str
        One or more sensitive columns; several form intersectional groups.
    features : tuple of str
        Columns a model may use.
    score_column : str or None
        Column holding given scores or decisions, for a predictions-only audit.
    """

    target: str
    positive_label: str | None
    sensitive: tuple[str, ...]
    features: tuple[str, ...] = ()
    score_column: str | None = None


def infer_task(values: pd.Series) -> str:
    """Classify a target column as ``"constant"``, ``"binary"``, ``"multiclass"`` or
    ``"continuous"`` (numeric with more than 10 distinct values and not all integers below 20)."""
    distinct = values.dropna().unique()
    if len(distinct) <= 1:
        return "constant"
    if len(distinct) == 2:
        return "binary"
    if pd.api.types.is_numeric_dtype(values) and len(distinct) > 10:
        numbers = np.asarray(distinct, dtype=float)
        if not (np.all(numbers == np.round(numbers)) and numbers.max() < 20):
            return "continuous"
    return "multiclass"


def default_positive_label(values: pd.Series) -> str:
    """Guess the positive label: 1/True/yes-like values, else the rarer class."""
    distinct = [str(v) for v in values.dropna().unique()]
    for hint in ("1", "1.0", "True", "true", "yes", "Yes", "Y", ">50K", ">50K.", "good"):
        if hint in distinct:
            return hint
    counts = values.dropna().astype(str).value_counts()
    return str(counts.index[-1]) if len(counts) else ""


def flag_columns(df: pd.DataFrame, target: str | None) -> dict[str, str]:
    """Columns a model should probably not use, with the reason in plain words.

    Flags identifier-like columns (a distinct text value on nearly every row, or a column
    named like an id) and columns that alone almost determine the target (target leakage).
    """
    flags: dict[str, str] = {}
    y = None
    if target in df and infer_task(df[target]) == "binary":
        y = (df[target].astype(str) == default_positive_label(df[target])).to_numpy()
    n = len(df)
    for col in df.columns:
        if col == target:
            continue
        s = df[col]
        nunique = s.nunique(dropna=True)
        if re.search(r"(^|_)(id|uuid|name|case_number)($|_)", col, re.I) or (
                not pd.api.types.is_numeric_dtype(s) and n >= 20 and nunique > 0.9 * s.notna().sum()
                and nunique > 20):
            flags[col] = "identifier-like: almost every row has its own value"
            continue
        if y is not None and y.any() and not y.all():
            purity = _purity(s, y)
            majority = max(y.mean(), 1 - y.mean())
            # share of the errors left by always guessing the majority that this column removes
            if (purity - majority) / (1 - majority) >= LEAK_LIFT:
                flags[col] = f"may leak the target: on its own it predicts it {purity:.0%} right"
    return flags


def _purity(s: pd.Series, y: np.ndarray) -> float:
    """Best accuracy of predicting y from this column alone (per value, or one numeric cut)."""
    if pd.api.types.is_numeric_dtype(s) and s.nunique() > 20:
        order = np.argsort(s.fillna(s.min() - 1).to_numpy(), kind="stable")
        ys = y[order].astype(float)
        pos_below = np.concatenate([[0], np.cumsum(ys)])
        n, total = len(ys), ys.sum()
        below = np.arange(n + 1)
        acc = (below - pos_below + (total - pos_below)) / n
        return float(max(acc.max(), (1 - acc).max()))
    keys = s.astype(str).fillna("<missing>").to_numpy()
    frame = pd.DataFrame({"k": keys, "y": y})
    majority = frame.groupby("k")["y"].agg(lambda v: max(v.sum(), len(v) - v.sum()))
    return float(majority.sum() / len(frame))


def suggest_roles(df: pd.DataFrame) -> ColumnRoles:
    """A first guess of roles for an uploaded table, for the user to correct.

    The target is a binary column with a target-like name, else the last binary column;
    sensitive columns match names such as sex, gender, race or age_group; features are the
    remaining columns minus flagged ones.
    """
    binary = [c for c in df.columns if infer_task(df[c]) == "binary"]
    named = [c for c in df.columns if TARGET_HINTS.match(str(c))]
    target = next((c for c in named if c in binary), binary[-1] if binary else df.columns[-1])
    lowered = {str(c).lower(): c for c in df.columns if c != target}
    sensitive = tuple(lowered[h] for h in SENSITIVE_HINTS if h in lowered)
    if not sensitive:
        others = [c for c in df.columns if c != target and 2 <= df[c].nunique() <= 10]
        sensitive = tuple(others[:1])
    flags = flag_columns(df, target)
    features = tuple(c for c in df.columns if c != target and c not in flags)
    return ColumnRoles(target=str(target), positive_label=default_positive_label(df[target]),
                       sensitive=sensitive[:1], features=features)
