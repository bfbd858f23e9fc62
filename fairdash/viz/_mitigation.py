"""Figures of the Mitigate page: before and after side by side, data in, ``go.Figure`` out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdash.viz._audit import _axis, _figure

BEFORE_COLOUR = "#9e9e9e"
AFTER_COLOUR = "#1f77b4"


def _bars(groups: pd.DataFrame, rate: str, name: str, colour: str, axis: int, show: bool):
    value = groups[rate].to_numpy(dtype=float) * 100
    low = groups[f"{rate}_low"].to_numpy(dtype=float) * 100
    high = groups[f"{rate}_high"].to_numpy(dtype=float) * 100
    ticks = [f"{g}<br>n = {n:,}" for g, n in zip(groups.index, groups["n"])]
    suffix = "" if axis == 1 else str(axis)
    return dict(type="bar", x=ticks, y=value, name=name, marker_color=colour,
                legendgroup=name, showlegend=show, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                error_y=dict(type="data", symmetric=False, array=high - value,
                             arrayminus=value - low, color="#333"),
                customdata=np.stack([low, high], axis=-1),
                hovertemplate=f"{name}<br>%{{x}}<br>%{{y:.1f}} % (95 % CI "
                              "%{customdata[0]:.1f}–%{customdata[1]:.1f})<extra></extra>")


def before_after_rates_figure(before: pd.DataFrame, after: pd.DataFrame, rates: dict,
                              after_label: str = "after") -> object:
    """Grouped bars per group, before (grey) and after (blue), one panel per rate.

    Parameters
    ----------
    before, after : DataFrame
        ``AuditResult.groups`` of the base model and of the mitigation on the same rows.
    rates : dict
        Rate name -> panel title (for example ``{"selection_rate": "Selection rate"}``).
    after_label : str
        Legend text of the mitigated bars.
    """
    data, layout = [], {}
    k = len(rates)
    gap = 0.06
    width = (1 - gap * (k - 1)) / k
    for i, (rate, title) in enumerate(rates.items(), start=1):
        data.append(_bars(before, rate, "before", BEFORE_COLOUR, i, i == 1))
        data.append(_bars(after, rate, after_label, AFTER_COLOUR, i, i == 1))
        suffix = "" if i == 1 else str(i)
        start = (i - 1) * (width + gap)
        layout[f"xaxis{suffix}"] = dict(domain=[start, start + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = _axis(f"{title} (%)", anchor=f"x{suffix}",
                                         rangemode="tozero")
    return _figure(data, "Per-group rates before and after (test rows, 95 % Wilson intervals)",
                   380, barmode="group", **layout)


NFR_COLOUR = "#d62728"
PFR_COLOUR = "#2ca02c"


def flip_bars_figure(groups: pd.DataFrame) -> object:
    """Per-group negative and positive flip rates (%) with Wilson whiskers and group sizes.

    Parameters
    ----------
    groups : DataFrame
        ``FlipReport.groups`` (``n``, ``nfr``, ``pfr`` and their ``_low`` / ``_high``).
    """
    data = [_bars(groups, "nfr", "negative flips (old right, new wrong)", NFR_COLOUR, 1, True),
            _bars(groups, "pfr", "positive flips (old wrong, new right)", PFR_COLOUR, 1, True)]
    return _figure(data, "Who the update fails and who it fixes (test rows, 95 % Wilson "
                         "intervals)", 380, barmode="group",
                   yaxis=_axis("Share of the group's test rows (%)", rangemode="tozero"))
