"""Figures of the audit page: pure functions, data in, ``go.Figure`` out."""

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


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left"), height=height,
                      margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.2),
                      template="plotly_white")
    return fig


def group_sizes_figure(groups: pd.DataFrame) -> go.Figure:
    """Rows per group split into truly positive and negative; n in each group's label.

    Parameters
    ----------
    groups : DataFrame
        ``AuditResult.groups`` (needs ``n``, ``positives``, ``negatives``, ``small``).
    """
    labels = [str(g) for g in groups.index]
    ticks = [f"{g}<br>n = {n:,}{' (small)' if s else ''}"
             for g, n, s in zip(labels, groups["n"], groups["small"])]
    fig = go.Figure()
    fig.add_bar(y=ticks, x=groups["positives"], name="truly positive", orientation="h",
                marker_color="#555555", hovertemplate="%{x:,} truly positive<extra></extra>")
    fig.add_bar(y=ticks, x=groups["negatives"], name="truly negative", orientation="h",
                marker_color="#cccccc", hovertemplate="%{x:,} truly negative<extra></extra>")
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.0, yanchor="bottom",
                                                   x=0))
    fig.update_xaxes(title="Rows (people)", tickformat=",")
    fig.update_yaxes(title=None, autorange="reversed")
    fig = _layout(fig, "Group sizes in the audited rows", height=160 + 40 * len(labels))
    fig.update_layout(legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
                      margin=dict(t=80))
    return fig


def rate_bars_figure(groups: pd.DataFrame, rate: str, label: str,
                     overall: float | None = None) -> go.Figure:
    """Per-group bars of one rate with Wilson-interval whiskers and group sizes.

    Groups flagged ``small`` are drawn grey: they are shown but left out of the gaps.
    """
    labels = [str(g) for g in groups.index]
    colours = group_colours(labels)
    value = groups[rate] * 100
    low, high = groups[f"{rate}_low"] * 100, groups[f"{rate}_high"] * 100
    fig = go.Figure(go.Bar(
        x=labels, y=value,
        marker_color=[SMALL_COLOUR if s else colours[g] for g, s in zip(labels, groups["small"])],
        error_y=dict(type="data", symmetric=False, array=high - value, arrayminus=value - low,
                     color="#333"),
        text=[f"{v:.1f} %" if not np.isnan(v) else "undefined" for v in value],
        textposition="inside", insidetextanchor="start",
        customdata=np.stack([groups["n"], low, high], axis=-1),
        hovertemplate="%{x}<br>%{y:.1f} % (95 % CI %{customdata[1]:.1f}–%{customdata[2]:.1f})"
                      "<br>n = %{customdata[0]:,}<extra></extra>",
    ))
    fig.update_xaxes(title=None, ticktext=[f"{g}<br>n = {n:,}" for g, n in zip(labels, groups["n"])],
                     tickvals=labels)
    fig.update_yaxes(title=f"{label} (%)", rangemode="tozero")
    if overall is not None and not np.isnan(overall):
        fig.add_hline(y=overall * 100, line_dash="dash", line_color="#555",
                      annotation_text=f"all rows {overall:.1%}", annotation_position="top left")
    return _layout(fig, f"{label} by group, with 95 % intervals")


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
    fig = go.Figure()
    fig.add_scatter(x=[0, 100], y=[0, 100], mode="lines", line=dict(dash="dot", color="#999"),
                    name="chance", hoverinfo="skip")
    for g, part in roc.groupby("group", sort=False):
        auc = groups.loc[g, "auc"]
        fig.add_scatter(x=part["fpr"] * 100, y=part["tpr"] * 100, mode="lines",
                        line=dict(color=colours[str(g)]), name=f"{g} (AUC {auc:.2f})",
                        hovertemplate="FPR %{x:.1f} %, TPR %{y:.1f} %<extra>" + str(g) +
                                      "</extra>")
    fig.add_scatter(x=groups["fpr"] * 100, y=groups["tpr"] * 100, mode="markers",
                    marker=dict(size=12, color=[colours[str(g)] for g in groups.index],
                                line=dict(width=2, color="black")),
                    name=f"at threshold {threshold:.2f}", text=[str(g) for g in groups.index],
                    hovertemplate="%{text}: FPR %{x:.1f} %, TPR %{y:.1f} %<extra></extra>")
    fig.update_xaxes(title="False positive rate (%)", range=[0, 100])
    fig.update_yaxes(title="True positive rate (%)", range=[0, 100])
    return _layout(fig, "ROC curve per group; dots = current operating points", height=420)


def score_histogram_figure(hist: pd.DataFrame, threshold: float) -> go.Figure:
    """Score distribution per group (share of the group's rows per bin) and the threshold.

    Parameters
    ----------
    hist : DataFrame
        ``group, bin_left, bin_right, share`` (from ``score_histograms``).
    """
    colours = group_colours(hist["group"].unique())
    fig = go.Figure()
    for g, part in hist.groupby("group", sort=False):
        mid = (part["bin_left"] + part["bin_right"]) / 2
        fig.add_scatter(x=mid, y=part["share"] * 100, mode="lines", line_shape="hvh",
                        line=dict(color=colours[str(g)]), name=str(g),
                        hovertemplate="score %{x:.2f}: %{y:.1f} % of the group<extra>" + str(g) +
                                      "</extra>")
    fig.add_vline(x=threshold, line_dash="dash", line_color="black",
                  annotation_text=f"threshold {threshold:.2f}")
    fig.update_xaxes(title="Score (model's probability of the positive outcome)")
    fig.update_yaxes(title="Share of the group's rows (%)", rangemode="tozero")
    return _layout(fig, "Score distribution per group", height=360)
