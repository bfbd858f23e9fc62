"""fronts(): the base point and every single-fit front, each starting at the base point at the
audit threshold (issue #10 item 1); every method's line starts there in a sweep."""

import warnings

import numpy as np
import pytest

from fairdash.mitigation import REGISTRY
from fairdash.tradeoff import (
    BASELINE,
    EvalRows,
    SweepJob,
    baseline_point,
    default_strengths,
    fit_point,
    fronts,
    measure,
    sweep,
)

GAPS = ["demographic_parity_difference", "equal_opportunity_difference",
        "equalized_odds_difference"]
SINGLE_FIT = [m.name for m in REGISTRY.values() if m.single_fit_front]


@pytest.fixture(scope="module", params=["adult", "compas"])
def case(request, adult_full, compas_deployed):
    return adult_full if request.param == "adult" else compas_deployed


@pytest.mark.parametrize("threshold", [0.5, 0.65])
def test_every_front_starts_at_the_base_point(case, threshold):
    ds, base = case
    points, said = fronts(ds, base, threshold=threshold, points=11, methods="all")
    rows = EvalRows.of(ds)
    assert points[0].method == BASELINE
    np.testing.assert_array_equal(points[0].counts,
                                  baseline_point(ds, base, threshold=threshold).counts)
    names = [m.name for m in REGISTRY.values() if m.single_fit_front
             and len(ds.roles.sensitive) >= m.min_sensitive_columns]
    assert [p.method for p in points[1:]] == [n for n in names for _ in range(11)]
    firsts = [p for p in points[1:] if p.strength == 0.0]
    assert [p.method for p in firsts] == names
    for p in firsts:
        np.testing.assert_array_equal(p.counts, points[0].counts)
        assert p.changed.sum() == 0 and p.negative.sum() == 0
    for gap_name in GAPS:
        table = measure([points[0], *firsts], rows, gap_name=gap_name, n_resamples=20)
        assert table["gap"].nunique() == 1 and table["performance"].nunique() == 1
    assert all(isinstance(text, str) for text in said)


def test_fronts_use_the_audit_threshold(adult_full):
    """At 0.65 the fronts start at the base point at 0.65, not at the one at 0.5 (before the
    fix, every threshold front sat ~1 accuracy point above the base point there)."""
    ds, base = adult_full
    rows = EvalRows.of(ds)
    at = {t: fronts(ds, base, threshold=t, points=[0.0, 0.5], methods=["thresholds_dp"])[0]
          for t in (0.5, 0.65)}
    acc = {t: measure(p, rows, n_resamples=20)["performance"].to_numpy()
           for t, p in at.items()}
    assert acc[0.65][0] == acc[0.65][1] != acc[0.5][1]
    assert acc[0.5][0] == acc[0.5][1]


def test_fronts_leave_out_methods_without_a_single_fit_front(adult_small, adult_base_scores):
    points, said = fronts(adult_small, adult_base_scores, threshold=0.5, points=[0.0, 1.0],
                          methods=["reweighing", REGISTRY["barycenter"], "thresholds_eo"])
    assert [p.method for p in points] == [BASELINE, "barycenter", "barycenter",
                                          "thresholds_eo", "thresholds_eo"]
    # the small calibration group of the 6,000-row sample: said once, as text
    assert len(said) == len(set(said)) and any("fewer than 50" in s for s in said)


def test_fronts_report_progress(adult_small, adult_base_scores):
    calls = []
    fronts(adult_small, adult_base_scores, points=3, methods=["thresholds_dp", "barycenter"],
           progress=lambda done, label: calls.append((done, label)))
    assert [c[0] for c in calls] == [1, 4, 7]
    assert calls[1][1] == REGISTRY["thresholds_dp"].label


def test_training_methods_start_at_the_base_point_without_a_fit(adult_small,
                                                                adult_base_scores):
    rows = EvalRows.of(adult_small)
    base = baseline_point(adult_small, adult_base_scores, threshold=0.65, rows=rows)
    for name in ("reweighing", "reductions_eo"):
        point = fit_point(adult_small, name, 0.0, adult_base_scores, threshold=0.65, rows=rows)
        np.testing.assert_array_equal(point.counts, base.counts)
        assert point.changed.sum() == 0 and point.seconds < 0.5
    assert default_strengths("reweighing")[0] == 0.0


def test_sweep_lines_start_at_the_baseline_row(adult_small, adult_base_scores):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = sweep(adult_small, ["thresholds_eop", "barycenter", "reweighing"], 2,
                      base_scores=adult_base_scores, threshold=0.65, n_resamples=20,
                      gap="equal_opportunity_difference")
    base = table.iloc[0]
    starts = table[(table["method"] != BASELINE) & (table["strength"] == 0.0)]
    assert list(starts["method"]) == ["thresholds_eop", "barycenter", "reweighing"]
    assert (starts["gap"] == base["gap"]).all()
    assert (starts["performance"] == base["performance"]).all()
    assert (starts["changed"] == 0).all()


def test_sweep_raises_the_fronts_warnings(adult_small, adult_base_scores):
    with pytest.warns(UserWarning, match="fewer than 50"):
        sweep(adult_small, ["thresholds_dp"], [1.0], base_scores=adult_base_scores,
              n_resamples=20)


def test_sweep_job_makes_strength_zero_in_its_thread(adult_small, adult_base_scores):
    job = SweepJob(adult_small, {"reweighing": [0.0]}, adult_base_scores, threshold=0.65,
                   n_jobs=2).start()
    assert job.wait(timeout=60) and job.finished
    [point] = job.points()
    base = baseline_point(adult_small, adult_base_scores, threshold=0.65)
    np.testing.assert_array_equal(point.counts, base.counts)
