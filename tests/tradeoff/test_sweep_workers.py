"""What a sweep's worker processes receive (issue 16): memory-mapped arrays, only the columns a
fit reads, and the same points as a fit here."""

import numpy as np
import pytest
from joblib import delayed

from fairdash.data import ColumnRoles, build_dataset, make_synthetic
from fairdash.tradeoff import EvalRows, SweepJob, fit_point
from fairdash.tradeoff._background import for_workers, workers


@pytest.fixture(scope="module")
def wide(adult_small):
    """``adult_small`` with two columns no fit reads (an identifier and free text)."""
    frame = adult_small.frame.copy()
    frame["row_id"] = [f"id-{i:07d}" for i in range(len(frame))]
    frame["note"] = np.where(np.arange(len(frame)) % 3 == 0, "checked by hand", "")
    return build_dataset(frame, adult_small.roles)


def test_workers_get_only_the_columns_a_fit_reads_as_views(wide):
    slim = for_workers(wide)
    roles = wide.roles
    assert set(slim.frame.columns) == {*roles.features, *roles.sensitive, roles.target}
    assert list(slim.frame.columns) == [c for c in wide.frame.columns if c in slim.frame]
    assert np.shares_memory(np.asarray(slim.frame["age"]), np.asarray(wide.frame["age"]))
    assert slim.y is wide.y and slim.split is wide.split and slim.fingerprint == wide.fingerprint
    assert for_workers(slim) is slim  # nothing left to cut: the same object


def _received(dataset):
    return {name: isinstance(getattr(dataset, name), np.memmap)
            for name in ("y", "group_codes", "scores")}


def test_workers_receive_the_datasets_arrays_memory_mapped():
    # 200,000 rows: every array of the Dataset is above joblib's 1 MB threshold
    frame = make_synthetic(200_000, random_state=0)
    frame["score"] = np.linspace(0, 1, len(frame))
    ds = build_dataset(frame, ColumnRoles("label", "1", ("group",), ("x1", "x2"), "score"))
    got = list(workers(2)(delayed(_received)(for_workers(ds)) for _ in range(2)))
    assert got == [{"y": True, "group_codes": True, "scores": True}] * 2
    assert _received(ds) == {"y": False, "group_codes": False, "scores": False}  # here: arrays


def test_points_from_workers_on_a_wide_table_equal_fits_here(wide, adult_small,
                                                             adult_base_scores):
    job = SweepJob(wide, {"reweighing": [1.0], "ferm_projection": [1.0]}, adult_base_scores,
                   n_jobs=2).start()
    assert job.wait(timeout=300)
    rows = EvalRows.of(adult_small)
    points = job.points()
    assert [(p.method, p.strength) for p in points] == [("reweighing", 1.0),
                                                         ("ferm_projection", 1.0)]
    for p in points:
        here = fit_point(adult_small, p.method, p.strength, adult_base_scores, rows=rows)
        np.testing.assert_array_equal(p.counts, here.counts)
        np.testing.assert_array_equal(p.changed, here.changed)
