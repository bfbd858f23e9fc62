"""Group thresholds for a table in an engine: fitted from its counts, or on drawn rows.

A :class:`~fairdash.mitigation.postprocessing.GroupThresholdOptimizer` builds each group's ROC
hull from (score, label) pairs per group (docs/methods.md §4.3), and the cells of counts per
group x label x score are exactly such pairs with a weight: :func:`fit_on_counts` fits on the
cells with ``sample_weight`` and gives the rule the rows themselves would give (with exact
cells; binned cells fit on each bin's smallest score). :func:`threshold_points` measures a whole
front of strengths from one such fit. :func:`fit_on_sample` instead fits on up to ``n_rows``
rows the engine draws at random (:func:`sample_rows`). The rule's decisions on every row are
measured from the counts (:func:`rule_counts`) and applied in the engine
(:func:`rule_expression`).
"""

from __future__ import annotations

import numpy as np

from fairdash.engines._rule import rule_proba
from fairdash.engines._source import sample_rows
from fairdash.metrics import encode_groups

__all__ = ["FIT_ROWS", "fit_on_counts", "fit_on_sample", "threshold_points"]

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


def fit_on_counts(estimator, counts):
    """Fit ``estimator`` on the cells of ``counts``, each weighted by its rows.

    Parameters
    ----------
    estimator : GroupThresholdOptimizer
        Unfitted.
    counts : ScoreCounts
        Cells per group x label x score; with exact cells (``resolution`` None) the fit equals
        the fit on every row of the table.

    Returns
    -------
    GroupThresholdOptimizer
        ``estimator``, fitted.
    """
    groups = counts.labels.to_numpy(dtype=object)[counts.codes]
    return estimator.fit(counts.scores, counts.y, sensitive_features=groups,
                         sample_weight=counts.weights)


def threshold_points(counts, method: str, strengths, *, threshold: float | None = None):
    """A group-threshold method's front over ``strengths``, measured on every row's counts.

    Parameters
    ----------
    counts : ScoreCounts
    method : str
        A registry name of a group-threshold method (``uses_threshold``).
    strengths : sequence of float in [0, 1]
    threshold : float, optional
        The base rule's threshold; default ``counts.threshold``.

    Returns
    -------
    list of fairdash.tradeoff.SweepPoint
        The base model's point (method ``"baseline"``, strength 0) and one point per strength,
        with expected counts, changed decisions and negative flips per group; pass them to
        :func:`fairdash.tradeoff.measure` with ``counts.labels``.
    """
    from fairdash.mitigation import get_method
    from fairdash.tradeoff._points import BASELINE, EvalRows, point_from_decisions

    thr = counts.threshold if threshold is None else float(threshold)
    fitted = fit_on_counts(get_method(method).make(1.0, threshold=thr), counts)
    cells = EvalRows(np.ones(len(counts.y), dtype=bool), counts.y, counts.codes,
                     [str(g) for g in counts.labels])
    base = (counts.scores >= thr).astype(np.float64)
    return [point_from_decisions(cells, BASELINE, 0.0, base, base,
                                 sample_weight=counts.weights)] + [
        point_from_decisions(cells, method, twin.strength, rule_proba(twin, counts), base,
                             sample_weight=counts.weights)
        for twin in fitted.at_strengths(strengths)]
