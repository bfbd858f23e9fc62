"""Benchmark: post-processing (group thresholds, barycenter repair) against fairlearn, error-parity, EquiPy.

Run from anywhere::

    python bench/bench_postprocessing.py            # Adult, 1M rows with 2 and 8 groups
    python bench/bench_postprocessing.py --quick    # fewer repeats; fairlearn only at K = 2;
                                                    # EquiPy MultiWasserstein on 200k rows

Peers outside the project environment
-------------------------------------
error-parity pins an old numpy/cvxpy range and EquiPy is a research package, so neither may enter
the project's requirements or its environment. They run in a separate virtual environment, outside
the repository, in a subprocess of this script (data passed through ``.npy`` files in a temporary
directory, one JSON line back)::

    python -m venv /work/peers-venv
    /work/peers-venv/bin/pip install error-parity ecos equipy "pandas<3"

(``ecos``: error-parity hard-codes that solver, which current cvxpy no longer ships; ``pandas<3``:
EquiPy builds group keys with a row-wise ``apply``, about 2x slower under pandas 3, so the peer is
timed in its faster setting.) ``--peer-python PATH`` points at that interpreter (default ``/work/peers-venv/bin/python``). When it
is missing, the script says so, prints these two commands, and skips error-parity and EquiPy (the
rows show "skipped"); fairlearn runs in this interpreter as it is a project dependency.

What is timed (median wall time over repeats, ``time.perf_counter``; one BLAS/OpenMP thread;
peers: one warm-up call on a 20k-row slice first so that imports and solver set-up are not
counted, except fairlearn at 1M rows, which runs once with no warm-up):

(a) thresholds   fit on calibration rows + decisions for the rows to score, exact constraint
                 (epsilon = 0), equal costs:
    ours         ``GroupThresholdOptimizer(constraint).fit(...)`` + ``predict(...)`` (sampled 0/1;
                 the deterministic ``decision_proba`` is timed too), groups as a pandas string
                 column (encoding included).
    fairlearn    ``ThresholdOptimizer(estimator=<pass-through of the score>, prefit=True,
                 predict_method="predict_proba")`` fit + ``predict`` (sampled), same group column.
    error-parity ``RelaxedThresholdOptimizer(tolerance=0, max_roc_ticks=1000)`` fit with
                 ``y_scores`` + ``predict`` (sampled); groups as integer codes (its API).
    Adult: the built-in logistic regression trained on the train split; fit on the calibration
    split, predict the test split. Synthetic: 1M rows, fit and predict the same rows.
(b) barycenter   fit on 1M calibration rows + transform 1M other rows, full repair (t = 0),
                 jitter sigma = 1e-4 for both (EquiPy's default):
    ours         ``BarycenterPostprocessor`` vs EquiPy ``FairWasserstein`` (2 and 8 groups);
                 ``SequentialBarycenter`` vs EquiPy ``MultiWasserstein`` (2 attributes, 2 x 8).
(c) training    every pre- and in-processing method of the registry fitted on Adult's train
                 split at strengths 0.5 and 1 through ``fairdash.mitigation.mitigate``, with
                 fairlearn's ExponentiatedGradient timed on the same rows
                 (``bench/inprocessing_times.py``; ``--no-inprocessing`` skips it).
Agreement is printed next to the timings: accuracy and constraint gap of the sampled decisions
(binomial noise about sqrt(.25 / n)), our expected accuracy, and for the barycenter the largest
KS between groups after each repair and the mean |ours - EquiPy|.

Targets (from the task) are printed with PASS/MISS; a MISS never makes the exit status non-zero.
A timing is never a test assertion.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts only: run from anywhere

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from itertools import combinations  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _bench_common import (DEFAULT_PEER_PYTHON, SEED, PassThrough,  # noqa: E402
                           PeerInterpreter, accuracy_and_gaps, load_average, machine_line,
                           peers_missing, synthetic_scores, timed)
from _postprocessing_report import print_tables  # noqa: E402
from fairlearn.postprocessing import ThresholdOptimizer  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from fairdash.metrics import encode_groups  # noqa: E402
from fairdash.mitigation.postprocessing import (  # noqa: E402
    BarycenterPostprocessor,
    GroupThresholdOptimizer,
    SequentialBarycenter,
)

SIGMA = 1e-4

# Runs inside the peers' interpreter. argv: task, data dir, repeats. Prints one JSON line.
PEER_RUNNER = r'''
import json, statistics, sys, time, warnings, logging
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
task, d, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
load = lambda name: np.load(f"{d}/{name}.npy", allow_pickle=False)
W = 20000

def timed(fn, warm):
    warm()
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out

if task.startswith("ep:"):
    import error_parity
    from error_parity import RelaxedThresholdOptimizer
    constraint = task[3:]
    s_fit, y_fit, g_fit, s_pred, g_pred = (load(k) for k in ("s_fit", "y_fit", "g_fit",
                                                             "s_pred", "g_pred"))
    def run(s, y, g, sp, gp):
        m = RelaxedThresholdOptimizer(predictor=lambda X: X[:, 0], constraint=constraint,
                                      tolerance=0.0, max_roc_ticks=1000, seed=0)
        m.fit(s[:, None], y, group=g, y_scores=s)
        return m, m.predict(sp[:, None], group=gp)
    sec, (m, pred) = timed(lambda: run(s_fit, y_fit, g_fit, s_pred, g_pred),
                           lambda: run(s_fit[:W], y_fit[:W], g_fit[:W], s_pred[:W], g_pred[:W]))
    np.save(f"{d}/out.npy", np.asarray(pred, dtype=np.int8))
    print(json.dumps({"seconds": sec, "version": error_parity.__version__,
                      "lp_accuracy": 1 - float(m.cost(1.0, 1.0)),
                      "targets": np.asarray(m.groupwise_roc_points).tolist()}))
elif task in ("fw", "multi"):
    from importlib.metadata import version
    from equipy.fairness import FairWasserstein, MultiWasserstein
    s_fit, s_pred = load("s_fit"), load("s_pred")
    cols = [c for c in ("a0", "a1") if __import__("os").path.exists(f"{d}/f_{c}.npy")]
    f_fit = pd.DataFrame({c: load(f"f_{c}") for c in cols})
    f_pred = pd.DataFrame({c: load(f"p_{c}") for c in cols})
    def run(s, f, sp, fp):
        if task == "fw":
            m = FairWasserstein(sigma=1e-4)
            m.fit(s, f)
            return m.transform(sp, fp, epsilon=0.0)
        m = MultiWasserstein(sigma=1e-4)
        m.fit(s, f)
        return m.transform(sp, fp, epsilon=[0.0] * f.shape[1])
    warm = (lambda: run(s_fit[:W], f_fit.iloc[:W], s_pred[:W], f_pred.iloc[:W])) \
        if reps > 1 else (lambda: None)
    sec, out = timed(lambda: run(s_fit, f_fit, s_pred, f_pred), warm)
    np.save(f"{d}/out.npy", np.asarray(out, dtype=np.float64))
    print(json.dumps({"seconds": sec, "version": version("equipy")}))
else:
    raise SystemExit(f"unknown task {task}")
'''


# --------------------------------------------------------------------------------------------
# data and peers
# --------------------------------------------------------------------------------------------

def adult_scores():
    """Built-in logistic regression on Adult's train split; scores, labels, sex, split."""
    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    model = fit_builtin(ds, "logreg")
    return score_dataset(model, ds), ds.y.astype(np.int64), ds.frame["sex"], ds.split


class Peers(PeerInterpreter):
    """Runs error-parity and EquiPy in their own interpreter (see the module docstring)."""

    def __init__(self, python):
        super().__init__(python, PEER_RUNNER, "fd_peers_")
        self.versions = {}

    def run(self, task, arrays, reps):
        if not self.ok:
            return None
        d = self.tmp.name
        for f in Path(d).glob("*.npy"):
            f.unlink()
        for name, arr in arrays.items():
            np.save(Path(d, f"{name}.npy"), np.asarray(arr))
        res = self.call([task, d, str(reps)], f"peer task {task}")
        if res is None:
            return None
        res["out"] = np.load(Path(d, "out.npy"))
        return res


def ks_max(values, groups):
    labs = np.unique(groups)
    return max(ks_2samp(values[groups == a], values[groups == b]).statistic
               for a, b in combinations(labs, 2))


def decision_summary(pred, y, codes, k, constraint):
    """Accuracy and constraint gap of 0/1 (or expected) decisions."""
    acc, dp_gap, eo_gap = accuracy_and_gaps(pred, y, codes, k)
    return acc, dp_gap if constraint == "demographic_parity" else eo_gap


# --------------------------------------------------------------------------------------------
# (a) thresholds
# --------------------------------------------------------------------------------------------

def threshold_case(name, fit_rows, pred_rows, peers, *, reps, fl_reps, fl_warmup, run_fl):
    s_f, y_f, g_f, c_f = fit_rows
    s_p, y_p, g_p, c_p = pred_rows
    k = int(c_f.max()) + 1
    out = []
    for constraint in ("demographic_parity", "equalized_odds"):
        print(f"  thresholds {name} {constraint}: fit {len(s_f):,} rows, predict {len(s_p):,} "
              f"rows, K={k} ...", flush=True)
        r = {"name": name, "constraint": constraint, "n_fit": len(s_f), "n_pred": len(s_p),
             "k": k}

        def ours_dp(constraint=constraint):
            m = GroupThresholdOptimizer(constraint=constraint).fit(s_f, y_f, sensitive_features=g_f)
            return m, m.decision_proba(s_p, sensitive_features=g_p)

        def ours_pred(constraint=constraint):
            m = GroupThresholdOptimizer(constraint=constraint).fit(s_f, y_f, sensitive_features=g_f)
            return m.predict(s_p, sensitive_features=g_p, random_state=0)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r["ours_proba"], (model, proba) = timed(ours_dp, reps)
            r["ours"], pred = timed(ours_pred, reps)
        r["ours_expected_acc"] = decision_summary(proba, y_p, c_p, k, constraint)
        r["ours_sampled"] = decision_summary(pred, y_p, c_p, k, constraint)
        r["ours_lp_acc"] = model.expected_accuracy_
        r["fl"] = r["fl_sampled"] = None
        if run_fl:
            t0 = time.perf_counter()
            X_f, X_p = s_f[:, None], s_p[:, None]

            def fl(constraint=constraint, X_f=X_f, X_p=X_p):
                m = ThresholdOptimizer(estimator=PassThrough().fit(X_f), constraints=constraint,
                                       prefit=True, predict_method="predict_proba")
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    m.fit(X_f, y_f, sensitive_features=g_f)
                    return m.predict(X_p, sensitive_features=g_p, random_state=0)

            r["fl"], fl_pred = timed(fl, fl_reps, warmup=fl_warmup)
            r["fl_sampled"] = decision_summary(np.asarray(fl_pred, float), y_p, c_p, k,
                                               constraint)
            print(f"    fairlearn: {time.perf_counter() - t0:,.1f} s wall", flush=True)
        ep = peers.run(f"ep:{constraint}", {"s_fit": s_f, "y_fit": y_f, "g_fit": c_f,
                                            "s_pred": s_p, "g_pred": c_p}, reps=3)
        r["ep"] = ep and ep["seconds"]
        r["ep_sampled"] = ep and decision_summary(ep["out"].astype(float), y_p, c_p, k,
                                                  constraint)
        r["ep_lp_acc"] = ep and ep["lp_accuracy"]
        if ep:
            peers.versions["error-parity"] = ep["version"]
        out.append(r)
    return out


# --------------------------------------------------------------------------------------------
# (b) barycenter
# --------------------------------------------------------------------------------------------

def barycenter_case(n, ks, peers, *, reps, multi=False, peer_reps=3):
    """ks: groups per attribute (one attribute unless multi)."""
    rng = np.random.default_rng(SEED + sum(ks) + n % 991)
    m2 = 2 * n
    attrs = [rng.choice(k, size=m2, p=np.linspace(2, 1, k) / np.linspace(2, 1, k).sum())
             for k in ks]
    shift = sum(np.linspace(-0.6, 0.6, k)[a] * (i + 1) / len(ks)
                for i, (k, a) in enumerate(zip(ks, attrs)))
    s = 1 / (1 + np.exp(-(shift + rng.normal(0, 1.3, m2))))
    names = [np.array([f"a{i}v{j}" for j in range(k)]) for i, k in enumerate(ks)]
    cols = {f"a{i}": nm[a] for i, (nm, a) in enumerate(zip(names, attrs))}
    cal, test = slice(0, n), slice(n, None)
    if multi:
        f_cal = pd.DataFrame({c: v[cal] for c, v in cols.items()})
        f_test = pd.DataFrame({c: v[test] for c, v in cols.items()})
        est = lambda: SequentialBarycenter(sigma=SIGMA, random_state=0)  # noqa: E731
        inter = (f_test["a0"] + "&" + f_test["a1"]).to_numpy()
        label = f"MultiW {' x '.join(map(str, ks))}"
    else:
        f_cal, f_test = pd.Series(cols["a0"][cal]), pd.Series(cols["a0"][test])
        est = lambda: BarycenterPostprocessor(sigma=SIGMA, random_state=0)  # noqa: E731
        inter = f_test.to_numpy()
        label = f"FairW K={ks[0]}"
    print(f"  barycenter {label}: fit {n:,} + transform {n:,} rows ...", flush=True)

    def ours():
        return est().fit(s[cal], sensitive_features=f_cal).transform(
            s[test], sensitive_features=f_test)

    r = {"name": label, "n": n, "k": "x".join(map(str, ks))}
    r["ours"], out = timed(ours, reps)
    m = est().fit(s[cal], sensitive_features=f_cal)
    t0 = time.perf_counter()
    m.transform(s[test], sensitive_features=f_test)
    r["ours_transform"] = time.perf_counter() - t0
    r["ks_before"] = ks_max(s[test], inter)
    r["ks_ours"] = ks_max(out, inter)
    arrays = {"s_fit": s[cal], "s_pred": s[test]}
    for c, v in cols.items():
        arrays[f"f_{c}"], arrays[f"p_{c}"] = v[cal], v[test]
    if not multi:
        arrays = {k_: v for k_, v in arrays.items() if not k_.endswith("a1")}
    t0 = time.perf_counter()
    eq = peers.run("multi" if multi else "fw", arrays, reps=peer_reps)
    r["eq"] = eq and eq["seconds"]
    if eq:
        peers.versions["equipy"] = eq["version"]
        r["ks_eq"] = ks_max(eq["out"], inter)
        r["diff"] = float(np.mean(np.abs(eq["out"] - out)))
        print(f"    EquiPy: {time.perf_counter() - t0:,.1f} s wall", flush=True)
    return r


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats, fairlearn at 1M only with 2 groups, "
                             "MultiWasserstein on 200k rows")
    parser.add_argument("--peer-python", default=DEFAULT_PEER_PYTHON,
                        help="interpreter of the venv holding error-parity and EquiPy")
    parser.add_argument("--no-inprocessing", action="store_true",
                        help="skip section (c), the fit times of the training methods on Adult "
                             "(about 6 minutes)")
    args = parser.parse_args(argv)
    wall0 = time.perf_counter()
    peers = Peers(args.peer_python)

    print("FairDash post-processing benchmark" + (" (--quick)" if args.quick else ""))
    print(machine_line())
    if peers.ok:
        print(f"peers (error-parity, EquiPy) run in {args.peer_python}")
    else:
        print(peers_missing(args.peer_python, "error-parity and EquiPy"))
    print(f"load average at start (1/5/15 min): {load_average()}\n")

    thr, bary = [], []
    with threadpool_limits(limits=1):
        scores, y, sex, split = adult_scores()
        codes, _ = encode_groups(sex)
        cal, test = split == "calibration", split == "test"
        fit_rows = (scores[cal], y[cal], sex[cal].reset_index(drop=True), codes[cal])
        pred_rows = (scores[test], y[test], sex[test].reset_index(drop=True), codes[test])
        thr += threshold_case("Adult/sex", fit_rows, pred_rows, peers, reps=15, fl_reps=3,
                              fl_warmup=True, run_fl=True)
        for k in (2, 8):
            s, yy, g, c = synthetic_scores(1_000_000, k)
            rows = (s, yy, g, c)
            thr += threshold_case("synthetic 1M", rows, rows, peers, reps=3 if args.quick else 5,
                                  fl_reps=1, fl_warmup=False,
                                  run_fl=(k == 2 or not args.quick))
            del s, yy, g, c, rows
        for k in (2, 8):
            bary.append(barycenter_case(1_000_000, (k,), peers, reps=3 if args.quick else 5))
        n_multi = 200_000 if args.quick else 1_000_000
        bary.append(barycenter_case(n_multi, (2, 8), peers, reps=3, multi=True, peer_reps=1))

    print_tables(thr, bary, peers)
    if not args.no_inprocessing:
        import inprocessing_times  # bench/ is on sys.path when this script runs

        inprocessing_times.run()
    print(f"\nload average at end (1/5/15 min): {load_average()}")
    print(f"total benchmark wall time: {time.perf_counter() - wall0:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
