"""Validate a table against column roles and build the Dataset every later step uses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.data._roles import ColumnRoles, infer_task
from fairdash.data._split import stratified_split
from fairdash.data._values import bad_values, check_feature_values
from fairdash.exceptions import DataError, RoleError
from fairdash.metrics import encode_groups, wilson_interval

#: More distinct groups than this is almost always a continuous column chosen by mistake.
MAX_GROUPS = 50
MIN_ROWS = 20
#: The two kinds of audit: yes/no outcomes and continuous targets.
TASKS = ("classification", "regression")

#: The rows every audit is measured on, for every kind of model (trained here, uploaded, or
#: given scores), on every page and in the CLI: the held-out test split, the same rows
#: mitigations and comparisons are measured on (``fairdash.mitigation.EVALUATION_SPLIT``).
#: So one model has one set of "before" numbers everywhere.
AUDITED_SPLIT = "test"

#: model kind -> why its audit on the test split may still flatter it (None: no caveat)
_OUTSIDE_MODEL_WARNINGS = {
    "builtin": None,
    "upload": ("FairDash cannot know which rows the uploaded model was trained on: if it saw "
               "some of the test rows, its audit may look better than on new people."),
    "scores": ("FairDash cannot know which rows the model behind the given scores was trained "
               "on: if it saw some of the test rows, its audit may look better than on new "
               "people."),
}


def outside_model_warning(kind: str) -> str | None:
    """The caveat an audit of a model not trained here carries.

    Parameters
    ----------
    kind : {"builtin", "upload", "scores"}
        A built-in model trained here on the train split, an uploaded model file, or a
        column of given scores or predictions.

    Returns
    -------
    str or None
        None for a model trained here (its test rows are held out by construction); one
        plain sentence otherwise.
    """
    try:
        return _OUTSIDE_MODEL_WARNINGS[kind]
    except KeyError:
        raise ValueError(f"Unknown model kind '{kind}'; choose one of "
                         f"{', '.join(_OUTSIDE_MODEL_WARNINGS)}.") from None


@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated table with its roles, encoded target, groups and split.

    Attributes
    ----------
    frame : DataFrame
        The table as loaded (index reset).
    roles : ColumnRoles
        For a regression dataset ``roles.positive_label`` is ignored.
    y : ndarray, shape (n,)
        Classification: int, 1 where the target equals the positive label. Regression: the
        target's values as float64.
    group_codes : ndarray of int, shape (n,)
    group_labels : pandas.Index
    split : ndarray of str, shape (n,)
        ``train`` / ``calibration`` / ``test`` per row.
    scores : ndarray of float or None
        Classification: given scores or decisions in [0, 1]. Regression: given predictions
        (any real numbers). None without a score column.
    scores_are_decisions : bool
        True when a classification score column only holds 0 and 1 (always False for
        regression).
    fingerprint : str
        Content hash of the table and roles; keys caches.
    warnings : tuple of str
    task : {"classification", "regression"}
        ``"regression"`` when the target is continuous (see :func:`~fairdash.data.infer_task`).
    """

    frame: pd.DataFrame
    roles: ColumnRoles
    y: np.ndarray
    group_codes: np.ndarray
    group_labels: pd.Index
    split: np.ndarray
    scores: np.ndarray | None
    scores_are_decisions: bool
    fingerprint: str
    warnings: tuple[str, ...] = ()
    task: str = "classification"

    @property
    def X(self) -> pd.DataFrame:
        """Feature columns of every row."""
        return self.frame[list(self.roles.features)]

    def rows(self, split: str) -> np.ndarray:
        """Boolean mask of the rows in ``split`` (``"all"`` for every row)."""
        if split == "all":
            return np.ones(len(self.y), dtype=bool)
        return self.split == split

    @staticmethod
    def audited_split(trained_here: bool = True) -> str:
        """Which rows an audit uses: :data:`AUDITED_SPLIT` (the held-out test split) for
        every kind of model.

        ``trained_here`` is kept for callers and does not change the answer: a model trained
        elsewhere (uploaded, or given scores) may have seen any row, so no split is safer for
        it, and auditing it on the test rows gives the same "before" numbers as Mitigate and
        Compare. Show :func:`outside_model_warning` next to its audit.
        """
        return AUDITED_SPLIT


def table_fingerprint(df: pd.DataFrame) -> str:
    """Short content hash of a table (values and column names)."""
    h = hashlib.sha1(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    h.update("\x1f".join(map(str, df.columns)).encode())
    return h.hexdigest()[:16]


def build_dataset(df: pd.DataFrame, roles: ColumnRoles, *, fractions=(0.6, 0.2, 0.2),
                  random_state: int = 0, rescale_scores: bool = False,
                  table_hash: str | None = None) -> Dataset:
    """Check roles against the table and build a :class:`Dataset`.

    Parameters
    ----------
    df : DataFrame
    roles : ColumnRoles
    fractions : tuple, default (0.6, 0.2, 0.2)
        Train, calibration and test shares, stratified by group x label (for a continuous
        target: group x whether the target is above its median).
    random_state : int, default 0
    rescale_scores : bool, default False
        Min-max rescale a score column that lies outside [0, 1] (for example a 1-10 decile).
        Ignored for a continuous target, whose score column holds predictions.
    table_hash : str, optional
        Precomputed :func:`table_fingerprint` of ``df``.

    Raises
    ------
    RoleError, DataError
        With a sentence naming the column or value at fault.

    Notes
    -----
    A numeric target with more than 10 distinct values that are not all small integers is
    continuous (:func:`~fairdash.data.infer_task`) and gives a regression dataset
    (``task="regression"``): ``y`` holds the target's values and a score column holds given
    predictions. Every other target must have exactly two values.

    Numeric feature columns, a continuous target and a score or prediction column may hold no
    infinite value and none beyond ``±MAX_ABS_VALUE`` (1e150), whose squares would overflow
    (:func:`fairdash.data._values.bad_values`); a missing feature value is fine (models impute
    it).
    """
    df = df.reset_index(drop=True)
    if len(df) < MIN_ROWS:
        raise DataError(f"The table has {len(df)} rows; an audit needs at least {MIN_ROWS}.")
    _check_columns(df, roles)
    check_feature_values(df, roles.features)
    y, task = _encode_target(df[roles.target], roles)
    codes, labels = encode_groups(df[list(roles.sensitive)])
    if len(labels) > MAX_GROUPS:
        raise RoleError(f"The sensitive column(s) {', '.join(roles.sensitive)} make {len(labels)} "
                        f"groups; at most {MAX_GROUPS} can be compared. Bin a numeric column "
                        "first (for example age into age groups).")
    warnings = []
    sizes = np.bincount(codes, minlength=len(labels))
    for label, size in zip(labels, sizes):
        if size == 1:
            warnings.append(f"Group '{label}' has a single row: its rates cannot be estimated, "
                            "so it is shown but left out of the gaps.")
    if task == "regression":
        scores, decisions = _predictions(df, roles), False
        # above/below the median stands in for the label, so each part keeps every group's
        # share of high and low targets
        strata = (y > np.median(y)).astype(np.int64)
    else:
        scores, decisions = _scores(df, roles, rescale_scores)
        strata = y
    split = stratified_split(codes * 2 + strata, fractions, random_state)
    base = table_hash or table_fingerprint(df)
    key = hashlib.sha1(f"{base}|{roles}|{fractions}|{random_state}|{rescale_scores}".encode())
    return Dataset(df, roles, y, codes, labels, split, scores, decisions, key.hexdigest()[:16],
                   tuple(warnings), task)


def _check_columns(df, roles):
    named = [roles.target, *roles.sensitive, *roles.features]
    if roles.score_column:
        named.append(roles.score_column)
    missing = [c for c in named if c not in df.columns]
    if missing:
        raise RoleError(f"Column '{missing[0]}' is not in the table.")
    if not roles.sensitive:
        raise RoleError("Choose at least one sensitive column to define the groups.")
    if roles.target in roles.sensitive or roles.target in roles.features:
        raise RoleError(f"The target '{roles.target}' cannot also be a sensitive column or a "
                        "feature.")
    if not roles.features and not roles.score_column:
        raise RoleError("Choose feature columns to train a model, or a score column to audit "
                        "given predictions.")


def _encode_target(values: pd.Series, roles: ColumnRoles) -> tuple[np.ndarray, str]:
    name = roles.target
    if values.isna().any():
        raise RoleError(f"Target column '{name}' has {int(values.isna().sum())} missing values; "
                        "drop those rows first, since their outcome is unknown.")
    task = infer_task(values)
    distinct = values.astype(str).unique()
    if task == "constant":
        raise RoleError(f"Target column '{name}' has only one value ('{distinct[0]}'); an audit "
                        "needs both outcomes.")
    if task == "continuous":
        y = values.to_numpy(dtype=np.float64)
        found = bad_values(y, missing_ok=True)  # missing values were refused above
        if found:
            raise RoleError(f"Target column '{name}' has {found}; drop or fix those rows first, "
                            "or rescale the column (for example divide it by a power of ten).")
        return y, "regression"
    if task == "multiclass":
        shown = ", ".join(sorted(distinct)[:5])
        raise RoleError(f"Target column '{name}' has {len(distinct)} classes ({shown}, ...); "
                        "FairDash audits yes/no outcomes, so choose a column with two values.")
    if str(roles.positive_label) not in distinct:
        raise RoleError(f"Positive label '{roles.positive_label}' does not occur in target "
                        f"'{name}', whose values are {', '.join(sorted(distinct))}.")
    return (values.astype(str) == str(roles.positive_label)).to_numpy().astype(np.int64), \
        "classification"


def _scores(df, roles, rescale):
    col = roles.score_column
    if not col:
        return None, False
    s = df[col]
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        if pd.api.types.is_bool_dtype(s):
            return s.to_numpy().astype(float), True
        raise RoleError(f"Score column '{col}' must be numeric; found values such as "
                        f"'{s.dropna().iloc[0]}'.")
    if s.isna().any():
        raise RoleError(f"Score column '{col}' has {int(s.isna().sum())} missing values.")
    v = s.to_numpy(dtype=np.float64)
    # before rescaling, where one inf would turn every other score into 0
    found = bad_values(v, missing_ok=True)
    if found:
        raise RoleError(f"Score column '{col}' has {found}; give every row a finite score or "
                        "drop those rows.")
    lo, hi = float(v.min()), float(v.max())
    if lo < 0 or hi > 1:
        if not rescale:
            raise RoleError(f"Score column '{col}' runs from {lo:g} to {hi:g}, outside [0, 1]; "
                            "turn on rescaling to map it to [0, 1] (min-max), or choose a "
                            "probability column.")
        v = (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)
    decisions = bool(np.isin(v, (0.0, 1.0)).all())
    return v, decisions


def _predictions(df, roles):
    """A regression score column: given predictions, any finite real numbers."""
    col = roles.score_column
    if not col:
        return None
    s = df[col]
    if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
        raise RoleError(f"Prediction column '{col}' must be numeric; found values such as "
                        f"'{s.dropna().iloc[0]}'.")
    if s.isna().any():
        raise RoleError(f"Prediction column '{col}' has {int(s.isna().sum())} missing values.")
    v = s.to_numpy(dtype=np.float64)
    found = bad_values(v, missing_ok=True)
    if found:
        raise RoleError(f"Prediction column '{col}' has {found}; give every row a finite "
                        "prediction or drop those rows, or rescale the column together with the "
                        "target.")
    return v


def group_overview(dataset: Dataset) -> pd.DataFrame:
    """Rows, positives and base rate (with 95 % Wilson interval) per group on all rows, and
    how many of each group's rows fall in each split.

    Returns
    -------
    DataFrame indexed by ``group``: ``n``, ``share``, ``positives``, ``base_rate``,
    ``base_rate_low``, ``base_rate_high``, ``train``, ``calibration``, ``test``.
    For a regression dataset ``positives`` and the base rate are replaced by ``mean_target``
    with a 95 % normal interval (``mean_target_low``, ``mean_target_high``) and
    ``median_target``.
    """
    k = len(dataset.group_labels)
    n = np.bincount(dataset.group_codes, minlength=k)
    if dataset.task == "regression":
        out = _target_overview(dataset, n)
        for name in ("train", "calibration", "test"):
            out[name] = np.bincount(dataset.group_codes[dataset.split == name], minlength=k)
        return out
    pos = np.bincount(dataset.group_codes, weights=dataset.y, minlength=k)
    low, high = wilson_interval(pos, n)
    out = pd.DataFrame({"n": n, "share": n / n.sum(), "positives": pos.astype(np.int64),
                        "base_rate": np.where(n > 0, pos / np.maximum(n, 1), np.nan),
                        "base_rate_low": low, "base_rate_high": high},
                       index=dataset.group_labels)
    for name in ("train", "calibration", "test"):
        out[name] = np.bincount(dataset.group_codes[dataset.split == name], minlength=k)
    return out


def _target_overview(dataset: Dataset, n: np.ndarray) -> pd.DataFrame:
    """Rows, share and the target's mean (normal 95 % interval) and median per group."""
    frame = pd.DataFrame({"g": dataset.group_codes, "y": dataset.y})
    by = frame.groupby("g")["y"]
    mean = by.mean().reindex(range(len(n))).to_numpy()
    sd = by.std(ddof=1).reindex(range(len(n))).to_numpy()
    half = 1.959963984540054 * sd / np.sqrt(np.maximum(n, 1))
    return pd.DataFrame({"n": n, "share": n / n.sum(), "mean_target": mean,
                         "mean_target_low": mean - half, "mean_target_high": mean + half,
                         "median_target": by.median().reindex(range(len(n))).to_numpy()},
                        index=dataset.group_labels)
