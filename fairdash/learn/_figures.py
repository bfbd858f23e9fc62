"""Figures of the lessons: plotly in, no state, every axis titled with its unit.

Group labels here are the lessons' own ("A", "B"), never user data. ``large=True`` is the
workshop (projector) size: bigger fonts, markers and heights. Each figure is made in one
``go.Figure(data, layout)`` call from plain dicts (plotly validates every incremental
``add_trace`` / ``update_*`` call again, which would cost more than the lesson's numbers on
every knob move).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.colors import qualitative

from fairdash.learn._common import dollars

#: colour-blind-safe hues: truly positive, truly negative; group A, group B
POSITIVE, NEGATIVE = qualitative.Safe[0], qualitative.Safe[1]
GROUP_COLOURS = {"A": qualitative.Safe[2], "B": qualitative.Safe[4]}
SECOND = qualitative.Safe[6]


def _layout(title: str, height: int, large: bool, **extra) -> dict:
    return {"title": {"text": title, "x": 0.01, "xanchor": "left"}, "height": int(height * (1.3 if large else 1.0)),
            "font": {"size": 18 if large else 13},
            "margin": {"t": 80, "b": 120 if large else 90, "l": 70, "r": 20},
            "legend": {"orientation": "h", "y": -0.34 if large else -0.24},
            "plot_bgcolor": "white", **extra}


def _axis(title: str, **kw) -> dict:
    return {"title": {"text": title}, "showgrid": True, "gridcolor": "#e5e5e5",
            "zeroline": False, **kw}


def _rows(titles, gap: float = 0.14) -> tuple[dict, list]:
    """Two stacked panels sharing x: axes and their title annotations."""
    top, bottom = [1 - (1 - gap) / 2, 1.0], [0.0, (1 - gap) / 2]
    axes = {"yaxis": {"domain": top}, "yaxis2": {"domain": bottom},
            "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
            "xaxis2": {"anchor": "y2"}}
    notes = [{"text": t, "x": 0.5, "y": d[1], "xref": "paper", "yref": "paper",
              "xanchor": "center", "yanchor": "bottom", "showarrow": False}
             for t, d in zip(titles, (top, bottom))]
    return axes, notes


def _vline(x: float, row: int) -> dict:
    suffix = "" if row == 1 else str(row)
    return {"type": "line", "x0": x, "x1": x, "xref": f"x{suffix}", "y0": 0, "y1": 1,
            "yref": f"y{suffix} domain", "line": {"dash": "dash", "color": "black", "width": 2}}


def unit_chart(people, decisions, threshold: float, large: bool = False) -> go.Figure:
    """Lesson 1: every person a marker, stacked in score bins of 0.05, one panel per group.

    Colour and shape are the true outcome (circle positive, square negative), a filled marker
    a positive decision, an open one a negative decision; the dashed line is the threshold.

    Parameters
    ----------
    people : People
    decisions : array-like
        Each person's 0/1 decision.
    threshold : float
    large : bool, default False
        Workshop size.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    groups = people.groups
    kinds = [(1, 1, POSITIVE, "circle", "truly positive, selected"),
             (1, 0, POSITIVE, "circle-open", "truly positive, not selected"),
             (0, 1, NEGATIVE, "square", "truly negative, selected"),
             (0, 0, NEGATIVE, "square-open", "truly negative, not selected")]
    bins = np.floor(np.minimum(people.score, 0.999) / 0.05) * 0.05 + 0.025
    decisions = np.asarray(decisions)
    data = []
    for row, g in enumerate(groups, start=1):
        mask = people.group == g
        order = np.lexsort((-people.label[mask], bins[mask]))
        b = bins[mask][order]
        _, first = np.unique(b, return_index=True)
        stack = np.arange(len(b)) - np.repeat(first, np.diff(np.append(first, len(b)))) + 1
        y_true, dec = people.label[mask][order], decisions[mask][order]
        for label, chosen, colour, symbol, name in kinds:
            sel = (y_true == label) & (dec == chosen)
            data.append({"type": "scatter", "x": b[sel], "y": stack[sel], "mode": "markers",
                         "name": name, "legendgroup": name, "showlegend": row == 1,
                         "xaxis": "x" if row == 1 else "x2", "yaxis": "y" if row == 1 else "y2",
                         "marker": {"color": colour, "symbol": symbol,
                                    "size": 15 if large else 11,
                                    "line": {"width": 2, "color": colour}},
                         "hovertemplate": "score bin %{x:.3f}<extra>" + name + "</extra>"})
    axes, notes = _rows([f"Group {g} ({int((people.group == g).sum())} people)"
                         for g in groups])
    axes["yaxis"].update(_axis("People (count)", rangemode="tozero"))
    axes["yaxis2"].update(_axis("People (count)", rangemode="tozero"))
    axes["xaxis"].update(_axis("", range=[0, 1]))
    axes["xaxis2"].update(_axis("Model score (0 to 1); dashed line = threshold", range=[0, 1]))
    return go.Figure(data, _layout(f"Each marker is one person; threshold {threshold:.2f}", 560,
                                   large, annotations=notes,
                                   shapes=[_vline(threshold, 1), _vline(threshold, 2)], **axes))


def impossibility_figure(result, bins, people_a, people_b, large: bool = False) -> go.Figure:
    """Lesson 2: people per score bin of each group (left) and the rates per group (right).

    Parameters
    ----------
    result : Impossibility
    bins : ndarray
        Score bin centres.
    people_a, people_b : ndarray
        People per bin of each group.
    large : bool, default False

    Returns
    -------
    plotly.graph_objects.Figure
    """
    names = {"fpr": "FPR", "fnr": "FNR", "ppv": "PPV (precision)", "base_rate": "Base rate"}
    data = []
    for g, people in (("A", people_a), ("B", people_b)):
        label = f"Group {g} (n = {result.rates.loc[g, 'n']:,.0f})"
        data.append({"type": "bar", "x": bins, "y": people, "name": label,
                     "marker": {"color": GROUP_COLOURS[g]}, "legendgroup": g,
                     "offsetgroup": g, "xaxis": "x", "yaxis": "y"})
        values = [result.rates.loc[g, r] for r in names]
        data.append({"type": "bar", "x": list(names.values()), "y": [100 * v for v in values],
                     "name": label, "showlegend": False, "legendgroup": g, "offsetgroup": g,
                     "marker": {"color": GROUP_COLOURS[g]}, "xaxis": "x2", "yaxis": "y2",
                     "text": ["n/a" if np.isnan(v) else f"{100 * v:.1f}" for v in values],
                     "textposition": "outside"})
    notes = [{"text": t, "x": x, "y": 1.0, "xref": "paper", "yref": "paper",
              "xanchor": "center", "yanchor": "bottom", "showarrow": False}
             for t, x in (("People per score bin", 0.21), ("Rates per group", 0.76))]
    layout = _layout(f"Calibrated scores, base rates {result.base_rates[0]:.0%} and "
                     f"{result.base_rates[1]:.0%}", 460, large, barmode="group",
                     annotations=notes, shapes=[_vline(result.threshold, 1)],
                     xaxis=_axis("Calibrated score (0 to 1); dashed line = threshold",
                                 domain=[0, 0.42], anchor="y"),
                     yaxis=_axis("People (expected count)", anchor="x"),
                     xaxis2=_axis("Rate", domain=[0.54, 1], anchor="y2"),
                     yaxis2=_axis("Rate (%)", range=[0, 112], anchor="x2"))
    return go.Figure(data, layout)


def loan_figure(people, thresholds, outcome, large: bool = False) -> go.Figure:
    """Lesson 3: applicants per credit score, repaid and defaulted stacked, one panel per group,
    with each group's threshold.

    Parameters
    ----------
    people : People
        The applicants.
    thresholds : tuple of int
        Threshold of A and of B.
    outcome : LoanOutcome
        At those thresholds.
    large : bool, default False

    Returns
    -------
    plotly.graph_objects.Figure
    """
    data = []
    scores = np.arange(0, 101)
    for row, g in enumerate(people.groups, start=1):
        mask = people.group == g
        for label, colour, name in ((1, POSITIVE, "would repay"), (0, NEGATIVE, "would default")):
            counts = np.bincount(people.score[mask & (people.label == label)].astype(int),
                                 minlength=101)
            data.append({"type": "bar", "x": scores, "y": counts, "name": name,
                         "marker": {"color": colour}, "legendgroup": name,
                         "showlegend": row == 1, "xaxis": "x" if row == 1 else "x2",
                         "yaxis": "y" if row == 1 else "y2"})
    axes, notes = _rows([f"Group {g}: {int((people.group == g).sum()):,} applicants, threshold "
                         f"{t:.0f}, {outcome.rates.loc[g, 'selection_rate']:.1%} get a loan"
                         for g, t in zip(people.groups, thresholds)])
    axes["yaxis"].update(_axis("Applicants (count)"))
    axes["yaxis2"].update(_axis("Applicants (count)"))
    axes["xaxis2"].update(_axis("Credit score (0 to 100); loans go to scores right of the "
                                "dashed line", range=[-0.5, 101.5]))
    shapes = [_vline(t - 0.5, row) for row, t in enumerate(thresholds, start=1)]
    return go.Figure(data, _layout(f"Profit {dollars(outcome.profit)}, accuracy "
                                   f"{outcome.accuracy:.1%}", 560, large, barmode="stack",
                                   bargap=0.05, annotations=notes, shapes=shapes, **axes))


def paired_bars(before, after, rates: dict, names: tuple, title: str,
                large: bool = False) -> go.Figure:
    """Lessons 4 and 5: each rate of each group under two conditions (``names``), side by side.

    ``before`` and ``after`` are rate tables (index group, column ``n`` and the rates).

    Parameters
    ----------
    before, after : DataFrame
    rates : dict
        Rate name -> label.
    names : tuple of str
        Legend names of the two conditions.
    title : str
    large : bool, default False

    Returns
    -------
    plotly.graph_objects.Figure
    """
    x = [f"{label}, {g}<br>(n = {before.loc[g, 'n']:,.0f})" for label in rates.values()
         for g in before.index]
    data = []
    for table, name, colour in ((before, names[0], qualitative.Safe[0]),
                                (after, names[1], SECOND)):
        values = [table.loc[g, r] for r in rates for g in before.index]
        data.append({"type": "bar", "x": x, "y": [100 * v for v in values], "name": name,
                     "marker": {"color": colour}, "textposition": "outside",
                     "text": ["n/a" if np.isnan(v) else f"{100 * v:.1f}" for v in values]})
    # the legend names the two conditions: on top, where a projector shows it with the bars
    legend = {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"}
    return go.Figure(data, _layout(title, 460, large, barmode="group", legend=legend,
                                   yaxis=_axis("Rate (%)", range=[0, 112]),
                                   xaxis=_axis("Rate and group (group size on the audited "
                                               "rows)", tickangle=0)))
