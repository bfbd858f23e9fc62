"""Resampling for regression audits: a stratified bootstrap (rows resampled within each group)
and a permutation test (group labels shuffled), both vectorised over resamples:

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

import numpy as np

from fairdash.metrics._distribution import _barycenter, _levels, _rank_index


# Resamples are processed a few at a time, so that each batch's arrays hold about this many
# elements (512 KB of float64): they stay in a core's L2 cache (on Adult this ran clearly
# faster than batches of 2M elements), and memory stays bounded whatever the data size.
_CHUNK = 64_000

# Columns of the per-row matrix whose sums give every per-group statistic.
_W, _F, _Y, _E, _AE, _E2, _Y2 = range(7)


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
