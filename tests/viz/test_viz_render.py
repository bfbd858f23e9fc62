"""The figures drawn by plotly.js in Chromium: no two tick labels, panel titles or legends
overlap, and no group label is clipped at the figure's edge (24 groups, 640 px wide, the
width of a half-page column).

The figures are written to standalone HTML (plotly.js inline, no network) and laid out by
Debian's Chromium; bounding boxes come from the rendered SVG.
"""


import pytest
from chromium import require_chromium
from viz_inputs import regression_inputs, sweep_table

from fairdash import viz

WIDTH = 640

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; };
  const root = document.querySelector('.plotly-graph-div');
  return {
    figure: box(root),
    yticks: [...root.querySelectorAll('.yaxislayer-above .ytick text')].map(box),
    plots: [...root.querySelectorAll('.bglayer rect.bg')].map(box),
    notes: [...root.querySelectorAll('.annotation')].map(box),
    legend: [...root.querySelectorAll('.legend > rect.bg')].map(box),
    scrollbar: [...root.querySelectorAll('.legend .scrollbar')].map(box),
    legendtext: [...root.querySelectorAll('.legend .legendtext')].map(e => e.textContent),
  };
}"""


#: Laid out in a separate process: the sync Playwright API refuses to run inside the event loop
#: that pytest-playwright keeps for the other browser tests of the same session.
PROBE = """
import json, sys
from playwright.sync_api import sync_playwright
html, width, script, exe = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
args = sys.argv[5:]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=exe, args=args)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(html)
    page.wait_for_selector(".main-svg")
    page.wait_for_timeout(200)
    print(json.dumps(page.evaluate(script)))
    browser.close()
"""


@pytest.fixture(scope="module")
def chrome():
    """Debian's Chromium is there (these checks launch it in a subprocess)."""
    require_chromium()


def _layout(_, fig, tmp_path) -> dict:
    import json
    import subprocess
    import sys

    from chromium import CHROMIUM, CHROMIUM_ARGS

    html = tmp_path / "figure.html"
    # plotly's own template, whatever imported Streamlit set as the default: its plot
    # backgrounds are what the panel checks measure
    fig = fig.update_layout(template="plotly")
    fig.write_html(html, include_plotlyjs="inline", default_width=f"{WIDTH}px")
    out = subprocess.run([sys.executable, "-c", PROBE, html.as_uri(), str(WIDTH + 40), BOXES,
                          str(CHROMIUM), *CHROMIUM_ARGS], capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)


def _overlap(a, b, slack=1.0) -> bool:
    return (a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack
            and b[1] < a[3] - slack)


def _pairwise_apart(boxes, what):
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not _overlap(a, b), f"two {what} overlap: {a} and {b}"


def _inside(boxes, figure, what):
    for b in boxes:
        assert b[0] >= figure[0] - 1 and b[2] <= figure[2] + 1, f"{what} clipped: {b}"


@pytest.mark.parametrize("name", ["rates", "before_after", "flips_like", "regression_error"])
def test_group_tick_labels_never_overlap_or_clip(chrome, by_groups, tmp_path, name):
    data = by_groups[24]
    g = data.groups
    fig = {"rates": lambda: viz.rate_bars_figure(g, "tpr", "True positive rate"),
           "before_after": lambda: viz.before_after_rates_figure(
               g, g, {"selection_rate": "Selection rate", "tpr": "TPR"}),
           "flips_like": lambda: viz.group_sizes_figure(g),
           "regression_error": lambda: viz.regression_error_figure(
               regression_inputs(24)[0].groups, "mae", "hours")}[name]()
    boxes = _layout(chrome, fig, tmp_path)
    assert len(boxes["yticks"]) == 24
    _pairwise_apart(boxes["yticks"], "tick labels")
    _inside(boxes["yticks"], boxes["figure"], "tick label")
    for legend in boxes["legend"]:
        assert not any(_overlap(legend, p) for p in boxes["plots"]), "legend over the bars"


def test_histogram_panels_titles_and_legend_are_apart(chrome, by_groups, tmp_path):
    fig = viz.score_histogram_figure(by_groups[24].hist, 0.5)
    boxes = _layout(chrome, fig, tmp_path)
    assert len(boxes["plots"]) == 24
    _pairwise_apart(boxes["plots"] + boxes["notes"] + boxes["legend"],
                    "panels, panel titles or legend")
    _inside(boxes["notes"], boxes["figure"], "panel title")


@pytest.mark.parametrize("k", (10, 24))
def test_roc_legend_sits_below_the_plot(chrome, by_groups, tmp_path, k):
    data = by_groups[k]
    boxes = _layout(chrome, viz.roc_figure(data.roc, data.groups, 0.5), tmp_path)
    (plot,) = boxes["plots"]
    (legend,) = boxes["legend"]
    assert legend[1] > plot[3], "the legend starts below the plot area"
    assert legend[3] <= boxes["figure"][3] + 1, "the legend fits in the figure"
    assert plot[3] - plot[1] >= 200, "the plot keeps a readable height"


def test_tradeoff_legend_shows_all_18_methods_without_scrolling(chrome, tmp_path):
    fig = viz.tradeoff_figure(sweep_table(), "Demographic parity difference", "Accuracy",
                              selected=("reweighing", 0.5))
    boxes = _layout(chrome, fig, tmp_path)
    (legend,) = boxes["legend"]
    assert legend[3] <= boxes["figure"][3] + 1
    assert all(b[3] - b[1] < 1 for b in boxes["scrollbar"]), "the legend scrolls"
    texts = boxes["legendtext"]
    titles = {"Pre-processing", "In-processing", "Post-processing"}
    assert titles <= set(texts), "a title above each stage's methods"
    assert len(texts) == 21 + 3, "18 methods, base, front and chosen point, 3 stage titles"
