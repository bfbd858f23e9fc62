"""The HTML report (issue #13): its embedded per-threshold numbers are the audit's, it is one
self-contained file of bounded size, its summary and sections say what the library computed,
and no user string reaches it as markup."""

import re

import numpy as np
import pytest
from report_inputs import (
    HOSTILE,
    HOSTILE_COLUMN,
    HOSTILE_FILE,
    HOSTILE_OTHER,
    decisions_dataset,
    hostile_report,
)

from fairdash.data import AUDITED_SPLIT, ColumnRoles, build_dataset
from fairdash.exceptions import FairDashError
from fairdash.metrics import GAPS, RATE_DEFINITIONS, audit, audit_counts, explain_gap
from fairdash.provenance import provenance
from fairdash.report import GRID, build_report, counts_from_payload, read_embedded

#: thresholds checked against audit(): grid points, ends, and one off the grid
THRESHOLDS = (0.0, 0.1, 0.25, 0.5, 0.737, 0.9, 1.0)


def _audit_at(ds, scores, t, **kw):
    mask = ds.rows(AUDITED_SPLIT)
    return audit(ds.y[mask], y_score=scores[mask], threshold=t,
                 sensitive_features=ds.frame.loc[mask, list(ds.roles.sensitive)], **kw)


@pytest.fixture(scope="module")
def adult_report(adult_full):
    ds, scores = adult_full
    prov = provenance(ds, source="sample:adult", model="logreg", threshold=0.5)
    return build_report(ds, scores, threshold=0.5, provenance=prov,
                        model_name="Logistic regression")


def test_embedded_counts_give_the_audit_at_every_checked_threshold(adult_full, adult_report):
    ds, scores = adult_full
    live = read_embedded(adult_report)["fd-live"]
    assert len(live["thresholds"]) == 1001 and live["thresholds"][500] == 0.5
    assert live["audited_index"] == 500
    for t in THRESHOLDS:
        pos = live["thresholds"].index(t)
        counts = counts_from_payload(live, pos)
        assert counts.dtype == np.float64 and (counts >= 0).all()
        expected = _audit_at(ds, scores, t)
        got = audit_counts(counts, live["labels"], row_counts=np.array(live["n"]),
                           threshold=t, min_group_size=30)
        assert list(expected.groups.index) == live["labels"]
        for rate in RATE_DEFINITIONS:
            for part in ("", "_low", "_high"):
                np.testing.assert_array_equal(got.groups[rate + part],
                                              expected.groups[rate + part])
        np.testing.assert_array_equal(got.gaps["value"], expected.gaps["value"])
        assert live["n"] == expected.groups["n"].tolist()


def test_an_audited_threshold_off_the_grid_is_added_to_it(adult_full):
    ds, scores = adult_full
    html = build_report(ds, scores, threshold=0.4567, provenance={}, model_name="m",
                        n_resamples=50)
    live = read_embedded(html)["fd-live"]
    assert len(live["thresholds"]) == len(GRID) + 1
    assert live["thresholds"][live["audited_index"]] == 0.4567
    assert live["thresholds"] == sorted(live["thresholds"])
    got = audit_counts(counts_from_payload(live, live["audited_index"]), live["labels"])
    np.testing.assert_array_equal(got.gaps["value"],
                                  _audit_at(ds, scores, 0.4567).gaps["value"])


def test_the_gap_table_and_summary_state_the_audit(adult_full, adult_report):
    ds, scores = adult_full
    expected = _audit_at(ds, scores, 0.5)
    shown = dict(re.findall(r'<tr data-gap="(\w+)">.*?data-value="([^"]+)"', adult_report))
    assert set(shown) == set(GAPS)
    for name, value in shown.items():
        assert float(value) == expected.gaps.loc[name, "value"]
    sentence = explain_gap("demographic_parity_difference", expected, "income above $50K")
    import html
    assert html.escape(sentence) in adult_report
    assert "No mitigation is part of this report" in adult_report
    assert "Adult census income" in adult_report


def test_one_file_with_nothing_to_fetch_and_under_5_mb(adult_report):
    assert len(adult_report.encode()) < 5_000_000
    assert adult_report.count('id="fd-plotly"') == 1            # plotly.js once
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", adult_report)
    assert not re.search(r"<link\b", adult_report)
    assert "default-src 'none'" in adult_report                  # nothing may be fetched


def test_plain_plotly_is_the_bundle_as_it_is(adult_full):
    ds, scores = adult_full
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                        n_resamples=10, plotly_js="plain")
    assert 4_800_000 < len(html.encode()) < 5_000_000
    assert 'id="fd-plotly"' not in html


def test_gate_rules_become_badges(adult_full):
    ds, scores = adult_full
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                        gate_rules=["demographic_parity_difference>0.1",
                                    "demographic_parity_ratio<0.1"])
    badges = re.findall(r'<span class="badge (pass|fail)">(PASS|FAIL)</span> ([^<]+)</li>',
                        html)
    assert [(b[0], b[2].split(":")[0]) for b in badges] == [
        ("fail", "demographic_parity_difference&gt;0.1"),
        ("pass", "demographic_parity_ratio&lt;0.1")]
    with pytest.raises(ValueError, match="does not measure"):
        build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                     gate_rules=["mean_prediction_gap>0.1"])


def test_mitigation_before_after_and_who_paid(adult_small, adult_base_scores):
    from fairdash.compare import flip_report, who_pays
    from fairdash.mitigation import before_after, mitigate

    ds, scores = adult_small, adult_base_scores
    result = mitigate(ds, "thresholds_dp", 1.0, base_scores=scores, threshold=0.5)
    ba = before_after(ds, scores, result, threshold=0.5)
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                        mitigation=result)
    assert "Mitigation: Group thresholds (demographic parity)" in html
    after = ba.after.gaps.loc["demographic_parity_difference"]
    assert f"to <b>{after['value']:.3f}" in html
    mask = ds.rows(AUDITED_SPLIT)
    groups = ds.frame.loc[mask, "sex"].to_numpy()
    old = (scores[mask] >= 0.5).astype(float)
    new = result.scores[mask] if result.decisions_only else (result.scores[mask] >= 0.5) * 1.0
    who = who_pays(flip_report(ds.y[mask], old, new, sensitive_features=groups))
    import html as h
    assert h.escape(who.sentence) in html
    # overall performance carries its Wilson interval
    from fairdash.metrics import wilson_interval

    acc = ba.before.overall["accuracy"]
    low, high = wilson_interval(acc * ba.rows, ba.rows)
    assert f"{acc:.3f} <span class='rate-ci'>[{low:.3f}, {high:.3f}]</span>" in html
    # given the before/after already computed, the same page
    again = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                         mitigation=result, mitigated=ba)
    strip = lambda s: re.sub(r'"created":"[^"]*"', "", s)
    assert strip(again) == strip(html)
    with pytest.raises(FairDashError, match="needs its mitigation"):
        build_report(ds, scores, threshold=0.5, provenance={}, model_name="m", mitigated=ba)


def test_no_user_string_reaches_the_page_as_markup():
    html = hostile_report(gate_rules=["demographic_parity_difference>0.01"])
    for raw in (HOSTILE, HOSTILE_COLUMN, HOSTILE_FILE, "y<i>", HOSTILE_OTHER):
        assert raw not in html, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # one closing tag per script element: nothing in the data closes one early
    assert html.count("</script>") == html.count("<script")
    figures = read_embedded(html)["fd-figures"]
    texts = []

    def walk(o):
        if isinstance(o, dict):
            [walk(v) for v in o.values()]
        elif isinstance(o, list):
            [walk(v) for v in o]
        elif isinstance(o, str):
            texts.append(o)
    walk(figures)
    assert not [t for t in texts if "<img" in t or "<b " in t or "%{y} &" in t]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in t for t in texts)


def test_refusals_are_one_sentence(adult_full):
    ds, scores = adult_full
    with pytest.raises(FairDashError, match="in \\[0, 1\\]"):
        build_report(ds, scores, threshold=1.5, provenance={}, model_name="m")
    with pytest.raises(FairDashError, match="one value per row"):
        build_report(ds, scores[:10], threshold=0.5, provenance={}, model_name="m")
    from fairdash.data import load_sample, sample_roles

    roles = sample_roles("adult")
    reg = build_dataset(load_sample("adult").head(3000),
                        ColumnRoles("hours_per_week", None, roles.sensitive, ("age",)))
    with pytest.raises(FairDashError, match="continuous"):
        build_report(reg, np.zeros(len(reg.frame)), threshold=0.5, provenance={},
                     model_name="m")


def test_given_decisions_have_no_threshold_control():
    ds, scores = decisions_dataset()
    assert ds.scores_are_decisions
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                        n_resamples=50)
    assert "fd-live" not in read_embedded(html) and 'id="fd-threshold"' not in html
    assert "given 0/1 decisions, so there is no threshold" in html
    mask = ds.rows(AUDITED_SPLIT)
    expected = audit(ds.y[mask], scores[mask], sensitive_features=ds.frame.loc[mask, ["g"]],
                     n_resamples=50)
    shown = dict(re.findall(r'<tr data-gap="(\w+)">.*?data-value="([^"]+)"', html))
    for name, value in shown.items():
        assert float(value) == pytest.approx(expected.gaps.loc[name, "value"], nan_ok=True)


def test_many_groups_are_counted_in_the_summary_and_listed_in_the_detail(adult_full):
    base, scores = adult_full
    roles = base.roles
    ds = build_dataset(base.frame, ColumnRoles(roles.target, roles.positive_label,
                                               ("sex", "race"), roles.features))
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m")
    expected = _audit_at(ds, scores, 0.5)
    assert len(expected.groups) == 10
    assert "and 2 more (the Audit section lists them)" in html
    assert html.count('<tr data-group="') == 10
    caveats = [w for w in expected.warnings]
    assert len(caveats) > 2 and f"({len(caveats) - 2} more in the Audit section.)" in html
    import html as h
    assert all(f"<li>{h.escape(w)}</li>" in html for w in caveats)
    shown = dict(re.findall(r'<tr data-gap="(\w+)">.*?data-value="([^"]+)"', html))
    for name, value in shown.items():
        assert float(value) == pytest.approx(expected.gaps.loc[name, "value"], nan_ok=True)


def test_the_size_does_not_grow_with_the_rows():
    from fairdash.data import make_synthetic

    frame = make_synthetic(1_000_000)
    ds = build_dataset(frame, ColumnRoles("label", 1, ("group",), ("x1", "x2", "proxy")))
    scores = 1 / (1 + np.exp(-(frame["x1"] + frame["proxy"]).to_numpy()))
    html = build_report(ds, scores, threshold=0.5, provenance={}, model_name="m",
                        n_resamples=100)
    assert len(html.encode()) < 2_200_000                   # the goal: under 10 MB
    live = read_embedded(html)["fd-live"]
    assert sum(live["n"]) == int(ds.rows(AUDITED_SPLIT).sum()) > 190_000
    got = audit_counts(counts_from_payload(live, 300), live["labels"], n_resamples=1)
    np.testing.assert_array_equal(got.gaps["value"],
                                  _audit_at(ds, scores, 0.3).gaps["value"])
