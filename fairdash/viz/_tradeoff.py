"""The tradeoff chart: every method's strengths as a line in (gap, performance) space."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.viz._layout import axis as _axis, figure as _figure

#: one colour per method, in registry order (colour-blind-safe first, then distinct extras)
METHOD_PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442",
                  "#882255", "#44aa99", "#999933", "#aa4499", "#332288", "#88ccee", "#117733",
                  "#661100", "#6699cc", "#aa4466", "#4477aa")
BASELINE_COLOUR = "#000000"
FRONT_COLOUR = "#555555"


def tradeoff_figure(table: pd.DataFrame, gap_label: str, performance_label: str, *,
                    ratio: bool = False, height: int = 600, selected=None,
                    whiskers: int = 8, lower_is_better: bool = False) -> object:
    """Gap (x) against performance (y), one coloured line per method through its strengths.

    Parameters
    ----------
    table : DataFrame
        The frame of :func:`fairdash.tradeoff.measure` (columns ``method``, ``label``,
        ``strength``, ``performance`` (+ ``_low`` / ``_high``), ``gap`` (+ ``_low`` /
        ``_high``), ``changed``, ``pareto``); the ``baseline`` row is drawn as a star.
    gap_label, performance_label : str
        Axis names.
    ratio : bool, default False
        The gap is a ratio (1 = parity), so larger is fairer.
    height : int, default 560
    selected : tuple (method, strength), optional
        A point to ring.
    lower_is_better : bool, default False
        The performance is an error (RMSE, MAE): the axis says so.
    whiskers : int, default 8
        At most this many points of each line show their whiskers (evenly spaced, both ends
        included), so 51-point fronts stay readable; hovering any point gives its intervals.

    Returns
    -------
    plotly.graph_objects.Figure
        Every marker carries ``customdata = [method, strength]`` so a plotly selection names
        the point; whiskers are 95 % intervals on both axes.
    """
    data = []
    whiskers_every = None if whiskers is None else max(whiskers, 2)
    methods = [m for m in dict.fromkeys(table["method"]) if m != "baseline"]
    for i, method in enumerate(methods):
        rows = table[table["method"] == method].sort_values("strength")
        data.append(_trace(rows, rows["label"].iloc[0], METHOD_PALETTE[i % len(METHOD_PALETTE)],
                           "lines+markers", 7, "circle", whiskers_every))
    base = table[table["method"] == "baseline"]
    if len(base):
        data.append(_trace(base, "Base model (no mitigation)", BASELINE_COLOUR, "markers", 16,
                           "star", 1))
    front = table[table["pareto"]].sort_values("gap", ascending=not ratio)
    if len(front):
        data.append(dict(type="scatter", x=front["gap"], y=front["performance"],
                         mode="lines", line=dict(color=FRONT_COLOUR, width=3, shape="hv",
                                                 dash="dot"),
                         name="Pareto front (no point beats it on both axes)",
                         hoverinfo="skip"))
    if selected is not None:
        hit = table[(table["method"] == selected[0])
                    & np.isclose(table["strength"], selected[1])]
        if len(hit):
            data.append(dict(type="scatter", x=hit["gap"], y=hit["performance"], mode="markers",
                             marker=dict(size=22, color="rgba(0,0,0,0)",
                                         line=dict(color="#d62728", width=3)),
                             name="Chosen point", hoverinfo="skip"))
    direction = "higher is fairer, 1 = parity" if ratio else "lower is fairer, 0 = parity"
    return _figure(data, "Fairness gap against performance, every method across its strength",
                   height,
                   xaxis=_axis(f"{gap_label} ({direction})", zeroline=True),
                   yaxis=_axis(f"{performance_label} (test rows, lower is better)"
                               if lower_is_better else
                               f"{performance_label} (share of test rows, higher is better)"),
                   legend=dict(orientation="v", x=1.02, y=1, font=dict(size=11)),
                   margin=dict(l=10, r=10, t=50, b=10), clickmode="event+select",
                   hovermode="closest")


def _shown(n: int, most: int | None) -> np.ndarray:
    """Mask of the points whose whiskers are drawn: at most ``most``, evenly spaced."""
    keep = np.zeros(n, dtype=bool)
    if most is None or n <= most:
        keep[:] = True
    else:
        keep[np.unique(np.round(np.linspace(0, n - 1, most)).astype(int))] = True
    return keep


def _trace(rows: pd.DataFrame, name: str, colour: str, mode: str, size: int, symbol: str,
           whiskers: int | None):
    gap, perf = rows["gap"].to_numpy(float), rows["performance"].to_numpy(float)
    keep = _shown(len(rows), whiskers)
    custom = np.column_stack([rows["method"].to_numpy(object),
                              rows["strength"].to_numpy(float),
                              rows["gap_low"].to_numpy(float), rows["gap_high"].to_numpy(float),
                              rows["performance_low"].to_numpy(float),
                              rows["performance_high"].to_numpy(float),
                              rows["changed"].to_numpy(float)])
    whisker = dict(type="data", symmetric=False, color=colour, thickness=1.2, width=3)
    return dict(
        type="scatter", x=gap, y=perf, mode=mode, name=name, customdata=custom,
        marker=dict(color=colour, size=size, symbol=symbol, line=dict(color="white", width=1)),
        line=dict(color=colour, width=2),
        error_x=dict(whisker, array=np.where(keep, rows["gap_high"].to_numpy(float) - gap, 0),
                     arrayminus=np.where(keep, gap - rows["gap_low"].to_numpy(float), 0)),
        error_y=dict(whisker,
                     array=np.where(keep, rows["performance_high"].to_numpy(float) - perf, 0),
                     arrayminus=np.where(keep, perf - rows["performance_low"].to_numpy(float),
                                         0)),
        hovertemplate=(f"<b>{name}</b><br>strength %{{customdata[1]:.2f}}<br>"
                       "gap %{x:.3f} (95 % CI %{customdata[2]:.3f}–%{customdata[3]:.3f})<br>"
                       "performance %{y:.3f} (95 % CI %{customdata[4]:.3f}–"
                       "%{customdata[5]:.3f})<br>decisions changed: %{customdata[6]:,.0f}"
                       "<extra></extra>"))
