"""Figures of the lessons: plotly in, no state, every axis titled with its unit.

Group labels here are the lessons' own ("A", "B"), never user data. ``large=True`` is the
workshop (projector) size: bigger fonts, markers and heights.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

#: colour-blind-safe hues: truly positive, truly negative; group A, group B
POSITIVE, NEGATIVE = qualitative.Safe[0], qualitative.Safe[1]
GROUP_COLOURS = {"A": qualitative.Safe[2], "B": qualitative.Safe[4]}
SECOND = qualitative.Safe[6]


def _style(fig: go.Figure, title: str, height: int, large: bool) -> go.Figure:
    fig.update_layout(title=title, height=int(height * (1.35 if large else 1.0)),
                      font={"size": 20 if large else 13}, margin={"t": 70, "b": 60},
                      legend={"orientation": "h", "y": -0.18})
    return fig


def unit_chart(people, decisions, threshold: float, large: bool = False) -> go.Figure:
    """Lesson 1: every person a marker, stacked in score bins of 0.05, one row per group.

    Colour is the true outcome, a filled marker a positive decision, an open one a negative
    decision; the dashed line is the threshold.
    """
    groups = people.groups
    fig = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[f"Group {g} ({int((people.group == g).sum())} people)"
                                        for g in groups])
    kinds = [(1, 1, POSITIVE, "circle", "truly positive, selected"),
             (1, 0, POSITIVE, "circle-open", "truly positive, not selected"),
             (0, 1, NEGATIVE, "square", "truly negative, selected"),
             (0, 0, NEGATIVE, "square-open", "truly negative, not selected")]
    bins = np.floor(np.minimum(people.score, 0.999) / 0.05) * 0.05 + 0.025
    for row, g in enumerate(groups, start=1):
        mask = people.group == g
        order = np.lexsort((-people.label[mask], bins[mask]))
        b = bins[mask][order]
        stack = np.zeros(len(b), dtype=int)
        for i in range(1, len(b)):
            stack[i] = stack[i - 1] + 1 if np.isclose(b[i], b[i - 1]) else 0
        y_true, dec = people.label[mask][order], np.asarray(decisions)[mask][order]
        for label, chosen, colour, symbol, name in kinds:
            sel = (y_true == label) & (dec == chosen)
            fig.add_trace(go.Scatter(
                x=b[sel], y=stack[sel] + 1, mode="markers", name=name, legendgroup=name,
                showlegend=row == 1, marker={"color": colour, "symbol": symbol,
                                             "size": 16 if large else 11,
                                             "line": {"width": 2, "color": colour}},
                hovertemplate="score bin %{x:.3f}<extra>" + name + "</extra>"), row=row, col=1)
        fig.add_vline(x=threshold, line_dash="dash", line_color="black", row=row, col=1)
        fig.update_yaxes(title_text="People (count)", row=row, col=1, rangemode="tozero")
    fig.update_xaxes(title_text="Model score (0 to 1); dashed line = threshold",
                     range=[0, 1], row=len(groups), col=1)
    return _style(fig, f"Each marker is one person; threshold {threshold:.2f}", 560, large)


def impossibility_figure(result, bins, people_a, people_b, large: bool = False) -> go.Figure:
    """Lesson 2: people per score bin of each group (left) and the rates per group (right)."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.45, 0.55], horizontal_spacing=0.12,
                        subplot_titles=["People per score bin", "Rates per group"])
    for g, people in (("A", people_a), ("B", people_b)):
        fig.add_trace(go.Bar(x=bins, y=people, name=f"Group {g} people per bin",
                             marker_color=GROUP_COLOURS[g], legendgroup=g), row=1, col=1)
    fig.add_vline(x=result.threshold, line_dash="dash", line_color="black", row=1, col=1)
    names = {"fpr": "FPR", "fnr": "FNR", "ppv": "PPV (precision)", "base_rate": "Base rate"}
    for g in ("A", "B"):
        values = [result.rates.loc[g, r] for r in names]
        fig.add_trace(go.Bar(
            x=list(names.values()), y=[100 * v for v in values],
            name=f"Group {g} (n = {result.rates.loc[g, 'n']:,.0f})",
            marker_color=GROUP_COLOURS[g], legendgroup=g,
            text=["n/a" if v != v else f"{100 * v:.1f}" for v in values],
            textposition="outside"), row=1, col=2)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="Calibrated score (0 to 1); dashed line = threshold", row=1,
                     col=1)
    fig.update_yaxes(title_text="People (expected count)", row=1, col=1)
    fig.update_yaxes(title_text="Rate (%)", range=[0, 110], row=1, col=2)
    fig.update_xaxes(title_text="Rate", row=1, col=2)
    return _style(fig, f"Calibrated scores, base rates {result.base_rates[0]:.0%} and "
                       f"{result.base_rates[1]:.0%}", 460, large)


def loan_figure(people, thresholds, outcome, large: bool = False) -> go.Figure:
    """Lesson 3: applicants per credit score, repaid and defaulted stacked, one row per group,
    with each group's threshold."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=[f"Group {g}: {int((people.group == g).sum())} applicants, "
                                        f"threshold {t:.0f}, {outcome.rates.loc[g, 'selection_rate']:.1%}"
                                        " get a loan" for g, t in zip(people.groups, thresholds)])
    scores = np.arange(0, 101)
    for row, (g, t) in enumerate(zip(people.groups, thresholds), start=1):
        mask = people.group == g
        for label, colour, name in ((1, POSITIVE, "would repay"), (0, NEGATIVE, "would default")):
            counts = np.bincount(people.score[mask & (people.label == label)].astype(int),
                                 minlength=101)
            fig.add_trace(go.Bar(x=scores, y=counts, name=name, marker_color=colour,
                                 legendgroup=name, showlegend=row == 1), row=row, col=1)
        fig.add_vline(x=t - 0.5, line_dash="dash", line_color="black", row=row, col=1)
        fig.update_yaxes(title_text="Applicants (count)", row=row, col=1)
    fig.update_layout(barmode="stack", bargap=0.05)
    fig.update_xaxes(title_text="Credit score (0 to 100); loans go to scores right of the "
                                "dashed line", row=2, col=1)
    return _style(fig, f"Profit ${outcome.profit:,.0f}, accuracy {outcome.accuracy:.1%}", 560,
                  large)


def paired_bars(before, after, rates: dict, names: tuple, title: str,
                large: bool = False) -> go.Figure:
    """Lessons 4 and 5: each rate of each group under two conditions (``names``), side by side.

    ``before`` and ``after`` are rate tables (index group, column ``n`` and the rates).
    """
    x = [f"{label}, {g} (n = {before.loc[g, 'n']:,.0f})" for label in rates.values()
         for g in before.index]
    data = []
    for table, name, colour in ((before, names[0], qualitative.Safe[0]),
                                (after, names[1], SECOND)):
        values = [table.loc[g, r] for r in rates for g in before.index]
        data.append(go.Bar(x=x, y=[100 * v for v in values], name=name, marker_color=colour,
                           text=["n/a" if v != v else f"{100 * v:.1f}" for v in values],
                           textposition="outside"))
    fig = go.Figure(data)
    fig.update_layout(barmode="group", yaxis={"title": "Rate (%)", "range": [0, 110]},
                      xaxis={"title": "Rate and group (group size on the audited rows)"})
    return _style(fig, title, 460, large)
