"""Input checks shared by the post-processors: scores, labels, groups and strength."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError, RoleError
from fairdash.metrics import encode_groups


def check_scores(scores, name: str = "scores") -> np.ndarray:
    """Scores as a finite 1-D float array; ``(n, 1)`` is accepted and flattened."""
    arr = np.asarray(scores, dtype=np.float64) if not isinstance(scores, np.ndarray) \
        or scores.dtype != np.float64 else scores
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError(f"The {name} must be one score per row (shape (n,) or (n, 1)); got an "
                        f"array of shape {arr.shape}. For predict_proba output pass column 1.")
    if arr.size == 0:
        raise DataError(f"The {name} are empty; at least one row is needed.")
    if not np.isfinite(arr).all():
        bad = int((~np.isfinite(arr)).sum())
        raise DataError(f"The {name} contain {bad} missing or infinite values; score every row "
                        "with a finite number first.")
    return arr


def check_binary_labels(y, n: int) -> np.ndarray:
    """Labels as an int8 array of 0/1 of length ``n``."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or len(arr) != n:
        raise DataError(f"The labels must be one value per row ({n} rows); got shape "
                        f"{arr.shape}.")
    if arr.dtype == bool:
        return arr.astype(np.int8)
    try:
        values = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise DataError("The labels must be 0 and 1 (1 = the positive outcome); encode the "
                        "target first.") from None
    ok = (values == 0) | (values == 1)
    if not ok.all():
        odd = np.unique(arr[~ok])[:3]
        raise DataError("The labels must be 0 and 1 (1 = the positive outcome); found "
                        f"{', '.join(map(str, odd))}.")
    return values.astype(np.int8)


def _as_groups(sensitive_features):
    # encode_groups turns a bare ndarray into an object list (slow at 1M rows); a Series of the
    # same values is the same grouping and stays vectorised
    if isinstance(sensitive_features, np.ndarray) and sensitive_features.ndim == 1:
        if sensitive_features.dtype.kind in "US":   # object is faster than pandas' str here
            return pd.Series(sensitive_features, dtype=object)
        return pd.Series(sensitive_features)
    return sensitive_features


def encode_fit_groups(sensitive_features, n: int) -> tuple[np.ndarray, pd.Index]:
    """Group codes ``0..K-1`` and labels of the calibration rows."""
    if sensitive_features is None:
        raise RoleError("Pass sensitive_features (one group value per row): the post-processor "
                        "needs each row's group.")
    codes, labels = encode_groups(_as_groups(sensitive_features))
    if len(codes) != n:
        raise DataError(f"sensitive_features has {len(codes)} rows but the scores have {n}.")
    return codes, labels


def encode_known_groups(sensitive_features, known: pd.Index, n: int) -> np.ndarray:
    """Codes of ``sensitive_features`` in terms of the fitted groups ``known``.

    Raises
    ------
    RoleError
        Naming the first group that was not present when the estimator was fitted.
    """
    codes, labels = encode_fit_groups(sensitive_features, n)
    index = pd.Index(known).get_indexer(labels)
    if (index < 0).any():
        unseen = [str(lab) for lab, i in zip(labels, index) if i < 0]
        raise RoleError(f"Group '{unseen[0]}' was not in the calibration data, so there is no "
                        "fitted rule for it; refit with rows of that group or drop them"
                        + (f" (also unseen: {', '.join(unseen[1:4])})." if len(unseen) > 1
                           else "."))
    return index[codes]


def check_strength(strength) -> float:
    """Strength as a float in [0, 1]."""
    s = float(strength)
    if not 0.0 <= s <= 1.0:
        raise ValueError(f"strength must lie in [0, 1] (0 = no mitigation, 1 = full); got "
                         f"{strength}.")
    return s


def group_bincount(codes: np.ndarray, weights, k: int) -> np.ndarray:
    """Per-group sums (``np.bincount`` with a fixed length)."""
    return np.bincount(codes, weights=weights, minlength=k)[:k]
