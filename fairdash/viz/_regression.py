"""Figures of a regression audit: pure functions, data in, ``go.Figure`` out.

Every axis that carries the target's values is labelled with the target's name, which is
its unit (hours, dollars, points ...). Groups under the minimum size are drawn grey, as on
the classification audit; bars lie horizontally and grow with the number of groups, and the
distributions switch to one panel per group beyond four groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.metrics import REGRESSION_STATS
from fairdash.viz._distributions import FACET_COLUMNS, MAX_OVERLAID, distribution_figure
from fairdash.viz._layout import (axis, bar_colours, bars_height, figure, group_axis,
                                  group_ticks, plot_text, plot_texts)

__all__ = ["prediction_distribution_figure", "regression_error_figure",
           "regression_group_sizes_figure"]


def regression_group_sizes_figure(groups: pd.DataFrame, target: str) -> go.Figure:
    """Rows per group, with each group's mean target in the hover.

    Parameters
    ----------
    groups : DataFrame
        ``RegressionAuditResult.groups`` (needs ``n``, ``small``, ``mean_target``).
    target : str
        The target's name, for the hover text.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [str(g) for g in groups.index]
    keys = plot_texts(labels)
    target = plot_text(target)
    ticks = group_ticks(labels, groups["n"], groups["small"])
    data = [dict(type="bar", y=keys, x=groups["n"], orientation="h",
                 marker_color=bar_colours(labels, groups["small"]),
                 customdata=groups["mean_target"].to_numpy(dtype=float),
                 hovertemplate=f"%{{y}}: %{{x:,}} rows, mean {target} %{{customdata:.3g}}"
                               "<extra></extra>", showlegend=False)]
    return figure(data, "Group sizes in the audited rows", bars_height(ticks),
                  xaxis=axis("Rows (people)", tickformat=","), yaxis=group_axis(keys, ticks))


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

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars; each tick reads the group, its value and its size.
    """
    labels = [str(g) for g in groups.index]
    keys = plot_texts(labels)
    value = groups[stat].to_numpy(dtype=float)
    low = groups[f"{stat}_low"].to_numpy(dtype=float)
    high = groups[f"{stat}_high"].to_numpy(dtype=float)
    name = plot_text(REGRESSION_STATS[stat])
    unit = "no unit: 1 = perfect, 0 = no better than the group's mean" if stat == "r2" \
        else plot_text(target)
    ticks = group_ticks(labels, groups["n"], groups["small"],
                        ["undefined" if np.isnan(v) else f"{v:.3g}" for v in value])
    bar = dict(
        type="bar", orientation="h", y=keys, x=value, showlegend=False,
        error_x=dict(type="data", symmetric=False, array=high - value, arrayminus=value - low,
                     color="#333"),
        marker_color=bar_colours(labels, groups["small"]),
        customdata=np.stack([groups["n"].to_numpy(dtype=float), low, high], axis=-1),
        hovertemplate="%{y}<br>%{x:.4g} (95 % CI %{customdata[1]:.4g} to "
                      "%{customdata[2]:.4g})<br>n = %{customdata[0]:,}<extra></extra>")
    shapes, notes = [], []
    if overall is not None and not np.isnan(overall):
        shapes.append(dict(type="line", x0=overall, x1=overall, yref="paper", y0=0, y1=1,
                           line=dict(dash="dash", color="#555")))
        notes.append(dict(x=overall, yref="paper", y=1, yanchor="bottom", showarrow=False,
                          text=f"all rows {overall:.3g}"))
    return figure([bar], f"{name} by group (95 % bootstrap intervals)", bars_height(ticks),
                  shapes=shapes, annotations=notes,
                  xaxis=axis(f"{name} ({unit})", zeroline=True),
                  yaxis=group_axis(keys, ticks))


def prediction_distribution_figure(hist: pd.DataFrame, target: str, *,
                                   max_overlaid: int = MAX_OVERLAID,
                                   columns: int = FACET_COLUMNS) -> go.Figure:
    """Each group's distribution of predictions (share of the group's rows per bin).

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` (+ ``count``), from ``score_histograms`` with
        the predictions' range.
    target : str
        The target's name, the unit of the x-axis.
    max_overlaid : int, default 4
        Up to this many groups are overlaid; with more, one small panel per group over the
        grey distribution of all rows.
    columns : int, default 3
        Most panels per row.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    return distribution_figure(hist, title="Distribution of predictions per group",
                               x_title=f"Predicted {plot_text(target)}",
                               hover="prediction %{x:.3g}: %{y:.1f} % of the group",
                               max_overlaid=max_overlaid, columns=columns)
