"""The bare slice search: top-k slices of a per-row error vector (no split, no tests)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from fairdash.exceptions import RoleError
from fairdash.subgroups._encode import describe, encode_columns, rule_text
from fairdash.subgroups._lattice import search_lattice

__all__ = ["top_slices"]


def top_slices(frame: pd.DataFrame, errors, *, columns=None, k: int = 10, max_depth: int = 3,
               min_support: float = 0.01, score: str = "sliceline", alpha: float = 0.95,
               n_bins: int = 5, drop_dominated: bool = False, progress=None) -> pd.DataFrame:
    """The k slices of ``frame`` with the highest score for a per-row error.

    Parameters
    ----------
    frame : DataFrame
    errors : array-like, shape (n,)
        Per-row error: 0/1 (a mistake, a positive decision, ...) or any non-negative number.
    columns : sequence of str, optional
        Default: every column of ``frame``.
    k : int, default 10
        Slices returned (more when several tie with the k-th, as SliceLine does).
    max_depth : int, default 3
    min_support : float or int, default 0.01
        Smallest slice: a share of the rows when below 1 (``int(share * n)`` rows, SliceLine's
        rounding), else a number of rows.
    score : {"sliceline", "fairdash"}, default "sliceline"
        ``"sliceline"``: ``sc = alpha (e_S / |S| / e_mean - 1) - (1 - alpha) (n / |S| - 1)``
        (Sagadeeva & Boehm, SIGMOD 2021), only slices with ``sc > 0``. ``"fairdash"``: the
        pooled two-sample z statistic of the slice's mean error against the rest's,
        ``(e_S - |S| e_mean) sqrt(n) / sqrt(v |S| (n - |S|))`` with ``v`` the variance of the
        per-row error.
    alpha : float, default 0.95
        SliceLine's weight of the error term against the size term (SystemDS's builtin
        defaults to 0.5 and the ``sliceline`` package to 0.6; at those values on Adult no
        slice of 1 % support scores above 0, so FairDash weighs the error more).
    n_bins : int, default 5
        Quantile bins per numeric column (columns with at most ``n_bins`` values by value).
    drop_dominated : bool, default False
        Keep only slices scoring above all the slices they refine.
    progress : callable ``(fraction, text)``, optional

    Returns
    -------
    DataFrame
        ``rule``, ``words``, ``conditions``, ``depth``, ``n``, ``errors`` (sum), ``rate``
        (mean error) and ``score``, best first.

    Notes
    -----
    Slices are enumerated level by level; a slice of level L is counted only when its L
    parents have at least ``min_support`` rows and an upper bound of their sub-slices' score
    above the current k-th best (docs/methods.md §8.2). All slices over one set of columns are
    counted in one ``np.bincount`` pass.
    """
    e = np.asarray(errors, dtype=np.float64)
    frame = frame.reset_index(drop=True)
    if e.shape != (len(frame),):
        raise RoleError(f"Expected one error per row ({len(frame):,}); got {e.shape[0]:,}.")
    if score not in ("sliceline", "fairdash"):
        raise RoleError(f"Unknown score '{score}'; choose 'fairdash' or 'sliceline'.")
    if not 0 < alpha <= 1:
        raise RoleError(f"SliceLine's alpha must lie in (0, 1]; got {alpha}.")
    n = len(e)
    min_count = int(min_support * n) if min_support < 1 else int(min_support)
    min_count = max(min_count, 1)
    columns = list(frame.columns) if columns is None else list(columns)
    coded = encode_columns(frame, columns, n_bins=n_bins, min_count=min_count)
    binary = bool(np.isin(e, (0.0, 1.0)).all())
    if binary:
        ei = e.astype(np.int64)

        def count(cell, n_cells):
            flat = np.bincount(cell * 2 + ei, minlength=2 * n_cells).reshape(n_cells, 2)
            return flat.sum(1).astype(np.float64), flat[:, 1].astype(np.float64)
    else:
        def count(cell, n_cells):
            return (np.bincount(cell, minlength=n_cells).astype(np.float64),
                    np.bincount(cell, weights=e, minlength=n_cells))
    found = search_lattice([c.codes for c in coded], [c.cardinality for c in coded],
                           [c.usable for c in coded], count, n=float(n), mean=float(e.mean()),
                           var=float(e.var()), max_error=float(e.max()) if n else 1.0,
                           min_count=min_count, max_depth=max_depth, k=k, kind=score,
                           alpha=alpha, dominance=drop_dominated,
                           need_errors=score == "sliceline", progress=progress)
    rows = []
    for s in found.slices:
        conds = [c for col, code in zip(s.columns, s.codes) for c in coded[col].levels[code]]
        rows.append({"rule": rule_text(conds), "words": describe(conds),
                     "conditions": [c.to_dict() for c in conds], "depth": len(s.columns),
                     "n": int(s.size), "errors": s.errors,
                     "rate": s.errors / s.size if s.size else math.nan, "score": s.score})
    return pd.DataFrame(rows, columns=["rule", "words", "conditions", "depth", "n", "errors",
                                       "rate", "score"])
