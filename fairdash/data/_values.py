"""The numbers a Dataset computes with: finite, and small enough to square.

One check serves every numeric column an audit or a model uses (features, a continuous target,
a score or prediction column) and the score arrays the post-processing methods are given
(``fairdash.mitigation``), so the rule and its wording live here once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError

__all__ = ["MAX_ABS_VALUE", "BadValues", "bad_values", "check_feature_values"]

#: Largest magnitude accepted in a numeric feature, a continuous target or a score/prediction
#: column. Models and metrics square these numbers and sum the squares (variances when scaling,
#: squared errors in RMSE, Wasserstein-2 distances): (1e150)^2 = 1e300, and even the sum of
#: 5 million (``MAX_ROWS``) such squares, 5e306, stays below the largest float64 (1.8e308),
#: whereas 1e308 overflows at the first square. No measured quantity comes near 1e150.
MAX_ABS_VALUE = 1e150


@dataclass(frozen=True)
class BadValues:
    """What :func:`bad_values` found: counts and one example, worded by ``str()``.

    Attributes
    ----------
    nonfinite : int
        Infinite values, plus NaN when missing values count as bad.
    large : int
        Finite values beyond ``±bound``.
    example : float
        The first bad value.
    missing_counted : bool
        Whether NaN counted (the words then say "missing or infinite").
    bound : float or None
    """

    nonfinite: int
    large: int
    example: float
    missing_counted: bool
    bound: float | None

    @property
    def count(self) -> int:
        """Bad values in all."""
        return self.nonfinite + self.large

    def __str__(self) -> str:
        parts = []
        if self.nonfinite:
            kind = "missing or infinite" if self.missing_counted else "infinite"
            parts.append(f"{self.nonfinite:,} {kind} values")
        if self.large:
            parts.append(f"{self.large:,} values beyond ±{self.bound:.0e}, too large to square "
                         "without overflow")
        return f"{' and '.join(parts)} (such as {self.example:g})"


def bad_values(values, *, missing_ok: bool = False,
               bound: float | None = MAX_ABS_VALUE) -> BadValues | None:
    """Infinite values (and NaN unless ``missing_ok``) and values beyond ``±bound``.

    Parameters
    ----------
    values : array-like of float
        One value per row; any shape (it is flattened).
    missing_ok : bool, default False
        True where NaN means "missing" and is handled later (a feature is imputed).
    bound : float or None, default MAX_ABS_VALUE
        Largest magnitude accepted; None accepts every finite value.

    Returns
    -------
    BadValues or None
        None when every value is acceptable.
    """
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    nonfinite = np.isinf(v) if missing_ok else ~np.isfinite(v)
    with np.errstate(invalid="ignore"):
        large = (np.abs(v) > bound) & ~nonfinite if bound is not None else np.zeros_like(nonfinite)
    bad = nonfinite | large
    if not bad.any():
        return None
    return BadValues(int(nonfinite.sum()), int(large.sum()), float(v[bad.argmax()]),
                     not missing_ok, bound)


def check_feature_values(frame: pd.DataFrame, features) -> None:
    """Refuse infinite or overflowing numbers in the numeric feature columns.

    Parameters
    ----------
    frame : pandas.DataFrame
    features : sequence of str
        The columns used as features; other columns are not looked at.

    Raises
    ------
    fairdash.exceptions.DataError
        Naming the first such column, how many rows and an example value. Missing values
        (NaN, empty cells) are accepted: the models impute or handle them.

    Notes
    -----
    Only floating-point columns can hold such values: an integer column's largest magnitude is
    below 2^64 ≈ 1.8e19, and booleans and text are encoded as categories.
    """
    for name in features:
        column = frame[name]
        if not pd.api.types.is_float_dtype(column.dtype):  # numpy and pandas' nullable floats
            continue
        found = bad_values(column.to_numpy(dtype=np.float64, na_value=np.nan), missing_ok=True)
        if found:
            raise DataError(f"Feature column '{name}' has {found}; replace them with empty cells, "
                            "which are treated as missing, drop those rows, or leave the column "
                            "out of the features.")
