"""The Pareto front of (fairness gap, performance) points."""

from __future__ import annotations

import numpy as np

__all__ = ["pareto_front"]


def pareto_front(gap, performance) -> np.ndarray:
    """Which points no other point beats on both fairness and performance.

    Parameters
    ----------
    gap : array-like of float, shape (n,)
        Unfairness of each point; **lower is better**. For a ratio gap (1 = parity) pass
        ``1 - ratio``.
    performance : array-like of float, shape (n,)
        Performance of each point; **higher is better**. For an error metric pass its
        negative.

    Returns
    -------
    ndarray of bool, shape (n,)
        True for the points on the Pareto front.

    Notes
    -----
    Point ``j`` *dominates* point ``i`` when ``gap[j] <= gap[i]`` and
    ``performance[j] >= performance[i]`` with at least one of the two strict. The front is the
    set of points dominated by no other point. Consequences:

    * a point with NaN in either coordinate is never on the front, and never dominates;
    * identical points do not dominate each other, so copies of a front point are all on it.

    Points are sorted by gap (O(n log n)); a point is on the front exactly when its
    performance is the largest among points with the same gap and strictly larger than the
    best performance among points with a strictly smaller gap.

    Examples
    --------
    >>> pareto_front([0.1, 0.2, 0.05, 0.2], [0.80, 0.85, 0.70, 0.84]).tolist()
    [True, True, True, False]
    """
    g = np.asarray(gap, dtype=np.float64).ravel()
    p = np.asarray(performance, dtype=np.float64).ravel()
    if g.shape != p.shape:
        raise ValueError(f"gap and performance must have the same length; got {g.size} and "
                         f"{p.size}.")
    out = np.zeros(g.size, dtype=bool)
    valid = np.flatnonzero(~(np.isnan(g) | np.isnan(p)))
    if valid.size == 0:
        return out
    gv, pv = g[valid], p[valid]
    order = np.argsort(gv, kind="stable")
    gs, ps = gv[order], pv[order]
    # groups of equal gap, in increasing gap order
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    group = np.cumsum(np.r_[True, gs[1:] != gs[:-1]]) - 1
    group_best = np.maximum.reduceat(ps, starts)
    # best performance among strictly smaller gaps (-inf for the first group)
    before = np.r_[-np.inf, np.maximum.accumulate(group_best)[:-1]]
    on = (ps == group_best[group]) & (ps > before[group])
    out[valid[order]] = on
    return out
