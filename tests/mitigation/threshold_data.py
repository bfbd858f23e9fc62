"""Data and helpers shared by the GroupThresholdOptimizer tests (docs/methods.md §4.10)."""

from __future__ import annotations

import warnings

import numpy as np

from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

CONSTRAINTS = ["equal_opportunity", "equalized_odds", "demographic_parity"]


def binary_block(n, base, tpr, fpr):
    """A group whose score is a binary prediction with the given TPR and FPR (exact counts)."""
    n_pos = int(n * base)
    n_neg = n - n_pos
    tp, fp = round(tpr * n_pos), round(fpr * n_neg)
    y = np.r_[np.ones(n_pos), np.zeros(n_neg)].astype(int)
    s = np.r_[np.ones(tp), np.zeros(n_pos - tp), np.ones(fp), np.zeros(n_neg - fp)]
    return s, y


def hand_data():
    """§4.10.1: 2 x 2000 rows, base rate .5; a: (FPR .3, TPR .9), b: (.1, .6)."""
    sa, ya = binary_block(2000, 0.5, 0.9, 0.3)
    sb, yb = binary_block(2000, 0.5, 0.6, 0.1)
    return np.r_[sa, sb], np.r_[ya, yb], np.array(["a"] * 2000 + ["b"] * 2000)


def scored(n, k=3, seed=0, rounding=None):
    """Calibrated scores with group-dependent base rates and separability."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, k, n)
    shift = np.linspace(-0.8, 0.6, k)[g]
    spread = np.linspace(1.0, 1.8, k)[g]
    logit = shift + spread * rng.normal(size=n)
    s = 1 / (1 + np.exp(-logit))
    y = (rng.random(n) < s).astype(int)
    if rounding is not None:
        s = np.round(s, rounding)
    return s, y, np.array([f"g{i}" for i in range(k)])[g]


def fit(constraint, s, y, g, **kw):
    """A fitted optimizer, its small-group warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return GroupThresholdOptimizer(constraint=constraint, **kw).fit(
            s, y, sensitive_features=g)


def expected_rates(model, s, y, g):
    """Expected (not sampled) FPR, TPR and selection rate per group from decision_proba."""
    p = model.decision_proba(s, sensitive_features=g)
    out = {}
    for lab in np.unique(g):
        m = g == lab
        out[lab] = (p[m & (y == 0)].mean(), p[m & (y == 1)].mean(), p[m].mean())
    return out


def violation(model, s, y, g):
    """Largest gap of the constrained rate(s), measured from decision_proba on (s, y, g)."""
    rates = np.array(list(expected_rates(model, s, y, g).values()))   # fpr, tpr, sel
    cols = {"equalized_odds": [0, 1], "equal_opportunity": [1],
            "demographic_parity": [2]}[model.constraint]
    return max(float(np.ptp(rates[:, j])) for j in cols)


def brute_force_best(s, y):
    """Min error over all single thresholds r >= thr of one group (loop over distinct scores)."""
    best = np.inf
    for thr in np.r_[np.unique(s), np.inf]:
        d = s >= thr
        best = min(best, np.sum(d != y))
    return best
