"""Negative flips, per group: what a model update breaks for whom (docs/methods.md §7.1, §7.4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.metrics import DEFAULT_MIN_GROUP_SIZE, encode_groups, wilson_interval

__all__ = ["FLIP_RATES", "FlipReport", "flip_report"]

#: rate name -> (label, numerator cell, denominator cell) of the per-row expected quantities
FLIP_RATES = {
    "nfr": ("Negative flip rate (old right, new wrong)", "negative", "n"),
    "pfr": ("Positive flip rate (old wrong, new right)", "positive", "n"),
    "conditional_nfr": ("Conditional NFR (new wrong among those the old model got right)",
                        "negative", "old_correct"),
    "churn": ("Churn (decision changed)", "changed", "n"),
    "churn_down": ("Moved from accepted to rejected", "down", "n"),
    "churn_up": ("Moved from rejected to accepted", "up", "n"),
    "accuracy_old": ("Accuracy of the old model", "old_correct", "n"),
    "accuracy_new": ("Accuracy of the new model", "new_correct", "n"),
}

_CELLS = ("n", "old_correct", "new_correct", "negative", "positive", "changed", "down", "up")


@dataclass(frozen=True)
class FlipReport:
    """Flips between two models' decisions on the same labelled rows.

    Attributes
    ----------
    groups : DataFrame
        One row per group (index ``group``): ``n``, each rate of :data:`FLIP_RATES` with
        ``<rate>_low`` / ``<rate>_high`` Wilson bounds, ``nfr_relative`` and ``small``.
    overall : Series
        The same on all rows.
    flips : DataFrame
        The rows whose decision changed (expected probability of a change > 0): ``row``
        (position, or the given index), ``group``, ``y``, ``old``, ``new``, ``kind``
        (``"negative flip"`` or ``"positive flip"``) and ``probability`` (1 for deterministic
        decisions).
    nfr_gap : float
        Largest minus smallest NFR over the groups with at least ``min_group_size`` rows.
    min_group_size : int
    confidence : float
    """

    groups: pd.DataFrame
    overall: pd.Series
    flips: pd.DataFrame
    nfr_gap: float
    min_group_size: int
    confidence: float

    def to_dict(self) -> dict:
        """JSON-safe dict (NaN becomes None)."""
        def clean(v):
            if isinstance(v, (bool, np.bool_)):
                return bool(v)
            try:
                f = float(v)
            except (TypeError, ValueError):
                return str(v)
            return None if np.isnan(f) else f

        groups = [{"group": str(g), **{k: clean(v) for k, v in row.items()}}
                  for g, row in zip(self.groups.index, self.groups.to_dict("records"))]
        return {"overall": {k: clean(v) for k, v in self.overall.items()}, "groups": groups,
                "nfr_gap": clean(self.nfr_gap), "flipped_rows": int(len(self.flips)),
                "min_group_size": self.min_group_size, "confidence": self.confidence}


def _decisions(values, name: str, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if len(arr) != n:
        raise ValueError(f"'{name}' has {len(arr)} values for {n} rows.")
    if np.isnan(arr).any() or (arr < 0).any() or (arr > 1).any():
        raise ValueError(f"'{name}' must hold decisions 0/1 or decision probabilities in "
                         "[0, 1].")
    return arr


def flip_report(y_true, old, new, *, sensitive_features=None, index=None,
                min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                confidence: float = 0.95) -> FlipReport:
    """Negative and positive flips, churn and accuracy of two models, overall and per group.

    Parameters
    ----------
    y_true : array-like of {0, 1}, shape (n,)
    old, new : array-like, shape (n,)
        Decisions (0/1) of the old and the new model on the same rows, at their thresholds;
        or decision probabilities of randomised models (then every count is an expected
        count, and the two models' randomness is taken as independent).
    sensitive_features : array-like or DataFrame, optional
        Group of each row (several columns = intersectional groups); all rows are one group
        when omitted.
    index : array-like, optional
        Row labels for the table of flipped rows (default: positions).
    min_group_size : int, default 30
        Groups with fewer rows are shown but left out of the NFR gap.
    confidence : float, default 0.95

    Returns
    -------
    FlipReport

    Notes
    -----
    Per row, with ``a`` = P(old right) and ``b`` = P(new right): negative flip ``a (1 - b)``,
    positive flip ``(1 - a) b``, churn down ``old (1 - new)``, up ``(1 - old) new``. So
    ``accuracy_new - accuracy_old = PFR - NFR`` holds exactly, overall and in every group.
    Conditional NFR = NFR / accuracy_old (the share of previously right decisions the update
    broke). Relative NFR = NFR / ((1 - ER_old) ER_new), the NFR relative to two models that err
    independently. Intervals are Wilson intervals of the (expected) counts.
    """
    y = np.asarray(y_true, dtype=np.float64).ravel()
    n = len(y)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("The labels must be 0 and 1 (1 = the positive outcome).")
    o, w = _decisions(old, "old", n), _decisions(new, "new", n)
    if sensitive_features is None:
        codes, labels = np.zeros(n, dtype=np.int64), ["all"]
    else:
        codes, labels = encode_groups(sensitive_features)
    k = len(labels)
    a = y * o + (1 - y) * (1 - o)            # P(old right)
    b = y * w + (1 - y) * (1 - w)            # P(new right)
    per_row = {"n": np.ones(n), "old_correct": a, "new_correct": b, "negative": a * (1 - b),
               "positive": (1 - a) * b, "changed": o * (1 - w) + (1 - o) * w,
               "down": o * (1 - w), "up": (1 - o) * w}
    cells = {c: np.bincount(codes, weights=v, minlength=k) for c, v in per_row.items()}
    groups = _table(cells, confidence, pd.Index([str(g) for g in labels], name="group"))
    groups["small"] = groups["n"] < min_group_size
    overall = _table({c: np.array([v.sum()]) for c, v in cells.items()}, confidence,
                     pd.Index(["overall"])).iloc[0]
    big = groups.loc[~groups["small"], "nfr"].dropna()
    nfr_gap = float(big.max() - big.min()) if len(big) >= 2 else float("nan")
    changed = per_row["changed"] > 0
    rows = np.asarray(index)[changed] if index is not None else np.flatnonzero(changed)
    flips = pd.DataFrame({
        "row": rows, "group": np.asarray([str(g) for g in labels], dtype=object)[codes[changed]],
        "y": y[changed].astype(np.int64), "old": o[changed], "new": w[changed],
        "kind": np.where(per_row["negative"][changed] >= per_row["positive"][changed],
                         "negative flip", "positive flip"),
        "probability": per_row["changed"][changed]})
    return FlipReport(groups, overall, flips.reset_index(drop=True), nfr_gap, min_group_size,
                      confidence)


def _table(cells: dict, confidence: float, index) -> pd.DataFrame:
    n = cells["n"]
    columns = {"n": np.rint(n).astype(np.int64)}
    for name, (_, num, den) in FLIP_RATES.items():
        top, bottom = cells[num], cells[den]
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[name] = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)
        columns[f"{name}_low"], columns[f"{name}_high"] = wilson_interval(top, bottom,
                                                                          confidence)
    err_old, err_new = 1 - columns["accuracy_old"], 1 - columns["accuracy_new"]
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = (1 - err_old) * err_new
        columns["nfr_relative"] = np.where(denom > 0, columns["nfr"] / np.where(denom > 0, denom,
                                                                                 1), np.nan)
    return pd.DataFrame(columns, index=index)
