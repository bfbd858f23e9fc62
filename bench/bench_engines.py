"""Issue 15: the audit of a large Parquet decision log, pandas load + audit vs DuckDB counts.

    python bench/bench_engines.py                  # 1M and 50M rows (the 50M file takes ~1 min)
    python bench/bench_engines.py --rows 1000000   # one size only
    python bench/bench_engines.py --case duckdb --file F.parquet   # one measurement (internal)

The file has a score (float64, continuous, so nearly every score is distinct), a 0/1 label and
8 groups (text), written in 5M-row row groups. Each path runs in its own fresh process, which
reports its wall time (read + count + audit with 1,000 bootstrap resamples and permutations; not
the interpreter's start) and its peak resident memory (``ru_maxrss``):

* pandas: ``pd.read_parquet`` of the three columns, then :func:`fairdash.metrics.audit` on all
  rows (what the pandas path does once the rows are in memory; the app and CLI refuse files over
  5M rows, so at 50M this is the library call, not the CLI);
* duckdb: :func:`fairdash.engines.count_scores` on :func:`fairdash.engines.open_table` with
  ``resolution="auto"`` (exact scores up to 2M distinct values, else bins of 1e-4; counts at the
  threshold exact either way) and the audit from the counts; where auto counted exact scores,
  also ``binned``: the same at resolution 1e-4.

Each path then fits equalized-odds group thresholds (``thresholds_eo``, docs/methods.md §4):
pandas on the rows, the engine paths from the counts (:func:`fairdash.engines.fit_on_counts`);
``fit_s`` is that fit's time (inside the wall time), and the agreement line says whether the
exact counts' rule equals the rows' rule.

The agreement line compares the two audits: counts at the threshold and every gap's value are
equal; with binned scores only the AUC may differ (within a bin). Results also go to
``bench/results/engines.json``. Wall times depend on the machine (2 cores here).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
GROUPS = np.array([f"group_{i}" for i in range(8)])
CHUNK = 5_000_000


def write_log(path: Path, rows: int, seed: int = 15) -> None:
    """A decision log of ``rows`` rows, written chunk by chunk (memory stays small)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    schema = pa.schema([("group", pa.string()), ("label", pa.int8()), ("score", pa.float64())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            g = rng.integers(0, 8, n)
            label = (rng.random(n) < 0.25 + 0.05 * g).astype(np.int8)
            score = 1 / (1 + np.exp(-rng.normal(-1 + 2 * label + 0.1 * g, 1.2)))
            writer.write_table(pa.table({"group": pa.array(GROUPS[g]), "label": label,
                                         "score": score}, schema=schema))


def measure(case: str, path: str) -> dict:
    """One path, in this process: wall time, peak RSS and what the comparison needs."""
    from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

    t0 = time.perf_counter()
    if case == "pandas":
        import pandas as pd

        from fairdash.metrics import audit

        frame = pd.read_parquet(path, columns=["group", "label", "score"])
        result = audit(frame["label"].to_numpy(), y_score=frame["score"].to_numpy(),
                       sensitive_features=frame["group"], n_resamples=1000)
        t1 = time.perf_counter()
        fitted = GroupThresholdOptimizer("equalized_odds").fit(
            frame["score"].to_numpy(), frame["label"].to_numpy(),
            sensitive_features=frame["group"].to_numpy())
        extra = {"resolution": None}
    else:
        from fairdash.engines import count_scores, fit_on_counts, open_table

        counts = count_scores(open_table(path), target="label", sensitive="group",
                              score="score", resolution=1e-4 if case == "binned" else "auto")
        result = counts.audit(n_resamples=1000)
        t1 = time.perf_counter()
        fitted = fit_on_counts(GroupThresholdOptimizer("equalized_odds"), counts)
        extra = {"resolution": counts.resolution, "cells": len(counts.weights)}
    wall = time.perf_counter() - t0
    extra["fit_s"] = time.perf_counter() - t1
    extra["rule"] = [fitted.rule_.cuts.tolist(), fitted.rule_.levels.tolist()]
    extra["fit_accuracy"] = fitted.expected_accuracy_
    extra["fit_violation"] = fitted.violation_
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    groups = result.groups
    return {"case": case, "wall_s": wall, "peak_rss_bytes": peak,
            "predicted_positives": groups["predicted_positives"].tolist(),
            "n": groups["n"].tolist(), "auc": groups["auc"].tolist(),
            "gaps": result.gaps["value"].tolist(), **extra}


def run_case(case: str, path: Path) -> dict:
    """:func:`measure` in a fresh interpreter, so that each peak RSS is its own."""
    out = subprocess.run([sys.executable, __file__, "--case", case, "--file", str(path)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(rows: int, folder: Path) -> dict:
    """Both paths on a fresh ``rows``-row file; the printed lines and the JSON record."""
    path = folder / f"log_{rows}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        write_log(path, rows)
        print(f"wrote {path.name}: {path.stat().st_size / 2**20:,.0f} MB in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    found = {case: run_case(case, path) for case in ("duckdb", "pandas")}
    if found["duckdb"]["resolution"] is None:  # auto counted exact scores: bins too
        found["binned"] = run_case("binned", path)
    p, d = found["pandas"], found["duckdb"]
    same_counts = p["n"] == d["n"] and p["predicted_positives"] == d["predicted_positives"]
    gap_diff = float(np.nanmax(np.abs(np.array(p["gaps"], float) - np.array(d["gaps"], float))))
    auc_diff = float(np.nanmax(np.abs(np.array(p["auc"]) - np.array(d["auc"]))))
    for case, r in found.items():
        print(f"{rows:>12,} rows  {case:<7} {r['wall_s']:8.1f} s  "
              f"peak RSS {r['peak_rss_bytes'] / 2**30:6.2f} GB  (thresholds fit {r['fit_s']:.1f} s)"
              + (f"  (scores at resolution {r['resolution']}, {r['cells']:,} cells)"
                 if case != "pandas" else ""), flush=True)
    same_rule = p["rule"] == d["rule"]
    print(f"{'':>12}       counts at the threshold equal: {same_counts}; largest gap "
          f"difference {gap_diff:.2g}; largest AUC difference {auc_diff:.2g}", flush=True)
    rule_words = "equals the rows' rule" if same_rule else (
        "differs from the rows' rule" + (" (binned: thresholds at the bins' smallest scores)"
                                         if d["resolution"] is not None else ""))
    print(f"{'':>12}       group thresholds from the {d['case']} counts {rule_words}; "
          f"expected accuracy {d['fit_accuracy']:.5f} vs {p['fit_accuracy']:.5f} on rows, "
          f"equalized-odds violation {d['fit_violation']:.2g} vs {p['fit_violation']:.2g}",
          flush=True)
    for r in found.values():
        r.pop("rule")
    return {"rows": rows, **found, "same_counts": same_counts, "same_rule": same_rule,
            "max_gap_difference": gap_diff, "max_auc_difference": auc_diff}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append",
                        help="rows of a file (repeatable; default 1M and 50M)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/fairdash-bench-engines"))
    parser.add_argument("--case", choices=["pandas", "duckdb", "binned"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(args.case, args.file)))
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    records = [compare(rows, args.folder) for rows in args.rows or (1_000_000, 50_000_000)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "engines.json").write_text(json.dumps(records, indent=2))


if __name__ == "__main__":
    main()
