"""Post-processing fronts without refitting: one fit, then every strength from sorted scores.

Group thresholds (docs/methods.md §4): the ROC hulls of the calibration rows are built once,
each strength solves one small LP (:meth:`GroupThresholdOptimizer.at_strengths`; none at
strength 0), and the expected confusion counts of each strength's rule on the test rows come
from binary searches in each group's sorted test scores (split by label): the rule is a step
function with three cuts per group (its two thresholds and the base model's threshold), so a
point costs O(K log n), with no pass over the rows, and all strengths are searched at once.

Barycenter (docs/methods.md §2): the quantile maps do not depend on the strength, and the
output at share ``t`` of the original score is ``t * s + (1 - t) * fair(s)``; the fully
repaired scores are computed once and each strength is one blend and one ``bincount``.

Both give exactly what :func:`fairdash.mitigation.mitigate` followed by an audit of the test
rows gives at each strength (the tests check this); strength 0 is the base model's point.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from fairdash.exceptions import DataError
from fairdash.mitigation import REGISTRY, get_method
from fairdash.mitigation._apply import _group_values, _with_random_state
from fairdash.mitigation.postprocessing._rules import selected
from fairdash.tradeoff._measure import BASELINE_LABEL
from fairdash.tradeoff._plan import resolve_methods, strengths_for
from fairdash.tradeoff._points import (
    EvalRows,
    SweepPoint,
    baseline_point,
    point_from_decisions,
    point_from_predictions,
)

__all__ = ["FAST_METHODS", "fast_points", "fronts"]

#: registry names whose whole front is computed from one fit (``Method.single_fit_front``;
#: kept for callers that filter by name)
FAST_METHODS = tuple(m.name for m in REGISTRY.values() if m.single_fit_front)


def fronts(dataset, base_scores, *, threshold: float = 0.5, points=None, methods="all",
           random_state: int = 0, rows: EvalRows | None = None, progress=None):
    """The base model's point and every single-fit post-processing front, warnings captured.

    What the Tradeoffs page draws at once (and :func:`sweep` measures first): the baseline
    point at the audit threshold, then, for each method with ``single_fit_front``, its points
    from :func:`fast_points`. Every front starts at strength 0, which is the baseline point.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    base_scores : ndarray, shape (n,)
        The base model's scores (or regression predictions) on every row.
    threshold : float, default 0.5
        The audit threshold: the base model's decisions, the base rule the group thresholds
        start from, and the cut applied to repaired scores.
    points : int, sequence of float or None
        Strengths per front: a number of evenly spaced strengths from 0 to 1, the strengths
        themselves, or None for :func:`default_strengths` (51).
    methods : "all" or sequence of str or Method, default "all"
        Methods to consider; those without a single-fit front are left out (so the list of
        every method that applies can be passed as it is).
    random_state : int, default 0
    rows : EvalRows, optional
        The dataset's test rows, when already built.
    progress : callable, optional
        Called as ``progress(points_so_far, label)`` after the baseline and after each front.

    Returns
    -------
    (list of SweepPoint, list of str)
        The baseline point then each front's points (method order, then strength); and the
        methods' warnings (small groups, groups left out of a constraint), each once.
    """
    rows = rows or EvalRows.of(dataset)
    chosen = [m for m in resolve_methods(dataset, methods) if m.single_fit_front]
    plan = {m.name: strengths_for(m, points) for m in chosen}
    out = [baseline_point(dataset, base_scores, threshold=threshold, rows=rows)]
    if progress is not None:
        progress(len(out), BASELINE_LABEL)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for m in chosen:
            out += fast_points(dataset, m.name, plan[m.name], base_scores, threshold=threshold,
                               random_state=random_state, rows=rows)
            if progress is not None:
                progress(len(out), m.label)
    said = list(dict.fromkeys(str(w.message) for w in caught
                              if issubclass(w.category, UserWarning)))
    return out, said


def fast_points(dataset, method: str, strengths, base_scores, *, threshold: float = 0.5,
                random_state: int = 0, rows: EvalRows | None = None) -> list[SweepPoint]:
    """Points of a post-processing method at every strength from a single fit.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    method : str
        A method with ``single_fit_front`` (see :data:`FAST_METHODS`).
    strengths : sequence of float in [0, 1]
    base_scores : ndarray, shape (n,)
        The base model's scores on every row.
    threshold : float, default 0.5
        Threshold of the base model: its decisions, the group thresholds' base rule, and the
        cut applied to the repaired barycenter scores.
    random_state : int, default 0
    rows : EvalRows, optional
        The dataset's test rows, when already built.

    Returns
    -------
    list of SweepPoint, in the order of ``strengths``
    """
    m = get_method(method)
    if not m.single_fit_front:
        raise ValueError(f"{m.label} has no single-fit front; use sweep_points.")
    rows = rows or EvalRows.of(dataset)
    base_scores = np.asarray(base_scores, dtype=np.float64)
    cal = dataset.rows("calibration")
    est = _with_random_state(m, 1.0, random_state, threshold)
    raw = base_scores[rows.mask]
    base_test = (raw >= threshold).astype(np.float64)
    if m.inputs == "scores_labels":
        est.fit(base_scores[cal], dataset.y[cal], sensitive_features=_group_values(dataset, cal))
        return _threshold_points(est, strengths, raw, base_test, rows, m.name)
    est.fit(base_scores[cal], sensitive_features=_group_values(dataset, cal))
    fair = est.transform(base_scores, sensitive_features=_group_values(dataset))[rows.mask]
    out = []
    for s in strengths:
        t = 1.0 - float(s)
        if t == 1:       # strength 0: the base scores as they are (mitigate returns them)
            blended = raw
        else:
            blended = fair if t == 0 else t * raw + (1 - t) * fair
            if rows.task != "regression":
                blended = np.clip(blended, 0.0, 1.0)
        if rows.task == "regression":
            out.append(point_from_predictions(rows, m.name, s, blended, raw))
            continue
        decisions = (blended >= threshold).astype(np.float64)
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
