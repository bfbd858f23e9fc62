"""Per-group confusion counts: the one pass over rows every classification metric needs."""

from __future__ import annotations

import numpy as np

from fairdash.exceptions import RoleError

#: Column order of a counts array's last axis; index = 2 * y + yhat.
CELLS = ("tn", "fp", "fn", "tp")


def as_binary(y, name: str = "y_true") -> np.ndarray:
    """Return ``y`` as a float array of 0/1, refusing anything else with a clear sentence."""
    arr = np.asarray(y)
    if arr.dtype == bool:
        return arr.astype(np.float64)
    try:
        out = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise RoleError(f"{name} must hold 0/1 values; found non-numeric values such as {arr[0]!r}.")
    bad = ~np.isin(out, (0.0, 1.0))
    if bad.any():
        raise RoleError(f"{name} must hold 0/1 values; found {out[bad][0]!r}.")
    return out


def confusion_counts(y_true, y_pred, codes, n_groups: int, sample_weight=None) -> np.ndarray:
    """Per-group confusion counts in one vectorised pass.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (n,)
    y_pred : array-like, shape (n,)
        Hard decisions in {0, 1}, or decision probabilities in [0, 1]; probabilities give
        *expected* counts, as for randomised predictors.
    codes : ndarray of int, shape (n,)
        Group code per row, ``0..n_groups-1``.
    n_groups : int
    sample_weight : array-like, shape (n,), optional

    Returns
    -------
    ndarray of float64, shape (n_groups, 4)
        Columns ``tn, fp, fn, tp`` (see :data:`CELLS`).

    Notes
    -----
    With hard decisions this is ``np.bincount(code * 4 + 2 * y + yhat, weights=w)``; with soft
    decisions each row contributes ``w * p`` to the predicted-positive cell and ``w * (1 - p)``
    to the other one.
    """
    codes = np.asarray(codes, dtype=np.int64)
    size = 4 * n_groups
    yi, pi = _as_int01(y_true), _as_int01(y_pred)
    if sample_weight is None and yi is not None and pi is not None:
        # the common case (hard 0/1 decisions, no weights): one integer bincount, no copies
        idx = codes * 4
        idx += 2 * yi
        idx += pi
        return np.bincount(idx, minlength=size).astype(np.float64).reshape(n_groups, 4)
    y = as_binary(y_true)
    p = np.asarray(y_pred, dtype=np.float64)
    w = np.ones_like(y) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    base = codes * 4 + 2 * y.astype(np.int64)
    if np.isin(p, (0.0, 1.0)).all():
        flat = np.bincount(base + p.astype(np.int64), weights=w, minlength=size)
    else:
        flat = np.bincount(base + 1, weights=w * p, minlength=size)
        flat += np.bincount(base, weights=w * (1.0 - p), minlength=size)
    return flat.reshape(n_groups, 4)


def _as_int01(values) -> np.ndarray | None:
    """``values`` as int64 when they are bool or integers in {0, 1}, else None."""
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if arr.dtype.kind in "iu" and (arr.size == 0 or (arr.min() >= 0 and arr.max() <= 1)):
        return arr.astype(np.int64, copy=False)
    return None
