"""Level-wise slice lattice search with support and score-bound pruning (docs/methods.md §8.2).

A slice of level L fixes one code in each of L columns. All slices over the same L columns
partition the rows, so their statistics come from one counting pass: the row's cell index
(its parent slice's id times the new column's number of codes, plus its code) goes through
one ``np.bincount`` (for rates, :func:`fairdash.metrics.confusion_counts`). As in SliceLine
(Sagadeeva & Boehm, SIGMOD 2021), a slice of level L is only counted when all L of its parents
of level L-1 survived: enough rows (support) and an upper bound on the score of any of their
sub-slices above the current k-th best score.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

__all__ = ["LatticeResult", "LatticeSlice", "score_bounds", "search_lattice", "slice_scores"]

#: Dense look-up tables up to this many cells; sorted keys and a binary search beyond.
_DENSE_LIMIT = 1 << 22


@dataclass(frozen=True)
class LatticeSlice:
    """One slice found: ``columns[i] == codes[i]`` for every i (indexes into the coded columns)."""

    columns: tuple
    codes: tuple
    size: float
    errors: float
    score: float


@dataclass(frozen=True)
class LatticeResult:
    """Top slices by score (best first) and how much of the lattice was counted."""

    slices: list
    evaluated: int
    levels: list


def slice_scores(size, errors, *, kind: str, n: float, mean: float, var: float,
                 alpha: float = 0.95) -> np.ndarray:
    """Score of slices with ``size`` rows and ``errors`` summed error.

    ``kind="fairdash"``: the pooled two-sample z statistic of the slice against the rest,
    ``(e - s m) sqrt(n) / sqrt(v s (n - s))`` (m the mean, v the variance of the per-row error
    over all n rows). ``kind="sliceline"``: SliceLine's
    ``alpha (e / s / m - 1) - (1 - alpha) (n / s - 1)``. Undefined scores are -inf.
    """
    s = np.asarray(size, dtype=np.float64)
    e = np.asarray(errors, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "sliceline":
            out = alpha * ((e / s) / mean - 1.0) - (1.0 - alpha) * (n / s - 1.0)
        else:
            out = (e - s * mean) * np.sqrt(n) / np.sqrt(var * s * (n - s))
    return np.where(np.isfinite(out), out, -np.inf)


def score_bounds(size, errors, *, kind: str, n: float, mean: float, var: float,
                 max_error: float, min_count: float, alpha: float = 0.95) -> np.ndarray:
    """Upper bound of the score of any sub-slice (``size' <= size``, ``errors' <= errors``,
    each row's error at most ``max_error``, at least ``min_count`` rows).

    For both scores, given a size s' the score grows with the slice's errors, which are at
    most ``min(errors, s' * max_error)``; the resulting function of s' is monotone between
    ``min_count``, ``errors / max_error`` and ``size``, so its maximum is at one of them
    (SliceLine's probe points). For the z statistic the maximum is exactly at
    ``clip(errors / max_error, min_count, size)``.
    """
    s = np.asarray(size, dtype=np.float64)
    e = np.asarray(errors, dtype=np.float64)
    m = max(float(max_error), 1e-300)
    turn = np.clip(e / m, min_count, np.maximum(s, min_count))
    probes = [turn] if kind != "sliceline" else [np.full_like(s, min_count), turn, s]
    best = np.full(s.shape, -np.inf)
    for p in probes:
        sc = slice_scores(p, np.minimum(e, p * m), kind=kind, n=n, mean=mean, var=var,
                          alpha=alpha)
        if kind != "sliceline":  # a sub-slice of every row: the bound cannot be computed
            sc = np.where(p >= n, np.inf, sc)
        best = np.maximum(best, sc)
    return best


class _Table:
    """The counted slices of one combination of columns (one level of the lattice)."""

    def __init__(self, columns, cards, values, size, errors, score):
        self.columns = columns
        self.cards = cards
        self.values = values            # (m, L) codes
        self.size, self.errors, self.score = size, errors, score
        self.keys = _flat(values, cards)
        order = np.argsort(self.keys, kind="stable")
        self.keys, self.values = self.keys[order], self.values[order]
        self.size, self.errors, self.score = size[order], errors[order], score[order]
        self.alive = np.ones(len(self.keys), dtype=bool)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Index of each key among the alive slices, -1 where absent or pruned."""
        if not len(self.keys):
            return np.full(len(keys), -1)
        pos = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where((self.keys[pos] == keys) & self.alive[pos], pos, -1)


def _flat(values: np.ndarray, cards) -> np.ndarray:
    key = np.zeros(len(values), dtype=np.int64)
    for j, k in enumerate(cards):
        key = key * k + values[:, j]
    return key


class _TopK:
    """The k best slices so far (ties with the k-th kept, as SliceLine does)."""

    def __init__(self, k: int):
        self.k = k
        self.items: list[LatticeSlice] = []
        self.scores = np.empty(0)

    @property
    def threshold(self) -> float:
        return float(self.scores[self.k - 1]) if len(self.scores) >= self.k else 0.0

    def add(self, items, scores):
        if not len(scores):
            return
        self.items += items
        self.scores = np.concatenate([self.scores, scores])
        order = np.argsort(-self.scores, kind="stable")
        cut = len(order)
        if cut > self.k:
            kth = self.scores[order[self.k - 1]]
            cut = int(np.searchsorted(-self.scores[order], -kth, side="right"))
            cut = min(cut, 10 * self.k)
        order = order[:cut]
        self.items = [self.items[i] for i in order]
        self.scores = self.scores[order]


def search_lattice(codes, cards, usable, count, *, n: float, mean: float, var: float,
                   max_error: float, min_count: float, max_depth: int = 3, k: int = 10,
                   kind: str = "fairdash", alpha: float = 0.95, dominance: bool = False,
                   need_errors: bool = False, progress=None) -> LatticeResult:
    """Top-k slices of up to ``max_depth`` conditions.

    Parameters
    ----------
    codes : list of int64 arrays, shape (n,)
        One per column, codes ``0..cards[j]-1``.
    cards : list of int
    usable : list of bool arrays
        Codes a slice may use, per column.
    count : callable ``(cells, n_cells) -> (size, errors)``
        The one counting pass: per cell, the rows and their summed error.
    n, mean, var, max_error : float
        Rows searched, mean / variance / maximum of the per-row error.
    min_count : float
        Minimum rows of a slice.
    kind : {"fairdash", "sliceline"}
        Score (:func:`slice_scores`).
    dominance : bool, default False
        Only slices scoring above every parent enter the top k (a more specific slice that
        does not beat the more general ones it refines tells nothing new).
    need_errors : bool, default False
        Slices without error are not counted further (SliceLine's rule).
    progress : callable ``(fraction, text)``, optional
    """
    p = len(codes)
    stats = {"n": n, "mean": mean, "var": var}
    top = _TopK(k)
    evaluated, levels = 0, []
    previous: dict[tuple, _Table] = {}
    for level in range(1, min(max_depth, p) + 1):
        combos = _combos(previous, p, level)
        tables: dict[tuple, _Table] = {}
        counted = 0
        for i, (parent, col) in enumerate(combos):
            combo = parent + (col,)
            table = _count_combo(combo, parent, col, previous, codes, cards, usable, count,
                                 min_count, need_errors, kind, alpha, stats)
            if progress is not None:
                progress((level - 1 + (i + 1) / len(combos)) / max_depth,
                         f"level {level}: {i + 1} of {len(combos)} column combinations")
            if table is None:
                continue
            counted += len(table.keys)
            tables[combo] = table
            eligible = table.score > 0
            if dominance and level > 1:
                eligible &= table.score > _parent_best(table, previous)
            idx = np.flatnonzero(eligible & (table.score >= top.threshold))
            top.add([LatticeSlice(combo, tuple(int(v) for v in table.values[j]),
                                  float(table.size[j]), float(table.errors[j]),
                                  float(table.score[j])) for j in idx], table.score[idx])
        evaluated += counted
        alive = 0
        for table in tables.values():
            ub = score_bounds(table.size, table.errors, kind=kind, max_error=max_error,
                              min_count=min_count, alpha=alpha, **stats)
            table.alive = ub > max(top.threshold, 0.0)
            alive += int(table.alive.sum())
        levels.append({"level": level, "combinations": len(combos), "slices": counted,
                       "expanded": alive})
        previous = tables
        if not alive:
            break
    return LatticeResult(top.items, evaluated, levels)


def _combos(previous: dict, p: int, level: int) -> list:
    """(parent combination, new column) pairs whose every sub-combination has alive slices."""
    if level == 1:
        return [((), j) for j in range(p)]
    alive = {c for c, t in previous.items() if t.alive.any()}
    out = []
    for parent in sorted(alive):
        for col in range(parent[-1] + 1, p):
            combo = parent + (col,)
            if all(sub in alive for sub in combinations(combo, level - 1)):
                out.append((parent, col))
    return out


def _count_combo(combo, parent, col, previous, codes, cards, usable, count, min_count,
                 need_errors, kind, alpha, stats):
    k = cards[col]
    if not parent:
        size, errors = count(codes[col], k)
        values = np.arange(k)[:, None]
        valid = usable[col] & (size >= min_count)
    else:
        ptable = previous[parent]
        pid = _parent_ids(ptable, parent, codes, cards)
        cells = (pid + 1) * k + codes[col]
        size, errors = count(cells, (len(ptable.keys) + 1) * k)
        size, errors = size[k:], errors[k:]         # block 0: rows of no alive parent
        cell = np.arange(len(size))
        pidx, v = cell // k, cell % k
        valid = ptable.alive[pidx] & usable[col][v] & (size >= min_count)
        values = np.column_stack([ptable.values[pidx], v])
    if need_errors:
        valid &= errors > 0
    if not valid.any():
        return None
    values, size, errors = values[valid], size[valid], errors[valid]
    # every other parent (drop one of the first L-1 columns) must be alive too
    keep = np.ones(len(values), dtype=bool)
    for drop in range(len(combo) - 1):
        sub = combo[:drop] + combo[drop + 1:]
        sub_vals = np.delete(values, drop, axis=1)
        keep &= previous[sub].find(_flat(sub_vals, [cards[c] for c in sub])) >= 0
    if not keep.any():
        return None
    values, size, errors = values[keep], size[keep], errors[keep]
    score = slice_scores(size, errors, kind=kind, alpha=alpha, **stats)
    return _Table(combo, [cards[c] for c in combo], values, size, errors, score)


def _parent_ids(ptable: _Table, parent, codes, cards) -> np.ndarray:
    """Per row: the index of its alive parent slice, or -1."""
    flat = codes[parent[0]]
    total = cards[parent[0]]
    for c in parent[1:]:
        flat = flat * cards[c] + codes[c]
        total *= cards[c]
    if total <= _DENSE_LIMIT:
        lut = np.full(total, -1, dtype=np.int64)
        alive = np.flatnonzero(ptable.alive)
        lut[ptable.keys[alive]] = alive
        return lut[flat]
    return ptable.find(flat)


def _parent_best(table: _Table, previous: dict) -> np.ndarray:
    """Best score among each slice's parents."""
    best = np.full(len(table.keys), -np.inf)
    for drop in range(len(table.columns)):
        sub = table.columns[:drop] + table.columns[drop + 1:]
        ptable = previous[sub]
        keys = _flat(np.delete(table.values, drop, axis=1),
                     [c for j, c in enumerate(table.cards) if j != drop])
        pos = np.minimum(np.searchsorted(ptable.keys, keys), len(ptable.keys) - 1)
        best = np.maximum(best, np.where(ptable.keys[pos] == keys, ptable.score[pos], -np.inf))
    return best
