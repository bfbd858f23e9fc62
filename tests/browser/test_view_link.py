"""Issue 13: the address bar holds the view. In the real server, a threshold and a model set
on the screens go into the URL; a reload and a second browser opening that URL (a colleague)
show the same view, with the audit's numbers of that view."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    AppPage,
    assert_healthy,
    audit_gap_table,
    go_to,
    open_app,
    press_slider,
    screenshot,
    sidebar,
    static_table_rows,
    wait_for_audit,
    wait_for_rerun,
    threshold_slider,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

THRESHOLD = re.compile(r"^Decision threshold")
DP = "Demographic parity difference"


def _dp(page: Page) -> str:
    return static_table_rows(audit_gap_table(page))[DP]["value"]


def test_reload_and_a_shared_link_restore_the_view(app: AppPage, browser, base_url):
    page = app.page
    open_app(app, "/audit")
    wait_for_audit(page)
    slider = threshold_slider(page)
    press_slider(app, slider, "ArrowRight", 15)
    expect(slider).to_have_value("0.65")
    # the app rewrites the address with history.replaceState, which is no navigation
    page.wait_for_function("() => new URLSearchParams(location.search).get('t') === '0.65'")
    shown = _dp(page)
    url = page.url
    assert "data=sample%3Aadult" in url or "data=sample:adult" in url

    before = app.runs.count
    page.reload()
    wait_for_rerun(page, app.runs, before, timeout=120_000)
    wait_for_audit(page)
    expect(threshold_slider(page)).to_have_value("0.65")
    assert _dp(page) == shown
    assert_healthy(app)

    colleague = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    try:
        colleague.goto(url)
        threshold_slider(colleague).wait_for(timeout=120_000)
        expect(threshold_slider(colleague)).to_have_value("0.65")
        expect(colleague.get_by_text(DP).first).to_be_visible()
        colleague.wait_for_timeout(500)
        assert _dp(colleague) == shown
        expect(sidebar(colleague)).to_contain_text("Share this view")
        screenshot(colleague, "issue-13-link-restored.png")
    finally:
        colleague.context.close()


def test_an_upload_link_says_what_cannot_travel(app: AppPage):
    open_app(app, "/?data=upload:%3Cimg%20src%3Dx%3Ehires.csv&t=0.3")
    page = app.page
    expect(page.get_by_text("cannot travel in a link").first).to_be_visible()
    assert page.locator("img[src='x']").count() == 0  # the file name is shown, not rendered
    go_to(app, "Audit")
    wait_for_audit(page)
    assert_healthy(app)
