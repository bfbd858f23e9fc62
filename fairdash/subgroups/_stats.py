"""Tests, intervals and multiple-testing control for slices and bounty submissions
(docs/methods.md §8.4, §8.3)."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from scipy import stats

from fairdash.metrics import wilson_interval

__all__ = ["bh_qvalues", "mean_effect", "paired_improvement", "proportion_effect"]

#: Below this expected count in any cell of the 2 x 2 table the exact test replaces the z-test:
#: the normal tail of a small slice's skewed error count is too thin (anti-conservative). With
#: the textbook 5, null data confirmed a slice in 7 % of 200 runs at FDR 0.05; with 50, in 2.5 %.
EXACT_BELOW = 50.0


def bh_qvalues(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of ``m`` tests.

    ``q_(i) = min_{j >= i} min(1, m p_(j) / j)`` over the p-values sorted increasingly;
    rejecting every test with ``q <= Q`` controls the false discovery rate at ``Q`` for
    independent or positively dependent tests (Benjamini & Hochberg 1995).
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q_sorted, 1.0)
    return out


def proportion_effect(k1, n1, k2, n2, confidence: float = 0.95):
    """Difference of two proportions ``k1/n1 - k2/n2`` with its interval and one-sided p-value.

    Returns
    -------
    effect, low, high, p_value : ndarray
        The interval is Newcombe's hybrid score interval built from the two Wilson intervals;
        the p-value tests H1 ``p1 > p2``: the pooled two-proportion z-test, or Fisher's exact
        test (hypergeometric tail) where an expected cell count is below 50.
    """
    k1, n1, k2, n2 = (np.asarray(a, dtype=np.float64) for a in (k1, n1, k2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n1, k2 / n2
        effect = p1 - p2
        l1, u1 = wilson_interval(k1, n1, confidence)
        l2, u2 = wilson_interval(k2, n2, confidence)
        low = effect - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = effect + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        n, k = n1 + n2, k1 + k2
        pooled = k / n
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = effect / se
        p_z = stats.norm.sf(z)
        p_z = np.where(se > 0, p_z, np.where(effect > 0, 0.0, 1.0))
        expected = np.minimum.reduce([n1 * pooled, n1 * (1 - pooled), n2 * pooled,
                                      n2 * (1 - pooled)])
    exact = expected < EXACT_BELOW
    p = p_z
    if np.any(exact):
        ints = [np.rint(a[exact]).astype(np.int64) for a in (k1, n1, k)]
        p = p_z.copy()
        # P(X >= k1) with X the slice's errors when n1 of the n rows are drawn at random
        p[exact] = stats.hypergeom.sf(ints[0] - 1, np.rint(n[exact]).astype(np.int64),
                                      ints[2], ints[1])
    return effect, low, high, np.clip(p, 0.0, 1.0)


def mean_effect(sum1, sumsq1, n1, sum2, sumsq2, n2, confidence: float = 0.95):
    """Difference of two means (of per-row absolute errors) with a normal (Welch) interval and
    a one-sided p-value for H1 ``mean1 > mean2``."""
    sum1, sumsq1, n1, sum2, sumsq2, n2 = (np.asarray(a, dtype=np.float64)
                                          for a in (sum1, sumsq1, n1, sum2, sumsq2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        m1, m2 = sum1 / n1, sum2 / n2
        v1 = np.maximum(sumsq1 / n1 - m1 ** 2, 0.0) * n1 / np.maximum(n1 - 1, 1)
        v2 = np.maximum(sumsq2 / n2 - m2 ** 2, 0.0) * n2 / np.maximum(n2 - 1, 1)
        effect = m1 - m2
        se = np.sqrt(v1 / n1 + v2 / n2)
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        p = np.where(se > 0, stats.norm.sf(effect / se), np.where(effect > 0, 0.0, 1.0))
    return effect, effect - z * se, effect + z * se, p


def paired_improvement(loss_old, loss_new, binary: bool):
    """One-sided paired test that ``loss_new`` is lower than ``loss_old`` on the same rows.

    Binary losses (0/1 errors): the exact McNemar (sign) test on the discordant rows,
    ``P(B >= b)`` with ``B ~ Binomial(b + c, 1/2)``, b the rows only the new model gets right
    and c those only the old one does. Real losses: the paired t-test of
    ``loss_old - loss_new`` against 0.

    Returns
    -------
    p_value : float
    """
    old = np.asarray(loss_old, dtype=np.float64)
    new = np.asarray(loss_new, dtype=np.float64)
    if binary:
        b = int(np.sum(old > new))
        c = int(np.sum(old < new))
        if b + c == 0:
            return 1.0
        return float(stats.binom.sf(b - 1, b + c, 0.5))
    diff = old - new
    if len(diff) < 2 or np.allclose(diff, diff[0]):
        return 0.0 if len(diff) and diff[0] > 0 else 1.0
    return float(stats.ttest_1samp(diff, 0.0, alternative="greater").pvalue)
