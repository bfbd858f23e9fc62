"""Counts per group x label x score, computed by the engine that holds the rows.

Every audit number is a function of confusion counts per group (docs/methods.md §9.1), and the
counts at every threshold follow from how many rows each (group, label, score) cell holds. So
one ``GROUP BY`` in the engine replaces loading the rows: the engine returns one row per cell
with its row count, and :class:`ScoreCounts` turns them into the same cumulative counts the
pandas path builds from rows (a :class:`~fairdash.metrics.ScoreIndex` weighted by the cell
counts; integer weights keep every sum exact), hence the same counts at every threshold, the
same AUC and, through :func:`~fairdash.metrics.audit_counts`, the same intervals and p-values.

Scores with more distinct values than ``max_exact`` are counted per bin of width
``resolution`` (floor of score / resolution) and, in the same ``GROUP BY``, on either side of
the audit threshold; each cell carries its smallest score. Counts at the audit threshold stay
exact; at any other threshold a row is misplaced only if its score lies in the same bin as the
threshold, and ties inside a bin count one half in the AUC.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.data import MAX_GROUPS, default_positive_label
from fairdash.exceptions import RoleError
from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, ScoreIndex, audit_counts, encode_groups

__all__ = ["DEFAULT_MAX_EXACT", "DEFAULT_RESOLUTION", "ScoreCounts", "count_scores"]

#: With ``resolution="auto"``: count exact scores when the engine estimates at most this many
#: distinct values, else bins of :data:`DEFAULT_RESOLUTION`.
DEFAULT_MAX_EXACT = 2_000_000
#: Bin width of the scores when they are binned (``resolution="auto"`` on many distinct scores).
DEFAULT_RESOLUTION = 1e-4

_T, _S, _N, _BIN, _UP = "__fd_target", "__fd_score", "__fd_n", "__fd_bin", "__fd_above"


@dataclass(frozen=True, eq=False)
class ScoreCounts:
    """Rows per (group, label, score) cell, as returned by the engine.

    Attributes
    ----------
    labels : pandas.Index
        Group labels, in the order :func:`~fairdash.metrics.encode_groups` gives the pandas
        path (intersections joined with ``" & "``).
    group_values : DataFrame
        The sensitive columns' own values of each group (one row per label, same order), for
        rules written back to the engine.
    codes, y, scores, weights : ndarray, one entry per cell
        Group code, 0/1 label, score (the smallest in the cell) and number of rows.
    positive_label : str
    threshold : float
        The audit threshold the cells were split at (exact counts there).
    resolution : float or None
        Bin width of the scores, or None when every distinct score is its own cell.
    engine : str
        The Ibis backend that counted (``duckdb``, ``pyspark``, ``postgres`` ...).
    target, score : str
        The columns counted.
    rescaled : tuple of float or None
        ``(lo, hi)`` when the scores were min-max rescaled from that range, else None.
    """

    labels: pd.Index
    group_values: pd.DataFrame
    codes: np.ndarray
    y: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    positive_label: str
    threshold: float
    resolution: float | None
    engine: str
    target: str = ""
    score: str = ""
    rescaled: tuple | None = None

    @property
    def rows(self) -> int:
        """Rows counted (every row of the table)."""
        return int(self.weights.sum())

    def row_counts(self) -> np.ndarray:
        """Rows per group, int64 of shape (K,)."""
        return np.bincount(self.codes, weights=self.weights,
                           minlength=len(self.labels)).astype(np.int64)

    def index(self) -> ScoreIndex:
        """The weighted :class:`~fairdash.metrics.ScoreIndex` of the cells.

        Returns
        -------
        ScoreIndex
            Counts at any threshold and per-group AUC, equal to the index of the rows.
        """
        return ScoreIndex(self.y, self.scores, self.codes, len(self.labels),
                          sample_weight=self.weights)

    def audit(self, *, threshold: float | None = None, method: str = "between_groups",
              reference=None, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
              confidence: float = 0.95, n_resamples: int = 1000, random_state: int = 0):
        """The audit at ``threshold``, as :func:`fairdash.metrics.audit` on the rows.

        Parameters
        ----------
        threshold : float, optional
            Default :attr:`threshold`. Exact cells give exact counts at any threshold; binned
            cells only at :attr:`threshold` (count again at another one).
        method, reference, min_group_size, confidence, n_resamples, random_state
            As in :func:`fairdash.metrics.audit_counts`.

        Returns
        -------
        AuditResult
        """
        thr = self.threshold if threshold is None else float(threshold)
        index = self.index()
        return audit_counts(index.counts_at(thr), self.labels, auc=index.auc(),
                            threshold=thr, row_counts=self.row_counts(),
                            method=method, reference=reference,
                            min_group_size=min_group_size, confidence=confidence,
                            n_resamples=n_resamples, random_state=random_state)


def count_scores(table, *, target: str, sensitive, score: str, positive_label=None,
                 threshold: float = 0.5, resolution="auto", rescale: bool = False,
                 max_exact: int = DEFAULT_MAX_EXACT) -> ScoreCounts:
    """Count rows per group x label x score in the engine holding ``table``.

    Parameters
    ----------
    table : ibis.expr.types.Table
        From :func:`open_table` or any Ibis backend.
    target : str
        Two-valued outcome column.
    sensitive : str or sequence of str
        Sensitive column(s); several form intersectional groups.
    score : str
        Scores in [0, 1] (or 0/1 decisions, or booleans).
    positive_label : optional
        Value of ``target`` that counts as positive (default: 1/True/yes-like, else the rarer).
    threshold : float, default 0.5
    resolution : "auto", "exact" or float, default "auto"
        Bin width of the scores; "exact" counts every distinct score; "auto" is exact up to
        ``max_exact`` distinct scores (estimated by the engine), else :data:`DEFAULT_RESOLUTION`.
    rescale : bool, default False
        Min-max rescale scores outside [0, 1], as ``build_dataset(rescale_scores=True)``.
    max_exact : int, default DEFAULT_MAX_EXACT

    Returns
    -------
    ScoreCounts

    Raises
    ------
    RoleError
        Missing columns or values, a target without exactly two values, scores outside [0, 1]
        without ``rescale``, too many groups.
    """
    import ibis

    sensitive = (sensitive,) if isinstance(sensitive, str) else tuple(sensitive)
    _check_columns(table, target, sensitive, score)
    s = score_column(table, score)
    stats = _stats(table, s, target, sensitive, score, resolution == "auto")
    lo, hi = float(stats["lo"]), float(stats["hi"])
    if lo < 0 or hi > 1:
        if not rescale:
            raise RoleError(f"Score column '{score}' runs from {lo:g} to {hi:g}, outside [0, 1]; "
                            "turn on rescaling to map it to [0, 1] (min-max), or choose a "
                            "probability column.")
        s = score_column(table, score, (lo, hi))
    step = _resolution(resolution, stats.get("distinct"), max_exact)
    keys = {c: table[c] for c in sensitive} | {_T: table[target]}
    if step is None:
        expr = table.group_by(**keys, **{_S: s}).aggregate(**{_N: ibis._.count()})
    else:
        expr = table.group_by(**keys, **{_BIN: (s / step).floor(), _UP: s >= threshold}) \
            .aggregate(**{_N: ibis._.count(), _S: s.min()})
    cells = expr.to_pandas()
    y, positive = _labels(cells[_T], target, cells[_N].to_numpy(), positive_label)
    codes, labels = encode_groups(cells[list(sensitive)])
    if len(labels) > MAX_GROUPS:
        raise RoleError(f"The sensitive column(s) {', '.join(sensitive)} make {len(labels)} "
                        f"groups; at most {MAX_GROUPS} can be compared. Bin a numeric column "
                        "first (for example age into age groups).")
    first = np.unique(codes, return_index=True)[1]
    values = cells[list(sensitive)].iloc[first].reset_index(drop=True)
    return ScoreCounts(labels, values, codes, y, cells[_S].to_numpy(np.float64),
                       cells[_N].to_numpy(np.int64), positive, float(threshold), step,
                       _backend_name(table), target, score,
                       (lo, hi) if rescale and (lo < 0 or hi > 1) else None)


def _check_columns(table, target, sensitive, score) -> None:
    columns = set(table.columns)
    for name in (target, *sensitive, score):
        if name not in columns:
            raise RoleError(f"Column '{name}' is not in the table.")
    if not sensitive:
        raise RoleError("Choose at least one sensitive column to define the groups.")
    if target in sensitive or target == score:
        raise RoleError(f"The target '{target}' cannot also be a sensitive or score column.")


def _stats(table, s, target, sensitive, score, distinct: bool) -> dict:
    """Row count, missing values and the score's range, in one scan; refuses missing values."""
    import ibis

    missing = s.isnull() | s.isnan() if s.type().is_floating() else s.isnull()
    aggs = {"lo": s.min(), "hi": s.max(), "missing_score": missing.sum(),
            "missing_target": table[target].isnull().sum()}
    if s.type().is_floating():
        aggs["infinite"] = s.isinf().sum()
    for i, c in enumerate(sensitive):
        aggs[f"missing_{i}"] = table[c].isnull().sum()
    if distinct:
        aggs["distinct"] = s.approx_nunique()
    row = table.aggregate(n=ibis._.count(), **aggs).to_pandas().iloc[0].to_dict()
    if int(row["n"]) == 0:
        raise RoleError("The table has no rows to audit.")
    if row["missing_target"]:
        raise RoleError(f"Target column '{target}' has {int(row['missing_target'])} missing "
                        "values; drop those rows first, since their outcome is unknown.")
    for i, c in enumerate(sensitive):
        if row[f"missing_{i}"]:
            raise RoleError(f"Sensitive column '{c}' has {int(row[f'missing_{i}'])} missing "
                            "values; fill or drop those rows first, because a row without a "
                            "group cannot be audited.")
    if row["missing_score"]:
        raise RoleError(f"Score column '{score}' has {int(row['missing_score'])} missing values.")
    if row.get("infinite"):
        raise RoleError(f"Score column '{score}' has {int(row['infinite'])} infinite values; "
                        "give every row a finite score or drop those rows.")
    return row


def _resolution(resolution, distinct, max_exact) -> float | None:
    """The bin width to count at, or None for exact scores."""
    if resolution == "exact":
        return None
    if resolution == "auto":
        return None if distinct is not None and int(distinct) <= max_exact \
            else DEFAULT_RESOLUTION
    try:
        step = float(resolution)
    except (TypeError, ValueError):
        step = float("nan")
    if not 0 < step <= 0.5:
        raise RoleError(f"The score resolution must be 'auto', 'exact' or a number in (0, 0.5]; "
                        f"got {resolution!r}.")
    return step


def _labels(values: pd.Series, target: str, n: np.ndarray, positive_label):
    """0/1 labels of the cells (as the pandas path encodes the target) and the positive label.

    The target's few distinct values are named once (``str``), not once per cell.
    """
    codes, uniques = pd.factorize(values)
    text = np.array([str(u) for u in uniques], dtype=object)
    distinct = sorted(set(text))
    if len(distinct) != 2:
        kind = "only one value" if len(distinct) == 1 else f"{len(distinct)} values"
        raise RoleError(f"Target column '{target}' has {kind} ({', '.join(distinct[:5])}); "
                        "FairDash audits yes/no outcomes, so choose a column with two values.")
    if positive_label is None:  # the pandas path's guess, with the rarer class over rows
        rows = pd.Series(np.bincount(codes, weights=n)).groupby(text).sum()
        rare, common = rows.sort_values(kind="stable").index
        positive_label = default_positive_label(pd.Series([rare, common, common]))
    if str(positive_label) not in distinct:
        raise RoleError(f"Positive label '{positive_label}' does not occur in target "
                        f"'{target}', whose values are {', '.join(distinct)}.")
    return (text == str(positive_label))[codes].astype(np.int64), str(positive_label)


def _backend_name(table) -> str:
    try:
        return str(table.get_backend().name)
    except Exception:  # noqa: BLE001 - an unbound table: no backend to name
        return "ibis"


def score_column(table, score: str, rescaled: tuple | None = None):
    """The score column as the counts read it: booleans as 0/1, min-max rescaled from
    ``rescaled = (lo, hi)`` when given (the same arithmetic wherever it is applied)."""
    s = table[score]
    if s.type().is_boolean():
        s = s.cast("float64")
    elif not s.type().is_numeric():
        raise RoleError(f"Score column '{score}' must be numeric; found type {s.type()}.")
    if rescaled is not None:
        lo, hi = rescaled
        s = (s - lo) / (hi - lo) if hi > lo else s * 0.0
    return s
