"""Divergences between two weighted point clouds, with their gradients (docs/methods.md §3.3).

Every function takes two clouds ``x`` (n points) and ``y`` (m points), each of shape ``(n,)`` or
``(n, d)``, optional weights ``a`` and ``b`` (uniform when omitted; each sums to one) and returns
``(value, grad_x, grad_y)``, the gradients having the shapes of ``x`` and ``y``. They are used as
the fairness penalty of :class:`~fairdash.mitigation.inprocessing.FairPenaltyLogistic`, where the
points are predicted probabilities (d = 1).
"""

from __future__ import annotations

import numpy as np

from ._sinkhorn import _cloud, _entropic_ot, _sqdist, entropic_ot, self_entropic_ot

__all__ = ["divergence_to_pool", "entropic_ot", "mmd2", "self_entropic_ot", "sinkhorn_divergence",
           "w2_1d"]


def _transport_grad(plan, src, dst):
    """2 * sum_j plan_ij (src_i - dst_j), the gradient of <plan, C> in the source points."""
    return 2.0 * (src * plan.sum(1)[:, None] - plan @ dst)


def _ot_term(xp, yp, a, b, *, eps=0.01, stop_thr=1e-9, max_iter=10_000, state=None, key=None):
    """OT_eps(x, y) and its envelope-theorem gradients in both clouds."""
    # state[key] = (log u, log v, over-relaxation factor) of the last solve
    warm = None if state is None else state.get(key)
    value, plan, scalings, relaxation = _entropic_ot(
        xp, yp, a, b, eps=eps, stop_thr=stop_thr, max_iter=max_iter,
        warmstart=None if warm is None else warm[:2], relaxation=1.0 if warm is None else warm[2])
    if state is not None:
        state[key] = (*scalings, relaxation)
    return value, _transport_grad(plan, xp, yp), _transport_grad(plan.T, yp, xp)


def _ot_self(xp, a, *, eps=0.01, stop_thr=1e-9, max_iter=10_000, state=None, key=None):
    """OT_eps(x, x) and its gradient in x (both arguments move; symmetric plan)."""
    warm = None if state is None else state.get(key)
    value, plan, h = self_entropic_ot(xp, a, eps=eps, stop_thr=stop_thr, max_iter=max_iter,
                                      warmstart=warm)
    if state is not None:
        state[key] = h
    return value, 2.0 * _transport_grad(plan, xp, xp)


def _gaussian_kernels(dist, sigmas):
    """exp(-dist / (2 sigma^2)) for every sigma, as a dict sigma -> kernel.

    A bandwidth 2^k times smaller than the previous (larger) one gives that kernel to the
    power 4^k, taken by 2k squarings: the exponential is the costly step.
    """
    kernels, last = {}, None
    for sigma in sorted({float(sg) for sg in np.atleast_1d(sigmas)}, reverse=True):
        halvings = float(np.log2(last / sigma)) if last is not None else 0.0
        if last is not None and halvings == round(halvings) and 1 <= halvings <= 3:
            kernel = kernels[last]
            for _ in range(2 * round(halvings)):
                kernel = kernel * kernel
        else:
            kernel = np.exp(dist / (-2.0 * sigma ** 2))
        kernels[sigma], last = kernel, sigma
    return kernels


def _mmd_term(xp, yp, a, b, *, sigmas=(0.1,), **_):
    """-2 a' K_xy b summed over bandwidths (MMD^2 = T(x,y) - T(x,x)/2 - T(y,y)/2).

    The gradient in x_i is sum over sigma of 2 a_i sum_j b_j K_ij (x_i - y_j) / sigma^2 (the
    transport gradient of the plan a_i K_ij b_j), with the bandwidths summed in one matrix
    W = sum_sigma K / sigma^2 first.
    """
    kernels = _gaussian_kernels(_sqdist(xp, yp), sigmas)
    value, weights = 0.0, None
    for sigma in np.atleast_1d(sigmas):
        kernel = kernels[float(sigma)]
        value -= 2.0 * float(a @ (kernel @ b))
        term = kernel / float(sigma) ** 2
        weights = term if weights is None else weights + term
    wb = weights @ np.column_stack([b, b[:, None] * yp])
    wa = weights.T @ np.column_stack([a, a[:, None] * xp])
    gx = 2.0 * a[:, None] * (xp * wb[:, :1] - wb[:, 1:])
    gy = 2.0 * b[:, None] * (yp * wa[:, :1] - wa[:, 1:])
    return float(value), gx, gy


def _monotone_plan(x, y, a, b):
    """The optimal 1-D plan (``ot.emd_1d``) as its non-zero entries ``(rows, cols, mass)``.

    North-west corner rule on the sorted points: with cumulative weights A and B of the sorted
    clouds, the segment between two consecutive values of A union B couples the x and the y
    whose cumulative intervals contain it.
    """
    ix, iy = np.argsort(x, kind="stable"), np.argsort(y, kind="stable")
    ca, cb = np.cumsum(a[ix]), np.cumsum(b[iy])
    cuts = np.union1d(ca, cb)
    mass = np.diff(cuts, prepend=0.0)
    mid = cuts - 0.5 * mass
    i = np.minimum(np.searchsorted(ca, mid), len(x) - 1)
    j = np.minimum(np.searchsorted(cb, mid), len(y) - 1)
    keep = mass > 0
    return ix[i[keep]], iy[j[keep]], mass[keep]


def _w2_term(xp, yp, a, b, **_):
    """W_2^2 from the monotone plan (at most n + m - 1 entries) and its gradients."""
    if xp.shape[1] != 1 or yp.shape[1] != 1:
        raise ValueError("The exact Wasserstein-2 divergence is implemented for 1-D points only.")
    rows, cols, mass = _monotone_plan(xp[:, 0], yp[:, 0], a, b)
    diff = xp[rows, 0] - yp[cols, 0]
    value = float(mass @ np.square(diff))
    # 2 sum_j pi_ij (x_i - y_j) and 2 sum_i pi_ij (y_j - x_i)
    gx = 2.0 * np.bincount(rows, mass * diff, len(xp))
    gy = -2.0 * np.bincount(cols, mass * diff, len(yp))
    return value, gx[:, None], gy[:, None]


def _mmd_self(xp, a, **kw):
    value, g1, g2 = _mmd_term(xp, xp, a, a, **kw)
    return value, g1 + g2


#: name -> (cross term T(x, y), self term T(x, x) with its gradient in x, or None):
#: D = T(x, y) - T(x, x) / 2 - T(y, y) / 2 when there is a self term, else D = T
_TERMS = {"sinkhorn": (_ot_term, _ot_self), "mmd": (_mmd_term, _mmd_self),
          "w2": (_w2_term, None)}


def _self_term(name, pts, w, key, kw):
    return _TERMS[name][1](pts, w, key=key, **kw)


def _divergence(name, x, y, a, b, kw):
    term, self_fn = _TERMS[name]
    shape_x, xp, a = _cloud(x, a)
    shape_y, yp, b = _cloud(y, b)
    value, gx, gy = term(xp, yp, a, b, key="xy", **kw)
    if self_fn is not None:
        v_xx, g_xx = _self_term(name, xp, a, "xx", kw)
        v_yy, g_yy = _self_term(name, yp, b, "yy", kw)
        value, gx, gy = value - 0.5 * (v_xx + v_yy), gx - 0.5 * g_xx, gy - 0.5 * g_yy
    return float(value), gx.reshape(shape_x), gy.reshape(shape_y)


def sinkhorn_divergence(x, y, a=None, b=None, *, eps=0.01, stop_thr=1e-9, max_iter=10_000,
                        state=None):
    """Debiased Sinkhorn divergence S_eps and its envelope-theorem gradients.

    Parameters
    ----------
    x, y : array-like of shape (n,) or (n, d), (m,) or (m, d)
    a, b : array-like of shape (n,), (m,), optional
        Point weights, each summing to one; uniform when omitted.
    eps : float, default 0.01
    stop_thr : float, default 1e-9
    max_iter : int, default 10000
    state : dict, optional
        Scratch space kept between calls on nearby clouds: the Sinkhorn log scalings of the three
        problems are stored there and used as warm starts.

    Returns
    -------
    value : float
    grad_x, grad_y : ndarray
        Gradients in the points, shaped as ``x`` and ``y``.

    Notes
    -----
    S_eps(x, y) = OT_eps(x, y) - OT_eps(x, x) / 2 - OT_eps(y, y) / 2 (>= 0, zero for equal clouds),
    with OT_eps of :func:`entropic_ot`. By the envelope theorem dOT_eps / dC = pi*, so

        grad_x_i S = 2 sum_j pi^xy_ij (x_i - y_j) - 2 sum_l pi^xx_il (x_i - x_l)

    and symmetrically for y (docs/methods.md §3.3; Oneto et al., NeurIPS 2020). The cross term is
    solved by the (over-relaxed) Sinkhorn iteration of :func:`entropic_ot`, the self terms by the
    symmetric iteration of :func:`self_entropic_ot` (same optimum, no stalling on small clouds).
    With ``state``, each solve starts from the previous call's scalings (and over-relaxation
    factor).
    """
    kw = {"eps": eps, "stop_thr": stop_thr, "max_iter": max_iter,
          "state": {} if state is None else state}
    return _divergence("sinkhorn", x, y, a, b, kw)


def mmd2(x, y, a=None, b=None, *, sigmas=(0.05, 0.1, 0.2)):
    """Squared maximum mean discrepancy (biased V-statistic), summed over Gaussian bandwidths.

    Parameters
    ----------
    x, y : array-like of shape (n,) or (n, d), (m,) or (m, d)
    a, b : array-like of shape (n,), (m,), optional
        Point weights, each summing to one; uniform when omitted.
    sigmas : sequence of float, default (0.05, 0.1, 0.2)
        Kernel bandwidths; the default is 0.1 x {0.5, 1, 2}, the choice of 3.3 for probabilities.

    Returns
    -------
    value : float
    grad_x, grad_y : ndarray

    Notes
    -----
    For k(u, v) = exp(-||u - v||^2 / (2 sigma^2)):
    MMD^2 = a'K_xx a + b'K_yy b - 2 a'K_xy b, and

        grad_x_i = -(2 a_i / sigma^2) sum_l a_l K_xx[i,l] (x_i - x_l)
                   + (2 a_i / sigma^2) sum_j b_j K_xy[i,j] (x_i - y_j),

    which for uniform weights is the formula of docs/methods.md §3.3. The value and gradients are
    sums over the bandwidths.
    """
    return _divergence("mmd", x, y, a, b, {"sigmas": sigmas})


def w2_1d(x, y, a=None, b=None):
    """Exact squared 2-Wasserstein distance between two 1-D clouds and its (sub)gradient.

    Parameters
    ----------
    x, y : array-like of shape (n,), (m,)
    a, b : array-like of shape (n,), (m,), optional
        Point weights, each summing to one; uniform when omitted.

    Returns
    -------
    value : float
        W_2^2 (the squared distance, as ``ot.wasserstein_1d(x, y, p=2)``).
    grad_x, grad_y : ndarray

    Notes
    -----
    The monotone plan pi (the plan of ``ot.emd_1d``, kept as its at most n + m - 1 non-zero
    entries) gives W_2^2 = sum_ij pi_ij (x_i - y_j)^2 and grad_x_i = 2 sum_j pi_ij (x_i - y_j)
    (docs/methods.md §3.3); no regularisation to tune, O((n + m) log(n + m)).
    """
    return _divergence("w2", x, y, a, b, {})


def divergence_to_pool(name, clouds, pool, *, state=None, **params):
    """Sum over groups of the divergence between each group's cloud and a pooled cloud.

    Parameters
    ----------
    name : {"sinkhorn", "mmd", "w2"}
    clouds : list of array-like
        One cloud per group (uniform weights).
    pool : array-like
        The cloud of all rows (uniform weights).
    state : dict, optional
        Sinkhorn warm starts kept between calls.
    **params
        ``eps``, ``stop_thr``, ``max_iter`` (Sinkhorn) or ``sigmas`` (MMD).

    Returns
    -------
    value : float
    grads : list of ndarray
        Gradient in each group's cloud.
    grad_pool : ndarray

    Notes
    -----
    sum_s D(x_s, P) (docs/methods.md §3.2, K > 2 groups). For the debiased divergences
    D = T(x_s, P) - T(x_s, x_s) / 2 - T(P, P) / 2 and the pooled self term T(P, P) is computed
    once, not once per group.
    """
    term, self_fn = _TERMS[name]
    kw = dict(params)
    if name == "sinkhorn":
        kw["state"] = {} if state is None else state
    _, pp, b = _cloud(pool, None)
    value, grads, grad_pool = 0.0, [], np.zeros_like(pp)
    for k, x in enumerate(clouds):
        shape_x, xp, a = _cloud(x, None)
        v, gx, gp = term(xp, pp, a, b, key=("xP", k), **kw)
        if self_fn is not None:
            v_xx, g_xx = _self_term(name, xp, a, ("xx", k), kw)
            v, gx = v - 0.5 * v_xx, gx - 0.5 * g_xx
        value += v
        grads.append(gx.reshape(shape_x))
        grad_pool += gp
    if self_fn is not None:
        v_pp, g_pp = _self_term(name, pp, b, "PP", kw)
        value -= 0.5 * len(clouds) * v_pp
        grad_pool -= 0.5 * len(clouds) * g_pp
    return float(value), grads, grad_pool.reshape(np.shape(pool))
