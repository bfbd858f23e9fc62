"""The Subgroups screen's chart: each slice's rate against the rest, with intervals."""

from __future__ import annotations

import plotly.graph_objects as go

from fairdash.viz._layout import axis, bars_height, figure, group_axis, plot_text, plot_texts, wrap

SLICE_COLOUR = "#c0392b"
REST_COLOUR = "#9e9e9e"


def slice_rates_figure(slices, rate_label: str, percent: bool = True) -> go.Figure:
    """Horizontal bars: each slice's rate and the rate on every other row, one slice a row.

    Parameters
    ----------
    slices : DataFrame
        ``words``, ``n``, ``rate``, ``rate_rest``, ``effect``, ``ci_low``, ``ci_high`` (the
        effect's interval) and ``q_value``, as ``fairdash.subgroups.find_slices`` gives them.
    rate_label : str
        The rate in words, for the axis ("error rate").
    percent : bool, default True
        Rates are shares shown in percent (False: a mean absolute error in the target's units).
    """
    scale = 100.0 if percent else 1.0
    words = [f"{i + 1}. {w}" for i, w in enumerate(slices["words"])]
    # the descriptions hold column names and values ("age < 30"): escaped as category values
    keys = plot_texts(words)
    ticks = [f"{wrap(w, 40)}<br>n = {int(n):,} · q = {q:.2g}"
             for w, n, q in zip(words, slices["n"], slices["q_value"])]
    rate = slices["rate"].to_numpy() * scale
    rest = slices["rate_rest"].to_numpy() * scale
    # the interval of the effect, drawn around the slice's rate
    hi = (slices["ci_high"] - slices["effect"]).to_numpy() * scale
    lo = (slices["effect"] - slices["ci_low"]).to_numpy() * scale
    data = [
        go.Bar(y=keys, x=rest, orientation="h", name="every other row", marker_color=REST_COLOUR,
               hovertemplate="%{y}<br>rest: %{x:.1f}<extra></extra>"),
        go.Bar(y=keys, x=rate, orientation="h", name="in the slice (95 % interval of the gap)",
               marker_color=SLICE_COLOUR, error_x=dict(type="data", array=hi, arrayminus=lo,
                                                     color="#333", thickness=1.2),
               hovertemplate="%{y}<br>slice: %{x:.1f}<extra></extra>"),
    ]
    unit = " (%)" if percent else ""
    rate_label = plot_text(rate_label.capitalize())
    return figure(data, f"{rate_label} in each slice and on every other row",
                  bars_height(ticks, bars_per_group=2), barmode="group",
                  xaxis=axis(f"{rate_label}{unit}", rangemode="tozero"),
                  yaxis=group_axis(keys, ticks), legend=dict(orientation="h", y=-0.15))
