"""The audit: per-group table, every named gap with interval and p-value, from counts."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash.metrics._aggregate import GAPS, gap
from fairdash.metrics._counts import CELLS
from fairdash.metrics._intervals import (bootstrap_counts, percentile_interval, permute_counts,
                                          wilson_interval)
from fairdash.metrics._rates import RATE_DEFINITIONS, all_rates, rate_parts
from fairdash.exceptions import RoleError

DEFAULT_MIN_GROUP_SIZE = 30


@dataclass(frozen=True)
class AuditResult:
    """Everything the audit page, the CLI and reports show.

    Attributes
    ----------
    groups : DataFrame
        One row per group (index ``group``): ``n`` (rows), ``positives``, ``negatives``,
        ``predicted_positives``, each rate with ``<rate>_low`` / ``<rate>_high`` Wilson bounds,
        ``auc`` (NaN without scores) and ``small`` (True under ``min_group_size``).
    overall : Series
        The same rates on all rows.
    gaps : DataFrame
        One row per named gap (index ``metric``): ``value``, ``ci_low``, ``ci_high`` (bootstrap),
        ``p_value`` (permutation test of "no disparity") and ``label``.
    threshold : float or None
        Decision threshold the counts were taken at (None for given decisions).
    method : str
    reference : str or None
    min_group_size : int
    confidence : float
    n_resamples : int
    excluded_groups : tuple of str
        Groups shown but left out of the gaps because they are too small.
    warnings : tuple of str
        Plain sentences about undefined rates, small groups or constant predictions.
    """

    groups: pd.DataFrame
    overall: pd.Series
    gaps: pd.DataFrame
    threshold: float | None
    method: str
    reference: str | None
    min_group_size: int
    confidence: float
    n_resamples: int
    excluded_groups: tuple = ()
    warnings: tuple = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """JSON-safe dict: ``groups`` (records with n and every rate with its interval) and
        ``gaps`` (``{name: {"value", "ci_low", "ci_high", "p_value"}}``); NaN becomes None."""
        groups = [{"group": str(g), **{k: _clean(v) for k, v in row.items()}}
                  for g, row in zip(self.groups.index, self.groups.to_dict("records"))]
        gaps = {name: {k: _clean(row[k]) for k in ("value", "ci_low", "ci_high", "p_value")}
                for name, row in self.gaps.iterrows()}
        return {"threshold": _clean(self.threshold), "method": self.method,
                "reference": self.reference, "min_group_size": self.min_group_size,
                "confidence": self.confidence, "n_resamples": self.n_resamples,
                "excluded_groups": list(self.excluded_groups), "groups": groups, "gaps": gaps,
                "overall": {k: _clean(v) for k, v in self.overall.items()},
                "warnings": list(self.warnings)}


def audit_counts(counts: np.ndarray, labels, *, row_counts=None, auc=None, threshold=None,
                 method: str = "between_groups", reference=None,
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE, confidence: float = 0.95,
                 n_resamples: int = 1000, random_state: int = 0) -> AuditResult:
    """Audit from per-group confusion counts.

    Parameters
    ----------
    counts : ndarray, shape (K, 4)
        Confusion counts ``tn, fp, fn, tp`` per group (see ``confusion_counts``).
    labels : sequence of str, length K
    row_counts : ndarray of int, shape (K,), optional
        Rows per group when ``counts`` are weighted; defaults to ``counts.sum(1)``.
    auc : ndarray, shape (K,), optional
        Per-group AUC when scores exist.
    threshold : float, optional
        Recorded in the result.
    method : {"between_groups", "to_overall", "vs_reference"}
    reference : str, optional
        Reference group label for ``vs_reference``.
    min_group_size : int, default 30
        Groups with fewer rows are shown but left out of every gap.
    confidence : float, default 0.95
    n_resamples : int, default 1000
        Bootstrap and permutation resamples.
    random_state : int, default 0

    Returns
    -------
    AuditResult
    """
    counts = np.asarray(counts, dtype=np.float64)
    labels = pd.Index([str(x) for x in labels], name="group")
    k = len(labels)
    rows = counts.sum(1) if row_counts is None else np.asarray(row_counts, dtype=np.float64)
    include = rows >= min_group_size
    ref_code = reference_code(labels, reference, method)
    rng = np.random.default_rng(random_state)
    # Uncertainty on the row scale: a group keeps its weighted cell shares but counts as many
    # trials as it has rows, so rescaling all weights (say, to sum 1) leaves intervals and
    # p-values alone. Unweighted counts have scale 1 and are used as they are.
    weighted_n = counts.sum(1)
    scale = np.where(weighted_n > 0, rows / np.where(weighted_n > 0, weighted_n, 1.0), 1.0)
    trials = counts * scale[:, None]

    # columns gathered first: inserting ~30 columns one by one into a frame costs more than
    # the whole bootstrap
    whole = np.allclose(counts, np.rint(counts))  # unweighted: counts are whole numbers
    cast = (lambda a: np.rint(a).astype(np.int64)) if whole else (lambda a: a)
    columns = {"n": rows.astype(np.int64), "positives": cast(counts[:, 2:].sum(1)),
               "negatives": cast(counts[:, :2].sum(1)),
               "predicted_positives": cast(counts[:, [1, 3]].sum(1))}
    overall = {}
    total = counts.sum(0)
    for name in RATE_DEFINITIONS:
        num, den = rate_parts(counts, name)
        low, high = wilson_interval(*rate_parts(trials, name), confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[name] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        columns[f"{name}_low"], columns[f"{name}_high"] = low, high
        onum, oden = rate_parts(total, name)
        overall[name] = onum / oden if oden > 0 else np.nan
    columns["auc"] = np.full(k, np.nan) if auc is None else np.asarray(auc, dtype=np.float64)
    columns["small"] = ~include
    table = pd.DataFrame(columns, index=labels)

    rates = all_rates(counts)
    orates = {n: np.asarray(v) for n, v in overall.items()}
    boot = bootstrap_counts(trials, n_resamples, rng) / scale[:, None]
    brates, bover = all_rates(boot), all_rates(boot.sum(1))
    nulls = {}
    records = []
    for name, spec in GAPS.items():
        kw = dict(method=method, reference=ref_code, include=include)
        value = float(gap(spec, rates, orates, **kw))
        low, high = percentile_interval(gap(spec, brates, bover, **kw), confidence)
        if spec.null not in nulls:
            perm = permute_counts(trials, n_resamples, rng, within_label=spec.null == "within_label")
            nulls[spec.null] = (all_rates(perm), all_rates(perm.sum(1)))
        prates, pover = nulls[spec.null]
        records.append({"metric": name, "value": value, "ci_low": float(low),
                        "ci_high": float(high),
                        "p_value": _p_value(value, gap(spec, prates, pover, **kw), spec.kind,
                                            method),
                        "label": spec.label})
    gaps = pd.DataFrame.from_records(records).set_index("metric")
    excluded = tuple(labels[~include])
    return AuditResult(
        groups=table, overall=pd.Series(overall, name="overall"), gaps=gaps,
        threshold=None if threshold is None else float(threshold), method=method,
        reference=None if reference is None else str(reference), min_group_size=min_group_size,
        confidence=confidence, n_resamples=n_resamples, excluded_groups=excluded,
        warnings=tuple(_warnings(table, counts, excluded, min_group_size)))


def reference_code(labels, reference, method):
    """Code of the reference group for ``method="vs_reference"`` (None for other methods)."""
    if method != "vs_reference":
        return None
    if reference is None or str(reference) not in labels:
        raise RoleError(f"Reference group '{reference}' is not one of the groups: "
                        f"{', '.join(map(str, labels))}.")
    return int(labels.get_loc(str(reference)))


def _p_value(observed, null_values, kind, method):
    """Share of permuted data sets at least as disparate as the observed one, +1 smoothed."""
    if math.isnan(observed):
        return float("nan")
    null = np.asarray(null_values, dtype=np.float64)
    null = null[~np.isnan(null)]
    if method == "vs_reference":
        dist = np.abs(null) if kind == "difference" else np.abs(np.log(null))
        obs = abs(observed) if kind == "difference" else abs(math.log(observed)) if observed > 0 \
            else math.inf
        hits = (dist >= obs - 1e-12).sum()
    elif kind == "difference":
        hits = (null >= observed - 1e-12).sum()
    else:
        hits = (null <= observed + 1e-12).sum()
    return float((1 + hits) / (1 + len(null)))


#: fewer truly positive (or negative) rows than this in a compared group earns a warning
FEW = 20


def _warnings(table, counts, excluded, min_group_size):
    out = []
    if excluded:
        out.append(f"{len(excluded)} group(s) have fewer than {min_group_size} rows and are shown "
                   f"but left out of the gaps: {', '.join(map(str, excluded))}.")
    for g, row in table.iterrows():
        if row["small"]:
            continue
        if row["positives"] == 0:
            out.append(f"Group '{g}' has no positive rows, so its true positive rate is undefined "
                       "and it is left out of equal opportunity and equalized odds.")
        if row["negatives"] == 0:
            out.append(f"Group '{g}' has no negative rows, so its false positive rate is "
                       "undefined and it is left out of equalized odds.")
        # the minimum group size counts rows; a rate over a handful of positives is noise
        if 0 < row["positives"] < FEW:
            out.append(f"Group '{g}' has only {int(row['positives'])} truly positive rows, so "
                       "its true positive rate, and the equal opportunity and equalized odds "
                       "gaps it enters, rest on a few people: read their intervals.")
        if 0 < row["negatives"] < FEW:
            out.append(f"Group '{g}' has only {int(row['negatives'])} truly negative rows, so "
                       "its false positive rate, and the equalized odds gap it enters, rest on "
                       "a few people: read their intervals.")
    predicted = counts[:, [1, 3]].sum()
    if predicted == 0 or predicted == counts.sum():
        which = "negative" if predicted == 0 else "positive"
        out.append(f"Every row is predicted {which}: the decisions do not depend on the person, "
                   "so selection-rate gaps are zero and precision-based rates are undefined.")
    if (table["small"] == False).sum() < 2:  # noqa: E712 (pandas boolean column)
        out.append("Fewer than two groups are large enough to compare; lower the minimum group "
                   "size or choose another sensitive column.")
    return out


def _clean(v):
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return None if math.isnan(f) else f


__all__ = ["AuditResult", "audit_counts", "DEFAULT_MIN_GROUP_SIZE", "CELLS"]
