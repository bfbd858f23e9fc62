"""Lesson 2, you cannot have them all: calibration, base rates and equal error rates.

docs/methods.md §12.2. Each group is a calibrated score on 20 bins: a person in bin ``s``
is truly positive with probability ``s`` exactly, so the expected counts below are exact
fractions, not a sample. For any confusion matrix (Chouldechova 2017)::

    FPR = p / (1 - p) * (1 - PPV) / PPV * (1 - FNR)

and for any calibrated score (Kleinberg, Mullainathan & Raghavan 2016), with ``x`` the mean
score of the negatives and ``y`` that of the positives::

    x = p / (1 - p) * (1 - y)

so two groups with different base rates ``p`` cannot have equal FPR, FNR and PPV (or equal
``x`` and ``y``) unless the prediction is perfect.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from fairdash.learn._common import TaskCheck, counts_table, gap, points, rates_table

#: score bins: centres 0.025, 0.075, ..., 0.975
BINS = (np.arange(20) + 0.5) / 20
#: people per group (expected counts are fractions of it)
GROUP_SIZE = 1000.0
#: the threshold slider's positions, 0.05 to 0.95
THRESHOLDS = np.round(np.arange(1, 20) * 0.05, 2)
#: the base-rate sliders' positions, 0.10 to 0.90
BASE_RATES = np.round(np.arange(2, 19) * 0.05, 2)
#: the task is done when both error-rate gaps are below this ...
TASK_BOUND = 0.01
#: ... while each group's selection rate stays within these bounds (no "select nobody")
TASK_SELECTION = (0.1, 0.9)


@lru_cache(maxsize=256)
def calibrated_group(base_rate: float) -> np.ndarray:
    """People per score bin of a calibrated group whose base rate is exactly ``base_rate``.

    The weights are the uniform distribution over :data:`BINS` tilted by ``exp(theta * s)``,
    with ``theta`` solved so that ``sum(w s) / sum(w) = base_rate``.

    Parameters
    ----------
    base_rate : float in (0.025, 0.975)

    Returns
    -------
    ndarray of shape (20,)
        People in each bin, summing to :data:`GROUP_SIZE` (read-only, cached).
    """
    def mean(theta):
        w = np.exp(theta * (BINS - 0.5))
        return float((w * BINS).sum() / w.sum()) - base_rate

    theta = 0.0 if abs(mean(0.0)) < 1e-15 else brentq(mean, -200.0, 200.0, xtol=1e-14,
                                                       rtol=1e-15)
    w = np.exp(theta * (BINS - 0.5))
    out = GROUP_SIZE * w / w.sum()
    out.flags.writeable = False  # cached and shared: read-only
    return out


def group_counts(base_rate: float, threshold: float) -> np.ndarray:
    """Expected ``tn, fp, fn, tp`` of one calibrated group decided by ``score >= threshold``.

    Parameters
    ----------
    base_rate : float
    threshold : float

    Returns
    -------
    ndarray of shape (4,)
    """
    people = calibrated_group(base_rate)
    pos, neg = people * BINS, people * (1 - BINS)
    chosen = BINS >= threshold
    return np.array([neg[~chosen].sum(), neg[chosen].sum(), pos[~chosen].sum(),
                     pos[chosen].sum()])


@dataclass(frozen=True)
class Impossibility:
    """Lesson 2 at two base rates and one threshold.

    Attributes
    ----------
    base_rates : tuple of float
        Base rate of A and of B.
    threshold : float
    counts : DataFrame
        Expected ``n, tn, fp, fn, tp`` per group.
    rates : DataFrame
        ``n`` and the lesson rates per group.
    identity : DataFrame
        Per group: ``p``, ``ppv``, ``fnr``, ``fpr`` and ``fpr_identity``, the right-hand side
        of Chouldechova's identity (NaN when no one is selected).
    balance : DataFrame
        Per group: ``mean_score_negatives`` (x), ``mean_score_positives`` (y) and
        ``x_identity`` = p / (1 - p) (1 - y).
    fpr_gap, fnr_gap, ppv_gap : float
        Largest minus smallest across the groups.
    """

    base_rates: tuple
    threshold: float
    counts: pd.DataFrame
    rates: pd.DataFrame
    identity: pd.DataFrame
    balance: pd.DataFrame
    fpr_gap: float
    fnr_gap: float
    ppv_gap: float


def impossibility(base_a: float, base_b: float, threshold: float) -> Impossibility:
    """Rates, Chouldechova's identity and Kleinberg's balance of two calibrated groups.

    Parameters
    ----------
    base_a, base_b : float
        Base rates of groups A and B.
    threshold : float
        Both groups are decided by ``score >= threshold`` (the score is calibrated in both).

    Returns
    -------
    Impossibility
    """
    groups = ["A", "B"]
    counts = np.vstack([group_counts(p, threshold) for p in (base_a, base_b)])
    rates = rates_table(counts, groups)
    p = rates["base_rate"].to_numpy()
    ppv, fnr = rates["ppv"].to_numpy(), rates["fnr"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rhs = p / (1 - p) * (1 - ppv) / ppv * (1 - fnr)
    identity = pd.DataFrame({"p": p, "ppv": ppv, "fnr": fnr, "fpr": rates["fpr"].to_numpy(),
                             "fpr_identity": rhs}, index=rates.index)
    x, y = [], []
    for q in (base_a, base_b):
        people = calibrated_group(q)
        x.append((people * (1 - BINS) * BINS).sum() / (people * (1 - BINS)).sum())
        y.append((people * BINS * BINS).sum() / (people * BINS).sum())
    x, y = np.array(x), np.array(y)
    balance = pd.DataFrame({"mean_score_negatives": x, "mean_score_positives": y,
                            "x_identity": p / (1 - p) * (1 - y)}, index=rates.index)
    return Impossibility((float(base_a), float(base_b)), float(threshold),
                         counts_table(counts, groups), rates, identity, balance,
                         gap(rates["fpr"]), gap(rates["fnr"]), gap(rates["ppv"]))


def identity_line(result: Impossibility, group: str) -> str:
    """Chouldechova's identity for ``group`` with the current numbers, as plain text.

    Parameters
    ----------
    result : Impossibility
    group : str
        "A" or "B".

    Returns
    -------
    str
    """
    row = result.identity.loc[group]
    p = row["p"]
    if row["ppv"] != row["ppv"]:
        return (f"Group {group}: nobody is selected, so PPV is undefined; FPR = "
                f"{row['fpr']:.3f} and FNR = {row['fnr']:.3f}.")
    return (f"Group {group}: FPR = p/(1−p) · (1−PPV)/PPV · (1−FNR) = {p:.3f}/{1 - p:.3f} · "
            f"{1 - row['ppv']:.3f}/{row['ppv']:.3f} · {1 - row['fnr']:.3f} = "
            f"{row['fpr_identity']:.4f} (measured FPR {row['fpr']:.4f})")


def notice_impossibility(result: Impossibility) -> list[str]:
    """What to notice, with the numbers.

    Parameters
    ----------
    result : Impossibility

    Returns
    -------
    list of str
        Plain sentences (not markdown).
    """
    r = result.rates
    pa, pb = result.base_rates
    out = [(f"Base rates {pa:.0%} (A) and {pb:.0%} (B), both decided at score ≥ "
           f"{result.threshold:.2f} on a score that is calibrated in each group.")]
    out.append(f"False positive rates {r.loc['A', 'fpr']:.1%} and {r.loc['B', 'fpr']:.1%} (gap "
               f"{points(result.fpr_gap)}); false negative rates {r.loc['A', 'fnr']:.1%} and "
               f"{r.loc['B', 'fnr']:.1%} (gap {points(result.fnr_gap)}); precision "
               f"{_pct(r.loc['A', 'ppv'])} and {_pct(r.loc['B', 'ppv'])} (gap "
               f"{points(result.ppv_gap)}).")
    if np.isclose(pa, pb, rtol=0, atol=1e-12):
        out.append("The base rates are equal, so the two groups are the same population and "
                   "every gap is zero at any threshold.")
    else:
        b = result.balance
        out.append("The base rates differ, so the identity forces a gap: with equal precision "
                   "and equal FNR, the FPRs would have to differ by the factor "
                   f"p/(1−p), {pa / (1 - pa):.3f} against {pb / (1 - pb):.3f}. The same holds "
                   "for the mean scores: the negatives of A average "
                   f"{b.loc['A', 'mean_score_negatives']:.3f} and those of B "
                   f"{b.loc['B', 'mean_score_negatives']:.3f}.")
    return out


def check_impossibility_task(result: Impossibility) -> TaskCheck:
    """Task: bring the FPR gap and the FNR gap both under one percentage point while selecting
    between 10% and 90% of each group.

    Parameters
    ----------
    result : Impossibility

    Returns
    -------
    TaskCheck
    """
    low, high = TASK_SELECTION
    selection = result.rates["selection_rate"]
    if not ((selection >= low) & (selection <= high)).all():
        return TaskCheck(False, f"Not yet: selection rates {selection['A']:.1%} (A) and "
                                f"{selection['B']:.1%} (B); keep both between {low:.0%} and "
                                f"{high:.0%}, so that selecting nearly nobody (or nearly "
                                "everybody) does not count.")
    if result.fpr_gap < TASK_BOUND and result.fnr_gap < TASK_BOUND:
        return TaskCheck(True, f"Done: FPR gap {points(result.fpr_gap)} and FNR gap "
                               f"{points(result.fnr_gap)}. Only equal base rates "
                               f"({result.base_rates[0]:.0%} and {result.base_rates[1]:.0%}) "
                               "get there: with a calibrated score, no threshold does it.")
    return TaskCheck(False, f"Not yet: FPR gap {points(result.fpr_gap)}, FNR gap "
                            f"{points(result.fnr_gap)}; both must be under 1 percentage point.")


def _pct(v: float) -> str:
    return "undefined (no one selected)" if np.isnan(v) else f"{v:.1%}"
