"""Group thresholds for a table in an engine: fitted on rows the engine draws.

A :class:`~fairdash.mitigation.postprocessing.GroupThresholdOptimizer` builds each group's ROC
hull from rows (docs/methods.md §4.3), so the engine draws up to ``n_rows`` rows at random
(:func:`sample_rows`) and the rule is fitted on them; its decisions on every row are then
measured from the counts (:func:`rule_counts`) and applied in the engine
(:func:`rule_expression`). With a table of at most ``n_rows`` rows the fit sees every row.
"""

from __future__ import annotations

import numpy as np

from fairdash.engines._source import sample_rows
from fairdash.metrics import encode_groups

__all__ = ["FIT_ROWS", "fit_on_sample"]

#: Most rows the engine draws to fit group thresholds on.
FIT_ROWS = 500_000


def fit_on_sample(estimator, table, counts, *, n_rows: int = FIT_ROWS, seed: int = 0):
    """Fit ``estimator`` on up to ``n_rows`` rows of ``table`` drawn by the engine.

    Parameters
    ----------
    estimator : GroupThresholdOptimizer
        Unfitted (for example ``get_method("thresholds_dp").make(1.0, threshold=0.5)``).
    table : ibis.expr.types.Table
        The table ``counts`` was counted from.
    counts : ScoreCounts
        Gives the target, positive label, sensitive and score columns, and a rescaling of the
        scores to repeat on the sample.
    n_rows : int, default FIT_ROWS
    seed : int, default 0

    Returns
    -------
    (estimator, int)
        The fitted estimator and the number of rows it was fitted on.
    """
    sensitive = list(counts.group_values.columns)
    rows = sample_rows(table, n_rows, seed=seed, columns=[counts.target, *sensitive,
                                                           counts.score])
    codes, labels = encode_groups(rows[sensitive])
    y = (rows[counts.target].astype(str) == counts.positive_label).to_numpy()
    scores = rows[counts.score].to_numpy(dtype=np.float64)
    if counts.rescaled is not None:  # the same min-max map the counts used
        lo, hi = counts.rescaled
        scores = (scores - lo) / (hi - lo) if hi > lo else np.zeros_like(scores)
    estimator.fit(scores, y, sensitive_features=labels.to_numpy()[codes])
    return estimator, len(rows)
