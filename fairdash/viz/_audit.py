"""Figures of the audit page: pure functions, data in, ``go.Figure`` out.

Each figure is built in one ``go.Figure(data, layout)`` call from plain dicts: plotly validates
every incremental ``update_*``/``add_*`` call again, and on the threshold slider's path those
calls cost more than the metrics (about 15 ms a figure against 2 ms in one shot).

Bars lie horizontally, one tick per group with its size (and value) in the tick label, and the
figure grows with the number of groups; the ROC chart draws the largest groups in colour and
the others as thin grey curves in one legend entry (see :mod:`fairdash.viz._layout`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from fairdash.viz._layout import (OTHER_COLOUR, axis, bar_colours, bars_height, figure,
                                  group_axis, group_ticks, legend_room, line_colours,
                                  pick_highlighted, plot_text, plot_texts)

#: what each rate is a share of, for the value axis
RATE_UNITS = {"selection_rate": "of the group's rows", "base_rate": "of the group's rows",
              "accuracy": "of the group's rows", "tpr": "of truly positive rows",
              "fnr": "of truly positive rows", "fpr": "of truly negative rows",
              "tnr": "of truly negative rows", "ppv": "of predicted positive rows",
              "npv": "of predicted negative rows"}
#: groups drawn in colour on the ROC chart before the rest are folded into grey
ROC_GROUPS = 6


def group_sizes_figure(groups: pd.DataFrame) -> go.Figure:
    """Rows per group split into truly positive and negative; n in each group's label.

    Parameters
    ----------
    groups : DataFrame
        ``AuditResult.groups`` (needs ``n``, ``positives``, ``negatives``, ``small``).

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal stacked bars, one per group (first on top), as tall as the groups need.
    """
    labels = [str(g) for g in groups.index]
    keys = plot_texts(labels)
    ticks = group_ticks(labels, groups["n"], groups["small"])
    data = [dict(type="bar", y=keys, x=groups["positives"], name="truly positive",
                 orientation="h", marker_color="#555555",
                 hovertemplate="%{y}: %{x:,} truly positive rows<extra></extra>"),
            dict(type="bar", y=keys, x=groups["negatives"], name="truly negative",
                 orientation="h", marker_color="#cccccc",
                 hovertemplate="%{y}: %{x:,} truly negative rows<extra></extra>")]
    return figure(data, "Group sizes in the audited rows", bars_height(ticks, extra=170),
                  barmode="stack", xaxis=axis("Rows (people)", tickformat=","),
                  yaxis=group_axis(keys, ticks), margin=dict(l=10, r=10, t=80, b=10),
                  legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0,
                              traceorder="normal"))


def rate_bars_figure(groups: pd.DataFrame, rate: str, label: str,
                     overall: float | None = None, short: str | None = None) -> go.Figure:
    """Per-group bars of one rate with Wilson-interval whiskers and group sizes.

    Parameters
    ----------
    groups : DataFrame
        ``AuditResult.groups`` (needs ``rate``, ``<rate>_low``, ``<rate>_high``, ``n``,
        ``small``).
    rate : str
        Column of the rate (a share in [0, 1]).
    label : str
        Name of the rate, for the title and axis.
    overall : float, optional
        The rate on all rows, drawn as a dashed line.
    short : str, optional
        Short name used instead of ``label`` in the title and axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars (first group on top); each tick reads the group, its rate and its
        size, so the numbers never sit under a whisker. Groups flagged ``small`` are grey:
        shown but left out of the gaps.
    """
    labels = [str(g) for g in groups.index]
    value = groups[rate].to_numpy(dtype=float) * 100
    low = groups[f"{rate}_low"].to_numpy(dtype=float) * 100
    high = groups[f"{rate}_high"].to_numpy(dtype=float) * 100
    shown = [f"{v:.1f} %" if not np.isnan(v) else "undefined" for v in value]
    ticks = group_ticks(labels, groups["n"], groups["small"], shown)
    keys = plot_texts(labels)
    name = plot_text(short or label)
    bar = dict(
        type="bar", orientation="h", y=keys, x=value, name=name, showlegend=False,
        marker_color=bar_colours(labels, groups["small"]),
        error_x=dict(type="data", symmetric=False, array=high - value, arrayminus=value - low,
                     color="#333"),
        customdata=np.stack([groups["n"].to_numpy(dtype=float), low, high], axis=-1),
        hovertemplate="%{y}<br>%{x:.1f} % (95 % CI %{customdata[1]:.1f}–"
                      "%{customdata[2]:.1f})<br>n = %{customdata[0]:,}<extra></extra>")
    shapes, notes = [], []
    if overall is not None and not np.isnan(overall):
        at = overall * 100
        shapes.append(dict(type="line", x0=at, x1=at, yref="paper", y0=0, y1=1,
                           line=dict(dash="dash", color="#555")))
        notes.append(dict(showarrow=False, text=f"all rows {overall:.1%}", x=at, yref="paper",
                          y=1, yanchor="bottom"))
    return figure([bar], f"{name} by group (95 % intervals)", bars_height(ticks),
                  shapes=shapes, annotations=notes,
                  xaxis=axis(f"{name} (% {RATE_UNITS[rate]})" if rate in RATE_UNITS
                             else f"{name} (%)", rangemode="tozero"),
                  yaxis=group_axis(keys, ticks))


def _curves(roc: pd.DataFrame, names: list[str]) -> dict:
    """One trace's worth of ROC curves for ``names``, separated by gaps (``None``); each
    point's customdata is ``[escaped group label, threshold]``."""
    x, y, custom = [], [], []
    for g in names:
        part = roc[roc["group"].astype(str) == g]
        x += [*(part["fpr"].to_numpy() * 100), None]
        y += [*(part["tpr"].to_numpy() * 100), None]
        thr = np.where(np.isfinite(part["threshold"].to_numpy(float)), part["threshold"], np.nan)
        shown = plot_text(g)
        custom += [*([shown, t] for t in thr), [shown, np.nan]]
    return dict(x=x, y=y, customdata=custom)


def roc_figure(roc: pd.DataFrame, groups: pd.DataFrame, threshold: float, *,
               score_label: str = "Score", max_groups: int | None = ROC_GROUPS,
               highlight=None) -> go.Figure:
    """ROC curve per group with each group's operating point at ``threshold``.

    Parameters
    ----------
    roc : DataFrame
        ``group, threshold, fpr, tpr`` (from ``ScoreIndex.roc``).
    groups : DataFrame
        ``AuditResult.groups`` at the threshold (``fpr``, ``tpr``, ``auc``, ``n``).
    threshold : float
    score_label : str, default "Score"
        What the score is (for example ``"Predicted probability"`` or ``"Rescaled decile
        score (0-1)"``), used where the threshold is named.
    max_groups : int, default 6
        With more groups than this (plus one), only the ``max_groups`` largest are drawn in
        colour; the others are thin grey curves and grey dots under one legend entry
        ("N other groups"), each still named on hover. None draws every group in colour.
    highlight : iterable of str, optional
        Groups to draw in colour instead of the largest.

    Returns
    -------
    plotly.graph_objects.Figure
        Axes in percent; legend entries name each coloured group with its AUC and size.
    """
    labels = [str(g) for g in groups.index]
    score_label = plot_text(score_label)
    shown = pick_highlighted(groups["n"].set_axis(labels), max_groups, highlight)
    colours = line_colours(labels, shown)
    rest = [g for g in labels if g not in set(shown)]
    table = groups.set_axis(labels)
    data = [dict(type="scatter", x=[0, 100], y=[0, 100], mode="lines", name="chance",
                 line=dict(dash="dot", color="#999"), hoverinfo="skip")]
    hover = (f"%{{customdata[0]}}<br>FPR %{{x:.1f}} %, TPR %{{y:.1f}} %<br>"
             f"{score_label} ≥ %{{customdata[1]:.3f}}<extra></extra>")
    if rest:
        data.append(dict(type="scatter", mode="lines", line=dict(color=OTHER_COLOUR, width=1),
                         name=f"{len(rest)} other groups (grey; hover names them)",
                         legendgroup="other", hovertemplate=hover, **_curves(roc, rest)))
    for g in shown:
        auc = table.loc[g, "auc"]
        auc_text = "n/a" if np.isnan(auc) else f"{auc:.2f}"
        data.append(dict(type="scatter", mode="lines", line=dict(color=colours[g], width=2),
                         name=f"{plot_text(g)} (AUC {auc_text}, n = "
                              f"{int(table.loc[g, 'n']):,})",
                         legendgroup=plot_text(g), hovertemplate=hover, **_curves(roc, [g])))
    dots = f"{score_label} ≥ {threshold:.2f} (dots)"
    for names, colour, entry in ((rest, OTHER_COLOUR, False), (shown, None, True)):
        if not names:
            continue
        part = table.loc[names]
        data.append(dict(
            type="scatter", x=part["fpr"].to_numpy() * 100, y=part["tpr"].to_numpy() * 100,
            mode="markers", text=plot_texts(names), customdata=part["n"].to_numpy(dtype=float),
            marker=dict(size=12 if entry else 8, line=dict(width=1.5, color="black"),
                        color=[colour or colours[g] for g in names]),
            name=dots, showlegend=entry, legendgroup="dots",
            hovertemplate=f"%{{text}} (n = %{{customdata:,}}) at {score_label} ≥ "
                          f"{threshold:.2f}: FPR %{{x:.1f}} %, TPR %{{y:.1f}} %<extra></extra>"))
    room = legend_room(sum(t.get("showlegend", True) for t in data))
    return figure(data, "ROC curve per group; dots = current operating points",
                  room.pop("height"), **room,
                  xaxis=axis("False positive rate (% of truly negative rows)", range=[0, 100]),
                  yaxis=axis("True positive rate (% of truly positive rows)", range=[0, 100]))
