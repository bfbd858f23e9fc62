"""Scored tables for the engine tests: the bundled samples with a logistic model's scores, and
a synthetic decision log; the pandas audit of the same (all) rows to compare with."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from fairdash.data import build_dataset, load_sample, sample_roles
from fairdash.metrics import ScoreIndex, audit, encode_groups

#: Thresholds the counts are compared at (the audit threshold and others, ends included).
THRESHOLDS = (0.0, 0.1, 0.25, 0.3333, 0.5, 0.6, 0.75, 0.9, 1.0)


@functools.cache
def scored_sample(name: str) -> tuple[pd.DataFrame, str, tuple, str]:
    """A sample with a ``score`` column (logreg trained on its train split) and a 0/1
    ``label`` column; returns (frame, target, sensitive, positive label)."""
    from fairdash.models import fit_builtin, score_dataset

    roles = sample_roles(name)
    ds = build_dataset(load_sample(name), roles)
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    frame = ds.frame[[roles.target, *roles.sensitive]].copy()
    frame["score"] = scores
    return frame, roles.target, tuple(roles.sensitive), str(roles.positive_label)


def decision_log(n: int, n_groups: int = 8, seed: int = 0) -> pd.DataFrame:
    """``n`` rows of (group, region, label, score): scores on a 1e-6 grid, so ties occur."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n_groups, n)
    label = (rng.random(n) < 0.3 + 0.05 * (group % 4)).astype(np.int64)
    score = np.clip(rng.normal(0.35 + 0.3 * label + 0.02 * group, 0.2), 0, 1).round(6)
    return pd.DataFrame({"group": np.array([f"g{i}" for i in range(n_groups)])[group],
                         "region": rng.choice(["north", "south"], n), "label": label,
                         "score": score})


def pandas_reference(frame: pd.DataFrame, target: str, sensitive, positive: str, **kw):
    """(AuditResult, ScoreIndex) of the pandas path on every row of ``frame``."""
    y = (frame[target].astype(str) == positive).to_numpy().astype(np.int64)
    codes, labels = encode_groups(frame[list(sensitive)])
    result = audit(y, y_score=frame["score"].to_numpy(), sensitive_features=frame[list(sensitive)],
                   **kw)
    return result, ScoreIndex(y, frame["score"].to_numpy(), codes, len(labels))


def assert_same_as_pandas(counts, frame, target, sensitive, positive, **kw) -> None:
    """Counts at every threshold of :data:`THRESHOLDS`, AUC and the whole audit are equal."""
    ref, index = pandas_reference(frame, target, sensitive, positive, threshold=counts.threshold,
                                  **kw)
    assert list(counts.labels) == list(ref.groups.index)
    mine = counts.index()
    assert np.array_equal(mine.counts_at(np.array(THRESHOLDS)),
                          index.counts_at(np.array(THRESHOLDS)))
    assert np.array_equal(mine.auc(), index.auc(), equal_nan=True)
    assert counts.audit(**kw).to_dict() == ref.to_dict()
