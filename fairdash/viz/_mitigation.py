"""Figures of the Mitigate and Compare pages: per-group bars side by side, data in, figure out.

Groups lie on the vertical axis (first on top, size in the tick label) so long intersectional
labels never overlap, and the figure grows with the number of groups.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.viz._layout import (axis, bars_height, figure, group_axis, group_ticks, plot_text,
                                  plot_texts)

BEFORE_COLOUR = "#9e9e9e"
AFTER_COLOUR = "#1f77b4"
NFR_COLOUR = "#d62728"
PFR_COLOUR = "#2ca02c"


def _bars(groups: pd.DataFrame, rate: str, name: str, colour: str, axis_no: int, show: bool):
    """One trace of bars; ``name`` is plotly text (escaped by the caller)."""
    keys = plot_texts(str(g) for g in groups.index)
    value = groups[rate].to_numpy(dtype=float) * 100
    low = groups[f"{rate}_low"].to_numpy(dtype=float) * 100
    high = groups[f"{rate}_high"].to_numpy(dtype=float) * 100
    suffix = "" if axis_no == 1 else str(axis_no)
    return dict(type="bar", orientation="h", y=keys, x=value, name=name, marker_color=colour,
                legendgroup=name, showlegend=show, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                error_x=dict(type="data", symmetric=False, array=high - value,
                             arrayminus=value - low, color="#333"),
                customdata=np.stack([low, high, groups["n"].to_numpy(dtype=float)], axis=-1),
                hovertemplate=f"{name}<br>%{{y}} (n = %{{customdata[2]:,}})<br>%{{x:.1f}} % "
                              "(95 % CI %{customdata[0]:.1f}–%{customdata[1]:.1f})"
                              "<extra></extra>")


def _legend_on_top() -> dict:
    return dict(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
                margin=dict(l=10, r=10, t=90, b=10))


def before_after_rates_figure(before: pd.DataFrame, after: pd.DataFrame, rates: dict,
                              after_label: str = "after") -> go.Figure:
    """Paired horizontal bars per group, before (grey) and after (blue), one panel per rate.

    Parameters
    ----------
    before, after : DataFrame
        ``AuditResult.groups`` of the base model and of the mitigation on the same rows
        (same groups in the same order).
    rates : dict
        Rate name -> panel title (for example ``{"selection_rate": "Selection rate"}``).
    after_label : str
        Legend text of the mitigated bars.

    Returns
    -------
    plotly.graph_objects.Figure
        Panels side by side sharing the group axis; group labels and sizes on the left of
        the first panel only.
    """
    labels = [str(g) for g in before.index]
    keys = plot_texts(labels)
    ticks = group_ticks(labels, before["n"], before.get("small"))
    after_label = plot_text(after_label)
    data, layout = [], {}
    k = max(len(rates), 1)
    gap = 0.04
    width = (1 - gap * (k - 1)) / k
    for i, (rate, title) in enumerate(rates.items(), start=1):
        data.append(_bars(before, rate, "before", BEFORE_COLOUR, i, i == 1))
        data.append(_bars(after, rate, after_label, AFTER_COLOUR, i, i == 1))
        suffix = "" if i == 1 else str(i)
        start = (i - 1) * (width + gap)
        layout[f"xaxis{suffix}"] = axis(f"{plot_text(title)} (%)", domain=[start, start + width],
                                        anchor=f"y{suffix}", rangemode="tozero")
        layout[f"yaxis{suffix}"] = group_axis(keys, ticks, anchor=f"x{suffix}",
                                              showticklabels=i == 1,
                                              **({} if i == 1 else dict(matches="y")))
    return figure(data, "Per-group rates before and after (test rows, 95 % Wilson intervals)",
                  bars_height(ticks, bars_per_group=2, extra=170), barmode="group",
                  **_legend_on_top(), **layout)


def flip_bars_figure(groups: pd.DataFrame) -> go.Figure:
    """Per-group negative and positive flip rates (%) with Wilson whiskers and group sizes.

    Parameters
    ----------
    groups : DataFrame
        ``FlipReport.groups`` (``n``, ``nfr``, ``pfr`` and their ``_low`` / ``_high``, and
        optionally ``small``).

    Returns
    -------
    plotly.graph_objects.Figure
        Paired horizontal bars per group (first on top), as tall as the groups need.
    """
    labels = [str(g) for g in groups.index]
    ticks = group_ticks(labels, groups["n"], groups.get("small"))
    data = [_bars(groups, "nfr", "negative flips (old right, new wrong)", NFR_COLOUR, 1, True),
            _bars(groups, "pfr", "positive flips (old wrong, new right)", PFR_COLOUR, 1, True)]
    return figure(data, "Who the update fails and who it fixes (test rows, 95 % Wilson "
                        "intervals)", bars_height(ticks, bars_per_group=2, extra=170),
                  barmode="group", **_legend_on_top(),
                  xaxis=axis("Share of the group's test rows (%)", rangemode="tozero"),
                  yaxis=group_axis(plot_texts(labels), ticks))
