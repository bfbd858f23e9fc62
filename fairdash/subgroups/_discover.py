"""Slice discovery with honest statistics (docs/methods.md §8.2, §8.4).

The held-out rows are cut at random (seeded, stratified by label) into a discovery half and a
confirmation half. The lattice search ranks slices on the discovery half only; each candidate is
then measured once on the confirmation half, which the search never saw, so its p-value is a
plain two-sample p-value; Benjamini-Hochberg q-values over every candidate tested control the
false discovery rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash.data import AUDITED_SPLIT
from fairdash.exceptions import DataError, RoleError
from fairdash.metrics import RATE_DEFINITIONS, confusion_counts
from fairdash.subgroups._encode import describe, encode_columns, rule_text
from fairdash.subgroups._lattice import search_lattice
from fairdash.subgroups._stats import bh_qvalues, mean_effect, proportion_effect

__all__ = ["RATES", "SCORES", "SliceSearchResult", "check_search_options", "discover_slices",
           "find_slices"]

#: Rate name -> (plain name, confusion cells of the numerator, of the denominator); ``mae`` is
#: the mean absolute error of a continuous target and has no cells.
RATES: dict[str, tuple] = {
    "error": ("error rate", (1, 2), (0, 1, 2, 3)),
    "fpr": ("false positive rate", RATE_DEFINITIONS["fpr"][0], RATE_DEFINITIONS["fpr"][1]),
    "fnr": ("false negative rate", RATE_DEFINITIONS["fnr"][0], RATE_DEFINITIONS["fnr"][1]),
    "selection": ("selection rate", RATE_DEFINITIONS["selection_rate"][0],
                  RATE_DEFINITIONS["selection_rate"][1]),
    "mae": ("mean absolute error", None, None),
}
#: Slice scores of the search.
SCORES = ("fairdash", "sliceline")
#: Smallest slice, in rows, whatever the share.
MIN_ROWS = 30
#: Columns of :attr:`SliceSearchResult.slices`.
SLICE_COLUMNS = ["rule", "words", "conditions", "depth", "n", "rate", "rate_rest", "effect",
                 "ci_low", "ci_high", "p_value", "q_value", "confirmed", "n_discovery",
                 "rate_discovery", "score", "folded"]


@dataclass(frozen=True)
class SliceSearchResult:
    """Slices tested on the confirmation half, confirmed ones first, then by effect.

    Attributes
    ----------
    slices : DataFrame
        One row per slice tested, columns :data:`SLICE_COLUMNS`: ``rule`` (the rule language,
        :func:`parse_rule` reads it back), ``words`` (plain words), ``conditions`` (list of
        ``{"column", "op", "value"}``), ``depth``, ``n`` (confirmation rows of the slice the
        rate counts), ``rate`` and ``rate_rest`` (on the confirmation half), ``effect``
        (difference) with ``ci_low`` / ``ci_high``, ``p_value`` (one-sided), ``q_value``
        (Benjamini-Hochberg over all tested), ``confirmed``, ``n_discovery`` /
        ``rate_discovery`` / ``score`` (the search's view), ``folded`` (rules with the same
        confirmation rows folded into this one).
    tested : int
        How many slices were tested (the m of the q-values).
    evaluated : int
        Slices counted by the search on the discovery half.
    confirmation : ndarray of bool
        Which of the searched rows (in their order) form the confirmation half.
    """

    slices: pd.DataFrame
    tested: int
    rate: str
    score: str
    fdr: float
    min_count: int
    rows_discovery: int
    rows_confirmation: int
    evaluated: int
    split: str = AUDITED_SPLIT
    levels: list = field(default_factory=list)
    warnings: tuple = ()
    confirmation: np.ndarray | None = None

    @property
    def confirmed(self) -> pd.DataFrame:
        """The confirmed slices only."""
        return self.slices[self.slices["confirmed"]]

    def to_dict(self, top: int | None = None) -> dict:
        """``{"tested", "slices": [...]}`` with the first ``top`` slices (all by default), each
        with the keys of the CLI's JSON."""
        keys = ["rule", "conditions", "n", "rate", "rate_rest", "effect", "ci_low", "ci_high",
                "p_value", "q_value", "confirmed"]
        rows = self.slices.head(top) if top is not None else self.slices
        out = []
        for r in rows.to_dict(orient="records"):
            item = {k: r[k] for k in keys}
            item["n"] = int(item["n"])
            item["confirmed"] = bool(item["confirmed"])
            for k in keys[3:10]:
                v = float(item[k])
                item[k] = v if math.isfinite(v) else None
            out.append(item)
        return {"tested": int(self.tested), "slices": out}


def check_search_options(*, rate: str = "error", score: str = "fairdash", max_depth: int = 3,
                         min_support: float = 0.01, fdr: float = 0.05, candidates: int = 50,
                         task: str | None = None) -> None:
    """Refuse search options that cannot work, with one sentence (a form can call this before
    searching; ``task=None`` skips the check of the rate against the task).

    Raises
    ------
    RoleError
    """
    _check(rate, score, max_depth, min_support, fdr, candidates, task)


def _check(rate, score, max_depth, min_support, fdr, candidates, task):
    if rate not in RATES:
        raise RoleError(f"Unknown rate '{rate}'; choose one of {', '.join(RATES)}.")
    if task is None:
        pass
    elif task == "regression" and rate != "mae":
        raise RoleError(f"The rate '{rate}' needs yes/no outcomes; for a continuous target "
                        "use 'mae'.")
    elif task != "regression" and rate == "mae":
        raise RoleError("The rate 'mae' needs a continuous target; for yes/no outcomes choose "
                        "error, fpr, fnr or selection.")
    if score not in SCORES:
        raise RoleError(f"Unknown score '{score}'; choose 'fairdash' or 'sliceline'.")
    if not (isinstance(max_depth, (int, np.integer)) and 1 <= max_depth <= 5):
        raise RoleError(f"The depth must be a whole number from 1 to 5; got {max_depth}.")
    if not 0 < min_support < 1:
        raise RoleError("The minimum support is a share of the rows between 0 and 1 "
                        f"(0.01 = 1 %); got {min_support}.")
    if not 0 < fdr < 1:
        raise RoleError(f"The false discovery rate must lie between 0 and 1; got {fdr}.")
    if candidates < 1:
        raise RoleError(f"At least one candidate slice must be tested; got {candidates}.")


def _halves(strata: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True for the discovery half, cut at random within each stratum."""
    out = np.zeros(len(strata), dtype=bool)
    for value in np.unique(strata):
        rows = np.flatnonzero(strata == value)
        rng.shuffle(rows)
        out[rows[: (len(rows) + 1) // 2]] = True
    return out


def discover_slices(frame: pd.DataFrame, y_true, y_pred, *, columns, rate: str = "error",
                    task: str = "classification", max_depth: int = 3,
                    min_support: float = 0.01, fdr: float = 0.05, score: str = "fairdash",
                    alpha: float = 0.95, n_bins: int = 5, candidates: int = 50,
                    drop_dominated: bool = True, random_state: int = 0,
                    progress=None) -> SliceSearchResult:
    """Find slices of ``frame``'s rows where ``rate`` is worse than on the rest, and confirm
    them on rows the search did not see.

    Parameters
    ----------
    frame : DataFrame
        The held-out rows (only ``columns`` are read).
    y_true : array-like
        0/1 labels (classification) or target values (regression).
    y_pred : array-like
        0/1 decisions (classification) or predictions (regression).
    columns : sequence of str
        Columns whose values define slices.
    rate : {"error", "fpr", "fnr", "selection", "mae"}, default "error"
    task : {"classification", "regression"}
    max_depth : int, default 3
        Most conditions in a slice.
    min_support : float, default 0.01
        Smallest slice as a share of the discovery rows the rate counts (at least
        :data:`MIN_ROWS` rows).
    fdr : float, default 0.05
        False discovery rate of the confirmed slices.
    score : {"fairdash", "sliceline"}, default "fairdash"
        Ranking on the discovery half (:func:`~fairdash.subgroups.top_slices`).
    alpha : float, default 0.95
        SliceLine's weight of the error term (``score="sliceline"`` only).
    n_bins : int, default 5
        Quantile bins per numeric column.
    candidates : int, default 50
        Slices carried from the search to the confirmation half (the top by score).
    drop_dominated : bool, default True
        A slice is a candidate only if it scores above every slice it refines.
    random_state : int, default 0
        Seed of the discovery / confirmation cut.
    progress : callable ``(fraction, text)``, optional
        Called as the search advances (``st.progress`` has this signature).

    Returns
    -------
    SliceSearchResult

    Notes
    -----
    The rows are cut into a discovery and a confirmation half. On the discovery half the lattice
    search of :func:`~fairdash.subgroups.top_slices` (SliceLine's enumeration and pruning,
    Sagadeeva & Boehm, SIGMOD 2021) keeps the ``candidates`` best slices. Each is tested once on
    the confirmation half: effect ``d = rate(S) - rate(rest)``, its 95 % Newcombe hybrid score
    interval (MAE: Welch's normal interval), and the one-sided p-value of ``rate(S) >
    rate(rest)`` (pooled two-proportion z-test, or Fisher's exact test where an expected cell
    count is below 50; MAE: Welch z). Benjamini-Hochberg q-values over the m tested,
    ``q_(i) = min_{j >= i} m p_(j) / j`` (Benjamini & Hochberg 1995); confirmed means
    ``q <= fdr`` and ``d > 0``. Candidates with the same confirmation rows are folded into the one
    with the fewest conditions (docs/methods.md §8.4).
    """
    _check(rate, score, max_depth, min_support, fdr, candidates, task)
    columns = list(dict.fromkeys(columns))
    if not columns:
        raise RoleError("Choose at least one column to search for slices.")
    y = np.asarray(y_true)
    pred = np.asarray(y_pred)
    frame = frame.reset_index(drop=True)
    if rate == "mae":
        y, pred = y.astype(np.float64), pred.astype(np.float64)
        loss, counts_rows = np.abs(y - pred), np.ones(len(y), dtype=bool)
        strata = np.zeros(len(y), dtype=np.int64)
    else:
        y, pred = y.astype(np.int64), (pred >= 0.5).astype(np.int64)
        cells = 2 * y + pred
        counts_rows = np.isin(cells, RATES[rate][2])
        loss = np.isin(cells, RATES[rate][1]).astype(np.int64)
        strata = y
    disc = _halves(strata, np.random.default_rng(random_state))
    d_rows = np.flatnonzero(disc & counts_rows)
    n_disc = len(d_rows)
    min_count = max(MIN_ROWS, math.ceil(min_support * n_disc))
    if n_disc < 2 * min_count:
        raise DataError(f"The discovery half has {n_disc} rows that the {RATES[rate][0]} "
                        f"counts, fewer than twice the smallest slice ({min_count} rows); "
                        "use more rows or a smaller minimum support.")
    coded = encode_columns(frame, columns, n_bins=n_bins, min_count=min_count,
                           count_rows=disc & counts_rows)
    e = loss[d_rows]
    mean, var = float(e.mean()), float(e.var())
    if rate == "mae":
        def count(cell, n_cells):
            return (np.bincount(cell, minlength=n_cells).astype(np.float64),
                    np.bincount(cell, weights=e, minlength=n_cells))
    else:
        y_d, p_d = y[d_rows], pred[d_rows]
        num_cells, den_cells = list(RATES[rate][1]), list(RATES[rate][2])

        def count(cell, n_cells):
            c = confusion_counts(y_d, p_d, cell, n_cells)
            return c[:, den_cells].sum(1), c[:, num_cells].sum(1)
    inner = None if progress is None else (lambda f, text: progress(0.9 * f, text))
    found = search_lattice([c.codes[d_rows] for c in coded], [c.cardinality for c in coded],
                           [c.usable for c in coded], count, n=float(n_disc), mean=mean,
                           var=var, max_error=float(e.max()) if len(e) else 1.0,
                           min_count=min_count, max_depth=max_depth, k=candidates, kind=score,
                           alpha=alpha, dominance=drop_dominated,
                           need_errors=score == "sliceline", progress=inner)
    if progress is not None:
        progress(0.9, f"testing {len(found.slices)} candidate slices on the confirmation half")
    table = _confirm(found.slices[:candidates], coded, ~disc, counts_rows, loss, rate, fdr)
    if progress is not None:
        progress(1.0, "done")
    warnings = () if len(table) else (
        "No slice of the discovery half had a higher rate than the rest with enough rows.",)
    return SliceSearchResult(table, len(table), rate, score, fdr, min_count, n_disc,
                             int((~disc & counts_rows).sum()), found.evaluated,
                             levels=found.levels, warnings=warnings, confirmation=~disc)


def _confirm(candidates, coded, conf, counts_rows, loss, rate, fdr) -> pd.DataFrame:
    c_rows = np.flatnonzero(conf)
    members, groups = [], {}
    for i, s in enumerate(candidates):
        mask = np.ones(len(c_rows), dtype=bool)
        for col, code in zip(s.columns, s.codes):
            mask &= coded[col].codes[c_rows] == code
        members.append(mask)
        # fold: the same confirmation rows as a slice with fewer conditions (or a better score)
        groups.setdefault(np.packbits(mask).tobytes(), []).append(i)
    keep, folded = [], {}
    for ids in groups.values():
        best = min(ids, key=lambda i: (len(candidates[i].columns), -candidates[i].score, i))
        keep.append(best)
        folded[best] = [i for i in ids if i != best]
    keep.sort()
    rows = []
    counted = counts_rows[c_rows]
    lc = loss[c_rows].astype(np.float64)
    for i in keep:
        s = candidates[i]
        inside = members[i] & counted
        outside = ~members[i] & counted
        n1, n2 = int(inside.sum()), int(outside.sum())
        if n1 == 0 or n2 == 0:
            continue
        conds = [c for col, code in zip(s.columns, s.codes) for c in coded[col].levels[code]]
        rows.append({
            "rule": rule_text(conds), "words": describe(conds),
            "conditions": [c.to_dict() for c in conds], "depth": len(s.columns), "n": n1,
            "sum1": lc[inside].sum(), "sq1": (lc[inside] ** 2).sum(), "n2": n2,
            "sum2": lc[outside].sum(), "sq2": (lc[outside] ** 2).sum(),
            "n_discovery": int(s.size), "rate_discovery": s.errors / s.size,
            "score": s.score, "folded": [_rule_of(candidates[j], coded) for j in folded[i]]})
    if not rows:
        return pd.DataFrame(columns=SLICE_COLUMNS)
    t = pd.DataFrame(rows)
    if rate == "mae":
        eff, lo, hi, p = mean_effect(t["sum1"], t["sq1"], t["n"], t["sum2"], t["sq2"], t["n2"])
    else:
        eff, lo, hi, p = proportion_effect(t["sum1"], t["n"], t["sum2"], t["n2"])
    t["rate"] = t["sum1"] / t["n"]
    t["rate_rest"] = t["sum2"] / t["n2"]
    t["effect"], t["ci_low"], t["ci_high"], t["p_value"] = eff, lo, hi, p
    t["q_value"] = bh_qvalues(t["p_value"].to_numpy())
    t["confirmed"] = (t["q_value"] <= fdr) & (t["effect"] > 0)
    t = t.sort_values(["confirmed", "effect"], ascending=[False, False], kind="stable")
    return t[SLICE_COLUMNS].reset_index(drop=True)


def _rule_of(s, coded) -> str:
    return rule_text([c for col, code in zip(s.columns, s.codes)
                      for c in coded[col].levels[code]])


def find_slices(dataset, scores, *, rate: str | None = None, threshold: float = 0.5,
                columns=None, split: str = AUDITED_SPLIT, **options) -> SliceSearchResult:
    """:func:`discover_slices` on a :class:`~fairdash.data.Dataset`'s held-out rows.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    scores : array-like, shape (n_rows,)
        The model's scores (classification; decisions are ``scores >= threshold``) or
        predictions (regression) on every row of the dataset, as
        :func:`fairdash.models.score_dataset` gives them.
    rate : str, optional
        Default ``"error"`` for yes/no outcomes and ``"mae"`` for a continuous target.
    threshold : float, default 0.5
    columns : sequence of str, optional
        Default: the features and the sensitive columns.
    split : str, default ``fairdash.data.AUDITED_SPLIT``
        The rows searched and confirmed (the held-out test split, as every audit).
    **options
        Passed to :func:`discover_slices` (``max_depth``, ``min_support``, ``fdr``,
        ``score``, ``candidates``, ``n_bins``, ``random_state``, ``progress``, ...).
    """
    regression = dataset.task == "regression"
    rate = rate or ("mae" if regression else "error")
    rows = dataset.rows(split)
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != (len(dataset.y),):
        raise DataError(f"Expected one score per row ({len(dataset.y):,}); got "
                        f"{scores.shape[0]:,}.")
    pred = scores[rows] if regression else (scores[rows] >= threshold).astype(np.int64)
    if columns is None:
        columns = [*dataset.roles.features, *dataset.roles.sensitive]
    return discover_slices(dataset.frame.loc[rows], dataset.y[rows], pred, columns=columns,
                           rate=rate, task=dataset.task, **options)
