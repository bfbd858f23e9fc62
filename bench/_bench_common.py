"""What the bench scripts share: timing, number formats, the machine line, synthetic scores, the
pass-through model given to fairlearn, decision summaries and the peers' interpreter.

Bench scripts only: ``bench/`` is on ``sys.path`` when one of them runs.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import fairlearn
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

SEED = 20240611
DEFAULT_PEER_PYTHON = "/work/peers-venv/bin/python"
WARMUP_ROWS = 20_000


# --------------------------------------------------------------------------------------------
# timing and formats
# --------------------------------------------------------------------------------------------

def timed(fn, repeats, warmup=True):
    """Median wall time (s) of ``fn()`` over ``repeats`` calls, and the last result."""
    if warmup:
        fn()
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def load_average():
    """The 1/5/15-minute load averages as text ("n/a" where the system has none)."""
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine_line():
    """Versions of python and the libraries timed, the CPU count and the architecture."""
    return (f"python {platform.python_version()}, numpy {np.__version__}, pandas "
            f"{pd.__version__}, fairlearn {fairlearn.__version__}, {os.cpu_count()} CPU(s), "
            f"{platform.machine()}")


def sec(x):
    return "skipped" if x is None else f"{x * 1e3:,.1f} ms" if x < 1 else f"{x:,.2f} s"


def ratio(a, b):
    return "—" if a is None or b is None else f"{a / b:,.0f}x" if a / b >= 100 \
        else f"{a / b:,.1f}x"


def ms(seconds):
    return "—" if seconds is None else (f"{seconds * 1e3:,.1f}" if seconds >= 0.01
                                        else f"{seconds * 1e3:,.2f}")


def ratio_text(r):
    return "—" if r is None else f"{r:,.0f}x" if r >= 100 else f"{r:,.1f}x"


# --------------------------------------------------------------------------------------------
# data and decisions
# --------------------------------------------------------------------------------------------

def synthetic_scores(n, k, seed=SEED, noise=(1.2, 1.8)):
    """Scores in (0, 1) with unequal group sizes and base rates, and a logit noise whose standard
    deviation runs from ``noise[0]`` (largest group) to ``noise[1]`` (smallest): returns
    ``(scores, y, groups as a string Series 'g0'.., codes)``."""
    rng = np.random.default_rng(seed + 31 * k + n % 997)
    w = np.linspace(2.0, 1.0, k)
    codes = rng.choice(k, size=n, p=w / w.sum())
    y = (rng.random(n) < np.linspace(0.2, 0.45, k)[codes]).astype(np.int64)
    logit = 1.6 * (2 * y - 1) + np.linspace(-0.3, 0.3, k)[codes] \
        + rng.normal(0.0, np.linspace(*noise, k)[codes])
    labels = np.array([f"g{i}" for i in range(k)])
    return 1 / (1 + np.exp(-logit)), y, pd.Series(labels[codes], name="group"), codes


def accuracy_and_gaps(pred, y, codes, k):
    """Accuracy, DP gap (selection-rate range) and EO gap (max of the TPR and FPR ranges) of
    0/1 decisions, or the expected values of decision probabilities."""
    pred = np.asarray(pred, dtype=np.float64)

    def rate(m):
        return np.bincount(codes[m], weights=pred[m], minlength=k) / np.maximum(
            np.bincount(codes[m], minlength=k), 1)

    return [float(np.mean(pred * y + (1 - pred) * (1 - y))),
            float(np.ptp(rate(np.ones(len(y), bool)))),
            float(max(np.ptp(rate(y == 1)), np.ptp(rate(y == 0))))]


class PassThrough(ClassifierMixin, BaseEstimator):
    """Prefit 'model' for fairlearn whose positive-class probability is the given score."""

    def fit(self, X, y=None):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        x = np.asarray(X, dtype=np.float64)[:, 0]
        return np.c_[1 - x, x]

    def predict(self, X):
        return (np.asarray(X, dtype=np.float64)[:, 0] >= 0.5).astype(int)


# --------------------------------------------------------------------------------------------
# peers in their own interpreter
# --------------------------------------------------------------------------------------------

def peers_missing(python, names):
    """What to print when the peers' interpreter is missing."""
    return (f"SKIPPING {names}: no interpreter at {python}. Create it with\n"
            "    python -m venv /work/peers-venv\n"
            "    /work/peers-venv/bin/pip install error-parity ecos equipy 'pandas<3'\n"
            "and rerun (or pass --peer-python PATH).")


class PeerInterpreter:
    """Runs a runner script in the peers' interpreter (outside the project environment), one
    BLAS/OpenMP thread, and reads the JSON line it prints last."""

    def __init__(self, python, runner, prefix):
        self.python = python
        self.ok = bool(python) and Path(python).exists()
        self.tmp = tempfile.TemporaryDirectory(prefix=prefix)
        if self.ok:
            Path(self.tmp.name, "runner.py").write_text(runner)

    def call(self, args, label):
        """The runner's JSON result for ``args``, or None (with the error printed) on failure."""
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        proc = subprocess.run([self.python, str(Path(self.tmp.name, "runner.py")), *args],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            print(f"    {label} FAILED:\n{proc.stderr[-2000:]}", flush=True)
            return None
        return json.loads(proc.stdout.strip().splitlines()[-1])
