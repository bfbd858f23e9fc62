"""A synthetic population with known, tunable disparities, for tests and teaching."""

from __future__ import annotations

import numpy as np
import pandas as pd


def make_synthetic(n: int = 10_000, *, minority_share: float = 0.3, base_rate: float = 0.4,
                   base_rate_gap: float = 0.2, label_bias: float = 0.0,
                   proxy_strength: float = 0.5, n_groups: int = 2,
                   random_state: int | None = 0) -> pd.DataFrame:
    """Generate a binary-outcome data set whose disparities are set by the arguments.

    Parameters
    ----------
    n : int, default 10000
        Rows.
    minority_share : float in (0, 1), default 0.3
        Share of rows outside the majority group "A" (split evenly over the other groups).
    base_rate : float in (0, 1), default 0.4
        Positive rate of the true outcome in the majority group.
    base_rate_gap : float, default 0.2
        How much lower the true positive rate is in every other group.
    label_bias : float in [0, 1], default 0
        Share of the minority groups' true positives recorded as negative in ``label``
        (historical bias); ``label_unbiased`` keeps the true outcome.
    proxy_strength : float in [0, 1], default 0.5
        Correlation between the feature ``proxy`` and membership of the majority group; at 1
        ``proxy`` reveals the group, at 0 it is noise.
    n_groups : int, default 2
        Groups "A", "B", "C", ...
    random_state : int or None, default 0

    Returns
    -------
    DataFrame
        Columns ``group``, ``x1``, ``x2`` (informative), ``proxy``, ``region`` (categorical
        noise), ``label`` (observed, 0/1) and ``label_unbiased``.

    Notes
    -----
    Given the true outcome, ``x1`` and ``x2`` are Gaussian with means shifted by the outcome, so
    a model can learn it; the group enters only through the base rate, ``proxy`` and the
    label bias, which makes each source of disparity separately switchable.
    """
    rng = np.random.default_rng(random_state)
    names = np.array([chr(ord("A") + i) for i in range(n_groups)])
    minority = rng.random(n) < minority_share
    group = np.where(minority, rng.integers(1, max(n_groups, 2), n), 0)
    group = np.minimum(group, n_groups - 1)
    rates = np.clip(np.where(group == 0, base_rate, base_rate - base_rate_gap), 0.01, 0.99)
    truth = (rng.random(n) < rates).astype(np.int64)
    x1 = rng.normal(1.2 * truth, 1.0)
    x2 = rng.normal(0.8 * truth, 1.0)
    majority = (group == 0).astype(float)
    proxy = proxy_strength * (majority - majority.mean()) / (majority.std() or 1) \
        + np.sqrt(max(1 - proxy_strength**2, 0.0)) * rng.normal(size=n)
    flipped = (group != 0) & (truth == 1) & (rng.random(n) < label_bias)
    label = np.where(flipped, 0, truth)
    region = rng.choice(np.array(["north", "south", "east", "west"]), n)
    return pd.DataFrame({"group": names[group], "x1": x1, "x2": x2, "proxy": proxy,
                         "region": region, "label": label, "label_unbiased": truth})
