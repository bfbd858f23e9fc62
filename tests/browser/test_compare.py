"""The Compare screen in a real browser: flips of an update, who pays, the download; the numbers
are the library's."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (AppPage, assert_healthy, audited_rows, dataframe_rows, go_to, main,
                             open_app, screenshot, sidebar)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HGB = "Another model trained here: Histogram gradient boosting"
#: the Compare screen's base-model option (its wording may change; it starts so)
BASE_MODEL = re.compile(r"^Base model \(")


def library_report(adult_logreg):
    """The flip report of logistic regression -> gradient boosting on Adult's test rows."""
    from fairdash.compare import ModelSpec, compare_models

    dataset, scores = adult_logreg
    return compare_models(dataset, ModelSpec("base"), ModelSpec("model", "hgb"), scores)


def test_compare_base_with_boosting(app: AppPage, adult_logreg):
    from fairdash.compare import who_pays

    page = app.page
    open_app(app)
    go_to(app, "Compare")
    expect(page.get_by_role("heading", name="Flip matrix")).to_be_visible()
    expect(page.get_by_role("combobox", name="Old model (the one people are used to)")) \
        .to_have_value(BASE_MODEL)
    expect(page.get_by_role("combobox", name="New model (the update)")).to_have_value(HGB)
    expect(main(page)).to_contain_text("Both models decide at the threshold 0.50 set on the "
                                       "Audit screen")
    expect(main(page)).to_contain_text("Negative flip rate")
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)

    report = library_report(adult_logreg)
    o = report.overall
    assert audited_rows(page) == int(o["n"])
    nfr = page.get_by_test_id("stMetric").filter(has_text="Negative flip rate")
    expect(nfr.get_by_test_id("stMetricValue")).to_have_text(f"{o['nfr']:.2%}")
    sentence = who_pays(report).sentence
    print(f"\nAdult, logistic regression -> gradient boosting: NFR {o['nfr']:.2%}; {sentence}")
    expect(main(page).get_by_test_id("stMarkdownContainer")
           .filter(has_text="Who pays for the update:")).to_have_text(
        f"Who pays for the update: {sentence}")
    rows = {r["group"]: r for r in dataframe_rows(main(page).get_by_test_id("stDataFrame"))}
    assert set(rows) == {str(g) for g in report.groups.index}
    for group, g in report.groups.iterrows():
        assert rows[str(group)]["n (test rows)"] == f"{g['n']:,.0f}"
        assert rows[str(group)]["NFR"] == \
            f"{g['nfr']:.1%} ({g['nfr_low']:.1%} to {g['nfr_high']:.1%})"
    expect(page.get_by_role("button", name=f"Download the {len(report.flips):,} flipped rows "
                                           "(CSV)")).to_be_visible()
    expect(sidebar(page)).to_contain_text("none (choose one on Mitigate or Tradeoffs)")
    screenshot(page, "compare-adult-logreg-to-hgb.png")
    assert_healthy(app)
