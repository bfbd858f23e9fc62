"""Inputs of the report's optional sections that the command line and the app compute alike."""

from __future__ import annotations

from fairdash import metrics as fd_metrics

__all__ = ["tradeoff_input"]


def tradeoff_input(ds, scores, *, threshold: float, selected: tuple | None = None,
                   method: str = "between_groups", reference=None,
                   min_group_size: int = fd_metrics.DEFAULT_MIN_GROUP_SIZE,
                   n_resamples: int = 1000, random_state: int = 0):
    """The tradeoff chart of the single-fit post-processing fronts, for :func:`build_report`.

    Parameters
    ----------
    ds : fairdash.data.Dataset
    scores : ndarray
        The base model's scores on every row.
    threshold : float
    selected : (method, strength), optional
        The active mitigation: its gap is the chart's x axis when the method targets one, and
        it is ringed when it lies on a front.
    method, reference, min_group_size, n_resamples, random_state
        As in :func:`fairdash.metrics.audit`.

    Returns
    -------
    fairdash.report.Tradeoff
        Accuracy against the gap, on the held-out test rows.
    """
    from fairdash.metrics import GAPS
    from fairdash.mitigation import get_method
    from fairdash.report._build import Tradeoff
    from fairdash.tradeoff import EvalRows, fronts, measure

    points, _ = fronts(ds, scores, threshold=threshold, random_state=random_state)
    gap = "demographic_parity_difference"
    if selected is not None and get_method(selected[0]).criterion in GAPS:
        gap = get_method(selected[0]).criterion
    table = measure(points, EvalRows.of(ds), performance="accuracy", gap_name=gap,
                    method=method, reference=reference, min_group_size=min_group_size,
                    n_resamples=n_resamples, random_state=random_state)
    ring = None
    if selected is not None:
        hit = table[(table["method"] == selected[0])
                    & ((table["strength"] - selected[1]).abs() < 1e-9)]
        ring = (selected[0], float(hit.iloc[0]["strength"])) if len(hit) else None
    return Tradeoff(table, gap, "accuracy", ring)
