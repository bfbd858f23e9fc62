"""Section (b) of bench_tradeoff.py: the full default sweep of every method, fronts in this
process and refitted methods in worker processes, with the time per method (bench scripts only)."""

from __future__ import annotations

import time
import warnings

from threadpoolctl import threadpool_limits

from fairdash.tradeoff import (
    FAST_METHODS,
    EvalRows,
    SweepJob,
    baseline_point,
    default_strengths,
    fast_points,
    measure,
    resolve_methods,
)


def sweep_section(name, ds, base, n_jobs=2):
    """Section (b): the full default sweep of every method on ``ds`` (base scores ``base``)."""
    rows = EvalRows.of(ds)
    chosen = resolve_methods(ds, "all")
    plan = {m.name: default_strengths(m) for m in chosen}
    fast = {m: s for m, s in plan.items() if m in FAST_METHODS}
    slow = {m: s for m, s in plan.items() if m not in FAST_METHODS}
    n_fits = sum(len(s) for s in slow.values())
    print(f"\n(b) Full default sweep on {name}: {len(plan)} methods, "
          f"{sum(len(s) for s in plan.values())} points ({len(fast)} single-fit fronts x 51, "
          f"{len(slow)} refitted methods x 4 = {n_fits} fits in {n_jobs} worker processes); "
          f"test rows {len(rows.y):,}", flush=True)
    wall0 = time.perf_counter()
    points = [baseline_point(ds, base, rows=rows)]
    per = {}
    with threadpool_limits(limits=1):
        for m, strengths in fast.items():
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pts = fast_points(ds, m, strengths, base, rows=rows)
            per[m] = ("front", len(pts), time.perf_counter() - t0, None)
            points += pts
    t_fronts = time.perf_counter() - wall0
    print(f"  fronts: {t_fronts:,.2f} s; refitted methods in {n_jobs} workers ...", flush=True)
    t0 = time.perf_counter()
    job = SweepJob(ds, slow, base, n_jobs=n_jobs).start()
    job.wait()
    t_job = time.perf_counter() - t0
    got = job.points()
    errors = {p.method: p.error for p in job.progress() if p.error}
    by = {}
    for p in got:
        by.setdefault(p.method, []).append(p)
    for m in slow:
        pts = by.get(m, [])
        per[m] = ("refit", len(pts), float(sum(p.seconds for p in pts)), errors.get(m))
        points += pts
    t0 = time.perf_counter()
    table = measure(points, rows.labels)
    t_measure = time.perf_counter() - t0
    wall = time.perf_counter() - wall0

    print(f"\n{'method':<22} {'kind':<6} {'points':>6} {'seconds':>9} {'s/point':>8} "
          f"{'accuracy range':>16} {'DP gap range':>16}")
    print("-" * 89)
    for m, (kind, n, seconds, err) in per.items():
        t = table[table["method"] == m]
        acc = f"{t['performance'].min():.3f}-{t['performance'].max():.3f}" if len(t) else "—"
        gp = f"{t['gap'].min():.3f}-{t['gap'].max():.3f}" if len(t) else "—"
        per_point = seconds / n if n else float("nan")
        print(f"{m:<22} {kind:<6} {n:>6} {seconds:>9.2f} {per_point:>8.3f} {acc:>16} {gp:>16}"
              + (f"  FAILED: {err}" if err else ""))
    fit_sum = sum(v[2] for v in per.values() if v[0] == "refit")
    print(f"  seconds: fronts = wall time of fast_points for 51 strengths (this process, one "
          f"thread); refit = sum of the per-point\n  fit + measure times in the workers "
          f"(SweepPoint.seconds), so they add up to about {n_jobs} x the job's wall time")
    print(f"  wall time: whole sweep {wall:,.1f} s = fronts {t_fronts:,.2f} s + job "
          f"{t_job:,.1f} s + measure of {len(table)} rows {t_measure:,.2f} s")
    print(f"  sum of fit seconds in the workers {fit_sum:,.1f} s over a job wall time of "
          f"{t_job:,.1f} s: {fit_sum / t_job:,.2f} fits running at once on average "
          f"({n_jobs} workers); {len(got)}/{n_fits} fits done, {len(errors)} methods failed")
    print(f"  Pareto points: {int(table['pareto'].sum())} of {len(table)} rows")
