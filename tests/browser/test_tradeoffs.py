"""The Tradeoffs page in a real browser: click a point, its detail, the background sweep."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (AppPage, assert_healthy, go_to, open_app, screenshot, wait_for_rerun,
                             wait_idle)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
FITS_TIMEOUT_MS = 240_000


def traces(page: Page):
    return page.locator(f"{CHART} .scatterlayer .trace")


def wait_for_more_traces(page: Page, than: int, timeout: float = FITS_TIMEOUT_MS) -> None:
    """Wait until the chart draws more than ``than`` traces (a rerun briefly shows none)."""
    page.wait_for_function(
        "n => document.querySelectorAll("
        "'[data-testid=\"stPlotlyChart\"] .js-plotly-plot .scatterlayer .trace').length > n",
        arg=than, timeout=timeout)


def wait_for_chart(page: Page) -> None:
    expect(page.locator(CHART)).to_have_count(1)
    expect(traces(page).first.locator(".points path").first).to_be_attached()


def test_click_a_point_then_sweep_in_the_background(app: AppPage):
    page = app.page
    open_app(app)
    go_to(app, "Tradeoffs")
    wait_for_chart(page)
    before_traces = traces(page).count()
    # four single-fit fronts, the base model and the Pareto front are there at once
    assert before_traces >= 6
    first = traces(page).nth(0).locator(".points path")
    expect(first).to_have_count(51)

    count = app.runs.count
    first.nth(30).click(force=True)        # group thresholds (DP) at strength 30/50 = 0.6
    wait_for_rerun(page, app.runs, count)
    heading = page.get_by_role("heading", name=re.compile("^Chosen point"))
    expect(heading).to_contain_text("Group thresholds (demographic parity) at strength 0.60")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Decisions changed")
    expect(main).to_contain_text("selection rate gap closed")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Group thresholds (demographic parity) at strength 0.60")
    screenshot(page, "tradeoffs-adult-chosen-point.png")

    # the training methods sweep in the background; points appear; stopping keeps them
    count = app.runs.count
    page.get_by_role("button", name="Sweep the training methods").click()
    wait_for_rerun(page, app.runs, count)
    expect(page.get_by_role("button", name="Stop the training sweeps")).to_be_visible()
    expect(main).to_contain_text(re.compile(r"Reweighing: [1-4] of 4 strengths"),
                                 timeout=FITS_TIMEOUT_MS)
    wait_for_more_traces(page, before_traces)   # a new method's line
    page.get_by_role("button", name="Stop the training sweeps").click()
    expect(page.get_by_role("button", name="Resume the training sweeps")).to_be_visible(
        timeout=FITS_TIMEOUT_MS)
    wait_idle(page)
    wait_for_more_traces(page, before_traces)
    screenshot(page, "tradeoffs-adult-sweep-stopped.png")

    # the chosen point is the Mitigate page's starting point
    go_to(app, "Mitigate")
    expect(page.get_by_role("combobox", name="Method")).to_have_value(
        "Group thresholds (demographic parity)")
    expect(page.get_by_role("slider", name=re.compile("^Strength"))).to_have_value("0.6")
    assert_healthy(app)


def test_a_deep_link_opens_its_page_on_a_fresh_server(app: AppPage, fresh_server):
    """The first visitor of a new server may arrive through a shared link to a page: the
    router (app.py) must still run first, so the page has its state and the navigation."""
    page = app.page
    open_app(app, f"{fresh_server}/tradeoffs")
    expect(page.get_by_role("heading", name="Tradeoffs")).to_be_visible()
    wait_for_chart(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Tradeoffs", exact=True)).to_be_visible()
    assert_healthy(app)
