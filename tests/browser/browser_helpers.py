"""Helpers for the browser tests: count finished runs, wait correctly, screenshots, final checks.

Imported by ``conftest.py`` and by the test modules (pytest puts this folder on ``sys.path``).
See BROWSER_TESTING.md for why waiting works this way.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
#: The app is idle: no script running and the websocket connected. (The status widget's
#: absence is not a reliable signal.)
IDLE = ('[data-testid="stApp"][data-test-script-state="notRunning"]'
        '[data-test-connection-state="CONNECTED"]')
#: An ``st.error`` box: an stAlert whose content block is of the error kind.
ERROR_ALERT = '[data-testid="stAlert"]:has([data-testid="stAlertContentError"])'
#: ScriptFinishedStatus of a completed run: FINISHED_SUCCESSFULLY (0) and
#: FINISHED_FRAGMENT_RUN_SUCCESSFULLY (3). A run cut short by a newer one (2) is not counted.
FINISHED = (0, 3)
#: Locator assertions retry this long: the data grid and plotly are loaded lazily, and on two
#: busy cores their first drawing in a fresh browser context can take several seconds.
EXPECT_TIMEOUT_MS = 30_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
#: The first run in a fresh server imports sklearn and trains a model.
COLD_TIMEOUT_MS = 90_000
RERUN_TIMEOUT_MS = 60_000


@dataclass
class RunCounter:
    """Completed script runs seen on the page's websocket, with their arrival times
    (``time.perf_counter()``)."""

    finished: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.finished)

    def on_frame(self, payload: str | bytes) -> None:
        """Websocket ``framereceived`` handler."""
        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        if msg.WhichOneof("type") == "script_finished" and msg.script_finished in FINISHED:
            self.finished.append(time.perf_counter())


@dataclass
class AppPage:
    """A Playwright page on the app, its run counter and the page errors seen so far."""

    page: Page
    runs: RunCounter
    page_errors: list[str] = field(default_factory=list)


def wait_idle(page: Page, timeout: float = RERUN_TIMEOUT_MS) -> None:
    """Wait until no script runs and the websocket is connected."""
    page.locator(IDLE).wait_for(state="attached", timeout=timeout)


def wait_for_rerun(page: Page, counter: RunCounter, before: int,
                   timeout: float = RERUN_TIMEOUT_MS) -> None:
    """Wait until more than ``before`` runs have finished, then until the app is idle.

    Read ``before = counter.count`` just before the action that triggers the rerun: waiting
    for idle alone races, because the rerun may not have started yet.
    """
    deadline = time.monotonic() + timeout / 1000
    while counter.count <= before:
        if time.monotonic() > deadline:
            raise AssertionError(f"no script run finished within {timeout / 1000:.0f} s "
                                 f"({counter.count} runs so far)")
        page.wait_for_timeout(5)  # Playwright delivers websocket events while this waits
    wait_idle(page, timeout)


def open_app(app: AppPage, path: str = "/") -> None:
    """Open ``path`` and wait for its first completed run."""
    before = app.runs.count
    app.page.goto(path)
    wait_for_rerun(app.page, app.runs, before, timeout=COLD_TIMEOUT_MS)


def go_to(app: AppPage, title: str) -> None:
    """Switch page through the sidebar navigation link called ``title``."""
    before = app.runs.count
    app.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_rerun(app.page, app.runs, before)


def screenshot(page: Page, name: str) -> Path:
    """Save the whole main column and sidebar to ``test-results/screenshots/<name>``.

    ``full_page=True`` would capture only the viewport, because Streamlit scrolls inside its
    main block (and the sidebar inside its own); so the viewport is made as tall as the taller
    of the two for the shot.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.get_by_test_id("stMainBlockContainer").evaluate("e => e.scrollHeight")
    side = page.get_by_test_id("stSidebarContent")
    if side.count():
        height = max(height, side.evaluate("e => e.scrollHeight"))
    page.set_viewport_size({"width": size["width"], "height": int(height) + 100})
    page.mouse.move(0, 0)  # no tooltip of the last button clicked over the shot
    page.wait_for_timeout(400)  # let plotly and the data grids lay themselves out again
    path = SCREENSHOTS / name
    page.screenshot(path=path)
    page.set_viewport_size(size)
    return path


def error_alerts(page: Page):
    """Locator of the ``st.error`` boxes on the page."""
    return page.locator(ERROR_ALERT)


def assert_healthy(app: AppPage, *, errors_expected: bool = False) -> None:
    """How every browser test ends: no exception box, no page error, and no error box
    unless the test expects one."""
    page = app.page
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    assert app.page_errors == []
    if not errors_expected:
        alerts = error_alerts(page)
        assert alerts.count() == 0, alerts.all_inner_texts()


# ---- reading the page ------------------------------------------------------------------------

#: The sentence every screen states about its rows (``shell.audited_rows_caption``).
AUDITED_ROWS = re.compile(r"audited on the held-out test split \(([\d,]+) rows\)\. Every screen "
                          r"and the command line measure on these same held-out rows\.")
#: The plotly figure of a ``st.plotly_chart``.
PLOTLY = '[data-testid="stPlotlyChart"] .js-plotly-plot'


def main(page: Page):
    """The main column (the sidebar has captions and alerts of its own)."""
    return page.get_by_test_id("stMain")


def sidebar(page: Page):
    """The sidebar: navigation and the active data, model and mitigation."""
    return page.get_by_test_id("stSidebar")


def main_captions(page: Page) -> str:
    """Every caption of the main column, one per line."""
    return "\n".join(main(page).get_by_test_id("stCaptionContainer").all_inner_texts())


def audited_rows(page: Page) -> int:
    """The number of held-out test rows the screen says it audits (the caption every screen
    shows); fails unless exactly one caption says it."""
    caption = main(page).get_by_test_id("stCaptionContainer").filter(has_text=AUDITED_ROWS)
    expect(caption).to_have_count(1)
    return int(AUDITED_ROWS.search(caption.inner_text()).group(1).replace(",", ""))


def static_table(page: Page, column: str):
    """The ``st.table`` whose header has a column called ``column``."""
    return page.get_by_test_id("stTable").filter(
        has=page.locator("thead th", has_text=re.compile(f"^{re.escape(column)}$")))


def static_table_rows(table) -> dict[str, dict[str, str]]:
    """An ``st.table`` as {row header: {column: cell text}} (first header = index name)."""
    expect(table).to_have_count(1)
    return table.evaluate("""t => {
        const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
        const out = {};
        for (const tr of t.querySelectorAll('tbody tr')) {
            const row = {};
            [...tr.querySelectorAll('td')].forEach((td, i) => row[heads[i + 1]] =
                td.textContent.trim());
            out[tr.querySelector('th').textContent.trim()] = row;
        }
        return out;
    }""")


def dataframe_rows(grid) -> list[dict[str, str]]:
    """The rows of an ``st.dataframe`` as {column: cell text}, read from the accessible table
    the data grid keeps inside its canvas (rows scrolled out of view are not in it)."""
    expect(grid).to_have_count(1)
    expect(grid.locator('table[role="grid"] td[role="gridcell"]').first).to_be_attached()
    return grid.evaluate("""g => {
        const t = g.querySelector('table[role="grid"]');
        const heads = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
        return [...t.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.textContent.trim()])));
    }""")


def plotly_traces(chart) -> list[dict]:
    """The drawn traces of a plotly chart (``_fullData``: arrays decoded): name, visible,
    x, y and customdata (a list per point, or None)."""
    expect(chart).to_have_count(1)
    return chart.evaluate("""e => e._fullData.map(t => ({
        name: t.name, visible: t.visible,
        x: t.x ? Array.from(t.x) : [], y: t.y ? Array.from(t.y) : [],
        customdata: t.customdata ? Array.from(t.customdata, c => Array.from(c)) : null}))""")


# ---- acting -----------------------------------------------------------------------------------

def click_and_wait(app: AppPage, locator, timeout: float = RERUN_TIMEOUT_MS) -> None:
    """Click ``locator`` (a button, a radio option, ...) and wait for the rerun it causes."""
    before = app.runs.count
    locator.click()
    wait_for_rerun(app.page, app.runs, before, timeout)


def choose(app: AppPage, combobox: str | re.Pattern, option: str,
           timeout: float = RERUN_TIMEOUT_MS) -> None:
    """Pick ``option`` in the selectbox labelled ``combobox``, typing to filter (long option
    lists are virtualised), and wait for the rerun."""
    page = app.page
    box = page.get_by_role("combobox", name=combobox)
    box.click()
    box.fill(option)
    click_and_wait(app, page.get_by_role("option", name=option, exact=True), timeout)
    expect(box).to_have_value(option)


def press_slider(app: AppPage, slider, key: str, times: int) -> list[float]:
    """Press ``key`` on a focused slider ``times`` times, waiting for each rerun; returns the
    milliseconds from each key press to its run's end (print them, never assert on them)."""
    slider.focus()
    latencies = []
    for _ in range(times):
        before, start = app.runs.count, time.perf_counter()
        slider.press(key)
        wait_for_rerun(app.page, app.runs, before)
        latencies.append((app.runs.finished[before] - start) * 1000)
    return latencies


# ---- screens ----------------------------------------------------------------------------------

def audit_gap_table(page: Page):
    """The Audit screen's gap table (the static table with a "fairlearn name" column)."""
    return static_table(page, "fairlearn name")


#: The Audit threshold component's frame (fairdash/ui/components/threshold): the slider, the
#: rate bars, the ROC curves and the score histogram are drawn in it, in the browser.
LIVE_FRAME = 'iframe[title*="fairdash_threshold"]'


def live_frame(page: Page):
    """The Audit threshold component's frame."""
    return page.frame_locator(LIVE_FRAME)


def threshold_slider(page: Page):
    """The Audit screen's "Decision threshold" slider (in the component's frame)."""
    return live_frame(page).get_by_role("slider", name=re.compile(r"^Decision threshold"))


def wait_for_audit(page: Page) -> None:
    """The Audit screen of a yes/no target is complete: gap table, the group sizes chart and
    the component's three charts (rates, ROC, score histogram) drawn."""
    expect(page.get_by_role("heading", name="Gap summary")).to_be_visible()
    expect(audit_gap_table(page)).to_have_count(1)
    for charts, count in ((main(page).locator(PLOTLY), 1),  # not the sidebar's
                          (live_frame(page).locator(".js-plotly-plot"), 3)):
        expect(charts).to_have_count(count)
        for i in range(count):
            expect(charts.nth(i).locator(".main-svg").first).to_be_visible()


def mitigate_gap_table(page: Page):
    """The Mitigate screen's before/after gap table (its header has a "p-value after" column)."""
    return static_table(page, "p-value after")


#: The Mitigate strength component's frame (fairdash/ui/components/strength): for the group
#: thresholds and the barycenter on a yes/no target, the slider, the live gap and performance
#: tables and the before/after chart are drawn in it, in the browser.
STRENGTH_FRAME = 'iframe[title*="fairdash_strength"]'
STRENGTH_LABEL = re.compile(r"^Strength \(0 = the model as it is, 1 = the method at full strength\)")


def strength_frame(page: Page):
    """The Mitigate strength component's frame."""
    return page.frame_locator(STRENGTH_FRAME)


def strength_slider(page: Page):
    """The Mitigate "Strength" slider: in the strength component's frame when the screen
    shows one (call after :func:`wait_for_mitigation`), else the page's own slider."""
    if page.locator(STRENGTH_FRAME).count():
        return strength_frame(page).get_by_role("slider", name=STRENGTH_LABEL)
    return page.get_by_role("slider", name=STRENGTH_LABEL)


def strength_settled(page: Page, target: float) -> None:
    """The server has the released strength: it redrew the component at ``target`` and that
    run has finished."""
    frame = page.frame(url=re.compile(r"/component/.*fairdash_strength"))
    frame.wait_for_function(f"() => window.FairDashStrength && FairDashStrength.payload() && "
                            f"Math.abs(FairDashStrength.payload().strength - {target}) < 1e-9")
    wait_idle(page)
    expect(main(page).get_by_role("heading", name=f"Fairness gaps at strength {target:.2f}")) \
        .to_be_visible()


def press_to(slider, target: float, step: float = 0.01) -> int:
    """Press arrow keys on a component's native range ``slider`` until it shows ``target``;
    returns the number of presses."""
    steps = round((target - float(slider.input_value())) / step)
    slider.focus()
    for _ in range(abs(steps)):
        slider.press("ArrowRight" if steps > 0 else "ArrowLeft")
    expect(slider).to_have_value(f"{target:g}")
    return abs(steps)


def release_strength(app: AppPage, target: float) -> None:
    """Move the in-browser strength slider to ``target`` with arrow keys, then wait until the
    release has reached the server (:func:`strength_settled`)."""
    press_to(strength_slider(app.page), target)
    strength_settled(app.page, target)


def wait_for_mitigation(page: Page) -> None:
    """The Mitigate screen of a yes/no target is complete: before/after table and chart (in
    the strength component's frame when the screen shows one)."""
    expect(page.get_by_role("heading", name="Fairness gaps")).to_be_visible()
    expect(mitigate_gap_table(page)).to_have_count(1)
    expect(main(page).locator(f"{STRENGTH_FRAME}, {PLOTLY}").first).to_be_attached()
    live = page.locator(STRENGTH_FRAME).count() > 0
    chart = strength_frame(page).locator(".js-plotly-plot") if live else \
        main(page).locator(PLOTLY)
    expect(chart).to_have_count(1)
    expect(chart.first.locator(".main-svg").first).to_be_visible()


def wait_for_dataframe_change(grid, previous: list[dict],
                              timeout: float = EXPECT_TIMEOUT_MS) -> list[dict]:
    """The rows of an ``st.dataframe`` once they differ from ``previous``: after a rerun the
    grid's accessible table can still hold the old rows for a moment."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        rows = dataframe_rows(grid)
        if rows != previous:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"the data grid still shows {previous}")
        grid.page.wait_for_timeout(100)
