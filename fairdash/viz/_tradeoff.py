"""The tradeoff chart: every method's strengths as a line in (gap, performance) space.

Methods are coloured by stage, one colour family per stage (pre-processing blues and purples,
in-processing greens and teals, post-processing oranges and reds) with a distinct hue and
dash per method inside its family, and one marker symbol per stage; the legend groups the
methods under their stage's title. Whiskers (95 % intervals) are drawn only when asked: the
hover gives every point's intervals anyway.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.viz._layout import axis, figure, plot_text


class StageStyle(NamedTuple):
    """How the methods of one stage are drawn."""

    title: str
    symbol: str
    colours: tuple[str, ...]


#: stage -> legend title, marker symbol and colour family (in pipeline order); the colours
#: of each family are far apart in CIELAB (at least 15 ΔE between any two of the 18
#: registered methods), dark and light alternating
STAGE_STYLES = {
    "pre": StageStyle("Pre-processing", "circle",
                      ("#08306b", "#2f7fc1", "#7fb8e0", "#6a3d9a", "#17becf", "#a99fd6",
                       "#3b0f70", "#1f5f8b")),
    "in": StageStyle("In-processing", "diamond",
                     ("#00441b", "#2ca25f", "#98d780", "#7a7a00", "#00a087", "#c2c21a",
                      "#016c59", "#5c8a2e", "#4fc9b0", "#1f7a1f")),
    "post": StageStyle("Post-processing", "square",
                       ("#a63603", "#f57c1f", "#fdba74", "#cb181d", "#e6a700", "#6b2a05",
                        "#f2577a", "#b8860b")),
}
OTHER_STAGE = StageStyle("Other methods", "triangle-up",
                         ("#525252", "#8c564b", "#969696", "#c49c94", "#252525"))
#: line dash per method inside a family, so neighbours differ in two ways
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
BASELINE_COLOUR = "#000000"
FRONT_COLOUR = "#555555"
RING_COLOUR = "#d62728"


def method_styles(table: pd.DataFrame) -> dict[str, dict]:
    """Colour, dash, symbol and stage of every method in ``table`` (the baseline left out).

    Parameters
    ----------
    table : DataFrame
        Needs ``method``; ``stage`` (``"pre"``, ``"in"`` or ``"post"``) picks the colour
        family, and methods without a known stage share a grey family.

    Returns
    -------
    dict
        Method -> ``{"colour", "dash", "symbol", "stage", "stage_title"}``, in stage order and
        then in order of appearance; the same table always gives the same styles.
    """
    stages = table["stage"] if "stage" in table else pd.Series("", index=table.index)
    first = dict(zip(table["method"], stages))
    first.pop("baseline", None)
    order = list(STAGE_STYLES) + [""]
    rank = {m: (order.index(s) if s in STAGE_STYLES else len(order), i)
            for i, (m, s) in enumerate(first.items())}
    out, seen = {}, {}
    for method in sorted(first, key=rank.get):
        stage = first[method] if first[method] in STAGE_STYLES else "other"
        style = STAGE_STYLES.get(stage, OTHER_STAGE)
        i = seen.get(stage, 0)
        seen[stage] = i + 1
        out[method] = dict(colour=style.colours[i % len(style.colours)],
                           dash=DASHES[(i % len(style.colours) + i // len(style.colours))
                                       % len(DASHES)],
                           symbol=style.symbol, stage=stage, stage_title=style.title)
    return out


def pareto_mask(gap, performance, *, ratio: bool = False,
                lower_is_better: bool = False) -> np.ndarray:
    """Which points no other point beats on both axes (NaN points never are).

    Parameters
    ----------
    gap, performance : array-like of float
    ratio : bool, default False
        The gap is a ratio: closer to 1 (larger) is fairer.
    lower_is_better : bool, default False
        The performance is an error.

    Returns
    -------
    ndarray of bool
        As :func:`fairdash.tradeoff.pareto_front` on the same orientation.
    """
    bad = np.asarray(gap, dtype=float)
    bad = 1.0 - bad if ratio else bad
    good = np.asarray(performance, dtype=float)
    good = -good if lower_is_better else good
    out = np.zeros(bad.size, dtype=bool)
    ok = np.flatnonzero(~(np.isnan(bad) | np.isnan(good)))
    order = ok[np.lexsort((-good[ok], bad[ok]))]  # by gap, best performance first
    best_before, i = -np.inf, 0
    while i < order.size:
        j = i
        while j < order.size and bad[order[j]] == bad[order[i]]:
            j += 1
        top = good[order[i]]
        if top > best_before:
            tied = order[i:j]
            out[tied[good[tied] == top]] = True
        best_before = max(best_before, top)
        i = j
    return out


def tradeoff_figure(table: pd.DataFrame, gap_label: str, performance_label: str, *,
                    ratio: bool = False, height: int = 600, selected=None,
                    whiskers: bool = False, whisker_points: int | None = 8,
                    lower_is_better: bool = False, methods=None) -> go.Figure:
    """Gap (x) against performance (y), one line per method through its strengths.

    Parameters
    ----------
    table : DataFrame
        The frame of :func:`fairdash.tradeoff.measure` (columns ``method``, ``label``,
        ``stage``, ``strength``, ``performance`` (+ ``_low`` / ``_high``), ``gap``
        (+ ``_low`` / ``_high``), ``changed``, ``pareto``); the ``baseline`` row is drawn as
        a star on top of everything.
    gap_label, performance_label : str
        Axis names.
    ratio : bool, default False
        The gap is a ratio (1 = parity), so larger is fairer.
    height : int, default 600
        At least this tall; taller when the legend needs it (18 methods fit in 600 px).
    selected : tuple (method, strength), optional
        A point to ring (when its method is drawn).
    whiskers : bool, default False
        Draw 95 % interval whiskers on both axes; hovering any point gives them anyway.
    whisker_points : int or None, default 8
        With whiskers, at most this many points of each line carry them (evenly spaced, both
        ends included), so 51-point fronts stay readable; None for every point.
    lower_is_better : bool, default False
        The performance is an error (RMSE, MAE): the axis says so.
    methods : iterable of str, optional
        Draw only these methods (by ``method`` name or ``label``); the base model is always
        drawn, and the Pareto front is recomputed over the drawn points.

    Returns
    -------
    plotly.graph_objects.Figure
        Every marker carries ``customdata = [method, strength, ...]`` so a plotly selection
        names the point. Legend: base model, Pareto front and chosen point first, then the
        methods grouped under their stage (click a stage title to hide the whole stage).
    """
    gap_label, performance_label = plot_text(gap_label), plot_text(performance_label)
    styles = method_styles(table)
    if methods is not None:
        wanted = {str(m) for m in methods}
        labels = dict(zip(table["method"], table["label"]))
        styles = {m: s for m, s in styles.items() if m in wanted or labels.get(m) in wanted}
    drawn = table[table["method"].isin(list(styles) + ["baseline"])]
    most = None if whisker_points is None else max(whisker_points, 2)
    data = []
    front = drawn[drawn["pareto"].astype(bool)] if methods is None else \
        drawn[pareto_mask(drawn["gap"], drawn["performance"], ratio=ratio,
                          lower_is_better=lower_is_better)]
    if len(front):
        front = front.sort_values("gap", ascending=not ratio)
        data.append(dict(type="scatter", x=front["gap"], y=front["performance"], mode="lines",
                         line=dict(color=FRONT_COLOUR, width=3, shape="hv", dash="dot"),
                         name="Pareto front (no drawn point beats it on both axes)",
                         legendrank=2, hoverinfo="skip"))
    for rank, (method, style) in enumerate(styles.items(), start=100):
        rows = drawn[drawn["method"] == method].sort_values("strength")
        data.append(_trace(rows, plot_text(rows["label"].iloc[0]), style, rank, whiskers,
                           most))
    if selected is not None:
        hit = drawn[(drawn["method"] == selected[0])
                    & np.isclose(drawn["strength"], selected[1])]
        if len(hit):
            data.append(dict(type="scatter", x=hit["gap"], y=hit["performance"], mode="markers",
                             marker=dict(size=22, color="rgba(0,0,0,0)",
                                         line=dict(color=RING_COLOUR, width=3)),
                             name="Chosen point", legendrank=3, hoverinfo="skip"))
    base = drawn[drawn["method"] == "baseline"]
    if len(base):
        star = dict(colour=BASELINE_COLOUR, dash="solid", symbol="star", stage="",
                    stage_title="")
        data.append(_trace(base, "Base model (no mitigation)", star, 1, whiskers, 1, size=18,
                           mode="markers"))
    direction = "higher is fairer, 1 = parity" if ratio else "lower is fairer, 0 = parity"
    stages = len({s["stage"] for s in styles.values()})
    legend_px = 80 + 22 * len(data) + 40 * stages  # the whole legend, without scrolling
    return figure(data, "Fairness gap against performance, every method across its strength",
                  max(height, legend_px),
                  xaxis=axis(f"{gap_label} ({direction})", zeroline=True),
                  yaxis=axis(f"{performance_label} (test rows, lower is better)"
                             if lower_is_better else
                             f"{performance_label} (share of test rows, higher is better)"),
                  legend=dict(orientation="v", x=1.02, y=1, font=dict(size=11),
                              traceorder="grouped", groupclick="toggleitem",
                              tracegroupgap=10),
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


def _trace(rows: pd.DataFrame, name: str, style: dict, rank: int, whiskers: bool,
           most: int | None, size: int = 7, mode: str = "lines+markers") -> dict:
    """One method's line; ``name`` is plotly text (escaped by the caller). The method's name
    in ``customdata[0]`` is escaped too (registered names are identifiers, which escaping
    leaves as they are, so a selection still names the method)."""
    gap, perf = rows["gap"].to_numpy(float), rows["performance"].to_numpy(float)
    custom = np.column_stack([np.array([plot_text(m) for m in rows["method"]], dtype=object),
                              rows["strength"].to_numpy(float),
                              rows["gap_low"].to_numpy(float), rows["gap_high"].to_numpy(float),
                              rows["performance_low"].to_numpy(float),
                              rows["performance_high"].to_numpy(float),
                              rows["changed"].to_numpy(float)])
    stage = f"{style['stage_title']}<br>" if style["stage_title"] else ""
    trace = dict(
        type="scatter", x=gap, y=perf, mode=mode, name=name, customdata=custom,
        legendrank=rank,
        marker=dict(color=style["colour"], size=size, symbol=style["symbol"],
                    line=dict(color="white", width=1)),
        line=dict(color=style["colour"], width=2, dash=style["dash"]),
        hovertemplate=(f"<b>{name}</b><br>{stage}strength %{{customdata[1]:.2f}}<br>"
                       "gap %{x:.3f} (95 % CI %{customdata[2]:.3f}–%{customdata[3]:.3f})<br>"
                       "performance %{y:.3f} (95 % CI %{customdata[4]:.3f}–"
                       "%{customdata[5]:.3f})<br>decisions changed: %{customdata[6]:,.0f}"
                       "<extra></extra>"))
    if style["stage"]:
        trace.update(legendgroup=style["stage"],
                     legendgrouptitle=dict(text=style["stage_title"], font=dict(size=12)))
    if whiskers:
        keep = _shown(len(rows), most)
        bar = dict(type="data", symmetric=False, color=style["colour"], thickness=1.2, width=3)
        trace["error_x"] = dict(bar, array=np.where(keep, rows["gap_high"] - gap, 0),
                                arrayminus=np.where(keep, gap - rows["gap_low"], 0))
        trace["error_y"] = dict(bar, array=np.where(keep, rows["performance_high"] - perf, 0),
                                arrayminus=np.where(keep, perf - rows["performance_low"], 0))
    return trace
