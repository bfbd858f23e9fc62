"""Entropic optimal transport between two weighted point clouds, by Sinkhorn iterations.

``entropic_ot`` solves OT_eps(x, y) (over-relaxed Sinkhorn-Knopp, or the log-domain solver of
POT when the cost is large against eps); ``self_entropic_ot`` solves OT_eps(x, x) by the
symmetric iteration. Both return the value with the entropy term, the plan and the scalings to
warm-start a nearby problem; :mod:`._divergences` builds the Sinkhorn divergence from them.
"""

from __future__ import annotations

import warnings

import numpy as np
import ot
from scipy.special import logsumexp

__all__ = ["entropic_ot", "self_entropic_ot"]

#: exp(-C / eps) stays far from underflow below this ratio (3.5); above it the log-domain solver
_MAX_COST_OVER_EPS = 500.0
#: tolerated marginal error of a Sinkhorn plan (3.5)
_MARGINAL_TOL = 1e-6


def _cloud(x, w):
    x = np.asarray(x, dtype=float)
    pts = x.reshape(len(x), -1)
    w = np.full(len(pts), 1.0 / len(pts)) if w is None else np.asarray(w, dtype=float)
    if len(pts) == 0:
        raise ValueError("A divergence needs at least one point in each cloud.")
    return x.shape, pts, w


def _sqdist(xp, yp):
    """C_ij = ||x_i - y_j||^2 (``ot.dist``); for points on a line, (x_i - y_j)^2 directly."""
    if xp.shape[1] == 1 and yp.shape[1] == 1:
        return np.square(xp[:, 0, None] - yp[None, :, 0])
    return ot.dist(xp, yp)


#: largest over-relaxation factor of the Sinkhorn iteration (it converges for 0 < omega < 2)
_MAX_RELAXATION = 1.9


def _optimal_relaxation(plain_rate):
    """2 / (1 + sqrt(1 - rho)): the optimal over-relaxation for a plain rate rho (SOR theory)."""
    return min(_MAX_RELAXATION, 2.0 / (1.0 + np.sqrt(max(1.0 - plain_rate, 0.0))))


def _sinkhorn_scaling(a, b, kernel, stop_thr, max_iter, warmstart, relaxation=1.0):
    """Sinkhorn-Knopp scalings (u, v) with pi = diag(u) K diag(v), over-relaxed when slow.

    The iteration of ``ot.sinkhorn`` (same updates, same start, a test every 10 iterations),
    over-relaxed: each update becomes u <- u^(1 - omega) (a / K v)^omega (Thibault et al.,
    "Overrelaxed Sinkhorn-Knopp algorithm for regularized optimal transport", Algorithms 2021),
    the same fixed point in far fewer iterations, the test then covering both marginals.
    omega is ``relaxation`` from the start when that is above 1 (the estimate from a nearby
    problem); otherwise the first 10 iterations are plain and, if they have not converged,
    omega = 2 / (1 + sqrt(1 - rho)) for their error reduction rho per iteration (the optimal
    factor of the linearised iteration). An error that grows (or overflows) under omega > 1
    restores the last checked scalings and finishes with plain iterations.

    Returns ``(u, v, omega)``, omega being the estimate to pass to the next, nearby problem
    (1: none): from the rate lambda observed under omega, the plain rate is
    rho = (lambda + omega - 1)^2 / (lambda omega^2) (Young's relation) while lambda exceeds
    omega - 1; at lambda ~ omega - 1 omega is at or past the optimum and is lowered by 10 %.
    """
    n, m = len(a), len(b)
    if warmstart is None:
        u, v = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    else:
        u, v = np.exp(warmstart[0]), np.exp(warmstart[1])
    kernel_t = kernel.T
    # a factor known from a nearby problem applies from the start, else after 10 plain steps
    omega, good, plain_rate = max(float(relaxation), 1.0), (u, v), None
    prev = prev_omega = None
    switched, fell_back, above = omega > 1.0, False, False
    if switched:  # the error of the start, to catch a first relaxed step that overshoots
        with np.errstate(all="ignore"):
            prev = max(np.linalg.norm(v * (kernel_t @ u) - b),
                       np.linalg.norm(u * (kernel @ v) - a))
        prev = prev if np.isfinite(prev) else None
    for it in range(max_iter):
        ktu = kernel_t @ u
        if omega == 1.0:
            v = b / ktu
            u = a / (kernel @ v)
        else:
            v = v * (b / (ktu * v)) ** omega
            u = u * (a / ((kernel @ v) * u)) ** omega
        if it % 10:
            continue
        with np.errstate(all="ignore"):
            err = np.linalg.norm(v * (kernel_t @ u) - b)
            if omega != 1.0:
                err = max(err, np.linalg.norm(u * (kernel @ v) - a))
        if not np.isfinite(err) or (omega > 1.0 and prev is not None and err > prev):
            u, v = good
            if omega == 1.0:  # machine precision reached: keep the last sound scalings
                break
            omega, fell_back, prev = 1.0, True, None
            continue
        good = (u, v)
        if err < stop_thr:
            break
        if prev is not None and prev_omega == omega:  # a whole window at this omega
            rate = (err / prev) ** 0.1
            if omega == 1.0:
                plain_rate = rate
            elif rate > 1.05 * (omega - 1.0):  # real eigenvalues: omega below the optimum
                plain_rate = (rate + omega - 1.0) ** 2 / (rate * omega ** 2)
            else:  # rate ~ omega - 1: at or past the optimum, where it cannot be read off
                plain_rate = None
                above = True
        if not switched and prev is not None:
            switched = True
            if plain_rate is not None and plain_rate < 1.0:
                omega = _optimal_relaxation(plain_rate)
        prev, prev_omega = err, omega
    if fell_back:
        return u, v, 1.0
    if omega > 1.0 and above:  # probe downwards: past the optimum the rate is omega - 1
        return u, v, 1.0 + 0.9 * (omega - 1.0)
    if plain_rate is not None and plain_rate < 1.0 and (omega > 1.0 or it >= 30):
        return u, v, _optimal_relaxation(plain_rate)
    return u, v, float(relaxation)


def _entropic_value(plan, log_ratio_rows, log_ratio_cols, eps):
    """<pi, C> + eps KL(pi | a b') for pi_ij = u_i K_ij v_j, K = exp(-C / eps).

    Since log(pi_ij / (a_i b_j)) = log(u_i / a_i) + log(v_j / b_j) - C_ij / eps, the cost terms
    cancel and the value is eps * (sum_i r_i log(u_i / a_i) + sum_j c_j log(v_j / b_j)), r and c
    being the plan's row and column sums: no logarithm of the n x m plan is needed.
    """
    rows, cols = plan.sum(1), plan.sum(0)
    rows_on, cols_on = rows > 0, cols > 0  # an empty row or column adds 0 log 0 = 0
    return float(eps * (rows[rows_on] @ log_ratio_rows[rows_on]
                        + cols[cols_on] @ log_ratio_cols[cols_on]))


def entropic_ot(x, y, a=None, b=None, *, eps=0.01, stop_thr=1e-9, max_iter=10_000,
                warmstart=None):
    """Entropic optimal transport OT_eps between two clouds, KL form, and its plan.

    Parameters
    ----------
    x, y : array-like of shape (n,) or (n, d), (m,) or (m, d)
    a, b : array-like of shape (n,), (m,), optional
        Point weights, each summing to one; uniform when omitted.
    eps : float, default 0.01
        Entropic regularisation.
    stop_thr : float, default 1e-9
        Sinkhorn stopping threshold on the marginal error.
    max_iter : int, default 10000
    warmstart : tuple of two arrays, optional
        Log scalings ``(log u, log v)`` of an earlier solve of a problem of the same size.

    Returns
    -------
    value : float
    plan : ndarray of shape (n, m)
    log_scalings : tuple of two arrays
        Pass back as ``warmstart`` for a nearby problem.

    Notes
    -----
    OT_eps(x, y) = min over couplings pi of <pi, C> + eps * sum_ij pi_ij log(pi_ij / (a_i b_j)),
    C_ij = ||x_i - y_j||^2. The value is that of the plan, entropy term included; the value
    of ``ot.sinkhorn2`` omits it (docs/methods.md §3.3, pitfall). While max(C) / eps < 500 the
    plan is pi = diag(u) K diag(v), K = exp(-C / eps), from the Sinkhorn-Knopp iteration of
    ``ot.sinkhorn`` (same updates and stopping test), switched to its over-relaxed form when
    the plain iteration converges slowly (same fixed point, fewer iterations; the test then
    covers both marginals); otherwise the log-domain solver ``ot.sinkhorn(method=
    "sinkhorn_log")`` (3.5).
    """
    value, plan, scalings, _ = _entropic_ot(x, y, a, b, eps=eps, stop_thr=stop_thr,
                                            max_iter=max_iter, warmstart=warmstart)
    return value, plan, scalings


def _entropic_ot(x, y, a=None, b=None, *, eps=0.01, stop_thr=1e-9, max_iter=10_000,
                 warmstart=None, relaxation=1.0):
    """:func:`entropic_ot`, also taking and returning the over-relaxation factor."""
    _, xp, a = _cloud(x, a)
    _, yp, b = _cloud(y, b)
    cost = _sqdist(xp, yp)
    if len(a) == 1 or len(b) == 1:
        # a one-point marginal admits a single coupling, a (x) b: nothing to solve
        plan = np.outer(a, b)
        return (float((plan * cost).sum()), plan, (np.zeros(len(a)), np.zeros(len(b))),
                relaxation)
    big = cost.max() / eps >= _MAX_COST_OVER_EPS
    if warmstart is not None and (len(warmstart[0]) != len(a) or len(warmstart[1]) != len(b)):
        warmstart = None
    if big:
        with warnings.catch_warnings():
            # convergence is checked below on both marginals, with a clearer message
            warnings.simplefilter("ignore", UserWarning)
            plan, log = ot.sinkhorn(a, b, cost, reg=eps, method="sinkhorn_log",
                                    numItermax=max_iter, stopThr=stop_thr, log=True,
                                    warmstart=warmstart)
        scalings = (log["log_u"], log["log_v"])
    else:
        kernel = np.exp(cost / -eps)
        u, v, relaxation = _sinkhorn_scaling(a, b, kernel, stop_thr, max_iter, warmstart,
                                             relaxation)
        plan = u[:, None] * kernel * v[None, :]
        with np.errstate(divide="ignore"):
            scalings = (np.log(u), np.log(v))
    marginal_error = max(np.abs(plan.sum(1) - a).max(), np.abs(plan.sum(0) - b).max())
    if not np.isfinite(marginal_error) or marginal_error > max(_MARGINAL_TOL, 10 * stop_thr):
        warnings.warn(f"Sinkhorn stopped with a marginal error of {marginal_error:.2g} after "
                      f"{max_iter} iterations; the divergence and its gradient are inexact. "
                      "Increase eps or the iteration limit.", RuntimeWarning, stacklevel=4)
    if big:
        pos = plan > 0
        ab = np.outer(a, b)
        value = float((plan * cost).sum()
                      + eps * (plan[pos] * np.log(plan[pos] / ab[pos])).sum())
    else:
        value = _entropic_value(plan, scalings[0] - np.log(a), scalings[1] - np.log(b), eps)
    return value, plan, scalings, relaxation


def self_entropic_ot(x, a=None, *, eps=0.01, stop_thr=1e-9, max_iter=10_000, warmstart=None):
    """OT_eps(x, x) of a cloud with itself, by the symmetric Sinkhorn iteration.

    Parameters
    ----------
    x : array-like of shape (n,) or (n, d)
    a : array-like of shape (n,), optional
    eps, stop_thr, max_iter
        As :func:`entropic_ot`.
    warmstart : ndarray of shape (n,), optional
        The potential f / eps of an earlier solve of the same size.

    Returns
    -------
    value : float
    plan : ndarray of shape (n, n)
        Symmetric optimal plan.
    log_scaling : ndarray
        Pass back as ``warmstart``.

    Notes
    -----
    Same problem as ``entropic_ot(x, x)``; its optimal plan is symmetric,
    pi_ij = a_i a_j exp((f_i + f_j - C_ij) / eps), with f the fixed point of
    f_i = -eps log sum_j a_j exp((f_j - C_ij) / eps). Iterating the averaged map
    f <- (f + T(f)) / 2 converges in a few dozen steps (Feydy et al., AISTATS 2019), where the
    alternating updates of ``ot.sinkhorn`` can stall on small clouds (measured: 5 points spread
    over [0, 1], eps = 0.01, marginal error above 1e-9 after 10,000 iterations).
    """
    _, xp, a = _cloud(x, a)
    cost = _sqdist(xp, xp)
    h = np.zeros(len(a)) if warmstart is None or len(warmstart) != len(a) else warmstart
    if cost.max() / eps < _MAX_COST_OVER_EPS:  # scaling form, e^h <- sqrt(e^h / K(a e^h))
        kernel, u = np.exp(-cost / eps), np.exp(h)
        for _ in range(max_iter):
            k_v = kernel @ (a * u)
            error = np.abs(a * u * k_v - a).max()
            if error < stop_thr:
                break
            u = np.sqrt(u / k_v)
        plan = (a * u)[:, None] * kernel * (a * u)
        h = np.log(u)
    else:  # log domain: h <- (h - logsumexp_j(h_j + log a_j - C_ij / eps)) / 2
        log_a = np.log(a)
        for _ in range(max_iter):
            h = 0.5 * (h - logsumexp(h + log_a - cost / eps, axis=1))
            plan = np.exp(h[:, None] + h + log_a[:, None] + log_a - cost / eps)
            error = np.abs(plan.sum(1) - a).max()
            if error < stop_thr:
                break
    if not error < max(_MARGINAL_TOL, 10 * stop_thr):
        warnings.warn(f"The symmetric Sinkhorn iteration stopped with a marginal error of "
                      f"{error:.2g}; the divergence and its gradient are inexact.",
                      RuntimeWarning, stacklevel=3)
    # log(pi_ij / (a_i a_j)) = h_i + h_j - C_ij / eps (see _entropic_value)
    value = _entropic_value(plan, h, h, eps)
    return value, plan, h
