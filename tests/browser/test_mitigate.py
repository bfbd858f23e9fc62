"""The Mitigate screen in a real browser: preview a method, move its strength, make it active,
the COMPAS demo, and clearing the active mitigation."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    AppPage,
    assert_healthy,
    click_and_wait,
    go_to,
    main,
    mitigate_gap_table,
    open_app,
    release_strength,
    screenshot,
    sidebar,
    static_table_rows,
    strength_slider,
    wait_for_mitigation,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DP_ROW = "Demographic parity difference"
THRESHOLDS_DP = "Group thresholds (demographic parity)"
NO_MITIGATION = "none (choose one on Mitigate or Tradeoffs)"
MAKE_ACTIVE = "Make this the active mitigation"
CLEAR = "Clear the active mitigation"


def dp_cells(page: Page) -> tuple[float, float]:
    """(before, after) demographic parity difference as the comparison table shows them
    (each cell: "value (low to high)")."""
    row = static_table_rows(mitigate_gap_table(page))[DP_ROW]
    return float(row["before"].split(" ")[0]), float(row["after"].split(" ")[0])


def library_dp(adult_logreg, method: str, strength: float) -> tuple[float, float]:
    """(before, after) demographic parity difference the library measures on the test rows."""
    from fairdash.mitigation import before_after, mitigate

    dataset, scores = adult_logreg
    result = mitigate(dataset, method, strength, base_scores=scores, threshold=0.5)
    ba = before_after(dataset, scores, result, threshold=0.5)
    return tuple(float(x.gaps.loc["demographic_parity_difference", "value"])
                 for x in (ba.before, ba.after))


def test_preview_strength_activate_demo_and_clear(app: AppPage, adult_logreg):
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    wait_for_mitigation(page)
    expect(page.get_by_role("combobox", name="Method")).to_have_value(THRESHOLDS_DP)
    # a preview changes nothing elsewhere until it is made active
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Preview only")).to_contain_text(
        "Preview only: nothing changes elsewhere until you make it active (active now: none)")
    expect(sidebar(page)).to_contain_text(NO_MITIGATION)
    expect(main(page)).to_contain_text("deciding at the threshold 0.50 set on the Audit screen")
    before, after = dp_cells(page)
    print(f"\nAdult, group thresholds (DP) at strength 1: DP difference {before:.3f} -> "
          f"{after:.3f}")
    assert after < 0.03 < before
    # the library's numbers on the same rows
    lib_before, lib_after = library_dp(adult_logreg, "thresholds_dp", 1.0)
    assert (f"{before:.3f}", f"{after:.3f}") == (f"{lib_before:.3f}", f"{lib_after:.3f}")
    change = static_table_rows(mitigate_gap_table(page))[DP_ROW]["change"]
    assert change == f"{after - before:+.3f} ▼ fairer", change
    screenshot(page, "mitigate-adult-thresholds.png")

    expect(strength_slider(page)).to_have_value("1")
    release_strength(app, 0.7)  # 30 presses answered in the browser, then let go
    _, weaker = dp_cells(page)
    assert weaker > after
    print(f"strength 1 -> 0.7: after DP {after:.3f} -> {weaker:.3f}")
    expect(sidebar(page)).to_contain_text(NO_MITIGATION)  # still only a preview

    click_and_wait(app, page.get_by_role("button", name=MAKE_ACTIVE))
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text(f"Active mitigation: {THRESHOLDS_DP} at strength 0.70")
    expect(page.get_by_role("button", name=CLEAR)).to_be_visible()
    expect(sidebar(page)).to_contain_text(f"{THRESHOLDS_DP} at strength 0.70")

    click_and_wait(app, page.get_by_role("button", name=re.compile("^Load the COMPAS demo")),
                   timeout=120_000)
    wait_for_mitigation(page)
    expect(main(page)).to_contain_text("decile_score")
    expect(page.get_by_role("combobox", name="Method")).to_have_value("Wasserstein barycenter")
    expect(strength_slider(page)).to_have_value("1")
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text("Active mitigation: Wasserstein barycenter at strength 1.00")
    before, after = dp_cells(page)
    print(f"COMPAS decile_score by race, barycenter at strength 1: DP {before:.3f} -> "
          f"{after:.3f}")
    assert after < before / 3
    screenshot(page, "mitigate-compas-demo.png")

    click_and_wait(app, page.get_by_role("button", name=CLEAR))
    expect(sidebar(page)).to_contain_text(NO_MITIGATION)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Preview only")) \
        .to_contain_text("(active now: none)")
    expect(page.get_by_role("combobox", name="Method")).to_have_value("Wasserstein barycenter")
    click_and_wait(app, page.get_by_role("button", name=MAKE_ACTIVE))
    expect(page.get_by_role("button", name=CLEAR)).to_be_visible()

    go_to(app, "Audit")
    expect(sidebar(page)).to_contain_text("decile_score")
    # the active mitigation travels with the session to the other screens
    expect(sidebar(page)).to_contain_text("Wasserstein barycenter at strength 1.00")
    assert_healthy(app)


@pytest.mark.parametrize("demo", [False, True], ids=["adult-thresholds-0.9", "compas-demo"])
def test_mitigate_reopens_on_the_active_mitigation(app: AppPage, demo: bool):
    """Back on Mitigate after another screen, the preview is the active mitigation (method and
    strength), with its success box and the button that clears it."""
    page = app.page
    open_app(app)
    go_to(app, "Mitigate")
    wait_for_mitigation(page)
    if demo:
        click_and_wait(app, page.get_by_role("button", name=re.compile("^Load the COMPAS demo")),
                       timeout=120_000)
        method, strength, value = "Wasserstein barycenter", "1.00", "1"
    else:
        release_strength(app, 0.9)
        click_and_wait(app, page.get_by_role("button", name=MAKE_ACTIVE))
        method, strength, value = THRESHOLDS_DP, "0.90", "0.9"
    active = f"Active mitigation: {method} at strength {strength}"
    wait_for_mitigation(page)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text(active)

    go_to(app, "Audit")
    expect(sidebar(page)).to_contain_text(f"{method} at strength {strength}")
    go_to(app, "Mitigate")
    wait_for_mitigation(page)
    expect(page.get_by_role("combobox", name="Method")).to_have_value(method)
    expect(strength_slider(page)).to_have_value(value)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Active mitigation")) \
        .to_contain_text(active)
    expect(page.get_by_role("button", name=CLEAR)).to_be_visible()
    assert_healthy(app)
