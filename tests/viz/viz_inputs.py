"""Inputs of the figure builders: synthetic groups with long labels, and real Adult race x sex."""

import dataclasses
import itertools

import numpy as np
import pandas as pd

from fairdash.metrics import ScoreIndex, audit, encode_groups, regression_audit, score_histograms

RACES = ["Amer-Indian-Eskimo", "Asian-Pac-Islander", "Black", "White", "Other",
         "Native Hawaiian or Other Pacific Islander"]
SEXES = ["Female", "Male"]
AGES = ["under 25", "25-44", "45-64", "65 and over"]


def long_labels(k: int) -> list[str]:
    """``k`` distinct intersectional labels, many of them long (up to 60 characters)."""
    labels = [f"{r}, {s}, {a}" for a, s, r in itertools.product(AGES, SEXES, RACES)]
    return labels[:k]


@dataclasses.dataclass
class Inputs:
    """What the audit figures take, for one set of groups."""

    labels: list
    groups: pd.DataFrame
    overall: pd.Series
    roc: pd.DataFrame
    hist: pd.DataFrame
    y: np.ndarray
    scores: np.ndarray
    sensitive: pd.Series


def _inputs(y, scores, sensitive, threshold=0.5) -> Inputs:
    codes, labels = encode_groups(sensitive)
    result = audit(y, y_score=scores, sensitive_features=sensitive, threshold=threshold,
                   n_resamples=20)
    roc = ScoreIndex(y, scores, codes, len(labels)).roc(labels)
    hist = score_histograms(scores, codes, labels)
    return Inputs([str(g) for g in labels], result.groups, result.overall, roc, hist, y, scores,
                  sensitive)


def synthetic(k: int, n: int = 12_000, seed: int = 0, labels=None) -> Inputs:
    """``k`` groups of very different sizes (a few under 30 rows) with different score shifts;
    ``labels`` (``k`` strings) replace the default long labels."""
    rng = np.random.default_rng(seed)
    labels = long_labels(k) if labels is None else list(labels)
    weights = np.geomspace(1, 300, k)[::-1]
    group = rng.choice(k, size=n, p=weights / weights.sum())
    shift = np.linspace(-0.8, 0.8, k)[group]
    y = (rng.random(n) < 1 / (1 + np.exp(-shift))).astype(int)
    scores = 1 / (1 + np.exp(-(1.5 * (y - 0.5) + shift + rng.normal(0, 1, n))))
    return _inputs(y, scores, pd.Series(np.asarray(labels)[group], name="group"))


def adult_race_sex() -> Inputs:
    """Real Adult test rows, logistic-regression scores, groups race x sex (10 groups)."""
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset

    roles = dataclasses.replace(sample_roles("adult"), sensitive=("race", "sex"))
    ds = build_dataset(load_sample("adult"), roles)
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    test = ds.rows("test")
    sensitive = pd.Series(np.asarray(ds.group_labels, dtype=object)[ds.group_codes[test]],
                          name="group")
    return _inputs(ds.y[test], scores[test], sensitive)


def regression_inputs(k: int, seed: int = 0, labels=None):
    """A regression audit and prediction histograms for ``k`` synthetic groups."""
    data = synthetic(k, n=6000, seed=seed, labels=labels)
    rng = np.random.default_rng(seed)
    target = 40 + 10 * data.scores + rng.normal(0, 3, len(data.y))
    predictions = target + rng.normal(0, 2, len(target))
    result = regression_audit(target, predictions, sensitive_features=data.sensitive,
                              n_resamples=20)
    codes, labels = encode_groups(data.sensitive)
    hist = score_histograms(predictions, codes, labels,
                            value_range=(predictions.min(), predictions.max()))
    return result, hist


def sweep_table(methods=None, strengths=11, seed=0) -> pd.DataFrame:
    """A table shaped like :func:`fairdash.tradeoff.measure`'s for the registered methods."""
    from fairdash.mitigation import methods_for
    from fairdash.tradeoff import SWEEP_COLUMNS, pareto_front

    rng = np.random.default_rng(seed)
    methods = methods or methods_for("classification")
    records = [("baseline", "Base model (no mitigation)", "none", 0.0, 0.85, 0.20, 0.0, False)]
    for i, m in enumerate(methods):
        for s in np.linspace(0, 1, strengths):
            gap = 0.20 * (1 - s) + 0.02 * rng.random()
            perf = 0.85 - (0.02 + 0.004 * i) * s ** 2 - 0.003 * rng.random()
            records.append((m.name, m.label, m.stage, s, perf, gap, 100 * s, m.randomised))
    t = pd.DataFrame(records, columns=["method", "label", "stage", "strength", "performance",
                                       "gap", "changed", "randomised"])
    for c in ("performance", "gap"):
        t[f"{c}_low"], t[f"{c}_high"] = t[c] - 0.01, t[c] + 0.01
    t["pareto"] = pareto_front(t["gap"], t["performance"])
    return t[list(SWEEP_COLUMNS)]
