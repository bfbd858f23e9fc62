"""SweepJob: parallel points equal sequential fits, progress, errors, cancel and resume."""

import numpy as np
import pytest

from fairdash.tradeoff import EvalRows, SweepJob, fit_point

PLAN = {"reweighing": [0.5, 1.0], "ferm_projection": [1.0]}


@pytest.fixture(scope="module")
def finished(adult_small, adult_base_scores):
    job = SweepJob(adult_small, PLAN, adult_base_scores, n_jobs=2).start()
    assert job.wait(timeout=300)
    return job


def test_every_planned_point_arrives_in_plan_order(finished):
    assert finished.finished and not finished.running and not finished.cancelled
    assert [(p.method, p.strength) for p in finished.points()] == [
        ("reweighing", 0.5), ("reweighing", 1.0), ("ferm_projection", 1.0)]
    assert all(p.seconds > 0 for p in finished.points())
    assert [(p.method, p.done, p.total, p.error) for p in finished.progress()] == [
        ("reweighing", 2, 2, None), ("ferm_projection", 1, 1, None)]


def test_parallel_points_equal_fitting_here(finished, adult_small, adult_base_scores):
    rows = EvalRows.of(adult_small)
    for p in finished.points():
        here = fit_point(adult_small, p.method, p.strength, adult_base_scores, rows=rows)
        np.testing.assert_allclose(p.counts, here.counts)
        np.testing.assert_allclose(p.changed, here.changed)


def test_a_failing_method_is_reported_and_the_rest_go_on(adult_small, adult_base_scores):
    # the sequential barycenter needs two sensitive columns; this dataset has one
    job = SweepJob(adult_small, {"barycenter_sequential": [1.0], "reweighing": [1.0]},
                   adult_base_scores, n_jobs=1).start()
    assert job.wait(timeout=300)
    progress = {p.method: p for p in job.progress()}
    assert "two" in progress["barycenter_sequential"].error.lower() or \
        "2" in progress["barycenter_sequential"].error
    assert progress["reweighing"].done == 1 and progress["reweighing"].error is None
    assert job.finished  # nothing left to try: the failed method is not retried forever


def test_cancel_keeps_finished_points_and_resume_completes(adult_small, adult_base_scores):
    plan = {"reweighing": [0.2, 0.4, 0.6, 0.8, 1.0]}
    job = SweepJob(adult_small, plan, adult_base_scores, n_jobs=1).start()
    job.cancel()                       # checked after each point: stops after the first
    assert job.wait(timeout=300)
    first = len(job.points())
    assert 1 <= first < 5 and job.cancelled and not job.finished
    job.start()
    assert not job.cancelled           # start clears the cancel
    assert job.wait(timeout=300)
    assert len(job.points()) == 5 and job.finished
    assert [p.strength for p in job.points()] == plan["reweighing"]


def test_jobs_sharing_a_store_share_points_but_not_control(finished, adult_small,
                                                            adult_base_scores):
    from fairdash.tradeoff import PointStore
    store = PointStore()
    for p in finished.points():
        store.put(p.method, p.strength, p)
    # another session's job on the same data and model: the stored points are there at once
    mine = SweepJob(adult_small, {"reweighing": [0.5, 1.0, 0.75]}, adult_base_scores,
                    n_jobs=1, store=store)
    assert [(p.method, p.strength) for p in mine.points()] == [
        ("reweighing", 0.5), ("reweighing", 1.0)]
    assert mine.missing() == [("reweighing", 0.75)]  # only what nobody computed yet
    theirs = SweepJob(adult_small, {"reweighing": [0.25]}, adult_base_scores, n_jobs=1,
                      store=store)
    theirs.cancel()
    assert theirs.cancelled and not mine.cancelled  # stopping one job leaves the other alone
    mine.start()
    assert mine.wait(timeout=300) and mine.finished
    assert ("reweighing", 0.75) in store.get()       # and its point is shared back
    assert theirs.missing() == [("reweighing", 0.25)]
