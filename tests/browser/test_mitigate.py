"""The Mitigate page in a real browser: live post-processing, a trained method, the demo."""

from __future__ import annotations

import re
import statistics
import time

import pytest
from browser_helpers import AppPage, assert_healthy, go_to, open_app, screenshot, wait_for_rerun
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

STRENGTH = re.compile(r"^Strength")
DP_ROW = "Demographic parity difference"


def comparison_table(page: Page):
    """The before/after gap table (its header has a "p-value after" column)."""
    return page.get_by_test_id("stTable").filter(
        has=page.locator("th", has_text="p-value after"))


def dp_cells(page: Page) -> tuple[float, float]:
    """(before, after) demographic parity difference as the comparison table shows them."""
    row = comparison_table(page).locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{DP_ROW}$")))
    expect(row).to_have_count(1)
    cells = row.locator("td")
    return (float(cells.nth(0).inner_text().split(" ")[0]),
            float(cells.nth(1).inner_text().split(" ")[0]))


def wait_for_mitigation(page: Page) -> None:
    expect(page.get_by_role("heading", name="Fairness gaps")).to_be_visible()
    expect(comparison_table(page)).to_have_count(1)
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    expect(chart.first.locator(".main-svg").first).to_be_visible()


def test_mitigate_live_strength_and_demo(app: AppPage):
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    wait_for_mitigation(page)
    before, after = dp_cells(page)
    print(f"\nAdult, group thresholds (DP) at strength 1: DP difference {before:.3f} -> "
          f"{after:.3f}")
    assert after < 0.03 < before
    screenshot(page, "mitigate-adult-thresholds.png")

    slider = page.get_by_role("slider", name=STRENGTH)
    expect(slider).to_have_value("1")
    slider.focus()
    latencies = []
    for _ in range(30):  # step 0.01: from 1 to 0.7
        start, count = time.perf_counter(), app.runs.count
        slider.press("ArrowLeft")
        wait_for_rerun(page, app.runs, count)
        latencies.append((app.runs.finished[count] - start) * 1000)
    expect(slider).to_have_value("0.7")
    _, weaker = dp_cells(page)
    assert weaker > after
    print(f"strength 1 -> 0.7: after DP {after:.3f} -> {weaker:.3f}; "
          f"STRENGTH_LATENCY_MS median={statistics.median(latencies):.0f} "
          f"all={[round(ms) for ms in latencies]}")

    count = app.runs.count
    page.get_by_role("button", name=re.compile("COMPAS demo")).click()
    wait_for_rerun(page, app.runs, count, timeout=120_000)
    wait_for_mitigation(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("decile_score")
    expect(page.get_by_role("combobox", name="Method")).to_have_value("Wasserstein barycenter")
    expect(slider).to_have_value("1")
    before, after = dp_cells(page)
    print(f"COMPAS decile_score by race, barycenter at strength 1: DP {before:.3f} -> "
          f"{after:.3f}")
    assert after < before / 3
    screenshot(page, "mitigate-compas-demo.png")
    go_to(app, "Audit")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("decile_score")
    # the active mitigation travels with the session to the other pages
    expect(sidebar).to_contain_text("Wasserstein barycenter at strength 1.00")
    assert_healthy(app)
