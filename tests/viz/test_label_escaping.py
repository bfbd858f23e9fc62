"""Hostile labels never become plotly markup: every public figure builder, every string.

plotly renders a subset of HTML (``<a href>``, ``<b>``, ``<i>``, ``<br>``, ``<span style>``,
entities) and ``%{...}`` templates in tick text, legend names, titles, annotations and hover
text. A group label, column name, file, model or method name such as
``<a href="http://127.0.0.1:8699/x">click</a>`` must show as typed, never as a live link.

Every builder in ``fairdash.viz.__all__`` is called with hostile group labels and hostile
names for every string argument, and the whole ``fig.to_dict()`` (data and layout) is walked:
the only tags left are the builders' own (``<br>``, ``<b>``, ``<extra>``), no raw hostile string
survives anywhere, each label is present in its escaped form, and category values, ticks and
hover data still line up and decode to the labels as the user wrote them.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from viz_inputs import regression_inputs, sweep_table, synthetic

from fairdash import viz
from fairdash.mitigation import REGISTRY
from fairdash.viz import plot_text
from fairdash.viz._layout import wrap

#: what the security review found, pointing at a port where nothing may ever be requested
LINK = '<a href="http://127.0.0.1:8699/x">click</a>'
IMAGE = "<img src=http://127.0.0.1:8699/a.png>"
BOLD = "<b>bold</b>"
MARKDOWN = "![x](http://127.0.0.1:8699/a.png)"
#: more of what plotly interprets: a styled span, an entity, a template variable, a line break
SPAN = '<span style="color:red">red</span> & &times; %{meta} <br>'
HOSTILE = [LINK, IMAGE, BOLD, MARKDOWN, SPAN]
#: a hostile column / rate / method name (not a group label)
NAME = '<a href="http://127.0.0.1:8699/n">name</a> <i>it</i> %{y}'

#: the hostile strings plotly would interpret (markdown is not plotly markup: it stays as is)
MARKUP = [s for s in (*HOSTILE, NAME) if s != MARKDOWN]

#: the only tags the builders write themselves (line breaks, bold panel titles and method
#: names, and the hover's secondary box)
OWN_TAGS = {"<br>", "<b>", "</b>", "<extra>", "</extra>"}
#: a tag as plotly.js finds it (svg_text_utils' SPLIT_TAGS)
TAG = re.compile(r"<[^<>]*>")
#: the template variables the builders use themselves
OWN_VARIABLES = re.compile(r"%\{(x|y|text|customdata(\[\d\])?)(:[^}]*)?\}")


def hostile_labels(k: int) -> list[str]:
    """``k`` distinct hostile labels (the five above, numbered when more are needed)."""
    return [HOSTILE[i % len(HOSTILE)] + ("" if i < len(HOSTILE) else f" {i}")
            for i in range(k)]


def _slices(labels) -> pd.DataFrame:
    """A Subgroups table whose descriptions name hostile columns and values."""
    words = [f"{NAME} is {g}" for g in labels[:4]] + [f"{LINK} under 30 and {IMAGE} is {BOLD}"]
    k = len(words)
    rate = np.linspace(0.3, 0.5, k)
    return pd.DataFrame({"words": words, "n": np.arange(100, 100 + k), "rate": rate,
                         "rate_rest": np.full(k, 0.2), "effect": rate - 0.2,
                         "ci_low": rate - 0.25, "ci_high": rate - 0.15,
                         "q_value": np.full(k, 0.01)})


def _tradeoff_table() -> pd.DataFrame:
    table = sweep_table(strengths=5)
    first = table["method"] != "baseline"
    method = table.loc[first, "method"].iloc[0]
    rows = table["method"] == method
    table.loc[rows, "label"] = NAME
    table.loc[rows, "method"] = LINK  # a method name from an uploaded file
    return table


def _flips(data):
    from fairdash.compare import flip_report

    old = (data.scores >= 0.5).astype(int)
    new = np.where(np.random.default_rng(0).random(len(old)) < 0.1, 1 - old, old)
    return flip_report(data.y, old, new, sensitive_features=data.sensitive).groups


def _figures() -> dict:
    """Builder name -> ``(figure, group labels it shows, whether it shows NAME)`` drawn from
    hostile inputs, in every mode of each builder (few groups overlaid, many folded or in
    panels)."""
    few, many = hostile_labels(5), hostile_labels(12)
    d5, d12, d4 = (synthetic(len(ls), labels=ls) for ls in (few, many, hostile_labels(4)))
    reg4, hist4 = regression_inputs(4, labels=hostile_labels(4))
    reg12, hist12 = regression_inputs(12, labels=many)
    table = _tradeoff_table()
    per = [(d5, few), (d12, many)]
    regs = [(reg4, hostile_labels(4)), (reg12, many)]
    return {
        "group_sizes_figure": [(viz.group_sizes_figure(d.groups), ls, False)
                               for d, ls in per],
        "rate_bars_figure": [(viz.rate_bars_figure(d.groups, "tpr", NAME, 0.4, short=NAME),
                              ls, True) for d, ls in per]
        + [(viz.rate_bars_figure(d5.groups, "fpr", NAME), few, True)],
        "roc_figure": [(viz.roc_figure(d.roc, d.groups, 0.5, score_label=NAME), ls, True)
                       for d, ls in per],
        "score_histogram_figure": [
            (viz.score_histogram_figure(d4.hist, 0.5, score_label=NAME), hostile_labels(4),
             True),
            (viz.score_histogram_figure(d12.hist, 0.5, score_label=NAME), many, True)],
        "before_after_rates_figure": [
            (viz.before_after_rates_figure(d.groups, d.groups,
                                           {"selection_rate": NAME, "tpr": "TPR"},
                                           after_label=NAME), ls, True)
            for d, ls in per],
        "flip_bars_figure": [(viz.flip_bars_figure(_flips(d)), ls, False)
                             for d, ls in per],
        "regression_group_sizes_figure": [(viz.regression_group_sizes_figure(r.groups, NAME),
                                           ls, True) for r, ls in regs],
        # R² has no unit, so the target's name is not on its axis
        "regression_error_figure": [(viz.regression_error_figure(r.groups, stat, NAME, 1.0),
                                     ls, stat != "r2")
                                    for r, ls in regs for stat in ("mae", "r2")],
        "prediction_distribution_figure": [
            (viz.prediction_distribution_figure(hist4, NAME), hostile_labels(4), True),
            (viz.prediction_distribution_figure(hist12, NAME), many, True)],
        "slice_rates_figure": [
            (viz.slice_rates_figure(_slices(few), NAME), [*few[:4], LINK, IMAGE, BOLD], True),
            (viz.slice_rates_figure(_slices(few), NAME, percent=False), few[:4], True)],
        "tradeoff_figure": [
            (viz.tradeoff_figure(table, NAME, NAME, whiskers=True, selected=(LINK, 0.5)),
             [], True),
            (viz.tradeoff_figure(table, NAME, NAME, lower_is_better=True,
                                 methods=[NAME, "reweighing"]), [], True)],
    }


@pytest.fixture(scope="module")
def figures() -> dict:
    return _figures()


BUILDERS = sorted(name for name in viz.__all__ if name.endswith("_figure"))


def _strings(node, path="fig"):
    """Every string in a nested dict / list / array, with where it sits."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple, np.ndarray)):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def test_every_public_figure_builder_is_checked(figures):
    assert set(BUILDERS) == set(figures), "a new figure builder needs hostile inputs here"


@pytest.mark.parametrize("builder", BUILDERS)
def test_no_user_markup_survives_in_any_string(figures, builder):
    """Walk data and layout: only the builders' own tags and template variables, no raw
    hostile string, no unescaped ``<a``, ``<img``, ``<span``, ``<i>`` or ``href=`` in a tag."""
    for i, (fig, _, _) in enumerate(figures[builder]):
        strings = list(_strings(fig.to_dict()))
        assert strings
        for where, text in strings:
            tags = set(TAG.findall(text))
            assert tags <= OWN_TAGS, f"{builder}[{i}] {where}: user markup {tags - OWN_TAGS}"
            assert not any("href=" in tag for tag in tags), f"{builder}[{i}] {where}"
            lowered = text.lower()
            for bad in ("<a", "<img", "<span", "<i>", "<script"):
                assert bad not in lowered, f"{builder}[{i}] {where}: {text!r}"
            for raw in MARKUP:
                assert raw not in text, f"{builder}[{i}] {where}: raw {raw!r}"
            variables = re.findall(r"%\{[^}]*\}", text)
            assert all(OWN_VARIABLES.fullmatch(v) for v in variables), \
                f"{builder}[{i}] {where}: a label read as a template: {variables}"


def _joined(fig) -> str:
    """Every string of the figure, with the builders' line breaks turned back into spaces
    (``wrap`` breaks long labels at spaces)."""
    return "\n".join(text.replace("<br>", " ") for _, text in _strings(fig.to_dict()))


@pytest.mark.parametrize("builder", BUILDERS)
def test_each_label_and_name_is_there_escaped(figures, builder):
    for i, (fig, labels, named) in enumerate(figures[builder]):
        text = _joined(fig)
        for g in labels:
            assert plot_text(g) in text, f"{builder}[{i}]: {g!r} not shown escaped"
        if named:
            assert plot_text(NAME) in text, f"{builder}[{i}]: the name is not shown escaped"


CATEGORY_BUILDERS = ("group_sizes_figure", "rate_bars_figure", "before_after_rates_figure",
                     "flip_bars_figure", "regression_group_sizes_figure",
                     "regression_error_figure", "slice_rates_figure")


@pytest.mark.parametrize("builder", CATEGORY_BUILDERS)
def test_bars_line_up_with_their_ticks_and_decode_to_the_labels(figures, builder):
    """Bars, tick values and tick text use one escaped key per group, so escaped labels
    still line up, and what plotly draws (entities decoded) is the label as typed."""
    for fig, labels, _ in figures[builder]:
        axis = fig.layout.yaxis
        keys = list(axis.tickvals)
        assert len(set(keys)) == len(keys) == len(axis.ticktext), "one tick per group"
        shown = [html.unescape(k) for k in keys]
        if builder != "slice_rates_figure":
            assert sorted(shown) == sorted(labels), "every group once, as typed"
        for tick, label in zip(axis.ticktext, shown):
            drawn = " ".join(html.unescape(line) for line in tick.split("<br>"))
            assert label in drawn, f"tick {tick!r} does not show {label!r}"
        for trace in fig.data:
            assert list(trace.y) == keys, "bars and ticks do not line up"


def test_hover_data_decodes_to_the_label_as_typed(figures):
    """The strings the hover templates insert (``%{text}``, ``%{customdata[0]}``, the
    ``<extra>`` box) are escaped labels: plotly draws them as typed, never as markup."""
    fig, labels, _ = figures["roc_figure"][1]
    dots = [t for t in fig.data if t.mode == "markers"]
    assert sorted(html.unescape(g) for t in dots for g in t.text) == sorted(labels)
    curves = {html.unescape(c[0]) for t in fig.data if t.mode == "lines" and t.customdata
              for c in t.customdata if c[0] is not None}
    assert curves == set(labels)
    for fig, labels, _ in figures["score_histogram_figure"]:
        extras = [re.search(r"<extra>(.*)</extra>", t.hovertemplate).group(1)
                  for t in fig.data if t.hovertemplate]
        assert sorted(html.unescape(e) for e in extras) == sorted(labels)


def test_plot_text_escapes_markup_entities_and_templates_one_to_one():
    assert plot_text(LINK) == '&lt;a href="http://127.0.0.1:8699/x"&gt;click&lt;/a&gt;'
    assert plot_text("a & b") == "a &amp; b"
    assert plot_text("&times;") == "&amp;times;"  # shown as typed, not as ×
    assert plot_text("%{y}") == "%&#123;y}"
    assert plot_text(MARKDOWN) == MARKDOWN  # no plotly markup: nothing to escape
    assert plot_text(3) == "3"
    for raw in (*HOSTILE, NAME, "x & y", "<br>", "&lt;", "%{x}", "%&#123;x}"):
        assert html.unescape(plot_text(raw)) == raw, "entities decode to the text as typed"
    distinct = ["<", "&lt;", "&amp;lt;", "%{", "%&#123;", "&"]
    assert len({plot_text(s) for s in distinct}) == len(distinct), "one-to-one"


def test_wrap_escapes_each_line_and_breaks_only_at_spaces():
    text = wrap(LINK, 10)  # a label is never cut, only broken at its spaces
    assert text.split("<br>") == ["&lt;a", 'href="http://127.0.0.1:8699/x"&gt;click&lt;/a&gt;']
    assert wrap("Amer-Indian-Eskimo & Female", 20) == "Amer-Indian-Eskimo &amp;<br>Female"


def test_registered_method_names_are_unchanged_by_escaping():
    """The tradeoff chart's ``customdata[0]`` (escaped) names the clicked method for the
    Tradeoffs screen, which looks it up in the registry: escaping leaves every name as is."""
    for name, method in REGISTRY.items():
        assert plot_text(name) == name == method.name
    assert plot_text("baseline") == "baseline"


# ---- drawn by plotly.js in Chromium -------------------------------------------------------

#: Drawn in a separate process (the sync Playwright API refuses to run inside the event loop
#: that pytest-playwright keeps for the browser tests of the same session). For each page:
#: every link plotly drew (``href`` or ``xlink:href``), the text of the SVG, the hover text of
#: each trace's first point, and every request that left the file.
PROBE = """
import json, sys
from playwright.sync_api import sync_playwright
exe, pages, args = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
READ = '''() => {
  const svg = [...document.querySelectorAll('.main-svg')];
  const links = [...document.querySelectorAll('.main-svg a, .main-svg [*|href]')].map(
      e => e.getAttribute('href') || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href')
           || e.outerHTML.slice(0, 80));
  const styled = [...document.querySelectorAll('.main-svg text tspan[style]')].map(
      e => [e.getAttribute('style'), e.textContent]);
  return {links, styled, text: svg.map(s => s.textContent).join(' ')};
}'''
HOVER = '''i => { const gd = document.querySelector('.plotly-graph-div');
  const trace = gd._fullData[i];
  if (!trace.visible || trace.hoverinfo === 'skip') return '';
  Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}],
                  (trace.xaxis || 'x') + (trace.yaxis || 'y'));
  const layer = document.querySelector('.hoverlayer');
  return [layer.textContent, layer.querySelectorAll('a').length,
          [...layer.querySelectorAll('tspan[style]')].map(
              e => [e.getAttribute('style'), e.textContent])]; }'''
out, requests = [], []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=exe, args=args)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.on("request", lambda r: requests.append(r.url))
    for url in pages:
        page.goto(url)
        page.wait_for_selector(".main-svg")
        drawn = page.evaluate(READ)
        n = page.evaluate("() => document.querySelector('.plotly-graph-div')._fullData.length")
        drawn["hover"] = [page.evaluate(HOVER, i) for i in range(min(n, 8))]
        out.append(drawn)
    browser.close()
print(json.dumps({"pages": out, "requests": [u for u in requests
                                             if not u.startswith(("file:", "data:"))]}))
"""


#: figures that fold the smaller groups into one grey "other groups" entry
FOLDED = {"roc_figure[1]"}


def _squeeze(text: str) -> str:
    """Text without whitespace: plotly draws a wrapped label as one text element per line."""
    return "".join(text.split())


@pytest.mark.browser
@pytest.mark.slow
def test_plotly_js_draws_hostile_labels_as_typed_and_requests_nothing(figures, tmp_path):
    """Every builder's figures drawn by plotly.js (the bundled copy, no network): no link to
    port 8699, no bold or styled span from a label, the labels' characters (``&times;`` and
    ``%{meta}`` included) shown literally in the SVG and in the hover, and no request."""
    import json
    import subprocess
    import sys

    from chromium import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    pages, expected = [], []
    for builder in BUILDERS:
        for i, (fig, labels, named) in enumerate(figures[builder]):
            path = tmp_path / f"{builder}-{i}.html"
            fig.write_html(path, include_plotlyjs="directory", default_width="1000px")
            pages.append(path.as_uri())
            expected.append((f"{builder}[{i}]", labels, named))
    run = subprocess.run([sys.executable, "-c", PROBE, str(CHROMIUM), json.dumps(pages),
                          *CHROMIUM_ARGS], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["requests"] == [], "a label made the page request something"
    for (name, labels, named), drawn in zip(expected, result["pages"]):
        assert not [link for link in drawn["links"] if "8699" in link], f"{name}: a live link"
        hovers = [h for h in drawn["hover"] if h]
        assert all(links == 0 for _, links, _ in hovers), f"{name}: a link in a hover"
        # the builders' own bold (panel titles, method names) is fine; a label's tags never
        # take effect
        styled = drawn["styled"] + [s for _, _, spans in hovers for s in spans]
        marked = [(style, t) for style, t in styled
                  if t.strip() in ("bold", "red", "it", "click", "name") or "color" in style]
        assert marked == [], f"{name}: a label's markup drawn: {marked}"
        hover_text = _squeeze(" ".join(t for t, _, _ in hovers))
        text = _squeeze(drawn["text"]) + hover_text
        drawn_labels = [g for g in labels if _squeeze(g) in text]
        if name in FOLDED:  # the smaller groups are named only when hovered
            assert len(drawn_labels) >= 6, f"{name}: labels not drawn as typed"
        else:
            assert drawn_labels == labels, f"{name}: labels not drawn as typed"
        if named:
            assert _squeeze(NAME) in text, f"{name}: the name is not drawn as typed"
        assert any(_squeeze(g) in hover_text for g in labels) or not labels, \
            f"{name}: the hover does not name a group as typed: {hover_text[:300]}"
