"""Sweeps on a cluster with no new code path: joblib's Dask backend, made joblib's default,
hands the background sweep's fits to a (here local) Dask cluster; the points equal the local
run's.

``joblib.parallel_config`` is thread-local and :class:`~fairdash.tradeoff.SweepJob` calls
``Parallel`` from its own thread, so the backend is registered as joblib's default instead
(README, "Audit where the data lives"). joblib hands a default backend ``nesting_level``,
which its Dask backend would forward to every task, hence the small factory.
"""

import joblib
import joblib.parallel
import numpy as np
import pytest

from fairdash.data import ColumnRoles, build_dataset, make_synthetic
from fairdash.models import fit_builtin, score_dataset
from fairdash.tradeoff import sweep


def dask_backend(nesting_level=0, **kwargs):
    """joblib's Dask backend, keeping ``nesting_level`` out of the tasks' arguments."""
    from joblib._dask import DaskDistributedBackend

    backend = DaskDistributedBackend(**kwargs)
    backend.nesting_level = nesting_level
    return backend


@pytest.mark.slow
def test_a_sweep_runs_its_fits_on_a_local_dask_cluster(monkeypatch):
    from dask.distributed import Client, LocalCluster, get_task_stream

    frame = make_synthetic(1_500, random_state=4)
    ds = build_dataset(frame.drop(columns=["label_unbiased"]),
                       ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy")))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    kw = {"base_scores": scores, "n_resamples": 50, "random_state": 0}
    local = sweep(ds, ["reweighing", "di_remover"], [0.0, 0.5, 1.0], n_jobs=1, **kw)
    monkeypatch.setattr(joblib.parallel, "DEFAULT_BACKEND", joblib.parallel.DEFAULT_BACKEND)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        joblib.register_parallel_backend("dask", dask_backend, make_default=True)
        with get_task_stream(client) as stream:
            on_dask = sweep(ds, ["reweighing", "di_remover"], [0.0, 0.5, 1.0], n_jobs=2, **kw)
    fits = [t for t in stream.data if "_fit_task" in str(t.get("key", ""))]
    assert len(fits) == 4  # two methods at strengths 0.5 and 1 (strength 0 needs no fit)
    assert list(on_dask["method"]) == list(local["method"])
    numbers = local.select_dtypes("number").columns
    assert np.allclose(on_dask[numbers].to_numpy(float), local[numbers].to_numpy(float),
                       equal_nan=True)
