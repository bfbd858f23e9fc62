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


def synthetic(k: int, n: int = 12_000, seed: int = 0) -> Inputs:
    """``k`` groups of very different sizes (a few under 30 rows) with different score shifts."""
    rng = np.random.default_rng(seed)
    labels = long_labels(k)
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


def regression_inputs(k: int, seed: int = 0):
    """A regression audit and prediction histograms for ``k`` synthetic groups."""
    data = synthetic(k, n=6000, seed=seed)
    rng = np.random.default_rng(seed)
    target = 40 + 10 * data.scores + rng.normal(0, 3, len(data.y))
    predictions = target + rng.normal(0, 2, len(target))
    result = regression_audit(target, predictions, sensitive_features=data.sensitive,
                              n_resamples=20)
    codes, labels = encode_groups(data.sensitive)
    hist = score_histograms(predictions, codes, labels,
                            value_range=(predictions.min(), predictions.max()))
    return result, hist
