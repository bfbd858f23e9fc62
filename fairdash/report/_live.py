"""What the report embeds so the reader can move the threshold: per-group confusion counts at
every threshold of a fixed grid, and the definitions the page's script needs to recompute the
rates, their Wilson intervals and the gap values exactly as :func:`fairdash.metrics.audit`
does (docs/methods.md §9.1-9.3).

Only the counts that change with the threshold are stored: per group its truly positive and
truly negative rows once, then the true and false positives at each threshold as integers.
At 1,001 thresholds and two groups that is about 4,000 integers, whatever the number of rows.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from fairdash.metrics import GAPS, RATE_DEFINITIONS, ScoreIndex

__all__ = ["GRID", "LIVE_RATES", "counts_payload", "live_bars", "live_pairs", "live_payload",
           "live_roc", "threshold_grid"]

#: The thresholds 0, 0.001, ..., 1 (the audited threshold is added when it is not on them).
GRID = np.round(np.linspace(0.0, 1.0, 1001), 3)

#: Rates the per-group table shows, in this order.
LIVE_RATES = ("selection_rate", "tpr", "fpr", "ppv", "accuracy")


def threshold_grid(threshold: float) -> np.ndarray:
    """:data:`GRID` with ``threshold`` inserted in order when it is not already on it."""
    if np.any(np.isclose(GRID, threshold, rtol=0, atol=1e-12)):
        return GRID.copy()
    return np.sort(np.append(GRID, float(threshold)))


def live_payload(index: ScoreIndex, labels, *, threshold: float, rows, method: str,
                 reference_code: int | None, min_group_size: int, confidence: float) -> dict:
    """JSON-able counts and definitions for the report's threshold control.

    Parameters
    ----------
    index : ScoreIndex
        Of the audited rows (unweighted).
    labels : sequence of str
        Group labels in code order.
    threshold : float
        The audited threshold (its position in ``thresholds`` is ``audited_index``).
    rows, method, reference_code, min_group_size, confidence
        As in :func:`counts_payload`.

    Returns
    -------
    dict
        ``thresholds`` (T,), ``audited_index`` and :func:`counts_payload` of the integer
        counts at those thresholds.
    """
    grid = threshold_grid(threshold)
    counts = np.rint(index.counts_at(grid)).astype(np.int64)   # (T, K, 4): tn, fp, fn, tp
    at = int(np.flatnonzero(np.isclose(grid, threshold, rtol=0, atol=1e-12))[0])
    return {"thresholds": [float(t) for t in grid], "audited_index": at,
            **counts_payload(counts, labels, rows=rows, method=method,
                             reference_code=reference_code, min_group_size=min_group_size,
                             confidence=confidence)}


def counts_payload(counts, labels, *, rows, method: str, reference_code: int | None,
                   min_group_size: int, confidence: float) -> dict:
    """The counts and definitions ``live.js`` measures at each point of a grid (thresholds
    for the Audit and the report, strengths for the Mitigate screen).

    Parameters
    ----------
    counts : ndarray, shape (T, K, 4)
        ``tn, fp, fn, tp`` per grid point and group; integers, or expected counts (floats,
        sent as they are) for randomised decisions. Each group's positives and negatives must
        be the same at every point.
    labels : sequence of str
        Group labels in code order.
    rows : ndarray of int
        Rows per group.
    method, reference_code, min_group_size, confidence
        As the audit was run.

    Returns
    -------
    dict
        ``tp`` and ``fp`` (K lists of T numbers), ``pos``, ``neg``, ``n`` (K integers),
        ``include`` (groups large enough for the gaps), ``labels``, ``method``,
        ``reference``, ``z``, ``rates`` (name -> numerator and denominator cells) and ``gaps``
        (name -> rates, kind, combine, label).
    """
    counts = np.asarray(counts)
    rows = np.asarray(rows, dtype=np.int64)
    whole = np.rint(counts[0]).astype(np.int64)
    return {
        "labels": [str(g) for g in labels],
        "n": rows.tolist(),
        "pos": whole[:, 2:].sum(-1).tolist(),
        "neg": whole[:, :2].sum(-1).tolist(),
        "tp": counts[:, :, 3].T.tolist(),
        "fp": counts[:, :, 1].T.tolist(),
        "include": (rows >= min_group_size).tolist(),
        "method": method,
        "reference": reference_code,
        "z": NormalDist().inv_cdf(0.5 + confidence / 2),
        "rates": {name: [list(num), list(den)] for name, (num, den) in RATE_DEFINITIONS.items()},
        "gaps": {name: {"rates": list(spec.rates), "kind": spec.kind, "combine": spec.combine,
                        "label": spec.label} for name, spec in GAPS.items()},
    }


def counts_from_payload(payload: dict, position: int) -> np.ndarray:
    """The ``(K, 4)`` confusion counts the payload holds at ``thresholds[position]`` (what the
    page's script starts from; used by the tests to read a report back)."""
    tp = np.array([g[position] for g in payload["tp"]], dtype=np.float64)
    fp = np.array([g[position] for g in payload["fp"]], dtype=np.float64)
    pos, neg = np.array(payload["pos"], float), np.array(payload["neg"], float)
    return np.stack([neg - fp, fp, pos - tp, tp], axis=-1)


def live_bars(spec: dict, groups, rate: str) -> dict:
    """Mark a rate-bar figure (``figure_json`` of ``viz.rate_bars_figure``) as following the
    threshold: the script (``live.js``, ``barsFigure``) rewrites its bars, error bars and tick
    labels from the group labels and sizes recorded here.

    Parameters
    ----------
    spec : dict
        The figure's ``{"data", "layout"}``; changed in place and returned.
    groups : DataFrame
        ``AuditResult.groups`` (index the group labels; columns ``n`` and ``small``).
    rate : str
        The rate drawn.

    Returns
    -------
    dict
    """
    from fairdash.viz._layout import wrap

    spec["live"] = {"rate": rate, "prefix": [wrap(str(x)) for x in groups.index],
                    "tail": [f"n = {int(n):,}{' (small)' if s else ''}"
                             for n, s in zip(groups["n"], groups["small"])]}
    return spec


def live_roc(spec: dict, labels, threshold: float) -> dict:
    """Mark a ROC figure (``figure_json`` of ``viz.roc_figure`` at ``threshold``) so that its
    operating points follow the threshold (``live.js``, ``rocFigure``).

    Parameters
    ----------
    spec : dict
        The figure's ``{"data", "layout"}``; changed in place and returned.
    labels : sequence of str
        Group labels in code order.
    threshold : float
        The threshold the figure was drawn at (its text becomes a ``{T}`` placeholder).

    Returns
    -------
    dict
    """
    from fairdash.viz._layout import plot_text

    keys = {plot_text(str(x)): i for i, x in enumerate(labels)}
    shown, dots = f"{threshold:.2f}", []
    for i, trace in enumerate(spec["data"]):
        if trace.get("legendgroup") == "dots":  # the operating points, one per group
            dots.append([i, [keys[t] for t in trace["text"]]])
            for k in ("name", "hovertemplate"):
                trace[k] = trace[k].replace(shown, "{T}")
    spec["live"] = {"kind": "roc", "dots": dots}
    return spec


def live_pairs(spec: dict, rates) -> dict:
    """Mark a before/after figure (``figure_json`` of ``viz.before_after_rates_figure``) so
    that its "after" bars follow the strength (``live.js``, ``pairsFigure``).

    Parameters
    ----------
    spec : dict
        The figure's ``{"data", "layout"}``: per rate a "before" trace then an "after" trace;
        changed in place and returned.
    rates : sequence of str
        The rates of its panels, in order.

    Returns
    -------
    dict
    """
    spec["live"] = {"after": [[2 * i + 1, rate] for i, rate in enumerate(rates)]}
    return spec
