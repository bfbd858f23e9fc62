"""Browser helpers of the Tradeoffs chart: wait for it, read its points from the figure, and
check that every method's line starts at the base model."""

from __future__ import annotations

from browser_helpers import PLOTLY, main, plotly_traces
from playwright.sync_api import Page, expect


def wait_for_tradeoffs_chart(page: Page) -> None:
    """The Tradeoffs chart is drawn with its points."""
    expect(main(page).locator(PLOTLY)).to_have_count(1)  # not the sidebar's first-run primer
    expect(main(page).locator(f"{PLOTLY} .scatterlayer .trace .points path").first) \
        .to_be_attached()


def assert_lines_start_at_base(page: Page, methods=()) -> tuple[tuple[float, float], dict]:
    """Every drawn method's strength-0 point is the base model's star, within 1e-9 (strength 0
    is the model as it is); ``methods`` must be among the drawn ones. Returns the star and
    the lines of :func:`tradeoff_points`."""
    base, lines = tradeoff_points(page)
    assert set(methods) <= set(lines), sorted(lines)
    for method, points in lines.items():
        zero = [(x, y) for s, x, y in points if s == 0]
        assert len(zero) == 1, (method, points[:3])
        assert abs(zero[0][0] - base[0]) <= 1e-9 and abs(zero[0][1] - base[1]) <= 1e-9, \
            (method, zero[0], base)
    return base, lines


def tradeoff_points(page: Page) -> tuple[tuple[float, float], dict[str, list[tuple]]]:
    """The Tradeoffs chart read from its figure: the base model's star ``(x, y)`` and, per
    method, its drawn points ``(strength, x, y)`` (each marker's customdata starts with
    ``[method, strength]``)."""
    chart = main(page).locator(PLOTLY)
    base, lines = None, {}
    for trace in plotly_traces(chart):
        if not trace["customdata"] or trace["visible"] is not True:
            continue
        for custom, x, y in zip(trace["customdata"], trace["x"], trace["y"]):
            if custom[0] == "baseline":
                base = (x, y)
            else:
                lines.setdefault(custom[0], []).append((float(custom[1]), x, y))
    assert base is not None, "the chart has no base-model star"
    return base, lines
