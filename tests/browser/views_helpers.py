"""Helpers of ``test_views.py``: widgets with their rerun waits, the screens' tables and
sentences, and what plotly drew (tick label boxes, traces, axis titles).

``browser_helpers`` (shared with the other browser tests) has the server, waiting and final
checks; these are the extra pieces the issue #10 view tests need.
"""

from __future__ import annotations

import re
import time

from browser_helpers import STRENGTH_FRAME, AppPage, go_to, main, strength_frame, wait_for_rerun
from playwright.sync_api import Page, expect

ADULT = "Adult census income"
CHARTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
WARNING = '[data-testid="stAlert"]:has([data-testid="stAlertContentWarning"])'
SENSITIVE = "Sensitive column(s); several form intersectional groups"
#: fitting a method that trains, or training the base model, on two busy cores
TRAIN_TIMEOUT_MS = 300_000


def eventually(check, timeout: float = 30.0):
    """Call ``check()`` until it stops raising AssertionError (plotly and the data grid draw
    after the run has finished); return its value or re-raise its last failure."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def choose(app: AppPage, label: str, option: str, timeout: float = 60_000) -> None:
    """Pick ``option`` in the selectbox ``label`` (no-op when it is already chosen)."""
    page = app.page
    box = page.get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return
    box.click()
    before = app.runs.count
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_rerun(page, app.runs, before, timeout=timeout)


def options_of(page: Page, label: str) -> list[str]:
    """The options a selectbox or multiselect offers (opens and closes its list)."""
    page.get_by_role("combobox", name=label, exact=True).click()
    expect(page.get_by_role("option").first).to_be_visible()
    texts = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [t.strip() for t in texts if t.strip() != "Select all"]


def add_to_multiselect(app: AppPage, label: str, value: str) -> None:
    """Add ``value`` to the multiselect ``label`` (typing filters the list first)."""
    page = app.page
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(value)
    before = app.runs.count
    page.get_by_role("option", name=value, exact=True).click()
    wait_for_rerun(page, app.runs, before)
    page.keyboard.press("Escape")


def choose_upload(app: AppPage, path) -> None:
    """Data screen: "Upload a file", then upload ``path``."""
    page = app.page
    go_to(app, "Data")
    before = app.runs.count
    page.get_by_test_id("stRadio").get_by_text("Upload a file").click()
    wait_for_rerun(page, app.runs, before)
    before = app.runs.count
    main(page).get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    wait_for_rerun(page, app.runs, before)


def warnings(page: Page) -> list[str]:
    """Texts of the ``st.warning`` boxes in the main column."""
    return page.get_by_test_id("stMain").locator(WARNING).all_inner_texts()


def sidebar_active_data(page: Page) -> str:
    """The sidebar's text from "Active data" to "Active model"."""
    text = page.get_by_test_id("stSidebar").inner_text()
    return text.split("Active data", 1)[1].split("Active model", 1)[0]


def charts(page: Page):
    return page.locator(CHARTS)


def wait_for_charts(page: Page, n: int) -> None:
    expect(charts(page)).to_have_count(n)
    for i in range(n):
        expect(charts(page).nth(i).locator(".main-svg").first).to_be_visible()


def gap_table(page: Page):
    """The audit's gap table (a static table with a "fairlearn name" column)."""
    return page.get_by_test_id("stTable").filter(has=page.locator("th", has_text="fairlearn name"))


def gap_value(page: Page, fairlearn_name: str) -> str:
    """The "value" cell of a gap table row, found by its fairlearn name."""
    row = gap_table(page).locator("tbody tr").filter(
        has=page.locator("td", has_text=re.compile(f"^{fairlearn_name}$")))
    expect(row).to_have_count(1)
    return row.locator("td").nth(1).inner_text().strip()


def comparison_table(page: Page):
    """Mitigate's before/after gap table (its header has a "p-value after" column)."""
    return page.get_by_test_id("stTable").filter(has=page.locator("th", has_text="p-value after"))


def change_cell(page: Page, criterion: str) -> str:
    """The "change" cell of a before/after row (row header = criterion)."""
    row = comparison_table(page).locator("tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(criterion)}$")))
    expect(row).to_have_count(1)
    return row.locator("td").nth(2).inner_text().strip()


def gap_sentence(page: Page, label: str) -> str:
    """The bullet under the gap table that starts with ``label``."""
    bullet = page.get_by_test_id("stMain").locator("li").filter(
        has_text=re.compile(f"^{re.escape(label)}:"))
    expect(bullet).to_have_count(1)
    return bullet.inner_text()


#: For every plotly chart: its title, and per axis (xtick, x2tick, ytick, ...) the boxes of its
#: tick labels, plus the chart's own box.
TICKS_JS = """() => Array.from(document.querySelectorAll('__CHARTS__')).map(plot => {
  const box = r => [r.left, r.top, r.right, r.bottom];
  const axes = {};
  for (const g of plot.querySelectorAll('g[class]')) {
    const cls = g.getAttribute('class');
    if (!/^[xy][0-9]*tick$/.test(cls)) continue;
    const text = g.querySelector('text');
    if (!text || !text.textContent.trim()) continue;
    const r = text.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    (axes[cls] = axes[cls] || []).push([text.textContent, box(r)]);
  }
  const title = plot.layout && plot.layout.title ? String(plot.layout.title.text || '') : '';
  return {title: title.replace(/<[^>]+>/g, ''), axes: axes,
          box: box(plot.querySelector('.main-svg').getBoundingClientRect())};
})"""


def evaluate_charts(page: Page, script: str) -> list:
    """Run a per-chart ``script`` (``__CHARTS__`` standing for the charts' selector) in the
    page and in the Audit threshold component's frame, where the Audit's rate, ROC and score
    charts are drawn; the results, page first."""
    out = page.evaluate(script.replace("__CHARTS__", CHARTS))
    for frame in page.frames:
        if "/component/" in frame.url:
            out += frame.evaluate(script.replace("__CHARTS__", ".js-plotly-plot"))
    return out


def overlaps(a, b, tolerance: float = 1.0) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap by more than ``tolerance`` px."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > tolerance and
            min(a[3], b[3]) - max(a[1], b[1]) > tolerance)


def assert_ticks_readable(page: Page, n_charts: int) -> list[dict]:
    """No two tick labels of one axis overlap, and every tick label lies inside its chart
    (not clipped at the left or right edge). Returns the measured charts."""
    def check():
        figures = evaluate_charts(page, TICKS_JS)
        assert len(figures) == n_charts, [f["title"] for f in figures]
        for fig in figures:
            left, _, right, _ = fig["box"]
            for axis, ticks in fig["axes"].items():
                for i, (text, box) in enumerate(ticks):
                    assert box[0] >= left - 1 and box[2] <= right + 1, \
                        f"{fig['title']!r}: {axis} label {text!r} is clipped ({box} vs {fig['box']})"
                    for other, other_box in ticks[i + 1:]:
                        assert not overlaps(box, other_box), \
                            f"{fig['title']!r}: {axis} labels {text!r} and {other!r} overlap"
        return figures
    return eventually(check)


#: The tradeoff chart's traces as plotly drew them (``_fullData``: defaults filled in).
TRACES_JS = """() => document.querySelector('__CHARTS__')._fullData.map(t => ({
  name: t.name, legendgroup: t.legendgroup || '', symbol: t.marker ? String(t.marker.symbol) : '',
  line: t.line ? String(t.line.color) : '', marker: t.marker ? String(t.marker.color) : '',
  error_x: !!(t.error_x && t.error_x.visible), error_y: !!(t.error_y && t.error_y.visible)}))
""".replace("__CHARTS__", CHARTS)
BASE_TRACE = re.compile(r"^Base model")
PARETO_TRACE = re.compile(r"^Pareto front")


def traces(page: Page) -> list[dict]:
    return page.evaluate(TRACES_JS)


def method_traces(page: Page) -> list[dict]:
    return [t for t in traces(page)
            if not BASE_TRACE.match(t["name"]) and not PARETO_TRACE.match(t["name"])]


#: For every chart: its layout title and its x and y axis titles (plotly keeps them in the layout).
AXIS_TITLES_JS = """() => Array.from(document.querySelectorAll('__CHARTS__')).map(plot => {
  const strip = s => String(s || '').replace(/<[^>]+>/g, '');
  const titles = re => Object.keys(plot.layout).filter(k => re.test(k))
    .map(k => plot.layout[k].title ? strip(plot.layout[k].title.text) : '').filter(t => t);
  return {title: strip(plot.layout.title && plot.layout.title.text),
          x: titles(/^xaxis[0-9]*$/), y: titles(/^yaxis[0-9]*$/)};
})"""  # for evaluate_charts


def method_card(page: Page) -> tuple[str, str]:
    """(the card's three paragraphs, its caption of facts ending with the source)."""
    main = page.get_by_test_id("stMain")
    card = main.get_by_test_id("stMarkdownContainer").filter(has_text="What it does.")
    facts = main.get_by_test_id("stCaptionContainer").filter(has_text="Source:")
    expect(card).to_have_count(1)
    expect(facts).to_have_count(1)
    text = card.inner_text()
    if page.locator(STRENGTH_FRAME).count():  # its knob's sentence is in the strength component
        knob = strength_frame(page).locator("#fd-knob")
        expect(knob).to_contain_text("Strength ")
        text += "\n" + knob.inner_text()
    return text, facts.inner_text()
