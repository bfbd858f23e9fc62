"""The linear program of docs/methods.md §4.3: group ROC points under hull and fairness rows."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from fairdash.exceptions import ModelError

#: HiGHS feasibility tolerances: the constraint rows hold to about this (default 1e-7)
_TOLERANCES = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def solve_lp(hulls, c_f, c_t, pi, masks, eps, *, base=None, share=1.0) -> np.ndarray:
    """Cheapest (F_a, T_a) per group, each under its hull, with the constrained rates within eps.

    Parameters
    ----------
    hulls : list of (fpr, tpr, thresholds)
        Upper-hull vertices of each group, left to right.
    c_f, c_t : ndarray of shape (K,)
        Cost per unit of F_a and saving per unit of T_a.
    pi : ndarray of shape (K,)
        Base rate of each group (for the selection rate pi T + (1 - pi) F).
    masks : tuple of 3 boolean arrays
        Groups in the FPR, TPR and selection-rate constraints.
    eps : float
        Tolerance: max - min of every constrained rate <= eps.
    base : ndarray of shape (K, 2), optional
        (FPR, TPR) of a fixed rule B per group. When given, the constrained rates are those
        of the mixture ``(1 - share) B_a + share (F_a, T_a)`` (the decision is B's with
        probability ``1 - share``); the cost is still that of (F, T).
    share : float in (0, 1], default 1.0
        Weight of (F, T) in the mixture; 1 (or ``base=None``) constrains (F, T) itself.

    Returns
    -------
    ndarray of shape (K, 2)
        Target (F_a, T_a), clipped to [0, 1] with T_a >= F_a.

    Notes
    -----
    ``max_a r_a - min_a r_a <= eps`` is written with one auxiliary variable ``lo`` per rate and
    the rows ``lo <= r_a <= lo + eps``: the same feasible set as the pairwise rows
    ``|r_a - r_b| <= eps`` with 2K rows instead of K(K - 1). With a base rule, ``r_a`` is the
    mixed rate ``(1 - share) r_a(B) + share r_a(F, T)``: its constant part moves to the right
    hand side, so the program stays linear and of the same size. The rows are written
    undivided by ``share``, so a small share gives small coefficients rather than large
    right-hand sides; HiGHS runs with feasibility tolerances of 1e-10.
    """
    k = len(hulls)
    share = 1.0 if base is None else float(share)
    fixed = np.zeros((k, 2)) if base is None else (1.0 - share) * np.asarray(base, float)
    nv = 2 * k + 3                                   # F_0..F_k-1, T_0..T_k-1, lo_F, lo_T, lo_S
    rows, rhs = [], []
    for a, (f, t, _) in enumerate(hulls):
        df, dt = np.diff(f), np.diff(t)
        block = np.zeros((len(df) + 1, nv))
        block[:-1, a] = -dt                          # -(y2 - y1) F + (x2 - x1) T <= ...
        block[:-1, k + a] = df
        block[-1, a], block[-1, k + a] = 1.0, -1.0   # F <= T
        rows.append(block)
        rhs.append(np.append(df * t[:-1] - dt * f[:-1], 0.0))
    for j, mask in enumerate(masks):
        for a in np.flatnonzero(mask) if mask.sum() >= 2 else ():
            rate = np.zeros(nv)
            if j == 0:
                rate[a], const = share, fixed[a, 0]
            elif j == 1:
                rate[k + a], const = share, fixed[a, 1]
            else:
                rate[a], rate[k + a] = share * (1 - pi[a]), share * pi[a]
                const = pi[a] * fixed[a, 1] + (1 - pi[a]) * fixed[a, 0]
            lo = np.zeros(nv)
            lo[2 * k + j] = 1.0
            rows += [(lo - rate)[None], (rate - lo)[None]]   # lo <= r_a <= lo + eps
            rhs += [[const], [eps - const]]
    cost = np.concatenate([c_f, -c_t, np.zeros(3)])
    res = linprog(cost, A_ub=np.vstack(rows), b_ub=np.concatenate(rhs),
                  bounds=[(0.0, 1.0)] * nv, method="highs", options=_TOLERANCES)
    if res.status != 0:
        raise ModelError(f"The threshold linear program failed ({res.message}); try a larger "
                         "tolerance or check the scores.")
    f, t = np.clip(res.x[:k], 0, 1), np.clip(res.x[k:2 * k], 0, 1)
    return np.column_stack([f, np.maximum(t, f)])
