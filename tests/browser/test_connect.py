"""Connect to a table in a real browser (issue 15): a Parquet file on the server, counted by
DuckDB; the Audit screen shows the audit of every row from the counts, equal to the library's
audit of the same rows; Tradeoffs and a screen that needs rows are drawn; Mitigate's strength
is the in-browser component, equal to the group thresholds fitted on the rows, and its release
updates the server's table and SQL rule."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    PLOTLY,
    AppPage,
    assert_healthy,
    audit_gap_table,
    choose,
    click_and_wait,
    go_to,
    main,
    mitigate_gap_table,
    open_app,
    plotly_traces,
    release_strength,
    screenshot,
    sidebar,
    static_table_rows,
    strength_slider,
    wait_for_audit,
    wait_for_mitigation,
    wait_for_rerun,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WHERE = "File, glob or folder on the server, or a connection URL"
THRESHOLDS_DP = "Group thresholds (demographic parity)"


@pytest.fixture
def connect_server(monkeypatch, request):
    """A server of its own with the source turned on (``FAIRDASH_CONNECT=1``)."""
    monkeypatch.setenv("FAIRDASH_CONNECT", "1")
    return request.getfixturevalue("fresh_server")


@pytest.fixture
def scored_log(tmp_path, adult_logreg):
    """Adult's outcome, sex and the default model's score on every row, as Parquet."""
    dataset, scores = adult_logreg
    table = dataset.frame[["income_gt_50k", "sex", "race"]].copy()
    table["score"] = scores
    path = tmp_path / "decisions.parquet"
    table.to_parquet(path)
    return path, table


def _after_on_rows(table, strength):
    """The audit of the demographic-parity group thresholds fitted on the rows themselves."""
    from fairdash.metrics import audit_counts, confusion_counts, encode_groups
    from fairdash.mitigation import get_method

    y, scores = table["income_gt_50k"].to_numpy(), table["score"].to_numpy()
    codes, labels = encode_groups(table[["sex"]])
    groups = labels.to_numpy()[codes]
    est = get_method("thresholds_dp").make(strength, threshold=0.5).fit(
        scores, y, sensitive_features=groups)
    p = est.decision_proba(scores, sensitive_features=groups)
    return audit_counts(confusion_counts(y, p, codes, len(labels)), labels)


def test_connect_to_a_parquet_file_and_audit_every_row(app: AppPage, connect_server,
                                                        scored_log):
    from fairdash.metrics import audit
    from fairdash.ui import format as fmt

    path, table = scored_log
    page = app.page
    open_app(app, connect_server)
    go_to(app, "Data")
    click_and_wait(app, main(page).get_by_text("Connect to a table", exact=True))
    field = page.get_by_role("textbox", name=WHERE)
    field.fill(str(path))
    before = app.runs.count
    field.press("Enter")
    wait_for_rerun(page, app.runs, before)
    expect(page.get_by_role("combobox", name="Outcome column")).to_have_value("income_gt_50k")
    multiselect = page.get_by_role("combobox", name="Sensitive column(s)", exact=True)
    multiselect.click()
    click_and_wait(app, page.get_by_role("option", name="sex", exact=True))
    page.keyboard.press("Escape")
    choose(app, "Score or decision column", "score")
    click_and_wait(app, page.get_by_role("button", name="Connect: count every row in the "
                                                         "engine"))
    expect(main(page).get_by_text("(48,842 rows) counted in duckdb")).to_be_visible()
    screenshot(page, "connect-data.png")

    go_to(app, "Audit")
    wait_for_audit(page)
    want = audit(table["income_gt_50k"].to_numpy(), y_score=table["score"].to_numpy(),
                 sensitive_features=table[["sex"]])
    shown = static_table_rows(audit_gap_table(page))
    for name, row in want.gaps.iterrows():
        assert shown[row["label"]]["value"] == fmt.num(row["value"]), name
        assert shown[row["label"]]["p-value"] == fmt.num(row["p_value"]), name
    screenshot(page, "connect-audit.png")
    assert_healthy(app)

    go_to(app, "Tradeoffs")
    names = [t["name"] for t in plotly_traces(page.locator(PLOTLY)) if t["visible"] is True]
    line = page.locator(f"{PLOTLY} .scatterlayer .trace").nth(names.index(THRESHOLDS_DP))
    expect(line.locator(".points path")).to_have_count(51)
    before = app.runs.count
    line.locator(".points path").nth(30).click(force=True)  # strength 30/50 = 0.6
    wait_for_rerun(page, app.runs, before)
    expect(page.get_by_role("heading", name=re.compile("^Chosen point"))).to_contain_text(
        f"{THRESHOLDS_DP} at strength 0.60")
    expect(sidebar(page)).to_contain_text(f"{THRESHOLDS_DP} at strength 0.60")
    screenshot(page, "connect-tradeoffs.png")
    go_to(app, "Mitigate")  # opens on the point chosen, the active mitigation
    wait_for_mitigation(page)
    expect(page.get_by_role("heading", name="The rule, for the warehouse")).to_be_visible()
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text(f"Active mitigation: {THRESHOLDS_DP} at strength 0.60")
    expect(strength_slider(page)).to_have_value("0.6")  # the strength component's
    sql = main(page).get_by_test_id("stCode").inner_text()
    release_strength(app, 0.4)  # answered in the browser; the release reruns the server
    want = _after_on_rows(table, 0.4)
    frame = page.frame(url=re.compile(r"/component/.*fairdash_strength"))
    drawn = frame.evaluate("() => FairDashStrength.values(FairDashStrength.position(0.4))")
    shown = static_table_rows(mitigate_gap_table(page))
    for name, row in want.gaps.iterrows():
        if name in drawn["gaps"]:
            assert drawn["gaps"][name]["after"] == pytest.approx(row["value"], abs=1e-9), name
            assert shown[row["label"]]["p-value after"] == fmt.num(row["p_value"]), name
    expect(main(page).get_by_test_id("stCode")).not_to_have_text(sql)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Preview only")) \
        .to_be_visible()
    screenshot(page, "connect-mitigate.png")
    go_to(app, "Subgroups")
    expect(main(page).get_by_role("button", name="Load a sample of rows")).to_be_visible()
    screenshot(page, "connect-subgroups.png")
    assert_healthy(app)
