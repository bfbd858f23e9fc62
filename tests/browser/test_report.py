"""The HTML report in Chromium with every network request blocked (issue #13): it draws with
no request but the file itself and no console error; moving the threshold control puts the
library's numbers at that threshold in the gap and group tables and the charts; the page's
arithmetic equals ``fairdash.metrics`` at every threshold and for every aggregation; a hostile
group label stays text; printing hides the control.

Uses pytest-playwright's ``browser`` only (not ``page``, whose context would start the
Streamlit server: the report needs none). Screenshots go to ``test-results/report/``.
"""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest

from fairdash.data import AUDITED_SPLIT, ColumnRoles, build_dataset
from fairdash.metrics import RATE_DEFINITIONS, audit, audit_counts
from fairdash.provenance import provenance
from fairdash.report import build_report, counts_from_payload, read_embedded

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-results" / "report"
pytestmark = pytest.mark.browser


class Opened:
    """A report opened from disk with every other request refused and recorded."""

    def __init__(self, browser, path: Path, viewport=(1280, 900)):
        self.context = browser.new_context(viewport={"width": viewport[0],
                                                     "height": viewport[1]})
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.requests, self.errors, self.dialogs = [], [], []
        page = self.page
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: route.continue_() if route.request.url == self.url
                   else route.abort())
        page.goto(self.url)
        page.wait_for_selector("body[data-ready]", timeout=60_000)

    def check_clean(self):
        assert self.page.get_attribute("body", "data-ready") == "1"   # plotly.js unpacked
        assert self.requests == [self.url], self.requests
        assert self.errors == [] and self.dialogs == []

    def gap_values(self) -> dict:
        return self.page.eval_on_selector_all(
            "tr[data-gap]", "rows => Object.fromEntries(rows.map(r => [r.dataset.gap, "
            "[r.querySelector('.gap-value').dataset.value, "
            "r.querySelector('.gap-value').textContent]]))")

    def close(self):
        self.context.close()


def _num(text: str) -> float:
    return math.nan if text == "nan" else float(text)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _audit_at(ds, scores, t):
    mask = ds.rows(AUDITED_SPLIT)
    return audit(ds.y[mask], y_score=scores[mask], threshold=t,
                 sensitive_features=ds.frame.loc[mask, list(ds.roles.sensitive)])


@pytest.fixture(scope="module")
def adult_html(adult_full, tmp_path_factory):
    from fairdash.mitigation import mitigate

    ds, scores = adult_full
    prov = provenance(ds, source="sample:adult", model="logreg", threshold=0.5,
                      command="python -m fairdash report --sample adult -o report.html")
    html = build_report(ds, scores, threshold=0.5, provenance=prov,
                        model_name="Logistic regression",
                        gate_rules=["demographic_parity_difference>0.1",
                                    "equal_opportunity_ratio<0.7"],
                        mitigation=mitigate(ds, "thresholds_eo", 1.0, base_scores=scores))
    path = tmp_path_factory.mktemp("report") / "adult.html"
    path.write_text(html)
    return path


def test_moving_the_threshold_gives_the_audit_there(browser, adult_full, adult_html):
    ds, scores = adult_full
    r = Opened(browser, adult_html)
    page = r.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "adult-desktop.png"), full_page=True)
    slider = page.locator("#fd-threshold")

    def check(t):
        expected = _audit_at(ds, scores, t)
        page.wait_for_function(f"document.querySelector('output').textContent === '{t:.3f}'")
        shown = r.gap_values()
        for name, (value, text) in shown.items():
            want = expected.gaps.loc[name, "value"]
            assert _same(_num(value), want), (t, name, value, want)
            assert text == ("n/a" if math.isnan(want) else f"{want:.3f}")
        for i, (label, row) in enumerate(expected.groups.iterrows()):
            cell = page.locator(f'tr[data-group="{i}"] td[data-rate="selection_rate"]')
            assert _same(_num(cell.locator(".rate-value").get_attribute("data-value")),
                         row["selection_rate"])
            assert _same(_num(cell.locator(".rate-ci").get_attribute("data-low")),
                         row["selection_rate_low"])
        # the bar chart's ticks follow: each group's selection rate as the table shows it
        ticks = page.locator("#fig-selection_rate .ytick").all_text_contents()
        for row in expected.groups.itertuples():
            assert any(f"{100 * row.selection_rate:.1f} %" in tick for tick in ticks), ticks
        # the ROC chart's dots are each group's (FPR, TPR) at the threshold
        dots = page.evaluate(
            "() => document.getElementById('fig-roc').data.filter(t => t.legendgroup === "
            "'dots').map(t => [t.text, t.x, t.y, t.name])")
        points = {text: (x, y, name) for d in dots for text, x, y, name in
                  zip(d[0], d[1], d[2], [d[3]] * len(d[0]))}
        for label, row in expected.groups.iterrows():
            x, y, name = points[label]
            assert x == pytest.approx(100 * row["fpr"]) and y == pytest.approx(100 * row["tpr"])
            assert f"{t:.2f} (dots)" in name
        return expected

    check(0.5)
    assert page.locator("[data-when-moved]").first.is_hidden()
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    check(0.497)
    assert page.locator(".control [data-when-moved]").is_visible()   # says what stays put
    slider.fill("300")
    check(0.3)
    page.screenshot(path=str(SHOTS / "adult-threshold-0.3.png"), full_page=True)
    page.keyboard.press("End")
    check(1.0)
    page.locator("#fd-reset").click()
    check(0.5)
    r.check_clean()
    r.close()


def test_the_pages_arithmetic_is_the_librarys_at_every_threshold(browser, adult_html):
    html = adult_html.read_text()
    live = read_embedded(html)["fd-live"]
    r = Opened(browser, adult_html)
    measured = r.page.evaluate(
        "() => FairDashReport.live.thresholds.map((_, i) => FairDashReport.measure(i))")
    r.check_clean()
    r.close()
    _check_all(live, measured, range(len(live["thresholds"])))


def _check_all(live, measured, positions, **audit_kw):
    for pos in positions:
        got = measured[pos]
        expected = audit_counts(counts_from_payload(live, pos), live["labels"],
                                row_counts=np.array(live["n"]), n_resamples=1, **audit_kw)
        for name, value in got["gaps"].items():
            v = math.nan if value is None else value
            assert _same(v, expected.gaps.loc[name, "value"]), (pos, name, v)
        for rate in RATE_DEFINITIONS:
            for g, row in enumerate(got["groups"][rate]):
                for key, col in (("value", rate), ("low", rate + "_low"),
                                 ("high", rate + "_high")):
                    v = math.nan if row[key] is None else row[key]
                    want = expected.groups[col].iloc[g]
                    assert _same(v, want) or abs(v - want) < 1e-15, (pos, rate, g, key)


def _four_groups(n=3000):
    """Groups A, B, C and a small D (under 30 rows), scores that differ by group."""
    rng = np.random.default_rng(1)
    group = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2]).astype(object)
    group[:25] = "D"
    shift = pd.Series(group).map({"A": 0.5, "B": 0.0, "C": -0.4, "D": 0.2}).to_numpy()
    x = rng.normal(size=n) + shift
    frame = pd.DataFrame({"x": x, "g": group,
                          "y": (x + rng.normal(size=n) > 0.3).astype(int)})
    ds = build_dataset(frame, ColumnRoles("y", 1, ("g",), ("x",)))
    return ds, 1 / (1 + np.exp(-frame["x"].to_numpy()))


@pytest.mark.parametrize("method, reference", [("to_overall", None), ("vs_reference", "B")])
def test_every_aggregation_and_a_small_group(browser, tmp_path, method, reference):
    ds, scores = _four_groups()
    path = tmp_path / f"{method}.html"
    path.write_text(build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                                 method=method, reference=reference, n_resamples=20))
    live = read_embedded(path.read_text())["fd-live"]
    assert live["include"] == [True, True, True, False]
    r = Opened(browser, path)
    measured = r.page.evaluate(
        "() => FairDashReport.live.thresholds.map((_, i) => FairDashReport.measure(i))")
    r.check_clean()
    r.close()
    _check_all(live, measured, range(0, len(live["thresholds"]), 7), method=method,
               reference=reference)


def test_a_hostile_label_stays_text(browser, tmp_path):
    from report.report_inputs import HOSTILE, HOSTILE_OTHER, hostile_report

    path = tmp_path / "hostile.html"
    path.write_text(hostile_report(gate_rules=["demographic_parity_difference>0.01"]))
    r = Opened(browser, path)
    page = r.page
    page.locator("#fd-threshold").fill("400")
    page.wait_for_function("document.querySelector('output').textContent === '0.400'")
    # no element was injected: the only images are the charts' printed copies
    assert page.locator("img:not(.print-only)").count() == 0
    assert all(src.startswith("data:image/svg+xml") for src in page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => i.getAttribute('src'))"))
    names = page.locator("#group-table tbody tr td:first-child").all_text_contents()
    assert names == [HOSTILE_OTHER, HOSTILE]                       # shown as typed
    ticks = " ".join(page.locator("#fig-selection_rate .ytick").all_text_contents())
    assert HOSTILE in ticks and HOSTILE_OTHER in ticks            # plotly shows them as typed
    r.check_clean()
    r.close()


def test_given_decisions_open_without_a_control(browser, tmp_path):
    from report.report_inputs import decisions_dataset

    ds, scores = decisions_dataset()
    path = tmp_path / "decisions.html"
    path.write_text(build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                                 n_resamples=20))
    r = Opened(browser, path)
    assert r.page.locator("#fd-threshold").count() == 0
    assert r.page.locator("#fig-selection_rate .ytick").count() == 2
    r.check_clean()
    r.close()


def test_printing_hides_the_control_and_keeps_the_numbers(browser, adult_html):
    r = Opened(browser, adult_html)
    page = r.page
    # the printed copy of a chart follows the threshold once it rests
    before = page.get_attribute("#fig-selection_rate-print", "src")
    page.locator("#fd-threshold").fill("300")
    page.wait_for_function("src => document.getElementById('fig-selection_rate-print')"
                           ".getAttribute('src') !== src", arg=before)
    assert "39.9 %" in unquote(page.get_attribute("#fig-selection_rate-print", "src"))
    page.locator("#fd-reset").click()
    page.wait_for_function("() => decodeURIComponent(document.getElementById("
                           "'fig-selection_rate-print').getAttribute('src')).includes('25.2 %')")
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    assert page.locator("#fd-threshold").is_hidden()
    assert page.locator("#fd-reset").is_hidden()
    assert page.locator("#gap-table").is_visible()
    # charts print as images that scale to the page, at the threshold shown
    assert page.locator("#fig-selection_rate").is_hidden()
    image = page.locator("#fig-selection_rate-print")
    assert image.is_visible() and image.get_attribute("src").startswith("data:image/svg+xml")
    assert page.locator("img.print-only").count() == len(read_embedded(
        adult_html.read_text())["fd-figures"])
    assert page.evaluate("getComputedStyle(document.querySelector('#audit')).breakBefore") \
        == "page"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "adult-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "adult.pdf"), format="A4", print_background=True)
    r.check_clean()
    r.close()
