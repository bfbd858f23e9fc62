"""Issue #10 views in a real browser: many groups, gap wording, the tradeoff chart's filters,
a too-small upload, the method cards, undefined parts of a mean, and the Home screen.

One test per item of the issue; each checks something the old UI got wrong. Helpers that
the shared ``browser_helpers`` does not have live here (figure data, tick boxes, widgets).
"""

from __future__ import annotations

import re
import time

import pytest
from browser_helpers import (AppPage, assert_healthy, error_alerts, go_to, open_app, screenshot,
                             wait_for_rerun)
from playwright.sync_api import Page, expect

from fairdash.data import load_sample
from fairdash.mitigation import REGISTRY

pytestmark = pytest.mark.browser

ADULT = "Adult census income"
CHARTS = '[data-testid="stPlotlyChart"] .js-plotly-plot'
WARNING = '[data-testid="stAlert"]:has([data-testid="stAlertContentWarning"])'
SENSITIVE = "Sensitive column(s); several form intersectional groups"
#: fitting a method that trains, or training the base model, on two busy cores
TRAIN_TIMEOUT_MS = 300_000
GROUPS_12 = sorted(f"{sex} & {age} & {race}" for sex in ("Female", "Male")
                   for age in ("25-45", "<25", ">45") for race in ("Non-White", "White"))


# ---- small helpers ------------------------------------------------------------------------

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
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
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
TICKS_JS = """() => Array.from(document.querySelectorAll('%s')).map(plot => {
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
})""" % CHARTS


def overlaps(a, b, tolerance: float = 1.0) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap by more than ``tolerance`` px."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > tolerance and
            min(a[3], b[3]) - max(a[1], b[1]) > tolerance)


def assert_ticks_readable(page: Page, n_charts: int) -> list[dict]:
    """No two tick labels of one axis overlap, and every tick label lies inside its chart
    (not clipped at the left or right edge). Returns the measured charts."""
    def check():
        figures = page.evaluate(TICKS_JS)
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
TRACES_JS = """() => document.querySelector('%s')._fullData.map(t => ({
  name: t.name, legendgroup: t.legendgroup || '', symbol: t.marker ? String(t.marker.symbol) : '',
  line: t.line ? String(t.line.color) : '', marker: t.marker ? String(t.marker.color) : '',
  error_x: !!(t.error_x && t.error_x.visible), error_y: !!(t.error_y && t.error_y.visible)}))
""" % CHARTS
BASE_TRACE = re.compile(r"^Base model")
PARETO_TRACE = re.compile(r"^Pareto front")


def traces(page: Page) -> list[dict]:
    return page.evaluate(TRACES_JS)


def method_traces(page: Page) -> list[dict]:
    return [t for t in traces(page)
            if not BASE_TRACE.match(t["name"]) and not PARETO_TRACE.match(t["name"])]


# ---- item 6: many groups ------------------------------------------------------------------

def test_twelve_intersectional_groups_stay_readable(app: AppPage, tmp_path):
    """Adult, 20,000 rows, grouped by sex × age_group × race_binary (2 × 3 × 2 = 12 groups):
    tick labels do not overlap, the per-group table lists all 12, and warnings about single
    groups are folded rather than stacked."""
    page = app.page
    path = tmp_path / "groups12.csv"
    load_sample("adult").sample(20_000, random_state=0).to_csv(path, index=False)
    open_app(app)
    choose_upload(app, path)
    expect(page.get_by_text(re.compile(r"^20,000 rows × 20 columns"))).to_be_visible()
    for column in ("age_group", "race_binary"):
        add_to_multiselect(app, SENSITIVE, column)
    before = app.runs.count
    page.get_by_role("button", name="Apply roles").click()
    wait_for_rerun(page, app.runs, before)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("race_binary")
    assert "groups12.csv" in sidebar_active_data(page)

    go_to(app, "Audit")
    expect(page.get_by_role("heading", name="Gap summary")).to_be_visible(
        timeout=TRAIN_TIMEOUT_MS)
    wait_for_charts(page, 4)
    figures = assert_ticks_readable(page, 4)
    print("\ntick labels checked per chart: " + "; ".join(
        f"{f['title']}: {sum(len(t) for t in f['axes'].values())}" for f in figures))
    sizes = next(f for f in figures if f["title"].startswith("Group sizes"))
    labels = [text for ticks in sizes["axes"].values() for text, _ in ticks]
    assert sum(any(g in label for label in labels) for g in GROUPS_12) == 12, labels

    # the per-group table: one row per group (the grid's aria-rowcount counts the header)
    grid = page.get_by_test_id("stDataFrame").locator("table[role=grid]")
    expect(grid).to_have_count(1)
    expect(grid).to_have_attribute("aria-rowcount", "13")
    first_column = grid.locator('tbody td[aria-colindex="1"]')
    expect(first_column).to_have_count(12)
    assert sorted(t.strip() for t in first_column.all_inner_texts()) == GROUPS_12

    audit_warnings = warnings(page)
    about_groups = [w for w in audit_warnings if re.search(r"\bgroups?\b", w, re.I)]
    print(f"12 groups, Audit warnings: {audit_warnings}")
    assert len(about_groups) <= 1, about_groups
    screenshot(page, "item6-many-groups-audit.png")

    go_to(app, "Mitigate")
    choose(app, "Method", "Group thresholds (demographic parity)", timeout=TRAIN_TIMEOUT_MS)
    expect(comparison_table(page)).to_have_count(1)
    wait_for_charts(page, 1)
    assert_ticks_readable(page, 1)
    mitigate_warnings = warnings(page)
    print(f"12 groups, Mitigate warnings: {mitigate_warnings}")
    assert len(mitigate_warnings) <= 2, mitigate_warnings
    # one folded warning names the groups with their counts instead of one box per group
    assert sum(w.startswith("Group '") for w in mitigate_warnings) <= 1, mitigate_warnings
    screenshot(page, "item6-many-groups-mitigate.png")
    assert_healthy(app)


# ---- item 8: gap wording follows the controls -----------------------------------------------

#: For every chart: its layout title and its x and y axis titles (plotly keeps them in the layout).
AXIS_TITLES_JS = """() => Array.from(document.querySelectorAll('%s')).map(plot => {
  const strip = s => String(s || '').replace(/<[^>]+>/g, '');
  const titles = re => Object.keys(plot.layout).filter(k => re.test(k))
    .map(k => plot.layout[k].title ? strip(plot.layout[k].title.text) : '').filter(t => t);
  return {title: strip(plot.layout.title && plot.layout.title.text),
          x: titles(/^xaxis[0-9]*$/), y: titles(/^yaxis[0-9]*$/)};
})""" % CHARTS


def test_gap_wording_follows_direction_reference_and_score(app: AppPage):
    """Mitigate's change column says which way is fairer (a ratio rising is fairer); the
    audit's sentence against a reference group names it and no "highest/lowest"; the COMPAS
    score histogram names decile_score, not a predicted probability."""
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    choose(app, "Method", "Group thresholds (demographic parity)")
    expect(page.get_by_role("slider", name=re.compile("^Strength"))).to_have_value("1")
    expect(comparison_table(page)).to_have_count(1)
    dp_change = change_cell(page, "Demographic parity difference")
    ratio_change = change_cell(page, "Demographic parity ratio")
    print(f"\nAdult, group thresholds DP at 1: difference {dp_change!r}, ratio {ratio_change!r}")
    assert dp_change.startswith("-") and "fairer" in dp_change and "less fair" not in dp_change
    assert ratio_change.startswith("+") and "▲ fairer" in ratio_change

    go_to(app, "Audit")
    expect(gap_table(page)).to_have_count(1)
    choose(app, "Gaps measured", "Against a reference group (signed)")
    choose(app, "Reference group", "Male")
    expect(page.get_by_test_id("stMain").locator("li").filter(
        has_text=re.compile("^Demographic parity difference:"))).to_contain_text("'Male'")
    sentence = gap_sentence(page, "Demographic parity difference")
    print(f"against 'Male': {sentence}")
    assert re.search(r"reference group 'Male'", sentence), sentence
    assert "'Female' minus 'Male'" in sentence
    assert not re.search(r"highest|lowest", sentence), sentence
    assert float(gap_value(page, "demographic_parity_difference")) < 0  # Female below Male

    go_to(app, "Mitigate")
    before = app.runs.count
    page.get_by_role("button", name=re.compile("COMPAS demo")).click()
    wait_for_rerun(page, app.runs, before, timeout=TRAIN_TIMEOUT_MS)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("decile_score")
    go_to(app, "Audit")
    wait_for_charts(page, 4)

    def histogram_axes():
        figures = page.evaluate(AXIS_TITLES_JS)
        hist = [f for f in figures if f["title"].startswith("Score distribution")]
        assert len(hist) == 1, [f["title"] for f in figures]
        assert hist[0]["x"], hist
        return hist[0]["x"]
    x_titles = eventually(histogram_axes)
    print(f"COMPAS histogram x axis: {x_titles}")
    assert all("decile_score" in t for t in x_titles), x_titles
    assert not any("probability" in t.lower() for t in x_titles), x_titles
    assert_healthy(app)



# ---- item 9: the tradeoff chart's view controls ---------------------------------------------

def test_tradeoff_whiskers_and_method_filter(app: AppPage):
    """Whiskers are off by default and the toggle adds error bars on both axes; every method
    has its own colour; one method in "Methods shown" leaves its line, the star and the
    Pareto line."""
    page = app.page
    open_app(app)
    go_to(app, "Tradeoffs")
    wait_for_charts(page, 1)
    switch = page.get_by_role("switch", name="95 % whiskers")
    expect(switch).not_to_be_checked()

    def drawn():
        lines = method_traces(page)
        assert len(lines) >= 4, traces(page)
        return lines
    lines = eventually(drawn)
    assert not any(t["error_x"] or t["error_y"] for t in traces(page)), traces(page)
    assert page.locator(f"{CHARTS} .errorbar").count() == 0
    colours = {t["name"]: t["line"] or t["marker"] for t in lines}
    print(f"\nmethod colours: {colours}")
    assert len(set(colours.values())) == len(colours), colours
    assert any(BASE_TRACE.match(t["name"]) and t["symbol"] == "star" for t in traces(page))

    before = app.runs.count
    page.get_by_test_id("stCheckbox").filter(has_text="95 % whiskers").get_by_text(
        "95 % whiskers").click()
    wait_for_rerun(page, app.runs, before)
    expect(switch).to_be_checked()

    def whiskers_on():
        with_bars = [t["name"] for t in method_traces(page) if t["error_x"] and t["error_y"]]
        assert len(with_bars) == len(method_traces(page)) > 0, traces(page)
        assert page.locator(f"{CHARTS} .errorbar").count() > 0
    eventually(whiskers_on)

    labels = options_of(page, "Methods shown")
    assert set(labels) == set(colours), (labels, colours)
    chosen = "Group thresholds (equal opportunity)"
    page.get_by_role("combobox", name="Methods shown", exact=True).click()
    before = app.runs.count
    page.get_by_role("option", name=chosen, exact=True).click()
    wait_for_rerun(page, app.runs, before)
    page.keyboard.press("Escape")

    def only_chosen():
        names = [t["name"] for t in traces(page)]
        others = [n for n in names if not BASE_TRACE.match(n) and not PARETO_TRACE.match(n)]
        assert others and set(others) == {chosen}, names
        assert sum(bool(BASE_TRACE.match(n)) for n in names) == 1, names
        return names
    print(f"after choosing {chosen!r}: {eventually(only_chosen)}")
    screenshot(page, "item9-tradeoffs-one-method-whiskers.png")
    assert_healthy(app)


# ---- item 10: an upload too small to audit --------------------------------------------------

def test_three_row_upload_leaves_adult_active(app: AppPage, tmp_path):
    """A 3-row CSV does not replace the active table: the Data screen says why in a sentence,
    the sidebar and the Audit screen still show Adult."""
    page = app.page
    path = tmp_path / "tiny.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n")
    open_app(app)
    choose_upload(app, path)
    main = page.get_by_test_id("stMain")
    pending = main.locator(WARNING).filter(has_text="is not active yet")
    errors = error_alerts(page)
    expect(pending.or_(errors).first).to_be_visible()
    message = (pending if pending.count() else errors).first.inner_text()
    print(f"\n3-row upload: {message}")
    assert "'tiny.csv'" in message, message
    if pending.count():
        assert re.search(r"active table is still '" + ADULT, message), message
    else:  # an error instead: one sentence (the first full stop ends the text)
        assert re.fullmatch(r"[^.]+\.", message.strip()), message
    assert ADULT in sidebar_active_data(page)
    assert "tiny.csv" not in sidebar_active_data(page).split("Upload")[0]
    screenshot(page, "item10-tiny-upload.png")

    go_to(app, "Audit")
    expect(gap_table(page)).to_have_count(1)
    assert ADULT in sidebar_active_data(page)
    caption = main.get_by_test_id("stCaptionContainer").filter(has_text="Positive prediction")
    expect(caption).to_contain_text("income above $50K")
    sentence = gap_sentence(page, "Demographic parity difference")
    assert "'Female'" in sentence and "'Male'" in sentence, sentence
    assert_healthy(app)


# ---- item 11: method cards in words ---------------------------------------------------------

BY_LABEL = {m.label: m for m in REGISTRY.values()}
RAW_KNOB = re.compile(r"\b(e0|eps|epsilon|tolerance|lambda_|C)\s*=")


def method_card(page: Page) -> tuple[str, str]:
    """(the card's three paragraphs, its caption of facts ending with the source)."""
    main = page.get_by_test_id("stMain")
    card = main.get_by_test_id("stMarkdownContainer").filter(has_text="What it does.")
    facts = main.get_by_test_id("stCaptionContainer").filter(has_text="Source:")
    expect(card).to_have_count(1)
    expect(facts).to_have_count(1)
    return card.inner_text(), facts.inner_text()


def test_every_method_card_is_in_words(app: AppPage):
    """For every method Mitigate offers on Adult (gap × stage × method), the card has its
    knob in a sentence and its paper, and no pointer to ALGORITHMS.md or raw parameters."""
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    expect(comparison_table(page)).to_have_count(1)
    stage_radio = page.get_by_test_id("stRadio").filter(has_text="Stage")
    seen = {}
    for criterion in options_of(page, "Gap to close"):
        choose(app, "Gap to close", criterion, timeout=TRAIN_TIMEOUT_MS)
        stages = [s.strip() for s in stage_radio.locator("label").all_inner_texts()
                  if s.strip() and s.strip() != "Stage"]
        assert stages, criterion
        for stage in stages:
            if not stage_radio.get_by_role("radio", name=stage).is_checked():
                before = app.runs.count
                stage_radio.get_by_text(stage, exact=True).click()
                wait_for_rerun(page, app.runs, before, timeout=TRAIN_TIMEOUT_MS)
            for label in options_of(page, "Method"):
                choose(app, "Method", label, timeout=TRAIN_TIMEOUT_MS)
                expect(page.get_by_role("combobox", name="Method")).to_have_value(label)
                card, facts = method_card(page)
                method = BY_LABEL[label]
                where = f"{criterion} / {stage} / {label}"
                assert "ALGORITHMS" not in card + facts, where
                assert not RAW_KNOB.search(card + facts), (where, card)
                for part in ("What it does.", "What it assumes.", "Its knob."):
                    assert part in card, (where, card)
                knob = card.split("Its knob.", 1)[1].strip()
                assert re.match(r"Strength \d\.\d\d: \w.*\w.*\.$", knob, re.S), (where, knob)
                assert f"Source: {method.paper}" in facts, (where, facts)
                seen[label] = knob
    print(f"\n{len(seen)} method cards checked:")
    for label, knob in seen.items():
        print(f"  {label}: {knob}")
    assert len(seen) >= 10, seen
    assert {"Reweighing", "Group thresholds (demographic parity)",
            "Exponentiated gradient (equalized odds)"} <= set(seen)
    assert_healthy(app)


# ---- item 12: an undefined part of a mean ---------------------------------------------------

def test_equalized_odds_mean_leaves_an_undefined_part_out(app: AppPage):
    """Adult at threshold 0.99: no woman is a false positive (FPR 0). Against the reference
    group 'Female', the FPR ratio is x / 0, undefined; the mean of the TPR and FPR ratios
    must then be the TPR ratio alone, not "n/a"."""
    page = app.page
    open_app(app)
    go_to(app, "Audit")
    expect(gap_table(page)).to_have_count(1)
    slider = page.get_by_role("slider", name=re.compile(r"^Decision threshold"))
    slider.focus()
    before = app.runs.count
    slider.press("End")
    wait_for_rerun(page, app.runs, before)
    before = app.runs.count
    slider.press("ArrowLeft")
    wait_for_rerun(page, app.runs, before)
    expect(slider).to_have_value("0.99")
    choose(app, "Gaps measured", "Against a reference group (signed)")
    choose(app, "Reference group", "Female")

    eo_ratio = gap_value(page, "equal_opportunity_ratio")
    mean_ratio = gap_value(page, "equalized_odds_ratio_mean")
    mean_diff = gap_value(page, "equalized_odds_difference_mean")
    print(f"\nequal opportunity ratio {eo_ratio}, equalized odds ratio (mean) {mean_ratio}, "
          f"equalized odds difference (mean) {mean_diff}")
    assert mean_ratio != "n/a" and mean_diff != "n/a"
    assert mean_ratio == eo_ratio  # the defined part alone

    # the per-group table: Female's false positive rate is 0 (so the part is undefined)
    grid = page.get_by_test_id("stDataFrame").locator("table[role=grid]")
    headers = [h.strip() for h in grid.locator("th").all_inner_texts()]
    fpr_col = headers.index("False positive rate") + 1
    female = grid.locator("tbody tr").filter(
        has=page.locator('td[aria-colindex="1"]', has_text=re.compile("^Female$")))
    fpr = female.locator(f'td[aria-colindex="{fpr_col}"]').inner_text()
    print(f"threshold 0.99, Female FPR: {fpr}")
    assert fpr.startswith("0.0%"), fpr
    assert_healthy(app)


# ---- item 13: the first screen --------------------------------------------------------------

def test_home_then_repair_compas(app: AppPage):
    """Home has the title, the three journeys and the data → model → audit → mitigate strip;
    "Repair COMPAS scores" lands on Mitigate with COMPAS active and the barycenter active."""
    page = app.page
    open_app(app)
    main = page.get_by_test_id("stMain")
    expect(page.get_by_role("heading", name="FairDash", exact=True)).to_be_visible()
    for name in ("Audit Adult", "Repair COMPAS scores", "Start with a synthetic population"):
        expect(main.get_by_role("button", name=name)).to_be_visible()
    strip = main.get_by_test_id("stPageLink")
    for step in ("Data", "Model", "Audit", "Mitigate"):
        expect(strip.filter(has_text=re.compile(rf"{step}: \w"))).to_have_count(1)
    screenshot(page, "item13-home.png")

    before = app.runs.count
    main.get_by_role("button", name="Repair COMPAS scores").click()
    wait_for_rerun(page, app.runs, before, timeout=TRAIN_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Mitigate", exact=True)).to_be_visible()
    assert page.url.rstrip("/").endswith("/mitigate"), page.url
    expect(page.get_by_role("combobox", name="Method")).to_have_value("Wasserstein barycenter")
    expect(main.get_by_test_id("stAlert").filter(
        has_text="Active mitigation: Wasserstein barycenter at strength 1.00")).to_be_visible()
    expect(comparison_table(page)).to_have_count(1)
    active = sidebar_active_data(page)
    assert "COMPAS" in active, active
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("decile_score")
    expect(sidebar).to_contain_text("Wasserstein barycenter at strength 1.00")
    screenshot(page, "item13-compas-repaired.png")
    assert_healthy(app)
