"""Layout helpers shared by the figure builders: colours, group tick labels, heights, facets.

Everything here returns plain dicts and strings, so each builder still makes its figure in one
``go.Figure(data, layout)`` call (plotly validates every incremental ``update_*`` call again,
which on the threshold slider's path costs more than the metrics).

Readability from 2 to 50 groups rests on three rules:

* bar charts lie horizontally and grow by a fixed number of pixels per tick line, so labels
  never overlap however many groups there are; long labels are wrapped, never cut;
* line charts with many groups either draw one small panel per group (:func:`facet_grid`) or
  draw a few groups in colour and fold the rest into one grey trace;
* up to ten groups get ten colour-blind-safe hues; beyond ten, bars share one colour (their
  tick labels name them) and the few groups a line chart draws in colour take the safe hues.

Every user string (group label, column name, file, model or method name, slice description)
reaches a figure only through :func:`plot_text`: plotly renders a subset of HTML (``<a href>``,
``<b>``, ``<br>``, ``<span style>`` ...) and ``%{...}`` templates in tick text, legend names,
titles, annotations and hover text, so an unescaped label could become a live link. The
builders escape each such string once, on entry; whatever they compose from the escaped
pieces (``<br>`` between lines, ``<b>`` around a panel title) is their own markup.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.colors import qualitative

#: ten colour-blind-safe hues (Paul Tol's "safe" set without its grey, kept for small groups)
PALETTE = tuple(qualitative.Safe[:10])
#: 24 dark, distinct hues for more than ten groups (every one readable on white)
MANY_PALETTE = tuple(qualitative.Dark24)
SMALL_COLOUR = "#bbbbbb"
OTHER_COLOUR = "#c8c8c8"
#: every bar's colour beyond ten groups
UNIFORM_COLOUR = "#3a6ea5"
#: characters per line of a wrapped group label
WRAP = 28
#: pixels per line of a tick label (12 px font) and between two bars
LINE_PX = 15
ROW_GAP_PX = 12


def plot_text(text) -> str:
    """A user string made inert for plotly: shown as typed, never as markup or a template.

    ``&``, ``<`` and ``>`` become the entities ``&amp;``, ``&lt;`` and ``&gt;`` (plotly.js
    draws them as the characters), so no tag (``<a href>``, ``<img>``, ``<b>``, ``<br>``) and
    no entity (``&times;``) in the string is interpreted; and ``%{`` becomes ``%&#123;``, so
    a label put into a ``hovertemplate`` (or a name, which plotly also fills from ``meta``) is
    never read as a ``%{variable}``. The mapping is one-to-one, so distinct labels stay
    distinct category values.

    Parameters
    ----------
    text : object
        Converted with ``str`` first.

    Returns
    -------
    str

    Examples
    --------
    >>> plot_text('<a href="http://x/">click</a> & %{y}')
    '&lt;a href="http://x/"&gt;click&lt;/a&gt; &amp; %&#123;y}'
    """
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("%{", "%&#123;"))


def plot_texts(values) -> list[str]:
    """:func:`plot_text` of every item (category values, trace names, hover labels)."""
    return [plot_text(v) for v in values]


def group_colours(labels) -> dict[str, str]:
    """One stable colour per group label, the same on every figure.

    Parameters
    ----------
    labels : iterable
        Group labels in display order.

    Returns
    -------
    dict
        Label (as text) -> CSS colour: ten colour-blind-safe hues for up to ten groups, 24
        distinct dark hues beyond (cycled past 24, where labels and hovers name the groups).
    """
    labels = [str(g) for g in labels]
    palette = PALETTE if len(labels) <= len(PALETTE) else MANY_PALETTE
    return {g: palette[i % len(palette)] for i, g in enumerate(labels)}


def bar_colours(labels, small) -> list[str]:
    """Bar colours: each group's own for up to ten groups, one blue beyond; small groups grey.

    Beyond ten groups the tick labels name every bar, and 24 hues would only be noise (and
    some of them would look alike), so every bar but the small ones shares one colour.

    Parameters
    ----------
    labels : iterable
    small : iterable of bool
        Groups under the minimum group size.

    Returns
    -------
    list of str
    """
    labels = [str(g) for g in labels]
    colours = group_colours(labels) if len(labels) <= len(PALETTE) else \
        dict.fromkeys(labels, UNIFORM_COLOUR)
    return [SMALL_COLOUR if s else colours[g] for g, s in zip(labels, small)]


def line_colours(labels, drawn) -> dict[str, str]:
    """Colours of the groups a line chart draws in colour, always far apart.

    Up to ten groups keep :func:`group_colours` (the same as on every other figure); with
    more, the drawn groups (at most ten) take the ten colour-blind-safe hues in order.
    """
    labels = [str(g) for g in labels]
    if len(labels) <= len(PALETTE):
        return group_colours(labels)
    return {str(g): PALETTE[i % len(PALETTE)] for i, g in enumerate(drawn)}


def figure(data: list, title: str, height: int, **layout) -> go.Figure:
    """A figure in one call: left-aligned title, automatic margins, legend below the plot.

    ``title`` is plotly text: any user string in it must have gone through :func:`plot_text`.
    """
    # No plotly template: resolving one costs ~15 ms a figure, and Streamlit's chart theme
    # restyles the figure anyway.
    base = dict(title=dict(text=title, x=0, xanchor="left", yref="container", y=1,
                           yanchor="top", pad=dict(t=12)), height=int(height),
                margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.2))
    base.update(layout)
    return go.Figure(data=data, layout=base)


def axis(title: str, **kw) -> dict:
    """An axis dict with a title and automatic margins (long tick labels are never cut).

    ``title`` is plotly text: any user string in it must have gone through :func:`plot_text`.
    """
    return dict(title=dict(text=title), automargin=True, **kw)


def wrap(label, width: int = WRAP) -> str:
    """Break a long label into lines of about ``width`` characters at its spaces.

    Words are never cut, so a label is never truncated; each line is escaped with
    :func:`plot_text` (pass the label as the user wrote it) and lines are joined by ``<br>``.

    Examples
    --------
    >>> wrap("Amer-Indian-Eskimo & Female", 20)
    'Amer-Indian-Eskimo &amp;<br>Female'
    """
    lines, line = [], ""
    for word in str(label).split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "<br>".join(plot_text(line) for line in lines)


def group_ticks(labels, n, small=None, values=None) -> list[str]:
    """Tick text per group: the wrapped label, then ``value · n = 1,234`` on its own line.

    Parameters
    ----------
    labels : iterable
        The labels as the user wrote them (escaped here, by :func:`wrap`).
    n : iterable of int
        Rows per group.
    small : iterable of bool, optional
        Groups under the minimum size get ``(small)``.
    values : iterable of str, optional
        A formatted value shown before the group size (for example ``"8.1 %"``).
    """
    labels = list(labels)
    small = small if small is not None else [False] * len(labels)
    values = values if values is not None else [None] * len(labels)
    out = []
    for g, size, s, v in zip(labels, n, small, values):
        tail = f"n = {int(size):,}{' (small)' if s else ''}"
        out.append(f"{wrap(g)}<br>{v + ' · ' if v else ''}{tail}")
    return out


def lines_per_tick(ticks) -> int:
    """The most lines any of the tick labels has."""
    return max((t.count("<br>") + 1 for t in ticks), default=1)


def bars_height(ticks, bars_per_group: int = 1, extra: int = 150, minimum: int = 300) -> int:
    """Height of a horizontal bar chart in which no two tick labels overlap.

    Each group gets room for its tick label's lines (all ticks are as tall as the tallest)
    and at least 14 px per bar, plus ``extra`` for the title, legend and value axis.
    """
    per_group = max(lines_per_tick(ticks) * LINE_PX, 14 * bars_per_group) + ROW_GAP_PX
    return max(minimum, extra + per_group * len(ticks))


def group_axis(keys, ticks, **kw) -> dict:
    """A category axis of groups, first group on top, one tick per group.

    ``keys`` are the category values the traces use (the escaped labels of
    :func:`plot_texts`, so the hover's ``%{y}`` shows them as typed); ``ticks`` their text.
    """
    return dict(type="category", tickvals=list(keys), ticktext=list(ticks),
                autorange="reversed", automargin=True, **kw)


def legend_room(n_entries: int) -> dict:
    """Height and placement that keep a long legend below the plot, not over it."""
    rows = n_entries if n_entries > 4 else 1
    return dict(height=420 + 20 * rows,
                legend=dict(orientation="v" if n_entries > 4 else "h", y=-0.18,
                            yanchor="top", x=0))


def facet_grid(n: int, columns: int = 3, panel_px: int = 170, hgap: float = 0.06,
               title_px: int = 34) -> dict:
    """Axis domains for ``n`` small panels in at most ``columns`` columns.

    Returns
    -------
    dict
        ``axes`` (one ``(xaxis_name, yaxis_name, x_domain, y_domain, row, column)`` per panel,
        row 0 on top), ``rows``, ``columns`` and ``height`` (pixels of the panel area, to
        which the caller adds its title and legend room).
    """
    columns = max(1, min(columns, n))
    rows = max(1, math.ceil(n / columns))
    height = rows * (panel_px + title_px)
    vgap = title_px / height
    width = (1 - hgap * (columns - 1)) / columns
    cell = (1 - vgap * (rows - 1)) / rows
    axes = []
    for i in range(n):
        r, c = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        x0 = c * (width + hgap)
        y1 = 1 - r * (cell + vgap)
        axes.append((f"x{suffix}", f"y{suffix}", [x0, x0 + width],
                     [max(y1 - cell, 0.0), y1], r, c))
    return dict(axes=axes, rows=rows, columns=columns, height=height)


def pick_highlighted(sizes, limit: int | None, highlight=None) -> list[str]:
    """Which groups a line chart draws in colour: the ``limit`` largest, or ``highlight``.

    Parameters
    ----------
    sizes : Series
        Rows per group, indexed by label, in display order.
    limit : int or None
        All groups are drawn in colour when there are at most ``limit + 1`` (folding a single
        group into "other groups" would save nothing), or when None.
    highlight : iterable of str, optional
        The caller's choice (unknown labels are ignored).

    Returns
    -------
    list of str
        The highlighted labels, in display order.
    """
    labels = [str(g) for g in sizes.index]
    if highlight is not None:
        wanted = {str(g) for g in highlight}
        return [g for g in labels if g in wanted]
    if limit is None or len(labels) <= limit + 1:
        return labels
    largest = set(sizes.sort_values(ascending=False, kind="stable").index[:limit].map(str))
    return [g for g in labels if g in largest]
