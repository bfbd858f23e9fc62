"""Figures of the audit page: pure functions, data in, ``go.Figure`` out.

Each figure is built in one ``go.Figure(data, layout)`` call from plain dicts: plotly validates
every incremental ``update_*``/``add_*`` call again, and on the threshold slider's path those
calls cost more than the metrics (about 15 ms a figure against 2 ms in one shot).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

PALETTE = qualitative.Safe
SMALL_COLOUR = "#bbbbbb"


def group_colours(labels) -> dict[str, str]:
    """One stable colour per group label, the same on every figure."""
    return {str(g): PALETTE[i % len(PALETTE)] for i, g in enumerate(labels)}


def _figure(data: list, title: str, height: int, **layout) -> go.Figure:
    # No plotly template: resolving one costs ~15 ms a figure, and Streamlit's chart theme
    # restyles the figure anyway.
    base = dict(title=dict(text=title, x=0, xanchor="left"), height=height,
                margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.2))
    base.update(layout)
    return go.Figure(data=data, layout=base)


def _axis(title: str, **kw) -> dict:
    return dict(title=dict(text=title), **kw)


def group_sizes_figure(groups: pd.DataFrame) -> go.Figure:
    """Rows per group split into truly positive and negative; n in each group's label.

    Parameters
    ----------
    groups : DataFrame
        ``AuditResult.groups`` (needs ``n``, ``positives``, ``negatives``, ``small``).
    """
    ticks = [f"{g}<br>n = {n:,}{' (small)' if s else ''}"
             for g, n, s in zip(groups.index, groups["n"], groups["small"])]
    data = [dict(type="bar", y=ticks, x=groups["positives"], name="truly positive",
                 orientation="h", marker_color="#555555",
                 hovertemplate="%{x:,} truly positive<extra></extra>"),
            dict(type="bar", y=ticks, x=groups["negatives"], name="truly negative",
                 orientation="h", marker_color="#cccccc",
                 hovertemplate="%{x:,} truly negative<extra></extra>")]
    return _figure(data, "Group sizes in the audited rows", 160 + 40 * len(ticks),
                   barmode="stack", xaxis=_axis("Rows (people)", tickformat=","),
                   yaxis=dict(autorange="reversed"), margin=dict(l=10, r=10, t=80, b=10),
                   legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))


def rate_bars_figure(groups: pd.DataFrame, rate: str, label: str,
                     overall: float | None = None, short: str | None = None) -> go.Figure:
    """Per-group bars of one rate with Wilson-interval whiskers and group sizes.

    Groups flagged ``small`` are drawn grey: they are shown but left out of the gaps. With more
    than four groups (intersections) the bars lie horizontally so long labels stay readable.
    """
    labels = [str(g) for g in groups.index]
    colours = group_colours(labels)
    value = groups[rate].to_numpy(dtype=float) * 100
    low = groups[f"{rate}_low"].to_numpy(dtype=float) * 100
    high = groups[f"{rate}_high"].to_numpy(dtype=float) * 100
    ticks = [f"{g}<br>n = {n:,}" for g, n in zip(labels, groups["n"])]
    flat = len(labels) > 4
    whiskers = dict(type="data", symmetric=False, array=high - value, arrayminus=value - low,
                    color="#333")
    bar = dict(
        type="bar", orientation="h" if flat else "v",
        marker_color=[SMALL_COLOUR if s else colours[g] for g, s in zip(labels, groups["small"])],
        text=[f"{v:.1f} %" if not np.isnan(v) else "undefined" for v in value],
        textposition="inside", insidetextanchor="start",
        customdata=np.stack([groups["n"].to_numpy(dtype=float), low, high], axis=-1))
    value_axis = _axis(f"{short or label} (%)", rangemode="tozero")
    group_axis = dict(tickvals=labels, ticktext=ticks)
    if flat:
        bar.update(y=labels, x=value, error_x=whiskers,
                   hovertemplate="%{y}<br>%{x:.1f} % (95 % CI %{customdata[1]:.1f}–"
                                 "%{customdata[2]:.1f})<br>n = %{customdata[0]:,}<extra></extra>")
        layout = dict(xaxis=value_axis, yaxis=dict(group_axis, autorange="reversed"))
        line = dict(yref="paper", y0=0, y1=1)
    else:
        bar.update(x=labels, y=value, error_y=whiskers,
                   hovertemplate="%{x}<br>%{y:.1f} % (95 % CI %{customdata[1]:.1f}–"
                                 "%{customdata[2]:.1f})<br>n = %{customdata[0]:,}<extra></extra>")
        layout = dict(xaxis=group_axis, yaxis=value_axis)
        line = dict(xref="paper", x0=0, x1=1)
    shapes, notes = [], []
    if overall is not None and not np.isnan(overall):
        at = overall * 100
        pos = dict(x0=at, x1=at) if flat else dict(y0=at, y1=at)
        shapes.append(dict(type="line", line=dict(dash="dash", color="#555"), **line, **pos))
        notes.append(dict(showarrow=False, text=f"all rows {overall:.1%}",
                          **(dict(x=at, yref="paper", y=1, yanchor="bottom") if flat else
                             dict(xref="paper", x=0, y=at, yanchor="bottom", xanchor="left"))))
    height = max(360, 120 + 44 * len(labels)) if flat else 360
    return _figure([bar], f"{short or label} by group (95 % intervals)", height, shapes=shapes,
                   annotations=notes, **layout)


def _legend_room(n_traces: int) -> dict:
    """Height and legend placement that keep a long legend below the plot, not over it."""
    rows = n_traces if n_traces > 4 else 1
    return dict(height=420 + 20 * rows,
                legend=dict(orientation="v" if n_traces > 4 else "h", y=-0.18, yanchor="top",
                            x=0))


def roc_figure(roc: pd.DataFrame, groups: pd.DataFrame, threshold: float) -> go.Figure:
    """ROC curve per group with each group's operating point at ``threshold``.

    Parameters
    ----------
    roc : DataFrame
        ``group, threshold, fpr, tpr`` (from ``ScoreIndex.roc``).
    groups : DataFrame
        ``AuditResult.groups`` at the threshold (``fpr``, ``tpr``, ``auc``, ``n``).
    """
    colours = group_colours(groups.index)
    data = [dict(type="scatter", x=[0, 100], y=[0, 100], mode="lines", name="chance",
                 line=dict(dash="dot", color="#999"), hoverinfo="skip")]
    for g, part in roc.groupby("group", sort=False):
        data.append(dict(type="scatter", x=part["fpr"].to_numpy() * 100,
                         y=part["tpr"].to_numpy() * 100, mode="lines",
                         line=dict(color=colours[str(g)]),
                         name=f"{g} (AUC {groups.loc[g, 'auc']:.2f})",
                         hovertemplate=f"FPR %{{x:.1f}} %, TPR %{{y:.1f}} %<extra>{g}</extra>"))
    names = [str(g) for g in groups.index]
    data.append(dict(type="scatter", x=groups["fpr"].to_numpy() * 100,
                     y=groups["tpr"].to_numpy() * 100, mode="markers", text=names,
                     marker=dict(size=12, color=[colours[g] for g in names],
                                 line=dict(width=2, color="black")),
                     name=f"at threshold {threshold:.2f}",
                     hovertemplate="%{text}: FPR %{x:.1f} %, TPR %{y:.1f} %<extra></extra>"))
    room = _legend_room(len(data))
    return _figure(data, "ROC curve per group; dots = current operating points",
                   room.pop("height"), **room,
                   xaxis=_axis("False positive rate (%)", range=[0, 100]),
                   yaxis=_axis("True positive rate (%)", range=[0, 100]))


def score_histogram_figure(hist: pd.DataFrame, threshold: float) -> go.Figure:
    """Score distribution per group (share of the group's rows per bin) and the threshold.

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` (from ``score_histograms``).
    """
    colours = group_colours(hist["group"].unique())
    data = []
    for g, part in hist.groupby("group", sort=False):
        mid = (part["bin_left"].to_numpy() + part["bin_right"].to_numpy()) / 2
        data.append(dict(type="scatter", x=mid, y=part["share"].to_numpy() * 100, mode="lines",
                         line=dict(color=colours[str(g)], shape="hvh"), name=str(g),
                         hovertemplate=f"score %{{x:.2f}}: %{{y:.1f}} % of the group"
                                       f"<extra>{g}</extra>"))
    line = dict(type="line", x0=threshold, x1=threshold, yref="paper", y0=0, y1=1,
                line=dict(dash="dash", color="black"))
    note = dict(x=threshold, yref="paper", y=1, showarrow=False, xanchor="left",
                text=f"threshold {threshold:.2f}")
    room = _legend_room(len(data))
    return _figure(data, "Score distribution per group", room.pop("height"), **room,
                   xaxis=_axis("Score (model's probability of the positive outcome)",
                               range=[0, 1], dtick=0.1),
                   yaxis=_axis("Share of the group's rows (%)", rangemode="tozero"),
                   shapes=[line], annotations=[note])
