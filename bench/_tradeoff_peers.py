"""The peers of bench_tradeoff.py: fairlearn's ThresholdOptimizer looped over tolerances in this
process, error-parity's loop in the peers' interpreter (bench scripts only)."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
from _bench_common import WARMUP_ROWS, PassThrough, PeerInterpreter, accuracy_and_gaps
from fairlearn.postprocessing import ThresholdOptimizer

# Runs inside the peers' interpreter. argv: constraint, .npz path. Prints one JSON line.
PEER_RUNNER = r'''
import json, sys, time, warnings, logging
import numpy as np
warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
import error_parity
from error_parity import RelaxedThresholdOptimizer

constraint, path, warm_rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = np.load(path)
s_fit, y_fit, g_fit = d["s_fit"], d["y_fit"], d["g_fit"]
s_test, y_test, g_test, tols = d["s_test"], d["y_test"], d["g_test"], d["tols"]
k = int(max(g_fit.max(), g_test.max())) + 1

def summary(pred, y, g):
    pred = np.asarray(pred, dtype=np.float64)
    rate = lambda m: np.bincount(g[m], weights=pred[m], minlength=k) / np.maximum(
        np.bincount(g[m], minlength=k), 1)
    acc = float(np.mean(pred == y))
    return [acc, float(np.ptp(rate(np.ones(len(y), bool)))),
            float(max(np.ptp(rate(y == 1)), np.ptp(rate(y == 0))))]

def point(tol, s, y, g, sp, yp, gp):
    m = RelaxedThresholdOptimizer(predictor=lambda X: X[:, 0], constraint=constraint,
                                  tolerance=float(tol), max_roc_ticks=1000, seed=0)
    m.fit(s[:, None], y, group=g, y_scores=s)
    return summary(m.predict(sp[:, None], group=gp), yp, gp)

W = warm_rows
point(tols[0], s_fit[:W], y_fit[:W], g_fit[:W], s_test[:W], y_test[:W], g_test[:W])
out = []
t0 = time.perf_counter()
for tol in tols:
    out.append(point(tol, s_fit, y_fit, g_fit, s_test, y_test, g_test))
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "points": out, "version": error_parity.__version__}))
'''


def fairlearn_front(sp, constraint, tols, idx):
    """fairlearn ThresholdOptimizer looped over tols[idx]: seconds, per-point summaries, note."""
    X_fit, X_test = sp.s_fit[:, None], sp.s_test[:, None]
    est = PassThrough().fit(X_fit)

    def one(tol, X, y, g, Xp, gp):
        m = ThresholdOptimizer(estimator=est, constraints=constraint, objective="accuracy_score",
                               prefit=True, predict_method="predict_proba", tol=tol)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(X, y, sensitive_features=g)
            return m.predict(Xp, sensitive_features=gp, random_state=0)

    w = min(WARMUP_ROWS, len(sp.s_fit))
    try:
        one(float(tols[idx[0]]), X_fit[:w], sp.y_fit[:w], sp.g_fit[:w], X_test[:w],
            sp.g_test[:w])
    except ValueError as exc:  # fairlearn refuses tol for equalized odds
        return None, None, f"refuses tol: {exc}"
    out = []
    t0 = time.perf_counter()
    for i in idx:
        pred = one(float(tols[i]), X_fit, sp.y_fit, sp.g_fit, X_test, sp.g_test)
        out.append(accuracy_and_gaps(pred, sp.y_test, sp.c_test, sp.k))
    return time.perf_counter() - t0, out, None


def fairlearn_exact_eo(sp):
    """fairlearn's only equalized-odds point: the exact constraint (tol=None)."""
    X_fit, X_test = sp.s_fit[:, None], sp.s_test[:, None]
    m = ThresholdOptimizer(estimator=PassThrough().fit(X_fit), constraints="equalized_odds",
                           objective="accuracy_score", prefit=True,
                           predict_method="predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X_fit, sp.y_fit, sensitive_features=sp.g_fit)
        pred = m.predict(X_test, sensitive_features=sp.g_test, random_state=0)
    return accuracy_and_gaps(pred, sp.y_test, sp.c_test, sp.k)


class ErrorParity(PeerInterpreter):
    """Runs error-parity's front loop in its own interpreter (see the module docstring)."""

    def __init__(self, python):
        super().__init__(python, PEER_RUNNER, "fd_tradeoff_peers_")
        self.version = None

    def front(self, sp, constraint, tols):
        if not self.ok:
            return None
        path = Path(self.tmp.name, "data.npz")
        np.savez(path, s_fit=sp.s_fit, y_fit=sp.y_fit, g_fit=sp.c_fit, s_test=sp.s_test,
                 y_test=sp.y_test, g_test=sp.c_test, tols=np.asarray(tols, dtype=np.float64))
        res = self.call([constraint, str(path), str(WARMUP_ROWS)], f"error-parity {constraint}")
        path.unlink(missing_ok=True)
        if res is None:
            return None
        self.version = res["version"]
        return res
