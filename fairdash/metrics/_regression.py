"""Regression audits: per-group errors and prediction-distribution gaps (ALGORITHMS 9.5, 9.6).

The point estimates are exact. The uncertainty is a stratified bootstrap (rows resampled within
each group) and a permutation test (group labels shuffled), both vectorised over resamples:

* sums of per-row quantities (weight, prediction, target, error, |error|, error², target²)
  per resample come from one ``bincount`` of the resampled row indices and one matrix product,
  which gives every group's mean prediction, MAE, RMSE and R²;
* a resample's prediction distribution is kept as its quantile function on a grid of
  ``GRID_SIZE`` levels, read off the running draw counts (bootstrap) or the member positions
  (permutation) over rows sorted by prediction once. KS, W1 and the barycenter unfairness of a
  resample are then computed from these grids, at ``O(K J)`` per resample instead of
  ``O(n log n)``.

Resamples are processed in batches small enough to stay in cache, so memory is bounded; the
cost is ``O(n_resamples (n + K^2 J))``: on Adult's test split (9,768 rows, two groups) about
0.3-0.5 s of CPU for 1,000 resamples and 1,000 permutations (``bench/bench_regression.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError
from fairdash.metrics._audit import DEFAULT_MIN_GROUP_SIZE, _clean
from fairdash.metrics._groups import encode_groups
from fairdash.metrics._intervals import percentile_interval

__all__ = ["DISTRIBUTION_GAPS", "GRID_SIZE", "REGRESSION_GAPS", "REGRESSION_STATS",
           "RegressionAuditResult", "RegressionGap", "distribution_gaps", "regression_audit"]

#: Quantile levels ``(j + 0.5) / GRID_SIZE`` on which distributions are compared (ALGORITHMS 9.5).
GRID_SIZE = 1000

# Resamples are processed a few at a time, so that each batch's arrays hold about this many
# elements (512 KB of float64): they stay in a core's L2 cache (on Adult this ran clearly
# faster than batches of 2M elements), and memory stays bounded whatever the data size.
_CHUNK = 64_000

#: Names of the gaps :func:`distribution_gaps` returns, in order.
DISTRIBUTION_GAPS = ("mean_gap", "ks", "wasserstein_1", "barycenter_unfairness")

#: Per-group statistics of a regression audit (name -> plain label), each reported with
#: ``_low`` / ``_high`` bootstrap bounds.
REGRESSION_STATS: dict[str, str] = {
    "mean_target": "Mean target",
    "mean_prediction": "Mean prediction",
    "mean_error": "Mean error (prediction − target)",
    "mae": "Mean absolute error (MAE)",
    "rmse": "Root mean squared error (RMSE)",
    "r2": "R²",
}


@dataclass(frozen=True)
class RegressionGap:
    """How to show one regression gap.

    Attributes
    ----------
    label : str
        Plain name for tables.
    explanation : str
        What the number measures, in one plain sentence fragment.
    units : {"target", "share", "squared target"}
        Units of the value: the target's, a share in [0, 1], or the target's squared.
    """

    label: str
    explanation: str
    units: str


#: The gaps every regression audit reports, in table order.
REGRESSION_GAPS: dict[str, RegressionGap] = {
    "mean_prediction_gap": RegressionGap(
        "Mean prediction gap",
        "the highest group's average prediction minus the lowest group's", "target"),
    "mae_difference": RegressionGap(
        "MAE difference",
        "how much larger the typical error (mean absolute error) is in the worst-served group "
        "than in the best-served one", "target"),
    "rmse_difference": RegressionGap(
        "RMSE difference",
        "the same for the root mean squared error, which weighs large errors more", "target"),
    "ks": RegressionGap(
        "Kolmogorov-Smirnov (KS)",
        "the largest difference between two groups' shares of predictions below any value "
        "(0 = the same distribution, 1 = no overlap at all)", "share"),
    "wasserstein_1": RegressionGap(
        "Wasserstein-1 distance",
        "how far, on average, one group's predictions would have to move to match another "
        "group's (the largest over pairs of groups)", "target"),
    "barycenter_unfairness": RegressionGap(
        "Barycenter unfairness",
        "the group-share-weighted squared distance of each group's prediction distribution "
        "from the groups' common average distribution (0 = every group gets the same "
        "distribution of predictions)", "squared target"),
}

# Columns of the per-row matrix whose sums give every per-group statistic.
_W, _F, _Y, _E, _AE, _E2, _Y2 = range(7)


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


# --- input checks -----------------------------------------------------------------------------


def _values(x, what: str) -> np.ndarray:
    try:
        v = np.asarray(x, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(f"The {what} must be numbers; found values such as "
                        f"{np.asarray(x).reshape(-1)[0]!r}.") from None
    bad = ~np.isfinite(v)
    if bad.any():
        raise DataError(f"The {what} contain {int(bad.sum()):,} missing or infinite values.")
    return v


def _weights(sample_weight, n: int) -> np.ndarray | None:
    """Weights as float64, or None when absent or all equal (then they change nothing)."""
    if sample_weight is None:
        return None
    w = _values(sample_weight, "sample weights")
    if len(w) != n:
        raise ValueError(f"sample_weight has {len(w)} values for {n} rows.")
    if (w < 0).any():
        raise DataError("Sample weights must not be negative.")
    if n and np.all(w == w[0]):
        if w[0] == 0:
            raise DataError("Every sample weight is zero.")
        return None
    return w


def _codes(groups, n_groups, n: int):
    if n_groups is None:
        codes, labels = encode_groups(groups)
    else:
        codes = np.asarray(groups).astype(np.int64, copy=False).reshape(-1)
        if codes.size and (codes.min() < 0 or codes.max() >= n_groups):
            raise ValueError(f"Group codes must lie in 0..{n_groups - 1}.")
        labels = pd.Index([str(g) for g in range(n_groups)], dtype=object, name="group")
    if len(codes) != n:
        raise ValueError(f"The groups have {len(codes)} values for {n} rows.")
    return codes, labels


# --- exact distances (point estimates) --------------------------------------------------------


def _pair_distances(a, ca, b, cb) -> tuple[float, float]:
    """Exact KS and W1 between two samples, each sorted with its normalised cumulative weights
    (``c[0] = 0``, ``c[-1] = 1``), as ``scipy.stats`` computes them."""
    both = np.concatenate([a, b])
    both.sort(kind="mergesort")  # two sorted runs: a merge
    fa = ca[np.searchsorted(a, both, side="right")]
    fb = cb[np.searchsorted(b, both, side="right")]
    diff = np.abs(fa - fb)
    return float(diff.max()), float(np.dot(diff[:-1], np.diff(both)))


def _levels(grid_size: int) -> np.ndarray:
    return (np.arange(grid_size) + 0.5) / grid_size


def _rank_index(n: int, grid_size: int) -> np.ndarray:
    """0-based index of the order statistic at each grid level: ``ceil(u_j n) - 1``, computed
    in integers so that no level lands one row off by rounding."""
    j = np.arange(grid_size, dtype=np.int64)
    return ((2 * j + 1) * n + 2 * grid_size - 1) // (2 * grid_size) - 1


def _barycenter(q: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``sum_g p_g W2^2(nu_g, nu_bar)`` from quantile grids ``q`` (..., K, J) and group shares
    ``p`` (..., K)."""
    bar = np.matmul(p[..., None, :], q)  # (..., 1, J): the barycenter's quantile function
    return (p * np.square(q - bar).mean(-1)).sum(-1)


def distribution_gaps(values, groups, n_groups: int | None = None, *, sample_weight=None,
                      include=None, grid_size: int = GRID_SIZE) -> pd.Series:
    """How much the distribution of ``values`` differs between groups (no labels needed).

    Parameters
    ----------
    values : array-like of float, shape (n,)
        Predictions of a regressor, or the scores of a classifier.
    groups : array-like, Series or DataFrame
        Integer codes ``0..n_groups-1`` when ``n_groups`` is given, else any group labels
        (several columns form intersectional groups).
    n_groups : int, optional
    sample_weight : array-like, optional
    include : array-like of bool, shape (K,), optional
        Groups to compare (for example those above a minimum size); all by default.
    grid_size : int, default 1000
        Quantile levels for the barycenter unfairness.

    Returns
    -------
    Series indexed by ``gap``: ``mean_gap``, ``ks``, ``wasserstein_1``,
    ``barycenter_unfairness``; NaN when fewer than two groups are compared.

    Notes
    -----
    With ``F_g`` / ``Q_g`` the (weighted) distribution / quantile function of group ``g``
    (ALGORITHMS 9.5):

    * mean gap ``= max_g mean_g - min_g mean_g``;
    * KS ``= max_{g,h} sup_t |F_g(t) - F_h(t)|`` (``scipy.stats.ks_2samp(a, b).statistic``);
    * W1 ``= max_{g,h} int |F_g(t) - F_h(t)| dt`` (``scipy.stats.wasserstein_distance``);
    * barycenter unfairness ``U = sum_g p_g W2^2(nu_g, nu_bar)``, where ``nu_bar`` has the
      quantile function ``sum_g p_g Q_g`` and ``p_g`` is the group's share of rows (weight),
      computed on the levels ``u_j = (j + 1/2) / J`` with ``Q_g(u) = inf {t : F_g(t) >= u}``.
      For Gaussian groups it tends to ``sum_g p_g ((mu_g - mu_bar)^2 + (sigma_g - sigma_bar)^2)``.

    KS and W1 are exact (one sort, then a merge per pair of groups, ``O((K - 1) n)``).
    """
    v = _values(values, "values")
    codes, labels = _codes(groups, n_groups, len(v))
    w = _weights(sample_weight, len(v))
    k = len(labels)
    wsum = np.bincount(codes, weights=w, minlength=k).astype(np.float64)
    inc = wsum > 0
    if include is not None:
        inc &= np.asarray(include, dtype=bool)
    keep = np.flatnonzero(inc)
    out = dict.fromkeys(DISTRIBUTION_GAPS, np.nan)
    if len(keep) >= 2:
        means = np.bincount(codes, weights=v if w is None else w * v, minlength=k)[keep] / \
            wsum[keep]
        out["mean_gap"] = float(means.max() - means.min())
        order = np.lexsort((v, codes))
        bounds = np.searchsorted(codes[order], np.arange(k + 1))
        samples, quantiles = [], []
        for g in keep:
            rows = order[bounds[g]:bounds[g + 1]]
            a = v[rows]
            if w is None:
                c = np.arange(len(a) + 1) / len(a)
                quantiles.append(a[_rank_index(len(a), grid_size)])
            else:
                c = np.concatenate([[0.0], np.cumsum(w[rows])]) / wsum[g]
                at = np.searchsorted(c[1:], _levels(grid_size), side="left")
                quantiles.append(a[np.minimum(at, len(a) - 1)])
            samples.append((a, c))
        ks = w1 = 0.0
        for i in range(len(samples)):
            for j in range(i + 1, len(samples)):
                pk, pw = _pair_distances(*samples[i], *samples[j])
                ks, w1 = max(ks, pk), max(w1, pw)
        out["ks"], out["wasserstein_1"] = ks, w1
        out["barycenter_unfairness"] = float(
            _barycenter(np.stack(quantiles), wsum[keep] / wsum[keep].sum()))
    return pd.Series(out, name="value", dtype=np.float64).rename_axis("gap")


# --- the audit --------------------------------------------------------------------------------


def _stats(s: np.ndarray, centre: float) -> dict[str, np.ndarray]:
    """Per-group statistics from sums ``s`` (..., 7) of the per-row columns."""
    w = s[..., _W]
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(w > 0, 1.0 / np.where(w > 0, w, 1.0), np.nan)
        sst = s[..., _Y2] - s[..., _Y] ** 2 * inv
        # a constant target leaves only rounding in sst: R² is undefined there, not huge
        defined = sst > 1e-10 * np.maximum(s[..., _Y2], np.finfo(float).tiny)
        return {"mean_target": s[..., _Y] * inv + centre,
                "mean_prediction": s[..., _F] * inv + centre,
                "mean_error": s[..., _E] * inv, "mae": s[..., _AE] * inv,
                "rmse": np.sqrt(np.maximum(s[..., _E2] * inv, 0.0)),
                "r2": np.where(defined, 1.0 - s[..., _E2] / np.where(defined, sst, 1.0), np.nan)}


def _spread(values: np.ndarray, include: np.ndarray) -> np.ndarray:
    """max - min over the included groups (last axis); NaN with fewer than two."""
    v = values[..., include]
    if v.shape[-1] < 2:
        return np.full(v.shape[:-1], np.nan)
    return np.fmax.reduce(v, axis=-1) - np.fmin.reduce(v, axis=-1)


def _grid_ks(ranks: np.ndarray) -> np.ndarray:
    """Largest KS over pairs from quantile grids given as tie ranks (..., K, J) of integers.

    A grid of J levels stands for the distribution giving mass 1/J to each level's value;
    its distribution function is within 1/(2J) of the sample's everywhere, so the grid KS is
    within 1/J of the exact one.
    """
    lead, k, j = ranks.shape[:-2], ranks.shape[-2], ranks.shape[-1]
    bits = max(1, int(k - 1).bit_length())
    small = ranks.size == 0 or (int(ranks.max()) + 1) << bits < 2**31
    keys = ((ranks.astype(np.int32 if small else np.int64) << bits)
            | np.arange(k, dtype=np.int32)[:, None]).reshape(*lead, k * j)
    keys.sort(axis=-1, kind="stable")  # K sorted runs per row: a merge
    group, value = keys & ((1 << bits) - 1), keys >> bits
    # distribution functions are compared after the last of equal values
    last = np.ones(keys.shape, dtype=bool)
    last[..., :-1] = value[..., 1:] != value[..., :-1]
    if k == 2:
        spread = np.abs(np.cumsum(1 - 2 * group, axis=-1))
    else:
        hi = lo = None
        for g in range(k):
            f = np.cumsum(group == g, axis=-1, dtype=np.int32)
            hi = f if hi is None else np.maximum(hi, f)
            lo = f if lo is None else np.minimum(lo, f)
        spread = hi - lo
    return np.where(last, spread, 0).max(-1) / j


class _Rows:
    """The audited rows sorted once by prediction, with what every resample reads."""

    def __init__(self, y, f, codes, k, w, grid_size):
        # ties in the prediction are broken by target and weight, so rows that could trade
        # places are identical and the result does not depend on the order rows came in
        order = np.lexsort((y, f) if w is None else (w, y, f))
        self.f = f[order]
        self.codes = codes[order]
        self.w = None if w is None else w[order]
        self.centre = float(np.average(y, weights=w))
        yc, fc = y[order] - self.centre, self.f - self.centre
        e = self.f - y[order]
        ww = np.ones_like(e) if w is None else self.w
        self.columns = np.column_stack([ww, ww * fc, ww * yc, ww * e, ww * np.abs(e),
                                        ww * e * e, ww * yc * yc])
        # equal predictions share a rank, so grid KS sees ties as ties
        self.tie_rank = np.concatenate([[0], np.cumsum(self.f[1:] != self.f[:-1])])
        self.positions = [np.flatnonzero(self.codes == g) for g in range(k)]
        self.grid_size = grid_size
        self.levels = _levels(grid_size)

    def weighted_grid(self, weights: np.ndarray) -> np.ndarray:
        """Index (m, J) of the first row whose cumulative weight reaches each level, per row of
        ``weights`` (m, L): the weighted quantiles of rows already sorted by prediction."""
        m, length = weights.shape
        cw = np.cumsum(weights, axis=1)
        total = cw[:, -1:]
        cw /= np.where(total > 0, total, 1.0)
        # one search for all resamples: row r lives in [2r, 2r + 1], so rows never mix
        shift = 2.0 * np.arange(m)[:, None]
        at = np.searchsorted((cw + shift).ravel(), (self.levels + shift).ravel(), side="left")
        return np.minimum(at.reshape(m, -1) - np.arange(m)[:, None] * length, length - 1)

    def gaps(self, grid: np.ndarray, shares: np.ndarray) -> dict[str, np.ndarray]:
        """KS, W1 (max over pairs) and barycenter unfairness from pooled positions (m, K, J)
        at the grid levels and group shares (m, K)."""
        q = self.f[grid]
        k = q.shape[1]
        w1 = np.zeros(q.shape[0])
        for i in range(k - 1):  # group i against every later group at once
            w1 = np.maximum(w1, np.abs(q[:, i:i + 1] - q[:, i + 1:]).mean(-1).max(-1))
        return {"ks": _grid_ks(self.tie_rank[grid]), "wasserstein_1": w1,
                "barycenter_unfairness": _barycenter(q, shares)}


def _order_statistics(counts: np.ndarray, grid_size: int) -> np.ndarray:
    """Index (m, J) of the row holding each grid level's order statistic, per resample given
    as draw counts (m, n) over rows sorted by prediction.

    The order statistic of 0-based rank ``r`` sits at row ``#{i : running count_i <= r}``; a
    histogram of the running counts, summed up, answers that for every rank at once (cheaper
    than a binary search per level).
    """
    m, n = counts.shape
    running = np.cumsum(counts, axis=1)
    running += (np.arange(m) * (n + 1))[:, None]  # each resample's counts in its own range
    at_most = np.cumsum(np.bincount(running.ravel(), minlength=m * (n + 1)).reshape(m, n + 1),
                        axis=1)
    return at_most[:, _rank_index(n, grid_size)]


def _resample_chunks(width: int, n_resamples: int):
    """Slices of resamples whose arrays (``width`` elements per resample) fill about _CHUNK."""
    step = max(1, _CHUNK // max(width, 1))
    for start in range(0, n_resamples, step):
        yield slice(start, min(start + step, n_resamples))


def _bootstrap(rows: _Rows, include, n_resamples, rng):
    """Stratified bootstrap: per-group sums (B, K, 7) and the grid gaps of the included groups
    ``{name: (B,)}``."""
    k = len(rows.positions)
    keep = np.flatnonzero(include)
    sums = np.empty((n_resamples, k, 7))
    columns = [rows.columns[pos] for pos in rows.positions]
    weights = [None if rows.w is None else rows.w[pos] for pos in rows.positions]
    parts = []
    for chunk in _resample_chunks(max(len(rows.f), len(keep) * rows.grid_size), n_resamples):
        m = chunk.stop - chunk.start
        grid = np.empty((m, len(keep), rows.grid_size), dtype=np.int64)
        for g, pos in enumerate(rows.positions):
            n_g = len(pos)
            drawn = rng.integers(0, n_g, size=(m, n_g)) + (np.arange(m) * n_g)[:, None]
            counts = np.bincount(drawn.ravel(), minlength=m * n_g).reshape(m, n_g)
            sums[chunk, g] = counts @ columns[g]
            if include[g]:
                at = (_order_statistics(counts, rows.grid_size) if rows.w is None
                      else rows.weighted_grid(counts * weights[g]))
                grid[:, np.searchsorted(keep, g)] = pos[at]
        if len(keep) >= 2:
            w = sums[chunk][:, keep, _W]
            parts.append(rows.gaps(grid, w / w.sum(1, keepdims=True)))
    return sums, _joined(parts)


def _permutations(rows: _Rows, include, n_resamples, rng):
    """Per-group sums (B, K', 7) and grid gaps ``{name: (B,)}`` after shuffling the group
    labels among the included groups' rows (each group keeps its size)."""
    keep = np.flatnonzero(include)
    pooled = np.flatnonzero(include[rows.codes])  # included rows, in prediction order
    n = len(pooled)
    sizes = np.array([len(rows.positions[g]) for g in keep])
    cuts = np.cumsum(sizes)[:-1]
    cols = rows.columns[pooled]
    total = cols.sum(0)
    sums = np.empty((n_resamples, len(keep), 7))
    parts = []
    chunks = list(_resample_chunks(max(n, len(keep) * rows.grid_size), n_resamples))
    while chunks:
        chunk = chunks[0]
        m = chunk.stop - chunk.start
        # a uniformly random partition with the groups' sizes: the rows whose random key
        # ranks in [cut_g, cut_g+1) form group g
        keys = rng.random((m, n))
        bounds = np.partition(keys, cuts, axis=1)[:, cuts]
        label = np.zeros((m, n), dtype=np.int16)
        for c in range(len(cuts)):
            label += keys >= bounds[:, c:c + 1]
        members = [label == i for i in range(len(keep))]
        if any(np.count_nonzero(mm) != m * s for mm, s in zip(members, sizes)):
            continue  # two equal float keys (probability ~n^2 / 2^53): draw this chunk again
        grid = np.empty((m, len(keep), rows.grid_size), dtype=np.int64)
        rest = np.broadcast_to(total, (m, 7)).copy()
        for i, (mm, size) in enumerate(zip(members, sizes)):
            if i < len(keep) - 1:
                sums[chunk, i] = mm.astype(np.float64) @ cols
                rest -= sums[chunk, i]
            else:
                sums[chunk, i] = rest
            if rows.w is None:
                rank = _rank_index(size, rows.grid_size)
                picked = np.flatnonzero(mm).reshape(m, size)[:, rank]
                grid[:, i] = pooled[picked - (np.arange(m) * n)[:, None]]
            else:
                grid[:, i] = pooled[rows.weighted_grid(mm * rows.w[pooled])]
        w = sums[chunk][..., _W]
        parts.append(rows.gaps(grid, w / w.sum(1, keepdims=True)))
        chunks.pop(0)
    return sums, _joined(parts)


def _joined(parts: list[dict]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]} if parts else {}


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
    Per group ``g`` with errors ``e = prediction - target`` (ALGORITHMS 9.5): mean target,
    mean prediction, mean error (bias), MAE ``= mean |e|``, RMSE ``= sqrt(mean e^2)`` and
    ``R^2 = 1 - sum e^2 / sum (y - mean_g y)^2`` (NaN when the group's target is constant). The
    gaps compare groups with at least ``min_group_size`` rows: the max - min of the mean
    prediction, MAE and RMSE, and the distribution gaps of :func:`distribution_gaps`.

    Uncertainty (ALGORITHMS 9.6): every interval is a percentile interval over ``n_resamples``
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
