"""Hostile labels in a real browser: a table whose file name, column names, group labels and
values are HTML and markdown pointing at a trap port, through every screen of the journey.

plotly renders a subset of HTML (``<a href>``, ``<b>``, ``<span style>``) in tick text, legend
names, titles and hover text, and markdown renders links and images; a label such as
``<a href="http://127.0.0.1:8699/x">click</a>`` must show as typed everywhere, never as a live
link, an image or styled text. A tiny HTTP server on the trap port records every hit; the page
records every request. At the end: no hit, no request to any host but the app's server, and on
every screen no element whose link, source or style points at the trap (plotly's SVG
``xlink:href`` included), no label drawn as markup, and the labels readable as typed.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from browser_helpers import (
    PLOTLY,
    AppPage,
    assert_healthy,
    click_and_wait,
    go_to,
    main,
    open_app,
    screenshot,
    sidebar,
    wait_for_audit,
    wait_for_mitigation,
    wait_for_rerun,
)
from playwright.sync_api import Page, expect
from tradeoff_helpers import wait_for_tradeoffs_chart

pytestmark = pytest.mark.browser

#: the port of the security review's examples; another free one if it is taken
TRAP_PORT = 8699
#: fitting the boosting model the Compare screen starts with, on two busy cores
TRAIN_TIMEOUT_MS = 120_000


class Hostile:
    """The strings of the test, all pointing at ``http://127.0.0.1:<port>/``."""

    def __init__(self, port: int):
        url = f"http://127.0.0.1:{port}"
        self.port = port
        self.groups = [f'<a href="{url}/x">click</a>',
                       f"<img src={url}/a.png>",
                       "<b>bold</b>",
                       f"![x]({url}/a.png)",
                       f'<span style="fill:url({url}/f.svg#p)">fill</span> & &times; %{{meta}}']
        self.group_column = f'<a href="{url}/col">group</a>'
        self.number_column = f"<img src={url}/c.png>"
        self.markdown_column = f"![c]({url}/c.png)"
        self.kind_column = '<b>kind</b> <span style="color:red">red</span>'
        self.kinds = ["<i>low</i>", f'<a href="{url}/v">high</a>']
        self.score_column = f"<a href={url}/s>score</a> ![s]({url}/s.png)"
        self.target = f'<b>outcome</b> <a href="{url}/t">t</a>'
        self.positive = f'<a href="{url}/y">yes</a>'
        # no double quote: Chromium sends it as %22 in the upload's file name (HTML spec)
        self.file_name = f"<a href={url}/f>f</a> <img src={url}/f.png> ![f]({url}/f.png).csv"

    def table(self, n: int = 2500, seed: int = 0) -> pd.DataFrame:
        """Five equal groups with different base rates, and a model's scores; the target last
        and the only yes/no column, the groups first, so the suggested roles fit without any
        choice (the scores are a feature until the score column is chosen)."""
        rng = np.random.default_rng(seed)
        group = rng.integers(0, len(self.groups), n)
        x = rng.normal(0, 1, n) + 0.3 * group
        z = rng.normal(0, 1, n)
        kind = rng.integers(0, 2, n)
        logit = 1.2 * x + 0.6 * z - 0.8 * kind - 1.0
        y = rng.random(n) < 1 / (1 + np.exp(-logit))
        score = 1 / (1 + np.exp(-(logit + rng.normal(0, 1, n))))
        return pd.DataFrame({
            self.group_column: np.asarray(self.groups, dtype=object)[group],
            self.number_column: x.round(3),
            self.markdown_column: z.round(3),
            self.kind_column: np.asarray(self.kinds, dtype=object)[kind],
            self.score_column: score.round(4),
            self.target: np.where(y, self.positive, "no"),
        })


@contextlib.contextmanager
def _trap():
    """An HTTP server on the trap port (8699, or a free port if that one is taken) that
    records every request it gets; yields ``(port, hits)``."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self):
            hits.append(f"{self.command} {self.path}")
            self.send_response(204)
            self.end_headers()

        do_GET = do_POST = do_HEAD = do_OPTIONS = _record

        def log_message(self, *args):  # quiet
            pass

    try:
        server = ThreadingHTTPServer(("127.0.0.1", TRAP_PORT), Handler)
    except OSError:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def trap():
    with _trap() as (port, hits):
        assert _listening(port)
        yield port, hits


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class LeakOutsideCharts(AssertionError):
    """A user string rendered as markup outside the plotly charts (in ``fairdash/ui``), or a
    request to another host than the app's server (the charts are asserted on their own)."""


#: Everything under ``root`` that would link to, load from or style with the trap: links
#: (``href``, SVG ``xlink:href``), sources, styles, and elements a label's own markup would
#: have made (bold "bold", italic "low", a red span, plotly's styled tspans). Each finding
#: says where it is (sidebar, alert, caption, heading, chart, markdown) and the text there.
SCAN = """([port, root]) => {
  const trap = `127.0.0.1:${port}`;
  const risky = ['href', 'src', 'srcset', 'style', 'action', 'formaction', 'poster', 'data',
                 'background'];
  const where = e => {
    const kinds = [['stPlotlyChart', 'chart'], ['stSidebar', 'sidebar'], ['stAlert', 'alert'],
                   ['stCaptionContainer', 'caption'],
                   ['stHeadingWithActionElements', 'heading'],
                   ['stMarkdownContainer', 'markdown']];
    for (const [id, kind] of kinds) {
      const box = e.closest(`[data-testid="${id}"]`);
      if (box) return `${kind}: ${box.innerText.replace(/\\s+/g, ' ').slice(0, 160)}`;
    }
    return e.parentElement ? e.parentElement.tagName : '?';
  };
  const found = [];
  const scope = [...document.querySelectorAll(root)];
  const all = scope.flatMap(r => [r, ...r.querySelectorAll('*')]);
  for (const e of all) {
    for (const a of e.attributes) {
      if (risky.includes(a.localName.toLowerCase()) && a.value.includes(trap)) {
        found.push(`<${e.tagName.toLowerCase()} ${a.name}="${a.value}"> in ${where(e)}`);
      }
    }
  }
  const made = {bold: ['b', 'strong'], low: ['i', 'em'], red: ['span', 'tspan'],
                fill: ['span', 'tspan'], kind: ['b', 'strong', 'tspan']};
  for (const e of all) {
    const tags = made[e.textContent.trim()];
    const tag = e.tagName.toLowerCase();
    if (tags && tags.includes(tag) && (tag !== 'tspan' || e.getAttribute('style'))) {
      found.push(`<${tag}>${e.textContent.trim()}</${tag}> drawn as markup in ${where(e)}`);
    }
  }
  return found;
}"""

#: the text plotly drew in every chart of the page (each wrapped line is its own element)
CHART_TEXT = """sel => [...document.querySelectorAll(sel)].map(
    e => [...e.querySelectorAll('.main-svg')].map(s => s.textContent).join(' ')).join('\\n')"""


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _check_screen(page: Page, port: int, screen: str, outside: list[str]) -> None:
    """The charts are inert (asserted here); what the rest of the page renders as markup is
    added to ``outside``."""
    trap = f"127.0.0.1:{port}"
    links = page.locator(f'{PLOTLY} a[href*="{trap}"], {PLOTLY} [*|href*="{trap}"]')
    assert links.count() == 0, f"{screen}: a live link to the trap in a chart"
    in_charts = page.evaluate(SCAN, [port, '[data-testid="stPlotlyChart"]'])
    assert in_charts == [], f"{screen}: a label drawn as markup in a chart: {in_charts}"
    everywhere = page.evaluate(SCAN, [port, "body"])
    pages_links = page.locator(f'a[href*="{trap}"], [*|href*="{trap}"]').count()
    outside += [f"{screen}: {f}" for f in everywhere]
    for frame in _component_frames(page):  # the Audit threshold component draws no markup
        assert frame.evaluate(SCAN, [port, "body"]) == [], f"{screen}: markup in its frame"
    assert pages_links <= len(everywhere), "every link to the trap is among the findings"


def _component_frames(page: Page) -> list:
    """The frames of custom components (the Audit threshold's charts are drawn in one)."""
    return [f for f in page.frames if "/component/" in f.url]


def _assert_drawn_as_typed(page: Page, strings, screen: str) -> None:
    """Each string appears literally (whitespace aside) in the charts of the page."""
    drawn = _squeeze(page.evaluate(CHART_TEXT, PLOTLY) + "".join(
        f.evaluate(CHART_TEXT, ".js-plotly-plot") for f in _component_frames(page)))
    missing = [s for s in strings if _squeeze(s) not in drawn]
    assert missing == [], f"{screen}: not drawn as typed in the charts: {missing}"


def _upload(app: AppPage, name: str, data: bytes) -> None:
    """Data screen: "Upload a file", then the CSV under ``name``."""
    page = app.page
    go_to(app, "Data")
    before = app.runs.count
    main(page).get_by_test_id("stRadio").get_by_text("Upload a file").click()
    wait_for_rerun(page, app.runs, before)
    before = app.runs.count
    main(page).get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": data})
    wait_for_rerun(page, app.runs, before)


def _charts(page: Page, n: int) -> None:
    charts = page.locator(PLOTLY)
    expect(charts).to_have_count(n)
    for i in range(n):
        expect(charts.nth(i).locator(".main-svg").first).to_be_visible()


def test_hostile_file_columns_and_labels_stay_inert_on_every_screen(app: AppPage, trap,
                                                                   streamlit_server):
    port, hits = trap
    hostile = Hostile(port)
    page = app.page
    server = urlsplit(streamlit_server).netloc
    screen, requests, outside = ["Home"], [], []
    page.on("request", lambda r: requests.append(f"{screen[0]}: {r.url}"))
    started, times = time.perf_counter(), {}

    open_app(app)
    _upload(app, hostile.file_name, hostile.table().to_csv(index=False).encode())
    screen[0] = "Data"
    # the upload is active with the suggested roles: the groups' column, the target
    expect(sidebar(page)).to_contain_text(hostile.group_column)
    expect(sidebar(page)).to_contain_text(f"{hostile.target} = {hostile.positive}")
    expect(main(page).get_by_role("heading", name="Column roles", exact=True)).to_be_visible()
    times["Data"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Data", outside)

    screen[0] = "Model"
    go_to(app, "Model")
    expect(main(page).get_by_text("Logistic regression trained on the train split")) \
        .to_be_visible()
    times["Model"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Model", outside)

    screen[0] = "Audit"
    go_to(app, "Audit")
    wait_for_audit(page)
    times["Audit"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Audit", outside)
    _assert_drawn_as_typed(page, hostile.groups, "Audit")
    shot = screenshot(page, "hostile-labels-audit.png")
    print(f"\nAudit screen with hostile labels: {shot}")

    screen[0] = "Mitigate"
    go_to(app, "Mitigate")
    wait_for_mitigation(page)  # its before/after chart is in the strength component's frame
    times["Mitigate"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Mitigate", outside)
    _assert_drawn_as_typed(page, hostile.groups, "Mitigate")

    screen[0] = "Tradeoffs"
    go_to(app, "Tradeoffs")
    wait_for_tradeoffs_chart(page)
    times["Tradeoffs"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Tradeoffs", outside)

    screen[0] = "Compare"
    go_to(app, "Compare")
    expect(page.get_by_role("heading", name="Flip matrix")).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS)
    _charts(page, 1)
    times["Compare"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Compare", outside)
    _assert_drawn_as_typed(page, hostile.groups, "Compare")

    screen[0] = "Subgroups"
    go_to(app, "Subgroups")
    expect(page.get_by_role("heading", name="Subgroups", exact=True)).to_be_visible()
    _charts(page, 1)
    times["Subgroups"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Subgroups", outside)
    # the slices are described with the hostile column names and values
    _assert_drawn_as_typed(page, [hostile.number_column], "Subgroups")
    screenshot(page, "hostile-labels-subgroups.png")

    # given scores from the hostile score column: its name is the score axis' title
    screen[0] = "Data (score column)"
    go_to(app, "Data")
    box = page.get_by_role("combobox", name="Score or prediction column (optional)")
    box.click()
    box.fill("score")
    click_and_wait(app, page.get_by_role("option", name=hostile.score_column, exact=True))
    click_and_wait(app, main(page).get_by_role("button", name="Apply roles"))
    times["Data (score column)"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Data (score column)", outside)

    screen[0] = "Model (given scores)"
    go_to(app, "Model")
    click_and_wait(app, main(page).get_by_text("Predictions only (a score or decision column)"))
    expect(main(page).get_by_text("Given scores from column")).to_be_visible()
    times["Model (given scores)"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Model (given scores)", outside)

    screen[0] = "Audit (given scores)"
    go_to(app, "Audit")
    wait_for_audit(page)
    times["Audit (given scores)"] = round(time.perf_counter() - started, 1)
    _check_screen(page, port, "Audit (given scores)", outside)
    _assert_drawn_as_typed(page, [*hostile.groups, hostile.score_column],
                           "Audit (given scores)")
    assert_healthy(app)

    print(f"\nseconds from the start to each screen's check: {times}")
    page.wait_for_timeout(300)  # a request the last screen caused has been sent
    elsewhere = [r for r in requests
                 if urlsplit(r.split(": ", 1)[1]).scheme not in ("data", "blob", "about")
                 and urlsplit(r.split(": ", 1)[1]).netloc != server]
    problems = [*outside, *(f"request to another host: {r}" for r in dict.fromkeys(elsewhere)),
                *(f"trap on port {port} hit: {h}" for h in hits)]
    if problems:
        raise LeakOutsideCharts("outside the charts (the charts themselves passed):\n  "
                                + "\n  ".join(problems))
