"""Issue #10 views in a real browser: many groups, gap wording, the tradeoff chart's filters,
a too-small upload, the method cards, undefined parts of a mean, and the Home screen.

One test per item of the issue; each checks something the old UI got wrong. The helpers
that the shared ``browser_helpers`` does not have are in ``views_helpers.py``.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from browser_helpers import (
    AppPage,
    assert_healthy,
    error_alerts,
    go_to,
    open_app,
    screenshot,
    strength_slider,
    threshold_slider,
    wait_for_audit,
    wait_for_mitigation,
    wait_for_rerun,
)
from playwright.sync_api import expect
from views_helpers import (
    ADULT,
    AXIS_TITLES_JS,
    BASE_TRACE,
    CHARTS,
    PARETO_TRACE,
    SENSITIVE,
    TRAIN_TIMEOUT_MS,
    WARNING,
    add_to_multiselect,
    assert_ticks_readable,
    change_cell,
    choose,
    choose_upload,
    comparison_table,
    evaluate_charts,
    eventually,
    gap_sentence,
    gap_table,
    gap_value,
    method_card,
    method_traces,
    options_of,
    sidebar_active_data,
    traces,
    wait_for_charts,
    warnings,
)

from fairdash.data import load_sample
from fairdash.mitigation import REGISTRY

pytestmark = pytest.mark.browser

GROUPS_12 = sorted(f"{sex} & {age} & {race}" for sex in ("Female", "Male")
                   for age in ("25-45", "<25", ">45") for race in ("Non-White", "White"))


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
    wait_for_audit(page)
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
    about_groups = [w for w in audit_warnings if re.search(r"\bgroups?\b", w, re.IGNORECASE)]
    print(f"12 groups, Audit warnings: {audit_warnings}")
    # one folded message per kind of problem, never one per group
    assert len(about_groups) <= 2, about_groups
    assert sum(w.startswith("Group '") for w in about_groups) <= 1, about_groups
    screenshot(page, "item6-many-groups-audit.png")

    go_to(app, "Mitigate")
    choose(app, "Method", "Group thresholds (demographic parity)", timeout=TRAIN_TIMEOUT_MS)
    expect(comparison_table(page)).to_have_count(1)
    wait_for_mitigation(page)  # its before/after chart is in the strength component's frame
    assert_ticks_readable(page, 1)
    mitigate_warnings = warnings(page)
    print(f"12 groups, Mitigate warnings: {mitigate_warnings}")
    assert len(mitigate_warnings) <= 2, mitigate_warnings
    # one folded warning names the groups with their counts instead of one box per group
    assert sum(w.startswith("Group '") for w in mitigate_warnings) <= 1, mitigate_warnings
    screenshot(page, "item6-many-groups-mitigate.png")
    assert_healthy(app)


# ---- item 8: gap wording follows the controls -----------------------------------------------

def test_gap_wording_follows_direction_reference_and_score(app: AppPage):
    """Mitigate's change column says which way is fairer (a ratio rising is fairer); the
    audit's sentence against a reference group names it and no "highest/lowest"; the COMPAS
    score histogram names decile_score, not a predicted probability."""
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    choose(app, "Method", "Group thresholds (demographic parity)")
    expect(comparison_table(page)).to_have_count(1)
    expect(strength_slider(page)).to_have_value("1")
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
    wait_for_audit(page)

    def histogram_axes():
        figures = evaluate_charts(page, AXIS_TITLES_JS)
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

    labels = options_of(page, "Methods shown")  # a long list shows only its visible part
    assert labels and set(labels) <= set(colours), (labels, colours)
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


def test_every_method_card_is_in_words(app: AppPage):
    """For every method Mitigate offers on Adult (gap × stage × method), the card has its
    knob in a sentence and its paper, no pointer to a notes file outside the repository and
    no raw parameters."""
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
                assert re.match(r"Strength \d\.\d\d: \w.*\w.*\.$", knob, re.DOTALL), (where, knob)
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
    slider = threshold_slider(page)
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
    # the address also holds the view now (issue 13): the path is the page
    assert urlparse(page.url).path.rstrip("/").endswith("/mitigate"), page.url
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
