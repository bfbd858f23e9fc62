"""Benchmark: tradeoff fronts (one fit, one LP per strength) against peers looped over tolerances.

Run from anywhere::

    python bench/bench_tradeoff.py               # fronts on Adult and 1M rows, then the full
                                                 # default sweep of every method on Adult
    python bench/bench_tradeoff.py --no-sweep    # fronts only
    python bench/bench_tradeoff.py --sweep-only  # the full default sweep only
    python bench/bench_tradeoff.py --quick       # Adult only, the peers on 10 of the 50
                                                 # tolerances (extrapolated to 50)

What is timed (wall time, ``time.perf_counter``; one BLAS/OpenMP thread for the fronts)
-----------------------------------------------------------------------------------------
(a) 50-point post-processing fronts, demographic parity (DP) and equalized odds (EO).
    Strengths: 50 evenly spaced in [0, 1]; the peers get the matching tolerances
    ``(1 - strength) * e0``, e0 = our unconstrained violation on the calibration rows
    (``GroupThresholdOptimizer(constraint).fit(...).unconstrained_violation_``; for EO the
    larger of the TPR and FPR ranges, the l-infinity reading error-parity uses by default).
    Everyone fits on the calibration split and measures on the test split of the same
    Dataset. The same work per point (one LP), not the same points: our strength is the path
    from the base model (docs/methods.md §4.7), the peers' tolerance the relaxed optimum.
    ours          front = ``fast_points(ds, "thresholds_dp" | "thresholds_eo", strengths)``
                  (ROC hulls once, one LP per strength, expected test counts from sorted test
                  scores) + ``measure(points, ...)`` (accuracy with Wilson interval, the gap
                  with a 1000-resample bootstrap interval per point, Pareto flags). Median of
                  repeats after one warm-up call; the two parts are also timed alone.
    fairlearn     ``ThresholdOptimizer(estimator=<pass-through of the score>, prefit=True,
                  constraints=..., objective="accuracy_score", predict_method="predict_proba",
                  tol=tolerance)`` fitted once per tolerance, ``predict(random_state=0)`` on the
                  test rows, accuracy and gaps with numpy. fairlearn 0.15 has ``tol`` (no
                  ``tol_method``) and refuses it for equalized odds, so it has no EO front: the
                  EO column reads n/a and only its exact EO point (``tol=None``) enters the
                  sanity check. One warm-up fit on at most 20k rows first.
    error-parity  ``RelaxedThresholdOptimizer(constraint=..., tolerance=tolerance,
                  max_roc_ticks=1000, seed=0)`` fit with ``y_scores`` + ``predict`` on the test
                  rows, once per tolerance, accuracy and gaps with numpy; in its own interpreter
                  (``--peer-python``, data through a temporary ``.npz``); one warm-up fit on at
                  most 20k rows first, then the loop is timed inside that interpreter.
    Single runs for the peers (one front takes seconds to minutes). Where a peer is timed on k
    of the 50 tolerances (fairlearn on 1M rows; both peers with ``--quick``), the tolerances
    are evenly spread over the front, ends included, and the 50-point time is extrapolated
    linearly (50 / k x the time of the k fits); the table marks such cells with ``*`` and
    says so below it. The peers' measuring is point estimates only; ours includes bootstrap
    intervals, so the ratios understate the difference in like-for-like work.
    Data: Adult / sex (built-in logistic regression trained on the train split) and 1M
    synthetic rows with 2 groups (the score generator of ``bench_postprocessing.py``), split
    60/20/20 by ``build_dataset``: 200k calibration rows and 200k test rows.
    Sanity check: each peer's gap and accuracy next to ours at strength 1 / tolerance 0 (the
    same problem), and the largest differences along the common points of the front (there
    ours start from the base model, so they differ by design). Ours are expected values
    on the test rows; the peers' are sampled decisions (binomial noise ~ sqrt(.25 / n_group)).
(b) full default sweep on Adult, ``n_jobs=2``: every method of ``resolve_methods(ds, "all")``
    at ``default_strengths`` (51 for the single-fit fronts, 4 for the methods refitted per
    strength). Fronts: ``fast_points`` per method in this process; refitted methods: one
    ``SweepJob(..., n_jobs=2)`` (2 joblib worker processes), then one ``measure`` of all
    points, as ``sweep(ds, "all", None, n_jobs=2)`` does. Reported: wall time of the whole
    sweep and of each part, and per method the seconds of its points (for refitted methods the
    sum of the per-point fit times in the workers, ``SweepPoint.seconds``).

The machine has 2 cores and may be shared: the load average is printed at the start and the
end. A timing is never an assertion; the exit status is 0 unless something crashes.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
for _p in (str(BENCH.parent), str(BENCH)):  # bench scripts only: run from anywhere
    if _p not in sys.path:
        sys.path.insert(0, _p)

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import fairlearn  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _bench_common import (DEFAULT_PEER_PYTHON, load_average, machine_line,  # noqa: E402
                           peers_missing, ratio, sec, synthetic_scores)
from _tradeoff_peers import ErrorParity, fairlearn_exact_eo, fairlearn_front  # noqa: E402
from _tradeoff_sweep import sweep_section  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from fairdash.data import ColumnRoles, build_dataset, load_sample, sample_roles  # noqa: E402
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer  # noqa: E402
from fairdash.tradeoff import EvalRows, fast_points, measure  # noqa: E402

N_POINTS = 50
QUICK_PEER_POINTS = 10     # --quick: the peers' tolerances timed, out of N_POINTS
FAIRLEARN_1M_POINTS = 5    # fairlearn on 1M rows: tolerances timed, out of N_POINTS
CRITERIA = {  # short name -> (our method, peers' constraint, gap of measure())
    "DP": ("thresholds_dp", "demographic_parity", "demographic_parity_difference"),
    "EO": ("thresholds_eo", "equalized_odds", "equalized_odds_difference"),
}


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------

def adult_case():
    """Adult / sex with the built-in logistic regression's scores on every row."""
    from fairdash.models import fit_builtin, score_dataset
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    return "Adult/sex", ds, score_dataset(fit_builtin(ds, "logreg"), ds)


def synthetic_case(n=1_000_000, k=2):
    """``n`` synthetic rows (bench_postprocessing's scores) as a Dataset with a score column."""
    s, y, g, _ = synthetic_scores(n, k)
    df = pd.DataFrame({"group": g.to_numpy(), "label": y, "score": s})
    roles = ColumnRoles(target="label", positive_label="1", sensitive=("group",),
                        score_column="score")
    ds = build_dataset(df, roles)
    return f"synthetic {n // 1_000_000}M" if n >= 1_000_000 else f"synthetic {n:,}", ds, \
        ds.scores


class Split:
    """Calibration and test rows of a Dataset in the forms each library takes."""

    def __init__(self, ds, scores):
        self.rows = EvalRows.of(ds)
        cal = ds.rows("calibration")
        labels = np.asarray([str(x) for x in ds.group_labels], dtype=object)
        self.k = len(labels)
        self.s_fit = np.asarray(scores, dtype=np.float64)[cal]
        self.y_fit = np.asarray(ds.y)[cal].astype(np.int64)
        self.c_fit = np.asarray(ds.group_codes)[cal].astype(np.int64)
        self.g_fit = pd.Series(labels[self.c_fit], name="group")
        self.s_test = np.asarray(scores, dtype=np.float64)[self.rows.mask]
        self.y_test = self.rows.y
        self.c_test = self.rows.codes
        self.g_test = pd.Series(labels[self.c_test], name="group")


def _smallest_cell(sp, crit):
    """Test rows behind the least precise rate of the criterion: a group (DP), or a group's
    positives or negatives (EO)."""
    if crit == "DP":
        return int(np.bincount(sp.c_test, minlength=sp.k).min())
    return int(np.bincount(sp.c_test * 2 + sp.y_test, minlength=2 * sp.k).min())


def subset(n_points, k):
    """Indices of ``k`` of ``n_points`` evenly spread, both ends included."""
    return np.unique(np.linspace(0, n_points - 1, min(k, n_points)).round().astype(int))


# --------------------------------------------------------------------------------------------
# ours
# --------------------------------------------------------------------------------------------

def ours_front(ds, scores, rows, method, gap_name, strengths, reps):
    """Median seconds of front, fast_points and measure alone; the measured table."""
    def points():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fast_points(ds, method, strengths, scores, rows=rows)

    def table(pts):
        return measure(pts, rows.labels, performance="accuracy", gap_name=gap_name)

    table(points())  # warm-up
    front, part_pts, part_measure = [], [], []
    out = None
    for _ in range(reps):
        t0 = time.perf_counter()
        pts = points()
        t1 = time.perf_counter()
        out = table(pts)
        t2 = time.perf_counter()
        front.append(t2 - t0)
        part_pts.append(t1 - t0)
        part_measure.append(t2 - t1)
    return (statistics.median(front), statistics.median(part_pts),
            statistics.median(part_measure), out)


# --------------------------------------------------------------------------------------------
# (a) fronts
# --------------------------------------------------------------------------------------------

def front_case(name, ds, scores, ep, *, reps, peer_points, fl_points):
    sp = Split(ds, scores)
    strengths = [float(v) for v in np.linspace(0.0, 1.0, N_POINTS)]
    out = []
    for crit, (method, constraint, gap_name) in CRITERIA.items():
        print(f"  {name} {crit}: calibration {len(sp.s_fit):,} rows, test {len(sp.s_test):,} "
              f"rows, K={sp.k}, {N_POINTS} points ...", flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e0 = GroupThresholdOptimizer(constraint=constraint).fit(
                sp.s_fit, sp.y_fit, sensitive_features=sp.g_fit).unconstrained_violation_
        tols = np.array([(1.0 - s) * e0 for s in strengths])
        r = {"name": name, "crit": crit, "n_cal": len(sp.s_fit), "n_test": len(sp.s_test),
             "k": sp.k, "e0": e0, "min_cell": _smallest_cell(sp, crit)}
        r["ours"], r["ours_points"], r["ours_measure"], table = ours_front(
            ds, scores, sp.rows, method, gap_name, strengths, reps)
        r["ours_table"] = table
        print(f"    ours: front {sec(r['ours'])} (fast_points {sec(r['ours_points'])}, measure "
              f"{sec(r['ours_measure'])})", flush=True)

        idx = subset(N_POINTS, fl_points)
        t0 = time.perf_counter()
        fl_sec, fl_pts, fl_note = fairlearn_front(sp, constraint, tols, idx)
        r["fl_k"], r["fl_idx"], r["fl_pts"], r["fl_note"] = len(idx), idx, fl_pts, fl_note
        r["fl"] = None if fl_sec is None else fl_sec * N_POINTS / len(idx)
        r["fl_measured"] = fl_sec
        if fl_note:
            print(f"    fairlearn: {fl_note.splitlines()[0]}", flush=True)
            if constraint == "equalized_odds":
                r["fl_exact_eo"] = fairlearn_exact_eo(sp)
        else:
            print(f"    fairlearn: {len(idx)} fits in {fl_sec:,.1f} s"
                  + (f" -> {N_POINTS} points ~ {r['fl']:,.1f} s (extrapolated)"
                     if len(idx) < N_POINTS else "")
                  + f" ({time.perf_counter() - t0:,.1f} s wall with warm-up)", flush=True)

        idx = subset(N_POINTS, peer_points)
        r["ep_k"], r["ep_idx"] = len(idx), idx
        t0 = time.perf_counter()
        res = ep.front(sp, constraint, tols[idx])
        r["ep_measured"] = res and res["seconds"]
        r["ep"] = res and res["seconds"] * N_POINTS / len(idx)
        r["ep_pts"] = res and res["points"]
        if res:
            print(f"    error-parity: {len(idx)} fits in {res['seconds']:,.1f} s"
                  + (f" -> {N_POINTS} points ~ {r['ep']:,.1f} s (extrapolated)"
                     if len(idx) < N_POINTS else "")
                  + f" ({time.perf_counter() - t0:,.1f} s wall with start-up and warm-up)",
                  flush=True)
        out.append(r)
    return out


def print_fronts(results, ep):
    vers = f"fairlearn {fairlearn.__version__}" + (
        f", error-parity {ep.version}" if ep.version else ", error-parity skipped")
    print(f"\n(a) {N_POINTS}-point post-processing fronts: build + measure on the test rows "
          f"(wall time; {vers})")
    head = (f"{'data':<13} {'crit':<4} {'cal rows':>9} {'test rows':>9} | {'ours':>9} "
            f"{'(points)':>9} {'(measure)':>9} | {'fairlearn':>10} {'error-par':>10} | "
            f"{'fl/ours':>8} {'ep/ours':>8}")
    print(head)
    print("-" * len(head))
    notes = []
    for r in results:
        fl = "n/a" if r["fl_note"] else sec(r["fl"]) + ("*" if r["fl_k"] < N_POINTS else "")
        epc = sec(r["ep"]) + ("*" if r["ep"] is not None and r["ep_k"] < N_POINTS else "")
        print(f"{r['name']:<13} {r['crit']:<4} {r['n_cal']:>9,} {r['n_test']:>9,} | "
              f"{sec(r['ours']):>9} {sec(r['ours_points']):>9} {sec(r['ours_measure']):>9} | "
              f"{fl:>10} {epc:>10} | {ratio(r['fl'], r['ours']):>8} "
              f"{ratio(r['ep'], r['ours']):>8}")
        if r["fl"] is not None and r["fl_k"] < N_POINTS:
            notes.append(f"* fairlearn, {r['name']} {r['crit']}: extrapolated from {r['fl_k']} "
                         f"fits ({r['fl_measured']:,.2f} s for {r['fl_k']} tolerances, x "
                         f"{N_POINTS}/{r['fl_k']})")
        if r["ep"] is not None and r["ep_k"] < N_POINTS:
            notes.append(f"* error-parity, {r['name']} {r['crit']}: extrapolated from "
                         f"{r['ep_k']} fits ({r['ep_measured']:,.2f} s for {r['ep_k']} "
                         f"tolerances, x {N_POINTS}/{r['ep_k']})")
    print("  ours = fast_points (one fit, one LP per strength, expected counts) + measure "
          "(Wilson + 1000-resample bootstrap\n  intervals, Pareto flags); peers = fit + sampled "
          "predict + point estimates per tolerance; ratios = peer / ours (front)")
    for n in notes:
        print(f"  {n}")
    if any(r["fl_note"] for r in results):
        print("  fairlearn n/a for EO: ThresholdOptimizer(constraints='equalized_odds', tol=...) "
              "raises 'Relaxed constraints are not supported for equalized odds.'")
    if not ep.ok:
        print("  error-parity skipped: no peer interpreter (see the top of the output)")

    print("\nSanity check: strength 1 (ours, expected counts on the test rows, 95 % bootstrap "
          "interval of the gap) vs tolerance 0 (peers, sampled decisions)")
    head = (f"{'data':<13} {'crit':<4} | {'ours gap [95% CI]':>26} {'acc':>7} | "
            f"{'error-parity gap':>16} {'acc':>7} | {'fairlearn gap':>13} {'acc':>7} | "
            f"{'noise sd':>8}")
    print(head)
    print("-" * len(head))
    for r in results:
        gi = 1 if r["crit"] == "DP" else 2
        last = r["ours_table"].iloc[-1]
        ours = f"{last['gap']:.4f} [{last['gap_low']:.4f}, {last['gap_high']:.4f}]"
        ep_pt = r["ep_pts"][-1] if r["ep_pts"] else None
        fl_pt = r["fl_pts"][-1] if r["fl_pts"] else r.get("fl_exact_eo")
        fmt = lambda p, i: "—" if p is None else f"{p[i]:.4f}"  # noqa: E731
        noise = math.sqrt(0.25 / r["min_cell"])
        print(f"{r['name']:<13} {r['crit']:<4} | {ours:>26} {last['performance']:>7.4f} | "
              f"{fmt(ep_pt, gi):>16} {fmt(ep_pt, 0):>7} | {fmt(fl_pt, gi):>13} "
              f"{fmt(fl_pt, 0):>7} | {noise:>8.4f}")
    print("  gap = the criterion's gap: DP = selection-rate range, EO = max(TPR range, FPR "
          "range); noise sd = sqrt(.25 / n), n = test rows of the "
          "smallest group (DP) or\n  group x label cell (EO): the binomial sd of one sampled "
          "rate; fairlearn EO = its exact point (tol=None), its only EO option")

    print("\nWhole fronts: largest |peer - ours| over the common points (ours expected, peers "
          "sampled; ours start from the base model, the peers' tolerances do not)")
    for r in results:
        gi = 1 if r["crit"] == "DP" else 2
        t = r["ours_table"]
        parts = []
        for peer, pts, idx in (("error-parity", r["ep_pts"], r["ep_idx"]),
                               ("fairlearn", r["fl_pts"], r["fl_idx"])):
            if not pts:
                continue
            d_acc = max(abs(p[0] - t["performance"].iloc[i]) for p, i in zip(pts, idx))
            d_gap = max(abs(p[gi] - t["gap"].iloc[i]) for p, i in zip(pts, idx))
            parts.append(f"{peer} ({len(idx)} pts): accuracy {d_acc:.4f}, gap {d_gap:.4f}")
        print(f"  {r['name']:<13} {r['crit']:<3} e0 = {r['e0']:.4f}; "
              + ("; ".join(parts) or "no peer points"))


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"Adult only; the peers on {QUICK_PEER_POINTS} of the {N_POINTS} "
                             "tolerances, extrapolated to the whole front")
    parser.add_argument("--no-sweep", action="store_true",
                        help="skip (b), the full default sweep of every method on Adult "
                             "(a few minutes)")
    parser.add_argument("--sweep-only", action="store_true",
                        help="run only (b), the full default sweep")
    parser.add_argument("--peer-python", default=DEFAULT_PEER_PYTHON,
                        help="interpreter of the venv holding error-parity")
    args = parser.parse_args(argv)
    if args.no_sweep and args.sweep_only:
        parser.error("--no-sweep and --sweep-only exclude each other")
    wall0 = time.perf_counter()
    ep = ErrorParity(args.peer_python)

    print("FairDash tradeoff benchmark" + (" (--quick)" if args.quick else ""))
    print(machine_line())
    if not args.sweep_only:
        if ep.ok:
            print(f"error-parity runs in {args.peer_python}")
        else:
            print(peers_missing(args.peer_python, "error-parity"))
    print(f"load average at start (1/5/15 min): {load_average()}\n")

    if not args.sweep_only:
        peer_points = QUICK_PEER_POINTS if args.quick else N_POINTS
        results = []
        with threadpool_limits(limits=1):
            name, ds, scores = adult_case()
            results += front_case(name, ds, scores, ep, reps=3 if args.quick else 7,
                                  peer_points=peer_points, fl_points=peer_points)
            if not args.quick:
                name, ds, scores = synthetic_case(1_000_000, 2)
                results += front_case(name, ds, scores, ep, reps=5, peer_points=N_POINTS,
                                      fl_points=FAIRLEARN_1M_POINTS)
            del ds, scores
        print_fronts(results, ep)

    if not args.no_sweep:
        sweep_section(*adult_case(), n_jobs=2)
    print(f"\nload average at end (1/5/15 min): {load_average()}")
    print(f"total benchmark wall time: {time.perf_counter() - wall0:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
