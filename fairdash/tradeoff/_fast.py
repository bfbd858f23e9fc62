"""Post-processing fronts without refitting: one fit, then every strength from sorted scores.

Group thresholds (ALGORITHMS.md 4): the ROC hulls of the calibration rows are built once, each
strength solves one small LP (:meth:`GroupThresholdOptimizer.at_strengths`), and the expected
confusion counts of the three-level rule on the test rows come from binary searches in each
group's sorted test scores (split by label): each strength's rule is a step function with three
cuts per group (its two thresholds and the base model's threshold), so O(K log n) per point,
no pass over rows, all strengths searched at once.

Barycenter (ALGORITHMS.md 2): the quantile maps do not depend on the strength, and the output
at share ``t`` of the original score is ``t * s + (1 - t) * fair(s)``; the fully repaired
scores are computed once and each strength is one blend and one ``bincount``.

Both give exactly what :func:`fairdash.mitigation.mitigate` followed by an audit of the test
rows gives at each strength (the tests check this).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError
from fairdash.mitigation import get_method
from fairdash.mitigation._apply import _group_values, _with_random_state
from fairdash.mitigation.postprocessing._rules import selected
from fairdash.tradeoff._points import (EvalRows, SweepPoint, point_from_decisions,
                                      point_from_predictions)

__all__ = ["FAST_METHODS", "fast_points"]

#: registry names whose whole front is computed from one fit
FAST_METHODS = ("thresholds_dp", "thresholds_eop", "thresholds_eo", "barycenter")


def fast_points(dataset, method: str, strengths, base_scores, *, threshold: float = 0.5,
                random_state: int = 0, rows: EvalRows | None = None) -> list[SweepPoint]:
    """Points of a post-processing method at every strength from a single fit.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str
        One of :data:`FAST_METHODS`.
    strengths : sequence of float in [0, 1]
    base_scores : ndarray, shape (n,)
        The base model's scores on every row.
    threshold : float, default 0.5
        Threshold of the base model (and of the repaired barycenter scores).
    random_state : int, default 0
    rows : EvalRows, optional
        The dataset's test rows, when already built.

    Returns
    -------
    list of SweepPoint, in the order of ``strengths``
    """
    m = get_method(method)
    if m.name not in FAST_METHODS:
        raise ValueError(f"{m.label} has no single-fit front; use sweep_points.")
    rows = rows or EvalRows.of(dataset)
    base_scores = np.asarray(base_scores, dtype=np.float64)
    cal = dataset.rows("calibration")
    est = _with_random_state(m, 1.0, random_state)
    if "threshold" in est.get_params():
        est.set_params(threshold=float(threshold))
    base_test = (base_scores[rows.mask] >= threshold).astype(np.float64)
    if m.inputs == "scores_labels":
        est.fit(base_scores[cal], dataset.y[cal], sensitive_features=_group_values(dataset, cal))
        return _threshold_points(est, strengths, base_scores[rows.mask], base_test, rows,
                                 m.name)
    est.fit(base_scores[cal], sensitive_features=_group_values(dataset, cal))
    fair = est.transform(base_scores, sensitive_features=_group_values(dataset))[rows.mask]
    raw = base_scores[rows.mask]
    out = []
    for s in strengths:
        t = 1.0 - float(s)
        blended = fair if t == 0 else t * raw + (1 - t) * fair
        if rows.task == "regression":
            out.append(point_from_predictions(rows, m.name, s, blended, raw))
            continue
        decisions = (np.clip(blended, 0.0, 1.0) >= threshold).astype(np.float64)
        out.append(point_from_decisions(rows, m.name, s, decisions, base_test))
    return out


def _threshold_points(est, strengths, scores, base_test, rows, name):
    """Expected test counts of every strength's step rule, from sorted scores."""
    where = pd.Index(est.groups_).get_indexer(pd.Index(rows.labels))
    present = np.bincount(rows.codes, minlength=rows.k) > 0
    unseen = [lab for lab, w, p in zip(rows.labels, where, present) if w < 0 and p]
    if unseen:
        raise DataError(f"Group '{unseen[0]}' has test rows but no calibration rows, so no "
                        "threshold was fitted for it.")
    rules = [twin.rule_ for twin in est.at_strengths(strengths)]
    cuts = np.stack([r.cuts for r in rules])                 # (S, K_fit, m)
    levels = np.stack([r.levels for r in rules])             # (S, K_fit, m + 1)
    n_s = len(rules)
    counts = np.zeros((n_s, rows.k, 4))
    changed = np.zeros((n_s, rows.k))
    negative = np.zeros((n_s, rows.k))
    for g in range(rows.k):
        a = where[g]
        if a < 0:
            continue
        c, lv = cuts[:, a, :], levels[:, a, :]
        in_g = rows.codes == g

        def sel(mask, c=c, lv=lv):
            part = np.sort(scores[mask])
            return len(part), selected(part, c, lv)

        for lab in (0, 1):
            n_lab, chosen = sel(in_g & (rows.y == lab))
            counts[:, g, 2 * lab + 1] = chosen               # fp or tp
            counts[:, g, 2 * lab] = n_lab - chosen           # tn or fn
        # changed: accepted among the base model's rejections, rejected among its acceptances
        _, sel0 = sel(in_g & (base_test == 0))
        n1, sel1 = sel(in_g & (base_test == 1))
        changed[:, g] = sel0 + (n1 - sel1)
        # a negative flip: a rejected positive the base accepted, an accepted negative it
        # rejected (rows the base model got right, by label)
        _, neg0 = sel(in_g & (rows.y == 0) & (base_test == 0))
        n_right, sel_right = sel(in_g & (rows.y == 1) & (base_test == 1))
        negative[:, g] = neg0 + (n_right - sel_right)
    return [SweepPoint(name, float(s), counts[i], changed[i], negative=negative[i])
            for i, s in enumerate(strengths)]
