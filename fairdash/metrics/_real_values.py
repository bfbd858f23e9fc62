"""Checks of real-valued inputs (targets, predictions, scores), sample weights and group codes.

Shared by :func:`~fairdash.metrics.distribution_gaps` and
:func:`~fairdash.metrics.regression_audit`: bad values raise ``DataError`` with a plain message,
mismatched lengths ``ValueError``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError
from fairdash.metrics._groups import encode_groups


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
