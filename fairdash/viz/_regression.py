"""Figures of a regression audit: pure functions, data in, ``go.Figure`` out.

Every axis that carries the target's values is labelled with the target's name, which is
its unit (hours, dollars, points ...). Groups under the minimum size are drawn grey, as on
the classification audit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.metrics import REGRESSION_STATS
from fairdash.viz._audit import SMALL_COLOUR, _axis, _figure, _legend_room, group_colours

__all__ = ["prediction_distribution_figure", "regression_error_figure",
           "regression_group_sizes_figure"]


def _ticks(groups: pd.DataFrame) -> list[str]:
    return [f"{g}<br>n = {n:,}{' (small)' if s else ''}"
            for g, n, s in zip(groups.index, groups["n"], groups["small"])]


def regression_group_sizes_figure(groups: pd.DataFrame, target: str) -> go.Figure:
    """Rows per group, with each group's mean target in the hover.

    Parameters
    ----------
    groups : DataFrame
        ``RegressionAuditResult.groups`` (needs ``n``, ``small``, ``mean_target``).
    target : str
        The target's name, for the hover text.
    """
    labels = [str(g) for g in groups.index]
    colours = group_colours(labels)
    data = [dict(type="bar", y=_ticks(groups), x=groups["n"], orientation="h",
                 marker_color=[SMALL_COLOUR if s else colours[g]
                               for g, s in zip(labels, groups["small"])],
                 customdata=groups["mean_target"].to_numpy(dtype=float),
                 hovertemplate=f"%{{x:,}} rows, mean {target} %{{customdata:.3g}}"
                               "<extra></extra>", showlegend=False)]
    return _figure(data, "Group sizes in the audited rows", 160 + 40 * len(labels),
                   xaxis=_axis("Rows (people)", tickformat=","),
                   yaxis=dict(autorange="reversed"))


def regression_error_figure(groups: pd.DataFrame, stat: str, target: str,
                            overall: float | None = None) -> go.Figure:
    """One statistic per group as bars with bootstrap-interval whiskers; n in every label.

    Parameters
    ----------
    groups : DataFrame
        ``RegressionAuditResult.groups`` (needs ``stat``, ``<stat>_low``, ``<stat>_high``,
        ``n``, ``small``).
    stat : str
        A key of :data:`~fairdash.metrics.REGRESSION_STATS` (for example ``"mae"``).
    target : str
        The target's name: the unit of every statistic but R².
    overall : float, optional
        The statistic on all rows, drawn as a dashed line.
    """
    labels = [str(g) for g in groups.index]
    colours = group_colours(labels)
    value = groups[stat].to_numpy(dtype=float)
    low = groups[f"{stat}_low"].to_numpy(dtype=float)
    high = groups[f"{stat}_high"].to_numpy(dtype=float)
    name = REGRESSION_STATS[stat]
    unit = "no unit: 1 = perfect, 0 = no better than the group's mean" if stat == "r2" \
        else target
    bar = dict(
        type="bar", orientation="h", y=labels, x=value,
        error_x=dict(type="data", symmetric=False, array=high - value, arrayminus=value - low,
                     color="#333"),
        marker_color=[SMALL_COLOUR if s else colours[g] for g, s in zip(labels, groups["small"])],
        text=["undefined" if np.isnan(v) else f"{v:.3g}" for v in value],
        textposition="inside", insidetextanchor="start",
        customdata=np.stack([groups["n"].to_numpy(dtype=float), low, high], axis=-1),
        hovertemplate="%{y}<br>%{x:.4g} (95 % CI %{customdata[1]:.4g} to "
                      "%{customdata[2]:.4g})<br>n = %{customdata[0]:,}<extra></extra>")
    shapes, notes = [], []
    if overall is not None and not np.isnan(overall):
        shapes.append(dict(type="line", x0=overall, x1=overall, yref="paper", y0=0, y1=1,
                           line=dict(dash="dash", color="#555")))
        notes.append(dict(x=overall, yref="paper", y=1, yanchor="bottom", showarrow=False,
                          text=f"all rows {overall:.3g}"))
    return _figure([bar], f"{name} by group (95 % bootstrap intervals)",
                   max(320, 120 + 44 * len(labels)), shapes=shapes, annotations=notes,
                   xaxis=_axis(f"{name} ({unit})", zeroline=True),
                   yaxis=dict(tickvals=labels, ticktext=_ticks(groups), autorange="reversed"))


def prediction_distribution_figure(hist: pd.DataFrame, target: str) -> go.Figure:
    """Each group's distribution of predictions, overlaid (share of the group's rows per bin).

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` (from ``score_histograms`` with the predictions'
        range).
    target : str
        The target's name, the unit of the x-axis.
    """
    colours = group_colours(hist["group"].unique())
    data = []
    for g, part in hist.groupby("group", sort=False):
        mid = (part["bin_left"].to_numpy() + part["bin_right"].to_numpy()) / 2
        data.append(dict(type="scatter", x=mid, y=part["share"].to_numpy() * 100, mode="lines",
                         line=dict(color=colours[str(g)], shape="hvh"), name=str(g),
                         hovertemplate=f"prediction %{{x:.3g}}: %{{y:.1f}} % of the group"
                                       f"<extra>{g}</extra>"))
    room = _legend_room(len(data))
    return _figure(data, "Distribution of predictions per group", room.pop("height"), **room,
                   xaxis=_axis(f"Predicted {target}"),
                   yaxis=_axis("Share of the group's rows (%)", rangemode="tozero"))
