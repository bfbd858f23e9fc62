"""Synthetic audit rows whose every rate differs between groups, shared by the metrics tests."""

import numpy as np


def audit_rows(n=1500, seed=0, groups=("a", "b", "c"), shares=(0.5, 0.3, 0.2),
               base=(0.3, 0.5, 0.6), tpr=(0.9, 0.7, 0.5), fpr=(0.1, 0.25, 0.4)):
    """Rows with per-group base rate, TPR and FPR; every rate differs between groups."""
    rng = np.random.default_rng(seed)
    g = rng.choice(len(groups), n, p=shares)
    y = rng.random(n) < np.asarray(base)[g]
    p = np.where(y, rng.random(n) < np.asarray(tpr)[g], rng.random(n) < np.asarray(fpr)[g])
    return y.astype(int), p.astype(int), np.asarray(groups, dtype=object)[g]
