"""The Audit threshold answered in the browser (issue 16): the component's numbers equal the
library's and the server's at three thresholds, no rerun happens while the slider moves, and
letting go updates the server's view (the gap summary, the URL and the other screens)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from browser_helpers import (
    AppPage,
    assert_healthy,
    audit_gap_table,
    go_to,
    live_frame,
    main,
    open_app,
    press_to,
    screenshot,
    sidebar,
    static_table_rows,
    threshold_slider,
    wait_for_audit,
    wait_for_mitigation,
    wait_idle,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

#: what the component shows: every gap value at full precision, the bars' values (percent)
SHOWN = """() => ({
    shown: document.body.getAttribute('data-shown'),
    gaps: Object.fromEntries([...document.querySelectorAll('#fd-gaps tbody tr')].map(
        r => [r.dataset.gap, r.querySelector('td.num').dataset.value])),
    bars: document.getElementById('fig-bars').data[0].x,
    dots: document.getElementById('fig-roc').data.filter(t => t.legendgroup === 'dots')
        .map(t => [t.text, t.x, t.y]),
    line: document.getElementById('fig-hist').layout.shapes.map(s => s.x0),
})"""


def library_audit(dataset, scores, threshold: float):
    """``fairdash.metrics.audit`` of the audited rows at ``threshold``."""
    from fairdash.data import AUDITED_SPLIT
    from fairdash.metrics import audit

    mask = dataset.rows(AUDITED_SPLIT)
    return audit(dataset.y[mask], y_score=scores[mask], threshold=threshold,
                 sensitive_features=dataset.frame.loc[mask, list(dataset.roles.sensitive)])


def move_to(page: Page, target: float) -> dict:
    """Press arrow keys until the slider shows ``target``; return what the component drew
    there (before any rerun: the slider is answered in the browser)."""
    presses = press_to(threshold_slider(page), target)
    frame = page.frame(url=re.compile(r"/component/"))
    frame.wait_for_function(f"() => (document.body.getAttribute('data-shown') || '')"
                            f".startsWith('{target:.2f}#')")
    return frame.evaluate(SHOWN) | {"presses": presses}


def settled(page: Page, target: float) -> None:
    """The server has the released threshold (the URL says so), has redrawn the component at
    it, and that run has finished."""
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('t') === "
                           f"'{target:g}'")
    frame = page.frame(url=re.compile(r"/component/"))
    frame.wait_for_function(f"() => Math.abs(FairDashThreshold.payload().threshold - {target})"
                            " < 1e-9")
    wait_idle(page)
    expect(live_frame(page).locator("#fd-caption")).to_have_text(f"{target:.2f}")


def test_browser_values_equal_the_server_at_three_thresholds(app: AppPage, adult_logreg):
    page = app.page
    open_app(app)
    go_to(app, "Audit")
    wait_for_audit(page)
    dataset, scores = adult_logreg
    for target in (0.3, 0.62, 0.85):
        runs = app.runs.count
        shown = move_to(page, target)
        library = library_audit(dataset, scores, target)
        for name, value in library.gaps["value"].items():
            client = float(shown["gaps"][name])  # "nan" parses to nan
            assert (math.isnan(client) and math.isnan(value)) or client == pytest.approx(
                value, rel=1e-12, abs=1e-12), (target, name)
        rates = library.groups["selection_rate"].to_numpy() * 100
        assert shown["bars"] == pytest.approx(list(rates), rel=1e-12)
        tpr = dict(zip(library.groups.index, library.groups["tpr"] * 100))
        for labels, _, ys in shown["dots"]:
            assert ys == pytest.approx([tpr[g] for g in labels], rel=1e-12)
        assert shown["line"] and all(x == pytest.approx(target) for x in shown["line"])
        # never one run per press: a release is 300 ms without a key, which a loaded machine
        # can leave between two of Playwright's presses now and then
        assert app.runs.count - runs <= max(1, shown["presses"] // 10), shown["presses"]

        settled(page, target)
        server = static_table_rows(audit_gap_table(page))
        for label, row in server.items():
            value = library.gaps.set_index("label").loc[label, "value"]
            assert row["value"] == ("n/a" if math.isnan(value) else f"{value:.3f}"), label
    screenshot(page, "live-threshold-0.85.png")
    assert_healthy(app)


def test_releasing_updates_the_url_and_the_other_screens(app: AppPage):
    page = app.page
    open_app(app, "/audit")
    wait_for_audit(page)
    move_to(page, 0.64)
    settled(page, 0.64)
    # the sidebar follows: its saved session holds the released threshold
    sidebar(page).get_by_text("Share this view").click()
    with page.expect_download() as download:
        sidebar(page).get_by_role("button", name="Save session").click()
    saved = json.loads(Path(download.value.path()).read_text())
    assert saved["view"]["t"] in ("0.64", ["0.64"]), saved
    go_to(app, "Mitigate")
    wait_for_mitigation(page)
    expect(main(page)).to_contain_text("deciding at the threshold 0.64 set on the Audit screen")
    go_to(app, "Audit")
    wait_for_audit(page)
    expect(threshold_slider(page)).to_have_value("0.64")  # the component opens where it was
    frame = live_frame(page)
    expect(frame.locator("#fd-caption")).to_have_text("0.64")
    assert_healthy(app)


def test_a_drag_reruns_once_when_let_go(app: AppPage):
    page = app.page
    open_app(app, "/audit")
    wait_for_audit(page)
    slider = threshold_slider(page)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    runs = app.runs.count
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    for share in (0.55, 0.6, 0.65, 0.7, 0.75):
        page.mouse.move(box["x"] + box["width"] * share, y, steps=3)
        page.wait_for_timeout(400)  # longer than a key's rest: a held drag is not let go
    assert app.runs.count == runs  # the drag itself never reran Python
    value = float(slider.input_value())
    assert value > 0.6
    page.mouse.up()
    settled(page, value)
    assert app.runs.count == runs + 1
    assert_healthy(app)
