"""Distributions per group (scores, regression predictions): overlaid or small multiples.

Up to ``max_overlaid`` groups share one chart as step lines; with more, every group gets a
small panel of its own (at most ``columns`` columns, shared axes) over the grey distribution
of all rows, so each group stays readable and comparable with the whole population.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.viz._layout import (axis, bar_colours, facet_grid, figure, legend_room,
                                  line_colours, plot_text, wrap)

#: groups overlaid on one chart before the chart switches to one panel per group
MAX_OVERLAID = 4
FACET_COLUMNS = 3
REFERENCE_COLOUR = "#d9d9d9"
SHARE_TITLE = "Share of the group's rows (%)"


def _per_group(hist: pd.DataFrame) -> tuple[list[str], dict, pd.Series]:
    group = hist["group"].astype(str)
    names = list(dict.fromkeys(group))
    parts = {g: hist[group.to_numpy() == g] for g in names}
    if "count" in hist:
        n = hist.groupby(group, sort=False)["count"].sum()
    else:
        n = pd.Series(np.nan, index=names)
    return names, parts, n


def _panel_colours(names: list[str]) -> dict[str, str]:
    """One panel per group: the group's own colour up to ten groups, one blue beyond."""
    return dict(zip(names, bar_colours(names, [False] * len(names))))


def _mid(part: pd.DataFrame) -> np.ndarray:
    return (part["bin_left"].to_numpy(float) + part["bin_right"].to_numpy(float)) / 2


def _size(n) -> str:
    return "" if n is None or np.isnan(n) else f" (n = {int(n):,})"


def distribution_figure(hist: pd.DataFrame, *, title: str, x_title: str, hover: str,
                        threshold: float | None = None, threshold_text: str = "",
                        max_overlaid: int = MAX_OVERLAID,
                        columns: int = FACET_COLUMNS) -> go.Figure:
    """Share of each group's rows per bin: overlaid step lines, or one panel per group.

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` and optionally ``count`` (gives each group's n
        and the all-rows reference), as from :func:`fairdash.metrics.score_histograms`.
    title, x_title : str
        Figure title and x-axis title (with its unit), as plotly text: a user string in them
        (a column name) must have gone through :func:`~fairdash.viz._layout.plot_text`.
    hover : str
        Hover text for a bin, with ``%{x}`` (bin middle) and ``%{y}`` (share in %); plotly
        text too. Group labels (from ``hist``) are escaped here.
    threshold : float, optional
        A dashed vertical line (in every panel) labelled ``threshold_text``.
    max_overlaid : int, default 4
        With more groups, one small panel per group.
    columns : int, default 3
        Most panels per row.
    """
    names, parts, n = _per_group(hist)
    colours = line_colours(names, names[:max_overlaid]) if len(names) <= max_overlaid else \
        _panel_colours(names)
    lo, hi = float(hist["bin_left"].min()), float(hist["bin_right"].max())
    shapes, notes = [], []
    if len(names) <= max_overlaid:
        data = [dict(type="scatter", x=_mid(parts[g]), y=parts[g]["share"].to_numpy() * 100,
                     mode="lines", line=dict(color=colours[g], shape="hvh", width=2),
                     name=f"{plot_text(g)}{_size(n.get(g))}",
                     hovertemplate=f"{hover}<extra>{plot_text(g)}</extra>") for g in names]
        if threshold is not None:
            shapes.append(dict(type="line", x0=threshold, x1=threshold, yref="paper", y0=0,
                               y1=1, line=dict(dash="dash", color="black")))
            notes.append(dict(x=threshold, yref="paper", y=1, showarrow=False,
                              xanchor="left", text=threshold_text))
        room = legend_room(len(data))
        return figure(data, title, room.pop("height"), **room, shapes=shapes, annotations=notes,
                      xaxis=axis(x_title, range=[lo, hi]),
                      yaxis=axis(SHARE_TITLE, rangemode="tozero"))
    return _facets(hist, names, parts, n, colours, title, x_title, hover, threshold,
                   threshold_text, columns, (lo, hi))


def _facets(hist, names, parts, n, colours, title, x_title, hover, threshold, threshold_text,
            columns, x_range) -> go.Figure:
    titles = [f"<b>{wrap(g, 26)}</b>" + ("" if np.isnan(n[g]) else f"<br>n = {int(n[g]):,}")
              for g in names]
    title_px = 15 * max(t.count("<br>") + 1 for t in titles) + 12
    rows = -(-len(names) // max(1, min(columns, len(names))))
    grid = facet_grid(len(names), columns, panel_px=170 if rows <= 3 else 130,
                      title_px=title_px)
    reference = None
    if "count" in hist:
        first = parts[names[0]]
        total = hist.groupby(hist["bin_left"].to_numpy(), sort=True)["count"].sum()
        reference = (first["bin_left"].to_numpy(), total.reindex(first["bin_left"]).to_numpy()
                     / max(total.sum(), 1) * 100)
    data, layout, shapes, notes = [], {}, [], []
    middle_row = (grid["rows"] - 1) // 2
    for i, (g, (xa, ya, xdom, ydom, row, col)) in enumerate(zip(names, grid["axes"])):
        part = parts[g]
        mid = _mid(part)
        if reference is not None:
            data.append(dict(type="scatter", x=mid, y=reference[1], mode="lines",
                             line=dict(color=REFERENCE_COLOUR, shape="hvh", width=0),
                             fill="tozeroy", fillcolor=REFERENCE_COLOUR, xaxis=xa, yaxis=ya,
                             name="all rows (grey)", legendgroup="all", showlegend=i == 0,
                             hoverinfo="skip"))
        data.append(dict(type="scatter", x=mid, y=part["share"].to_numpy() * 100, mode="lines",
                         line=dict(color=colours[g], shape="hvh", width=2), xaxis=xa, yaxis=ya,
                         name="each group (its panel)", legendgroup="groups",
                         showlegend=i == 0,
                         hovertemplate=f"{hover}<extra>{plot_text(g)}</extra>"))
        bottom = i + grid["columns"] >= len(names)
        kx = xa[1:] or ""
        ky = ya[1:] or ""
        # only the first axis of each matched set carries range settings: a range repeated
        # on matched axes makes plotly.js 4 drop the autorange of the other axis
        layout[f"xaxis{kx}"] = axis(x_title if bottom else "", domain=xdom, anchor=ya,
                                    showticklabels=bottom,
                                    **(dict(range=list(x_range)) if i == 0 else
                                       dict(matches="x")))
        layout[f"yaxis{ky}"] = axis(SHARE_TITLE if col == 0 and row == middle_row else "",
                                    domain=ydom, anchor=xa, showticklabels=col == 0,
                                    **(dict(rangemode="tozero", autorange=True) if i == 0 else
                                       dict(matches="y")))
        notes.append(dict(text=titles[i], showarrow=False,
                          xref=f"{xa} domain", yref=f"{ya} domain", x=0, y=1, xanchor="left",
                          yanchor="bottom", align="left", font=dict(size=11)))
        if threshold is not None:
            shapes.append(dict(type="line", x0=threshold, x1=threshold, xref=xa,
                               yref=f"{ya} domain", y0=0, y1=1,
                               line=dict(dash="dash", color="black", width=1)))
    if threshold is not None:
        data.append(dict(type="scatter", x=[None], y=[None], mode="lines",
                         line=dict(dash="dash", color="black", width=1), name=threshold_text,
                         hoverinfo="skip"))
    top, bottom = 72 + title_px, 60
    # the legend sits between the figure title and the first row's panel titles
    return figure(data, title, grid["height"] + top + bottom, shapes=shapes, annotations=notes,
                  margin=dict(l=10, r=10, t=top, b=bottom),
                  legend=dict(orientation="h", x=0, yanchor="bottom",
                              y=1 + (title_px - 4) / grid["height"], font=dict(size=11)),
                  **layout)


def score_histogram_figure(hist: pd.DataFrame, threshold: float, *,
                           score_label: str = "Score", max_overlaid: int = MAX_OVERLAID,
                           columns: int = FACET_COLUMNS) -> go.Figure:
    """Score distribution per group (share of the group's rows per bin) and the threshold.

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` (+ ``count``), from ``score_histograms``.
    threshold : float
    score_label : str, default "Score"
        The x-axis title: what the score is, for example ``"Predicted probability"`` or
        ``"Rescaled decile score (0-1)"``.
    max_overlaid : int, default 4
        Up to this many groups are overlaid; with more, one small panel per group over the
        grey distribution of all rows.
    columns : int, default 3
        Most panels per row.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    score_label = plot_text(score_label)
    return distribution_figure(
        hist, title="Score distribution per group", x_title=score_label,
        hover=f"{score_label} %{{x:.2f}}: %{{y:.1f}} % of the group",
        threshold=threshold, threshold_text=f"threshold {threshold:.2f}",
        max_overlaid=max_overlaid, columns=columns)
