"""The Tradeoffs screen in a real browser: click a point (it becomes the active mitigation), its
detail, the background sweep, and a deep link on a fresh server."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    PLOTLY,
    AppPage,
    assert_healthy,
    click_and_wait,
    go_to,
    main,
    open_app,
    plotly_traces,
    screenshot,
    sidebar,
    strength_slider,
    wait_for_mitigation,
    wait_for_rerun,
    wait_idle,
)
from playwright.sync_api import Page, expect
from tradeoff_helpers import assert_lines_start_at_base, wait_for_tradeoffs_chart

pytestmark = pytest.mark.browser

FITS_TIMEOUT_MS = 240_000
THRESHOLDS_DP = "Group thresholds (demographic parity)"
#: the single-fit post-processing fronts on Adult with logistic regression
FRONTS = ("thresholds_dp", "thresholds_eop", "thresholds_eo", "barycenter")


def traces(page: Page):
    return main(page).locator(f"{PLOTLY} .scatterlayer .trace")


def trace_index(page: Page, name: str) -> int:
    """Position of the drawn trace called ``name`` among the chart's scatter traces."""
    names = [t["name"] for t in plotly_traces(main(page).locator(PLOTLY)) if t["visible"] is True]
    return names.index(name)


def test_click_a_point_then_sweep_in_the_background(app: AppPage):
    page = app.page
    open_app(app)
    go_to(app, "Tradeoffs")
    wait_for_tradeoffs_chart(page)
    expect(main(page)).to_contain_text("deciding at the threshold 0.50 set on the Audit screen")
    expect(main(page)).to_contain_text("every line starts at the base model")
    _, lines = assert_lines_start_at_base(page, FRONTS)
    assert {len(points) for points in lines.values()} == {51}
    # four single-fit fronts, the base model and the Pareto front are there at once
    assert traces(page).count() >= 6
    dp_line = traces(page).nth(trace_index(page, THRESHOLDS_DP)).locator(".points path")
    expect(dp_line).to_have_count(51)

    count = app.runs.count
    dp_line.nth(30).click(force=True)        # group thresholds (DP) at strength 30/50 = 0.6
    wait_for_rerun(page, app.runs, count)
    heading = page.get_by_role("heading", name=re.compile("^Chosen point"))
    expect(heading).to_contain_text(f"{THRESHOLDS_DP} at strength 0.60")
    expect(main(page)).to_contain_text("Decisions changed")
    expect(main(page)).to_contain_text("gap closed")
    # a clicked point is the active mitigation, and the detail says so
    expect(main(page)).to_contain_text("This point is the active mitigation (see the sidebar)")
    expect(sidebar(page)).to_contain_text(f"{THRESHOLDS_DP} at strength 0.60")
    assert "Chosen point" in [t["name"] for t in plotly_traces(main(page).locator(PLOTLY))]
    screenshot(page, "tradeoffs-adult-chosen-point.png")

    # the chosen point is the Mitigate screen's starting point, shown as the active one
    go_to(app, "Mitigate")
    expect(page.get_by_role("combobox", name="Method")).to_have_value(THRESHOLDS_DP)
    wait_for_mitigation(page)
    expect(strength_slider(page)).to_have_value("0.6")  # in the strength component's frame
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text(f"Active mitigation: {THRESHOLDS_DP} at strength 0.60")
    go_to(app, "Tradeoffs")     # looking at Mitigate changes nothing
    wait_for_tradeoffs_chart(page)
    expect(main(page)).to_contain_text("This point is the active mitigation (see the sidebar)")

    # the training methods sweep in the background; points appear; stopping keeps them
    before_traces = traces(page).count()
    click_and_wait(app, page.get_by_role("button", name="Sweep the training methods"))
    expect(page.get_by_role("button", name="Stop the training sweeps")).to_be_visible()
    expect(main(page)).to_contain_text(re.compile(r"Reweighing: [2-5] of 5 strengths"),
                                       timeout=FITS_TIMEOUT_MS)
    stop = page.get_by_role("button", name="Stop the training sweeps")
    if stop.count():  # (on a fast machine the sweep may already have ended)
        stop.click()
    expect(main(page)).to_contain_text(  # stopped, or every fit is in
        re.compile(r"Resume the training sweeps|methods that train a new model .* are on the "
                   r"chart"), timeout=FITS_TIMEOUT_MS)
    wait_idle(page)
    expect(main(page)).to_contain_text(re.compile(r"Reweighing: [2-5] of 5 strengths"))
    # the swept methods' lines are drawn without touching the stage filter, and they start at
    # the base model too
    swept = set(assert_lines_start_at_base(page, FRONTS)[1]) - set(FRONTS)
    print(f"\ntraces before the sweep {before_traces}, after {traces(page).count()}; swept "
          f"lines: {sorted(swept)}")
    assert "reweighing" in swept
    screenshot(page, "tradeoffs-adult-sweep-stopped.png")
    assert_healthy(app)


def test_a_deep_link_opens_its_page_on_a_fresh_server(app: AppPage, fresh_server):
    """The first visitor of a new server may arrive through a shared link to a page: the
    router (app.py) must still run first, so the page has its state and the navigation."""
    page = app.page
    open_app(app, f"{fresh_server}/tradeoffs")
    expect(page.get_by_role("heading", name="Tradeoffs")).to_be_visible()
    wait_for_tradeoffs_chart(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Tradeoffs", exact=True)).to_be_visible()
    expect(sidebar(page)).to_contain_text("Active data")
    assert_healthy(app)
