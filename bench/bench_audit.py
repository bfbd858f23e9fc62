"""Benchmark: the audit hot path (per-group table + every gap) against fairlearn and the numpy floor.

Run from anywhere::

    python bench/bench_audit.py            # Adult, 1M and 10M rows (fairlearn once at 10M; minutes)
    python bench/bench_audit.py --quick    # Adult and 1M rows only

What is timed (median wall time over repeats, ``time.perf_counter``, one warm-up call first
unless a peer call is too slow to repeat; garbage collection left on, as users have it):

(a) ours       ``encode_groups`` (string labels -> codes) + ``confusion_counts`` + ``all_rates``
               (per group and overall) + every gap in ``GAPS`` (point values, no resampling) +
               the per-group DataFrame the dashboard shows.
    ours(cat)  the same with the groups given as a pandas ``category`` column.
    ours/codes the same starting from integer codes (to separate the cost of encoding strings).
(b) fairlearn  ``MetricFrame`` (selection_rate, TPR, FPR, FNR, accuracy, precision, count) +
               ``.difference()`` + ``.ratio()``, plus demographic_parity_difference/ratio,
               equalized_odds_difference/ratio, equal_opportunity_difference/ratio.
(c) floor      ``np.bincount(code * 4 + 2 * y + yhat)`` on given integer codes and the rate
               arithmetic for the same metrics and aggregates.
    floor+fact the floor plus ``pd.factorize`` of the string labels (the cheapest encoding).
(d) intervals  ``audit_counts`` with 1,000 bootstrap + permutation resamples on Adult, and a full
               ``audit(y, y_score=..., sensitive_features=...)`` call.

Targets (from the issue) are printed with PASS/MISS; a MISS never makes the exit status non-zero.
A timing is never a test assertion (docs/architecture.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts only: run from anywhere

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import fairlearn.metrics as flm  # noqa: E402
from _audit_report import print_tables, print_targets  # noqa: E402
from _bench_common import load_average, machine_line, synthetic_scores, timed  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, precision_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from fairdash.metrics import (GAPS, ScoreIndex, all_rates, audit, audit_counts,  # noqa: E402
                              confusion_counts, encode_groups, gap)

ROOT = Path(__file__).resolve().parents[1]
ADULT = ROOT / "sample_data" / "adult.csv.gz"
NUMERIC = ["age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
N_RESAMPLES = 1000

# fairlearn MetricFrame column -> our rate name
FL_METRICS = {
    "selection_rate": flm.selection_rate,
    "true_positive_rate": flm.true_positive_rate,
    "false_positive_rate": flm.false_positive_rate,
    "accuracy_score": accuracy_score,
    "precision_score": precision_score,
    "count": flm.count,
    "false_negative_rate": flm.false_negative_rate,
}
OUR_RATE = {"selection_rate": "selection_rate", "true_positive_rate": "tpr",
            "false_positive_rate": "fpr", "accuracy_score": "accuracy",
            "precision_score": "ppv", "false_negative_rate": "fnr"}
FL_FUNCTIONS = {
    "demographic_parity_difference": flm.demographic_parity_difference,
    "demographic_parity_ratio": flm.demographic_parity_ratio,
    "equalized_odds_difference": flm.equalized_odds_difference,
    "equalized_odds_ratio": flm.equalized_odds_ratio,
    "equal_opportunity_difference": flm.equal_opportunity_difference,
    "equal_opportunity_ratio": flm.equal_opportunity_ratio,
}


# --------------------------------------------------------------------------------------------
# the three contenders
# --------------------------------------------------------------------------------------------

def ours(y, yhat, groups):
    """What the dashboard does for one threshold: per-group table + every gap, point values."""
    codes, labels = encode_groups(groups)
    return _ours_from_codes(y, yhat, codes, labels)


def _ours_from_codes(y, yhat, codes, labels):
    return _point_values(confusion_counts(y, yhat, codes, len(labels)), labels)


def _point_values(counts, labels):
    rates = all_rates(counts)
    overall = all_rates(counts.sum(0))
    gaps = {name: float(gap(spec, rates, overall)) for name, spec in GAPS.items()}
    table = pd.DataFrame(rates, index=labels)
    table.insert(0, "n", counts.sum(1))
    return table, gaps


def fairlearn_metricframe(y, yhat, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mf = flm.MetricFrame(metrics=FL_METRICS, y_true=y, y_pred=yhat,
                             sensitive_features=groups)
        return mf.by_group, mf.difference(), mf.ratio()


def fairlearn_functions(y, yhat, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {name: float(fn(y, yhat, sensitive_features=groups))
                for name, fn in FL_FUNCTIONS.items()}


def floor(y, yhat, codes, k):
    """The least work possible: one bincount on given integer codes, then arithmetic on (K, 4)."""
    c = np.bincount(codes * 4 + 2 * y + yhat, minlength=4 * k).reshape(k, 4).astype(np.float64)
    tn, fp, fn, tp = c[:, 0], c[:, 1], c[:, 2], c[:, 3]
    n = tn + fp + fn + tp
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = {"count": n, "selection_rate": (fp + tp) / n, "tpr": tp / (tp + fn),
                 "fpr": fp / (fp + tn), "fnr": fn / (fn + tp), "accuracy": (tn + tp) / n,
                 "ppv": tp / (tp + fp)}
    diff = {m: v.max() - v.min() for m, v in rates.items()}
    ratio = {m: v.min() / v.max() for m, v in rates.items()}
    aggs = {"demographic_parity_difference": diff["selection_rate"],
            "demographic_parity_ratio": ratio["selection_rate"],
            "equal_opportunity_difference": diff["tpr"],
            "equal_opportunity_ratio": ratio["tpr"],
            "equalized_odds_difference": max(diff["tpr"], diff["fpr"]),
            "equalized_odds_ratio": min(ratio["tpr"], ratio["fpr"]),
            "accuracy_score_difference": diff["accuracy"],
            "predictive_parity_difference": diff["ppv"]}
    return rates, aggs


def floor_with_factorize(y, yhat, groups):
    codes, uniques = pd.factorize(groups)
    return floor(y, yhat, codes.astype(np.int64), len(uniques))


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------

def adult_data():
    df = pd.read_csv(ADULT)
    y = df["income_gt_50k"].to_numpy(np.int64)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(df[NUMERIC].to_numpy(np.float64), y)
    score = model.predict_proba(df[NUMERIC].to_numpy(np.float64))[:, 1]
    return df, y, score


# --------------------------------------------------------------------------------------------
# agreement
# --------------------------------------------------------------------------------------------

def agreement(our_out, fl_mf, fl_fun, floor_out):
    """Max |ours - fairlearn| per aggregate (and over per-group rates), and |ours - floor|."""
    table, gaps = our_out
    by_group, difference, ratio_ = fl_mf
    fl = dict(fl_fun)
    fl["accuracy_score_difference"] = float(difference["accuracy_score"])
    fl["predictive_parity_difference"] = float(difference["precision_score"])
    fl["average_odds_difference"] = float((difference["true_positive_rate"]
                                           + difference["false_positive_rate"]) / 2)
    fl["equalized_odds_difference_mean"] = fl["average_odds_difference"]
    fl["equalized_odds_ratio_mean"] = float((ratio_["true_positive_rate"]
                                             + ratio_["false_positive_rate"]) / 2)
    # MetricFrame.difference()/ratio() must agree with fairlearn's own functions, too
    fl_internal = max(abs(float(difference["selection_rate"])
                          - fl["demographic_parity_difference"]),
                      abs(float(ratio_["selection_rate"]) - fl["demographic_parity_ratio"]),
                      abs(float(difference["true_positive_rate"])
                          - fl["equal_opportunity_difference"]))
    per_agg = {name: abs(gaps[name] - fl[name]) for name in GAPS}
    bg = by_group.copy()
    bg.index = bg.index.astype(str)
    bg = bg.loc[table.index]
    rate_diff = max(float(np.nanmax(np.abs(table[ours_name].to_numpy()
                                           - bg[fl_name].to_numpy(np.float64))))
                    for fl_name, ours_name in OUR_RATE.items())
    rate_diff = max(rate_diff, float(np.max(np.abs(table["n"].to_numpy()
                                                   - bg["count"].to_numpy(np.float64)))))
    _, floor_aggs = floor_out
    floor_diff = max(abs(gaps[name] - float(v)) for name, v in floor_aggs.items())
    return per_agg, rate_diff, fl_internal, floor_diff


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def run_case(name, y, score, groups, *, reps, fl_reps, fl_warmup, run_fairlearn=True,
             audit_reps=None, audit_warmup=True):
    yhat = (score >= 0.5).astype(np.int64)
    codes, labels = encode_groups(groups)  # for the floor and ours/codes; not timed
    k = len(labels)
    print(f"  {name}: n={len(y):,} K={k} ...", flush=True)
    res = {"name": name, "n": len(y), "k": k}
    res["ours"], our_out = timed(lambda: ours(y, yhat, groups), reps)
    res["ours_codes"], _ = timed(lambda: _ours_from_codes(y, yhat, codes, labels), reps)
    as_category = groups.astype("category")
    res["ours_cat"], _ = timed(lambda: ours(y, yhat, as_category), reps)
    del as_category
    res["floor"], floor_out = timed(lambda: floor(y, yhat, codes, k), reps)
    res["floor_fact"], _ = timed(lambda: floor_with_factorize(y, yhat, groups), reps)
    res["fl"] = res["fl_mf"] = res["fl_fun"] = None
    res["agree"] = None
    if run_fairlearn:
        t0 = time.perf_counter()
        res["fl_mf"], fl_mf = timed(lambda: fairlearn_metricframe(y, yhat, groups), fl_reps,
                                    warmup=fl_warmup)
        res["fl_fun"], fl_fun = timed(lambda: fairlearn_functions(y, yhat, groups), fl_reps,
                                      warmup=fl_warmup)
        res["fl"] = res["fl_mf"] + res["fl_fun"]
        res["agree"] = agreement(our_out, fl_mf, fl_fun, floor_out)
        print(f"    fairlearn done in {time.perf_counter() - t0:,.1f} s wall "
              f"({fl_reps} repeat(s){', +1 warm-up' if fl_warmup else ''})", flush=True)
    if audit_reps:
        # the audit page's own path: groups encoded once per dataset, scores indexed once per
        # model, then every threshold is counts_at + rates + gaps (no rows touched)
        res["index_build"], index = timed(lambda: ScoreIndex(y, score, codes, k),
                                          audit_reps, warmup=audit_warmup)
        res["per_threshold"], slider_out = timed(
            lambda: _point_values(index.counts_at(0.5), labels), max(audit_reps, 5))
        res["slider_diff"] = max(abs(slider_out[1][m] - our_out[1][m]) for m in GAPS)
        res["audit"], _ = timed(lambda: audit(y, y_score=score, sensitive_features=groups,
                                              n_resamples=N_RESAMPLES), audit_reps,
                                warmup=audit_warmup)
        counts = confusion_counts(y, yhat, codes, k)
        res["audit_counts"], _ = timed(lambda: audit_counts(counts, labels,
                                                            n_resamples=N_RESAMPLES),
                                       max(audit_reps, 5))
    return res


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="drop the 10M-row cases (and so fairlearn at 10M)")
    args = parser.parse_args(argv)
    wall0 = time.perf_counter()

    print("FairDash audit benchmark" + (" (--quick)" if args.quick else ""))
    print(machine_line())
    print("median wall time over repeats; ours includes encoding the string group labels")
    print(f"load average at start (1/5/15 min): {load_average()}  -- other work on the machine inflates"
          " and adds noise to every timing\n")

    results = []
    df, y, score = adult_data()
    for col in ("sex", "race"):
        results.append(run_case(f"Adult/{col}", y, score, df[col], reps=25, fl_reps=5,
                                fl_warmup=True, audit_reps=15))
    sizes = [1_000_000] if args.quick else [1_000_000, 10_000_000]
    for n in sizes:
        for k in (2, 8):
            # the logit noise of bench_postprocessing's scores, but the same in every group
            score_s, y_s, groups_s, _ = synthetic_scores(n, k, noise=(1.5, 1.5))
            big = n >= 10_000_000
            results.append(run_case(
                f"synthetic {n // 1_000_000}M", y_s, score_s, groups_s,
                reps=3 if big else 9,
                fl_reps=1 if (big or args.quick) else 2,
                fl_warmup=False,  # fairlearn is warmed up on Adult; a 1M/10M warm-up costs minutes
                audit_reps=1 if big else 5, audit_warmup=not big))
            del y_s, score_s, groups_s

    print_tables(results)
    print_targets(results)
    print(f"\nload average at end (1/5/15 min): {load_average()}")
    print(f"total benchmark wall time: {time.perf_counter() - wall0:,.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
