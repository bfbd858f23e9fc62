"""Single-fit post-processing fronts equal refitting at every strength, and theory holds."""

import warnings

import numpy as np
import pytest

from fairdash.metrics import GAPS, all_rates, confusion_counts, gap
from fairdash.mitigation import evaluate, mitigate
from fairdash.tradeoff import (
    FAST_METHODS,
    EvalRows,
    baseline_point,
    default_strengths,
    fast_points,
    fit_point,
    measure,
)

STRENGTHS = [0.0, 0.2, 0.5, 0.8, 1.0]


@pytest.fixture(scope="module")
def rows(adult_small):
    return EvalRows.of(adult_small)


def quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kw)


@pytest.mark.parametrize("name", FAST_METHODS)
@pytest.mark.parametrize("threshold", [0.5, 0.65])
def test_front_equals_refitting_each_strength(name, threshold, adult_small, adult_base_scores,
                                              rows):
    points = quiet(fast_points, adult_small, name, STRENGTHS, adult_base_scores, rows=rows,
                   threshold=threshold)
    assert [p.strength for p in points] == STRENGTHS
    for p, s in zip(points, STRENGTHS):
        refit = quiet(fit_point, adult_small, name, s, adult_base_scores, rows=rows,
                      threshold=threshold)
        np.testing.assert_allclose(p.counts, refit.counts, atol=1e-6)
        np.testing.assert_allclose(p.changed, refit.changed, atol=1e-6)
        np.testing.assert_allclose(p.negative, refit.negative, atol=1e-6)


@pytest.mark.parametrize("name", ["thresholds_eo", "barycenter"])
def test_points_match_the_audit_of_mitigate(name, adult_small, adult_base_scores, rows):
    """The counts of a point give the audit's gap, interval and accuracy."""
    [point] = quiet(fast_points, adult_small, name, [0.7], adult_base_scores, rows=rows)
    result = quiet(mitigate, adult_small, name, 0.7, base_scores=adult_base_scores)
    audit = evaluate(adult_small, result.scores, decisions_only=result.decisions_only,
                     n_resamples=300)
    table = measure([point], rows, gap_name="equalized_odds_difference",
                    n_resamples=300)
    row = table.iloc[0]
    expected = audit.gaps.loc["equalized_odds_difference"]
    assert row["gap"] == pytest.approx(expected["value"], abs=1e-9)
    assert row["gap_low"] == pytest.approx(expected["ci_low"], abs=1e-9)
    assert row["gap_high"] == pytest.approx(expected["ci_high"], abs=1e-9)
    assert row["performance"] == pytest.approx(audit.overall["accuracy"], abs=1e-9)


def test_changed_counts_rows_whose_decision_differs(adult_small, adult_base_scores, rows):
    [point] = quiet(fast_points, adult_small, "barycenter", [1.0], adult_base_scores,
                    rows=rows)
    result = quiet(mitigate, adult_small, "barycenter", 1.0, base_scores=adult_base_scores)
    after = result.scores[rows.mask] >= 0.5
    before = adult_base_scores[rows.mask] >= 0.5
    assert point.changed.sum() == (after != before).sum()
    assert point.changed.sum() > 0


def test_strength_zero_barycenter_is_the_base_model(adult_small, adult_base_scores, rows):
    [point] = fast_points(adult_small, "barycenter", [0.0], adult_base_scores, rows=rows)
    base = baseline_point(adult_small, adult_base_scores, rows=rows)
    np.testing.assert_array_equal(point.counts, base.counts)
    assert point.changed.sum() == 0


def test_threshold_tolerance_shrinks_the_calibration_gap(adult_small, adult_base_scores):
    """Theory (docs/methods.md §4.7): on the calibration rows the fitted DP gap is at most
    (1 - strength) e0, e0 the base model's gap there, a bound that shrinks monotonically with
    the strength."""
    cal = adult_small.rows("calibration")
    cal_rows = EvalRows(cal, adult_small.y[cal].astype(np.int64),
                        adult_small.group_codes[cal].astype(np.int64),
                        [str(g) for g in adult_small.group_labels])
    grid = np.linspace(0, 1, 21)
    points = quiet(fast_points, adult_small, "thresholds_dp", grid, adult_base_scores,
                   rows=cal_rows)
    spec = GAPS["demographic_parity_difference"]
    gaps = np.array([float(gap(spec, all_rates(p.counts))) for p in points])
    e0 = gaps[0]
    assert np.all(gaps <= (1 - grid) * e0 + 1e-6)
    assert gaps[-1] == pytest.approx(0.0, abs=1e-6)


def test_default_strengths():
    front = default_strengths("thresholds_dp")
    assert len(front) == 51 and front[0] == 0.0 and front[-1] == 1.0 and front[1] == 0.02
    refit = default_strengths("ferm_linear")
    assert refit == [0.0, 0.25, 0.5, 0.75, 1.0]          # 0: the base model, no fit
    assert default_strengths("reweighing", 2) == [0.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="at least 2"):
        default_strengths("barycenter", 1)


def test_unseen_test_group_is_named(adult_small, adult_base_scores, rows):
    from dataclasses import replace

    # relabel one test row into a group with no calibration rows
    codes = rows.codes.copy()
    codes[0] = len(rows.labels)
    odd = replace(rows, codes=codes, labels=rows.labels + ["Martian"])
    with pytest.raises(Exception, match="Martian"):
        quiet(fast_points, adult_small, "thresholds_dp", [1.0], adult_base_scores, rows=odd)


def test_counts_cover_every_test_row(adult_small, adult_base_scores, rows):
    points = quiet(fast_points, adult_small, "thresholds_eop", STRENGTHS, adult_base_scores,
                   rows=rows)
    expected = confusion_counts(rows.y, rows.y, rows.codes, rows.k)
    for p in points:
        # tn + fp = negatives, fn + tp = positives, per group
        np.testing.assert_allclose(p.counts[:, :2].sum(1), expected[:, :2].sum(1))
        np.testing.assert_allclose(p.counts[:, 2:].sum(1), expected[:, 2:].sum(1))


@pytest.mark.parametrize("name", FAST_METHODS)
def test_fast_negative_flips_equal_refitting(name, adult_small, adult_base_scores, rows):
    points = quiet(fast_points, adult_small, name, [0.3, 1.0], adult_base_scores, rows=rows)
    for p in points:
        refit = quiet(fit_point, adult_small, name, p.strength, adult_base_scores, rows=rows)
        np.testing.assert_allclose(p.negative, refit.negative, atol=1e-6)


def test_negative_flip_rate_is_the_flip_reports(adult_small, adult_base_scores, rows):
    from fairdash.compare import flip_report

    [point] = quiet(fast_points, adult_small, "thresholds_dp", [1.0], adult_base_scores,
                    rows=rows)
    result = quiet(mitigate, adult_small, "thresholds_dp", 1.0, base_scores=adult_base_scores)
    base = (adult_base_scores[rows.mask] >= 0.5).astype(float)
    report = flip_report(rows.y, base, result.scores[rows.mask])
    table = measure([baseline_point(adult_small, adult_base_scores, rows=rows), point], rows,
                    performance="negative_flip_rate", n_resamples=50)
    assert table.iloc[0]["performance"] == 0
    assert table.iloc[1]["performance"] == pytest.approx(report.overall["nfr"], abs=1e-9)
    assert table.iloc[1]["performance_low"] == pytest.approx(report.overall["nfr_low"],
                                                             abs=1e-9)
    # lower is better: the base model (no flips) is on the front
    assert bool(table.iloc[0]["pareto"])


def test_tables_measured_apart_and_joined_flag_the_same_front(adult_small, adult_base_scores,
                                                              rows):
    import pandas as pd

    from fairdash.tradeoff import flag_pareto

    base = baseline_point(adult_small, adult_base_scores, rows=rows)
    front = quiet(fast_points, adult_small, "thresholds_dp", STRENGTHS, adult_base_scores,
                  rows=rows)
    other = quiet(fast_points, adult_small, "barycenter", STRENGTHS, adult_base_scores,
                  rows=rows)
    for performance in ("accuracy", "negative_flip_rate"):
        whole = measure([base, *front, *other], rows, performance=performance, n_resamples=50)
        parts = [measure(p, rows, performance=performance, n_resamples=50)
                 for p in ([base, *front], other)]
        joined = flag_pareto(pd.concat(parts, ignore_index=True),
                             "demographic_parity_difference", performance)
        pd.testing.assert_frame_equal(joined, whole)
