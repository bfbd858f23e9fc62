"""The tables and the targets bench_postprocessing.py prints (bench scripts only)."""

from __future__ import annotations

from _bench_common import ratio, sec

# Targets from the task.
TARGET_FAIRLEARN = 10.0
TARGET_ERROR_PARITY = 2.0
TARGET_FAIRWASSERSTEIN = 5.0
TARGET_MULTIWASSERSTEIN = 20.0
SHORT = {"demographic_parity": "DP", "equalized_odds": "EO"}


def print_tables(thr, bary, peers):
    vers = ", ".join(f"{k} {v}" for k, v in peers.versions.items()) or "peers skipped"
    print(f"\n(a) Group thresholds, exact constraint: fit + predict (median wall time; {vers})")
    head = (f"{'data':<13} {'constraint':<18} {'fit rows':>9} {'K':>2} | {'ours':>9} "
            f"{'(proba)':>9} | {'fairlearn':>9} {'error-par':>9} | {'fl/ours':>8} "
            f"{'ep/ours':>8}")
    print(head)
    print("-" * len(head))
    for r in thr:
        print(f"{r['name']:<13} {r['constraint']:<18} {r['n_fit']:>9,} {r['k']:>2} | "
              f"{sec(r['ours']):>9} {sec(r['ours_proba']):>9} | {sec(r['fl']):>9} "
              f"{sec(r['ep']):>9} | {ratio(r['fl'], r['ours']):>8} {ratio(r['ep'], r['ours']):>8}")
    print("  ours = fit + predict (sampled 0/1, the ratios use it); (proba) = fit + decision_proba")

    print("\nAgreement on the predicted rows: accuracy / constraint gap (DP: selection rates; "
          "EO: max of TPR and FPR gaps)")
    print(f"{'data':<13} {'constraint':<18} {'K':>2} | {'ours expected':>15} | "
          f"{'ours sampled':>15} {'fairlearn':>15} {'error-parity':>15} | {'LP acc ours':>11} "
          f"{'LP acc ep':>9}")
    fmt = lambda t: "—" if not t else f"{t[0]:.4f}/{t[1]:.4f}"  # noqa: E731
    for r in thr:
        lp_ep = "—" if r["ep_lp_acc"] is None else f"{r['ep_lp_acc']:.4f}"
        print(f"{r['name']:<13} {r['constraint']:<18} {r['k']:>2} | "
              f"{fmt(r['ours_expected_acc']):>15} | {fmt(r['ours_sampled']):>15} "
              f"{fmt(r['fl_sampled']):>15} {fmt(r['ep_sampled']):>15} | "
              f"{r['ours_lp_acc']:>11.4f} {lp_ep:>9}")
    print("  sampled decisions carry binomial noise ~ sqrt(.25/n) per rate (Adult test: ~0.01 "
          "per group rate); LP acc = expected accuracy of the fitted solution on the fit rows")

    print("\n(b) Barycenter repair: fit on n calibration rows + transform n other rows (median)")
    head = (f"{'case':<16} {'rows':>10} {'groups':>6} | {'ours':>9} {'(transf.)':>9} | "
            f"{'EquiPy':>9} | {'eq/ours':>8} | {'KS before':>9} {'KS ours':>8} {'KS EquiPy':>9} "
            f"{'mean|diff|':>10}")
    print(head)
    print("-" * len(head))
    for r in bary:
        ks_eq = f"{r['ks_eq']:.4f}" if r.get("ks_eq") is not None else "—"
        diff = f"{r['diff']:.2e}" if r.get("diff") is not None else "—"
        print(f"{r['name']:<16} {r['n']:>10,} {r['k']:>6} | {sec(r['ours']):>9} "
              f"{sec(r['ours_transform']):>9} | {sec(r['eq']):>9} | {ratio(r['eq'], r['ours']):>8}"
              f" | {r['ks_before']:>9.4f} {r['ks_ours']:>8.4f} {ks_eq:>9} {diff:>10}")
    print("  KS = largest two-sample KS between groups (intersections for MultiW) on the "
          "transformed rows; EquiPy interpolates its quantiles, we use the step quantile")

    print("\nTargets (task)")

    def line(ok, text, detail):
        print(f"  [{'PASS' if ok else 'MISS'}] {text:<48} {detail}")

    big = [r for r in thr if r["n_fit"] == 1_000_000]
    fl = [(r, r["fl"] / r["ours"]) for r in big if r["fl"]]
    line(bool(fl) and min(x for _, x in fl) >= TARGET_FAIRLEARN,
         f">= {TARGET_FAIRLEARN:.0f}x fairlearn ThresholdOptimizer at 1M",
         ", ".join(f"K={r['k']} {SHORT[r['constraint']]}: {x:,.1f}x" for r, x in fl)
         or "not measured")
    ep = [(r, r["ep"] / r["ours"]) for r in big if r["ep"]]
    line(bool(ep) and min(x for _, x in ep) >= TARGET_ERROR_PARITY,
         f">= {TARGET_ERROR_PARITY:.0f}x error-parity at 1M",
         ", ".join(f"K={r['k']} {SHORT[r['constraint']]}: {x:,.1f}x" for r, x in ep)
         or "not measured (peers skipped)")
    fw = [(r, r["eq"] / r["ours"]) for r in bary if r["eq"] and r["name"].startswith("FairW")]
    line(bool(fw) and min(x for _, x in fw) >= TARGET_FAIRWASSERSTEIN,
         f">= {TARGET_FAIRWASSERSTEIN:.0f}x EquiPy FairWasserstein at 1M",
         ", ".join(f"{r['name']}: {x:,.1f}x" for r, x in fw) or "not measured (peers skipped)")
    mw = [(r, r["eq"] / r["ours"]) for r in bary if r["eq"] and r["name"].startswith("MultiW")]
    line(bool(mw) and min(x for _, x in mw) >= TARGET_MULTIWASSERSTEIN,
         f">= {TARGET_MULTIWASSERSTEIN:.0f}x EquiPy MultiWasserstein (2 x 8)",
         ", ".join(f"{r['n']:,} rows: {x:,.1f}x" for r, x in mw) or "not measured (peers skipped)")
    print("  (a MISS is reported, never an error exit)")
