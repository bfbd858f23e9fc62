"""Sweeps of the training methods as background work: parallel, incremental, cancellable.

A :class:`SweepJob` runs in a thread of the caller's process and hands (method, strength)
fits to joblib worker processes; each finished point is stored at once, so a page polling
:meth:`SweepJob.points` draws points as they arrive. Nothing here knows about Streamlit.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, replace

import numpy as np
from joblib import Parallel, delayed

from fairdash.mitigation import get_method
from fairdash.tradeoff._points import EvalRows, fit_point

__all__ = ["PointStore", "SweepJob"]


@dataclass(frozen=True)
class MethodProgress:
    """How far one method's sweep is: ``done`` of ``total`` strengths, and any error."""

    method: str
    label: str
    done: int
    total: int
    error: str | None = None


def _fit_task(dataset, method, strength, base_scores, threshold, base_key, base_name,
              random_state):
    """One (method, strength) fit in a worker: the point, or the error in one sentence."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return method, strength, fit_point(dataset, method, strength, base_scores,
                                               threshold=threshold, base_key=base_key,
                                               base_name=base_name,
                                               random_state=random_state), None
    except Exception as exc:  # noqa: BLE001 - reported next to the method, the rest go on
        return method, strength, None, f"{type(exc).__name__}: {exc}"


def for_workers(dataset):
    """``dataset`` as the worker processes receive it: its table cut to the columns a fit reads
    (the features, sensitive, target and score columns; a view, no copy here).

    Columns nobody reads (an identifier, free text, the rest of a wide upload) would otherwise
    be pickled again for every (method, strength) task and unpickled as a copy in each worker:
    joblib memory-maps numpy arrays only, and text columns are not numpy arrays.
    """
    roles = dataset.roles
    used = {*roles.features, *roles.sensitive, roles.target, roles.score_column}
    unused = [c for c in dataset.frame.columns if c not in used]
    if not unused:
        return dataset
    # drop, not frame[kept]: a selection copies the kept columns out of pandas' blocks
    return replace(dataset, frame=dataset.frame.drop(columns=unused))


def workers(n_jobs: int) -> Parallel:
    """The joblib worker processes of a job, results as they finish.

    joblib's process backend (loky) memory-maps every numpy array above ``max_nbytes`` that it
    pickles for a worker, wherever it sits in the arguments: the Dataset's target, group codes,
    scores and numeric columns are dumped once per job to a temporary folder and reach every
    task as read-only ``np.memmap`` (tests/tradeoff/test_sweep_workers.py checks it), so a
    worker holds no copy of them; what is pickled per task is small (text columns, the split's
    labels). Issue 16 measured a worker at 1M rows in docs/live-threshold.md.
    """
    return Parallel(n_jobs=n_jobs, return_as="generator_unordered", max_nbytes="1M",
                    mmap_mode="r")


class PointStore:
    """Finished sweep points that several jobs on the same data, model and threshold share.

    A job belongs to the one caller (session) that made it: only that caller can start, stop
    or see its progress. What jobs have computed may still be shared: give them one store and
    a point fitted by one job is not fitted again by another, and appears in both.
    """

    def __init__(self):
        self._points = {}
        self._lock = threading.Lock()

    def get(self) -> dict:
        """A copy of every stored point, keyed by (method, strength)."""
        with self._lock:
            return dict(self._points)

    def put(self, method: str, strength: float, point) -> None:
        """Store one finished point."""
        with self._lock:
            self._points[(method, strength)] = point


class SweepJob:
    """Fit methods at several strengths in the background, keeping every finished point.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    plan : dict
        Method name -> sequence of strengths.
    base_scores : ndarray, shape (n,)
    threshold : float, default 0.5
    base_key : str, optional
    base_name : str, default "logreg"
        Built-in learner that pre-processing methods retrain.
    random_state : int, default 0
    n_jobs : int, default 2
        joblib worker processes; each fit runs with one BLAS thread.
    store : PointStore, optional
        Where finished points go, shared with other jobs on the same data, model, threshold
        and base learner; by default the job's own.

    Notes
    -----
    Tasks are ordered strength by strength across methods (every method's first point, then
    every second point...), so every line starts early. Strength 0 is the base model (no
    fit): those points are made at once in the job's thread, not in a worker.
    :meth:`cancel` stops handing out tasks and cancels the queued ones (a fit already running
    in a worker finishes and is dropped); the points already in stay. :meth:`start` again
    resumes with the missing points.
    """

    def __init__(self, dataset, plan, base_scores, *, threshold: float = 0.5,
                 base_key: str | None = None, base_name: str = "logreg", random_state: int = 0,
                 n_jobs: int = 2, store: PointStore | None = None):
        self.dataset = dataset
        self.plan = {name: [float(s) for s in strengths] for name, strengths in plan.items()}
        self.base_scores = np.asarray(base_scores, dtype=np.float64)
        self.threshold, self.base_key, self.base_name = threshold, base_key, base_name
        self.random_state, self.n_jobs = random_state, n_jobs
        self._store_points = store if store is not None else PointStore()
        self._errors = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self.rows = EvalRows.of(dataset)

    # ------------------------------------------------------------------ control
    def start(self) -> SweepJob:
        """Start (or resume) fitting the missing points in a background thread."""
        with self._lock:
            if self.running:
                return self
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="fairdash-sweep",
                                            daemon=True)
            self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the fits already running; finished points stay."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (for scripts and tests); True when it has ended."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.running

    @property
    def running(self) -> bool:
        """True while the background thread is fitting."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def cancelled(self) -> bool:
        """True when :meth:`cancel` was called and the job has not been restarted."""
        return self._stop.is_set()

    @property
    def finished(self) -> bool:
        """True when every planned point is in (or failed)."""
        return not self.missing()

    # ------------------------------------------------------------------ results
    def points(self) -> list:
        """Finished points, in plan order (method, then strength)."""
        found = self._store_points.get()
        return [found[(m, s)] for m, strengths in self.plan.items() for s in strengths
                if (m, s) in found]

    def progress(self) -> list[MethodProgress]:
        """One :class:`MethodProgress` per planned method."""
        found = self._store_points.get()
        with self._lock:
            errors = dict(self._errors)
        done = {m: sum((m, s) in found for s in ss) for m, ss in self.plan.items()}
        return [MethodProgress(m, get_method(m).label, done[m], len(ss), errors.get(m))
                for m, ss in self.plan.items()]

    def missing(self) -> list[tuple[str, float]]:
        """Planned (method, strength) pairs without a point or an error yet."""
        found = self._store_points.get()
        with self._lock:
            return [(m, s) for m, s in self._tasks()
                    if (m, s) not in found and m not in self._errors]

    # ------------------------------------------------------------------ worker
    def _tasks(self):
        longest = max((len(s) for s in self.plan.values()), default=0)
        return [(m, ss[i]) for i in range(longest) for m, ss in self.plan.items()
                if i < len(ss)]

    def _run(self) -> None:
        args = (self.base_scores, self.threshold, self.base_key, self.base_name,
                self.random_state)
        for m, s in self.missing():
            if s == 0.0:   # the base model: nothing to fit, no worker needed
                self._store(*_fit_task(self.dataset, m, s, *args))
        todo = self.missing()
        if not todo:
            return
        dataset = for_workers(self.dataset)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # joblib's note about cancelled tasks
            results = workers(min(self.n_jobs, len(todo)))(
                delayed(_fit_task)(dataset, m, s, *args) for m, s in todo)
            try:
                for found in results:
                    self._store(*found)
                    if self._stop.is_set():
                        break
            finally:
                results.close()

    def _store(self, method, strength, point, error) -> None:
        if point is not None:
            self._store_points.put(method, strength, point)
            return
        with self._lock:
            if method not in self._errors:
                self._errors[method] = error
