"""Checks shared by the figure tests: legend entries, group ticks, pixels per group."""

import html
import re

from fairdash.viz import plot_text

#: a 12 px tick font needs about this many pixels per line
LINE_PX = 13
#: pixels the value axis (ticks and title) takes from the plot area at most
VALUE_AXIS_PX = 60


def legend_entries(fig) -> list[str]:
    """Names shown in the legend (one per legend group of traces with a legend entry)."""
    seen, names = set(), []
    for t in fig.data:
        if t.showlegend is False:
            continue
        if t.showlegend is None and len(fig.data) == 1:
            continue  # plotly hides the legend of a single trace
        key = t.legendgroup or t.name
        if key not in seen:
            seen.add(key)
            names.append(t.name)
    return names


def shown(text: str) -> str:
    """What plotly draws for a text without markup: its entities decoded (the builders escape
    every group label with ``plot_text``, and plotly.js draws ``&amp;`` as ``&``)."""
    return html.unescape(text)


def plain(tick: str) -> str:
    """A tick label as plotly shows it: without its line breaks and markup, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", tick).replace("  ", " "))


def check_group_axis(fig, labels, sizes, axis="yaxis", bars_per_group=1):
    """Every group has exactly one tick at its own position, with its n, and enough pixels.

    Returns the number of pixels each group gets.
    """
    ax = fig.layout[axis]
    vals, texts = list(ax.tickvals), list(ax.ticktext)
    assert vals == [plot_text(g) for g in labels], "every group once, in order (escaped)"
    assert len(set(vals)) == len(vals), "two groups at the same position"
    for g, n, text in zip(labels, sizes, texts):
        flat = " ".join(plain(text).split())
        assert " ".join(str(g).split()) in flat, f"label of {g!r} cut: {flat!r}"
        assert f"n = {int(n):,}" in flat, f"no group size in {flat!r}"
    lines = max(t.count("<br>") + 1 for t in texts)
    margin = fig.layout.margin
    plot_px = fig.layout.height - margin.t - margin.b - VALUE_AXIS_PX
    per_group = plot_px / len(labels)
    assert per_group >= max(lines * LINE_PX, 10 * bars_per_group), (
        f"{per_group:.0f} px per group for {lines}-line ticks: labels overlap")
    return per_group


def check_titles(fig, *axes):
    """The figure title and the named axes' titles are not empty."""
    assert fig.layout.title.text
    for name in axes:
        assert fig.layout[name].title.text, f"{name} has no title"
