"""The Compare page in a real browser: flips of an update, who pays, the download."""

from __future__ import annotations

import pytest
from browser_helpers import AppPage, assert_healthy, go_to, open_app, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_compare_base_with_boosting(app: AppPage):
    page = app.page
    open_app(app)
    go_to(app, "Compare")
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name="Flip matrix")).to_be_visible()
    expect(page.get_by_role("combobox", name="New model (the update)")).to_have_value(
        "Another model trained here: Histogram gradient boosting")
    expect(main).to_contain_text("Who pays for the update")
    expect(main).to_contain_text("Negative flip rate")
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    expect(page.get_by_role("button", name="flipped rows (CSV)")).to_be_visible()
    screenshot(page, "compare-adult-logreg-to-hgb.png")
    assert_healthy(app)
