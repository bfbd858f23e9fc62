"""Regression audits: per-group errors and prediction-distribution gaps (docs/methods.md §9.5, 9.6).

The point estimates are exact (the distribution gaps of :mod:`fairdash.metrics._distribution`).
The uncertainty is a stratified bootstrap and a permutation test, vectorised over resamples in
:mod:`fairdash.metrics._regression_resampling`, which describes the method and its cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError
from fairdash.metrics._audit import DEFAULT_MIN_GROUP_SIZE, _clean
from fairdash.metrics._distribution import (DISTRIBUTION_GAPS, GRID_SIZE, _rank_index,
                                            distribution_gaps)
from fairdash.metrics._groups import encode_groups
from fairdash.metrics._intervals import percentile_interval
from fairdash.metrics._real_values import _values, _weights
from fairdash.metrics._regression_gaps import REGRESSION_GAPS, REGRESSION_STATS, RegressionGap
from fairdash.metrics._regression_resampling import _W, _bootstrap, _permutations, _Rows, _stats
# tests import _grid_ks from here, with _Rows and _rank_index
from fairdash.metrics._regression_resampling import _grid_ks  # noqa: F401

__all__ = ["DISTRIBUTION_GAPS", "GRID_SIZE", "REGRESSION_GAPS", "REGRESSION_STATS",
           "RegressionAuditResult", "RegressionGap", "distribution_gaps", "regression_audit"]


@dataclass(frozen=True)
class RegressionAuditResult:
    """Everything the audit page, the CLI and reports show for a regression model.

    Attributes
    ----------
    groups : DataFrame
        One row per group (index ``group``): ``n`` (rows), ``share`` (of the weight), each of
        :data:`REGRESSION_STATS` with ``<stat>_low`` / ``<stat>_high`` bootstrap bounds, and
        ``small`` (True under ``min_group_size``). ``mean_error`` is prediction minus target.
    overall : Series
        ``n`` and the statistics on all rows.
    gaps : DataFrame
        One row per entry of :data:`REGRESSION_GAPS` (index ``metric``): ``value``, ``ci_low``,
        ``ci_high`` (stratified bootstrap), ``p_value`` (permutation test of "no disparity"),
        ``label`` and ``units``.
    min_group_size : int
    confidence : float
    n_resamples : int
    grid_size : int
        Quantile levels used for the barycenter unfairness and for KS / W1 on resamples.
    excluded_groups : tuple of str
        Groups shown but left out of the gaps because they are too small.
    warnings : tuple of str
    """

    groups: pd.DataFrame
    overall: pd.Series
    gaps: pd.DataFrame
    min_group_size: int
    confidence: float
    n_resamples: int
    grid_size: int = GRID_SIZE
    excluded_groups: tuple = ()
    warnings: tuple = field(default_factory=tuple)

    @property
    def task(self) -> str:
        """Always ``"regression"`` (an :class:`AuditResult` is the classification audit)."""
        return "regression"

    def to_dict(self) -> dict:
        """JSON-safe dict: ``task``, ``groups`` (records with n and every statistic with its
        interval), ``gaps`` (``{name: {"value", "ci_low", "ci_high", "p_value"}}``) and
        ``overall``; NaN becomes None."""
        groups = [{"group": str(g), **{k: _clean(v) for k, v in row.items()}}
                  for g, row in zip(self.groups.index, self.groups.to_dict("records"))]
        gaps = {name: {k: _clean(row[k]) for k in ("value", "ci_low", "ci_high", "p_value")}
                for name, row in self.gaps.iterrows()}
        return {"task": "regression", "min_group_size": self.min_group_size,
                "confidence": self.confidence, "n_resamples": self.n_resamples,
                "grid_size": self.grid_size, "excluded_groups": list(self.excluded_groups),
                "groups": groups, "gaps": gaps,
                "overall": {k: _clean(v) for k, v in self.overall.items()},
                "warnings": list(self.warnings)}


def _spread(values: np.ndarray, include: np.ndarray) -> np.ndarray:
    """max - min over the included groups (last axis); NaN with fewer than two."""
    v = values[..., include]
    if v.shape[-1] < 2:
        return np.full(v.shape[:-1], np.nan)
    return np.fmax.reduce(v, axis=-1) - np.fmin.reduce(v, axis=-1)


def _p_value(observed: float, null: np.ndarray) -> float:
    """Share of label-shuffled data sets at least as disparate as the observed one, +1 smoothed."""
    if math.isnan(observed):
        return float("nan")
    null = null[~np.isnan(null)]
    tol = 1e-9 * abs(observed) + 1e-12
    return float((1 + np.count_nonzero(null >= observed - tol)) / (1 + len(null)))


def regression_audit(y_true, y_pred, *, sensitive_features, sample_weight=None,
                     min_group_size: int = DEFAULT_MIN_GROUP_SIZE, n_resamples: int = 1000,
                     confidence: float = 0.95, random_state: int = 0,
                     grid_size: int = GRID_SIZE) -> RegressionAuditResult:
    """Audit a regression model's predictions per group, with uncertainty.

    Parameters
    ----------
    y_true : array-like of float, shape (n,)
        The target.
    y_pred : array-like of float, shape (n,)
        The predictions.
    sensitive_features : array-like, Series or DataFrame
        Several columns form intersectional groups.
    sample_weight : array-like, optional
    min_group_size : int, default 30
        Groups with fewer rows are shown but left out of every gap.
    n_resamples : int, default 1000
        Bootstrap resamples and label permutations.
    confidence : float, default 0.95
    random_state : int, default 0
    grid_size : int, default 1000
        Quantile levels for the barycenter unfairness and for KS / W1 on resamples.

    Returns
    -------
    RegressionAuditResult

    Notes
    -----
    Per group ``g`` with errors ``e = prediction - target`` (docs/methods.md §9.5): mean target,
    mean prediction, mean error (bias), MAE ``= mean |e|``, RMSE ``= sqrt(mean e^2)`` and
    ``R^2 = 1 - sum e^2 / sum (y - mean_g y)^2`` (NaN when the group's target is constant). The
    gaps compare groups with at least ``min_group_size`` rows: the max - min of the mean
    prediction, MAE and RMSE, and the distribution gaps of :func:`distribution_gaps`.

    Uncertainty (docs/methods.md §9.6): every interval is a percentile interval over ``n_resamples``
    stratified bootstrap resamples (rows drawn with replacement within each group, so group
    sizes are fixed); every p-value is ``(1 + #{null >= observed}) / (1 + n_resamples)`` over
    data sets with the group labels shuffled among the compared rows, since a max - min gap is
    above 0 in expectation even when the groups do not differ. On resamples, KS and W1 are read
    off quantile grids of ``grid_size`` levels: the grid KS is within ``1 / grid_size`` of the
    exact one, and the grid W1 is the midpoint rule for ``int_0^1 |Q_g - Q_h| du``. Their
    p-values compare the grid value of the data with the grid values of the shuffled data;
    the reported values themselves are exact. Cost: ``O(n log n)`` once, then
    ``O(n_resamples (n + K^2 grid_size))``.
    """
    y = _values(y_true, "target values")
    f = _values(y_pred, "predictions")
    if len(y) != len(f):
        raise ValueError(f"y_true has {len(y)} values and y_pred {len(f)}.")
    if len(y) == 0:
        raise DataError("There are no rows to audit.")
    codes, labels = encode_groups(sensitive_features)
    if len(codes) != len(y):
        raise ValueError(f"sensitive_features has {len(codes)} rows for {len(y)} predictions.")
    w = _weights(sample_weight, len(y))
    k = len(labels)
    n_rows = np.bincount(codes, minlength=k)
    include = n_rows >= min_group_size
    rows = _Rows(y, f, codes, k, w, grid_size)
    rng = np.random.default_rng(random_state)

    sums = np.stack([rows.columns[pos].sum(0) for pos in rows.positions])
    point = _stats(sums, rows.centre)
    overall = _stats(sums.sum(0), rows.centre)
    boot_sums, boot_dist = _bootstrap(rows, include, n_resamples, rng)
    boot = _stats(boot_sums, rows.centre)

    columns = {"n": n_rows.astype(np.int64), "share": sums[:, _W] / sums[:, _W].sum()}
    for name in REGRESSION_STATS:
        low, high = percentile_interval(boot[name], confidence)
        columns[name], columns[f"{name}_low"], columns[f"{name}_high"] = point[name], low, high
    columns["small"] = ~include
    table = pd.DataFrame(columns, index=labels)

    exact = distribution_gaps(f, codes, k, sample_weight=w, include=include,
                              grid_size=grid_size)
    values = {"mean_prediction_gap": float(_spread(point["mean_prediction"], include)),
              "mae_difference": float(_spread(point["mae"], include)),
              "rmse_difference": float(_spread(point["rmse"], include)),
              "ks": exact["ks"], "wasserstein_1": exact["wasserstein_1"],
              "barycenter_unfairness": exact["barycenter_unfairness"]}
    boot_gaps = {"mean_prediction_gap": _spread(boot["mean_prediction"], include),
                 "mae_difference": _spread(boot["mae"], include),
                 "rmse_difference": _spread(boot["rmse"], include), **boot_dist}
    null_gaps, observed = {}, dict(values)
    keep = np.flatnonzero(include)
    if len(keep) >= 2:
        # the data's own grid KS and W1, so that p-values compare like with like
        own = np.stack([
            pos[_rank_index(len(pos), grid_size)] if w is None
            else pos[rows.weighted_grid(rows.w[pos][None])[0]]
            for pos in (rows.positions[g] for g in keep)])[None]
        share = sums[keep, _W] / sums[keep, _W].sum()
        grid_values = rows.gaps(own, share[None])
        observed.update(ks=float(grid_values["ks"][0]),
                        wasserstein_1=float(grid_values["wasserstein_1"][0]))
        perm_sums, perm_dist = _permutations(rows, include, n_resamples, rng)
        perm = _stats(perm_sums, rows.centre)
        every = np.ones(len(keep), dtype=bool)
        null_gaps = {"mean_prediction_gap": _spread(perm["mean_prediction"], every),
                     "mae_difference": _spread(perm["mae"], every),
                     "rmse_difference": _spread(perm["rmse"], every), **perm_dist}

    records = []
    for name, spec in REGRESSION_GAPS.items():
        value = float(values[name])
        if name in boot_gaps:
            low, high = percentile_interval(boot_gaps[name], confidence)
        else:
            low = high = np.nan
        p = _p_value(float(observed[name]), null_gaps[name]) if name in null_gaps else np.nan
        records.append({"metric": name, "value": value, "ci_low": float(low),
                        "ci_high": float(high), "p_value": p, "label": spec.label,
                        "units": spec.units})
    gaps = pd.DataFrame.from_records(records).set_index("metric")
    excluded = tuple(labels[~include])
    over = pd.Series({"n": float(len(y)), **{name: float(overall[name])
                                             for name in REGRESSION_STATS}}, name="overall")
    return RegressionAuditResult(
        groups=table, overall=over, gaps=gaps, min_group_size=min_group_size,
        confidence=confidence, n_resamples=n_resamples, grid_size=grid_size,
        excluded_groups=excluded,
        warnings=tuple(_warnings(table, f, excluded, min_group_size)))


def _warnings(table, f, excluded, min_group_size):
    out = []
    if excluded:
        out.append(f"{len(excluded)} group(s) have fewer than {min_group_size} rows and are shown "
                   f"but left out of the gaps: {', '.join(map(str, excluded))}.")
    if len(f) and f.min() == f.max():
        out.append(f"Every row gets the same prediction ({f[0]:g}): the predictions do not "
                   "depend on the person, so every distribution gap is zero.")
    for g, row in table.iterrows():
        if not row["small"] and math.isnan(row["r2"]):
            out.append(f"Group '{g}' has the same target value on every row, so its R² is "
                       "undefined.")
    if (~table["small"]).sum() < 2:
        out.append("Fewer than two groups are large enough to compare; lower the minimum group "
                   "size or choose another sensitive column.")
    return out
