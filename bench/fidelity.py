"""Fidelity on real data: do the post-processors (and FERM projection) do what the theory says on held-out rows?

Run from anywhere::

    python bench/fidelity.py

Sections (every post-processor is fitted on the calibration split of ``build_dataset``'s
60/20/20 split, stratified by group x label, and measured on the test split; the base model is the
built-in logistic regression trained on the train split):

(a) Barycenter repair, held out: largest two-sample KS between the groups' scores before and after
    the repair, for Adult (logreg scores, by sex) and COMPAS (``decile_score``, an integer 1-10 score,
    by ``race_binary``), next to the KS one would see between two random halves of the same test
    rows (the sampling floor: KS after cannot go below it).
(b) Partial repair: unfairness U = sum_s p_s W2^2(nu_s, nu_bar) (1,000 quantile levels) and the change
    E(g_t - f)^2 on the test rows for t in {1, .75, .5, .25, 0}, against the predictions t^2 U(f) and
    (1 - t)^2 U(f) (docs/methods.md §2.5).
(c) Group thresholds at epsilon = 0 for demographic parity / equal opportunity / equalized odds:
    the constrained gap on the calibration rows (the fit; 0 by construction) and on the test rows
    (expected rates from ``decision_proba``), with the binomial standard error of the test gap
    sqrt(sum over the two groups of r (1 - r) / n) next to it, and the expected accuracy.
(d) FERM projection (``fairdash.mitigation.preprocessing.FERMProjection``, equal opportunity) on
    Adult: logistic regression trained on the projected train rows vs on the original ones; test
    accuracy, equal-opportunity gap (TPR at 0.5) with its standard error, and the train gap of the
    mean decision value over the positives, which the projection sets to 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench scripts only: run from anywhere

import warnings  # noqa: E402
from itertools import combinations  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402
from sklearn.base import clone  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from fairdash.data import build_dataset, load_sample, sample_roles  # noqa: E402
from fairdash.mitigation.postprocessing import BarycenterPostprocessor, GroupThresholdOptimizer  # noqa: E402
from fairdash.models import fit_builtin, make_model, score_dataset  # noqa: E402

TS = (1.0, 0.75, 0.5, 0.25, 0.0)


def ks_max(values, groups):
    labs = np.unique(groups)
    return max(ks_2samp(values[groups == a], values[groups == b]).statistic
               for a, b in combinations(labs, 2))


def ks_floor(values, groups, seed=0, draws=20):
    """Mean largest KS between the groups after shuffling the group labels (no real difference)."""
    rng = np.random.default_rng(seed)
    return float(np.mean([ks_max(values, rng.permutation(groups)) for _ in range(draws)]))


def unfairness(values, groups, levels=1000):
    u = (np.arange(levels) + 0.5) / levels
    labs, counts = np.unique(groups, return_counts=True)
    p = counts / counts.sum()
    q = np.array([np.quantile(values[groups == lab], u) for lab in labs])
    return float(p @ ((q - p @ q) ** 2).mean(axis=1))


def cases():
    """(name, scores, labels, groups, split, clip) for each data set."""
    adult = build_dataset(load_sample("adult"), sample_roles("adult"))
    with threadpool_limits(limits=1):
        model = fit_builtin(adult, "logreg")
    yield ("Adult / sex (logreg score)", score_dataset(model, adult), adult.y,
           adult.frame["sex"].to_numpy(), adult.split, (0.0, 1.0))
    compas = build_dataset(load_sample("compas"), sample_roles("compas"))
    yield ("COMPAS / race_binary (decile_score)",
           compas.frame["decile_score"].to_numpy(np.float64), compas.y,
           compas.frame["race_binary"].to_numpy(), compas.split, (1.0, 10.0))


def section_a_b(data):
    print("(a) Barycenter repair on held-out rows: largest KS between groups")
    print(f"{'data':<38} {'cal n':>6} {'test n':>6} | {'KS before':>9} {'KS after':>9} "
          f"{'floor':>7} | {'after (t=0, no jitter)':>22}")
    rows_b = []
    for name, s, y, g, split, clip in data:
        cal, test = split == "calibration", split == "test"
        m = BarycenterPostprocessor(clip=clip, random_state=0).fit(s[cal], sensitive_features=g[cal])
        out = m.transform(s[test], sensitive_features=g[test])
        nj = BarycenterPostprocessor(sigma=0, clip=clip).fit(s[cal], sensitive_features=g[cal])
        out_nj = nj.transform(s[test], sensitive_features=g[test])
        print(f"{name:<38} {cal.sum():>6,} {test.sum():>6,} | {ks_max(s[test], g[test]):>9.4f} "
              f"{ks_max(out, g[test]):>9.4f} {ks_floor(out, g[test]):>7.4f} | "
              f"{ks_max(out_nj, g[test]):>22.4f}")
        rows_b.append((name, s, g, cal, test, clip))
    print("  floor = mean largest KS after shuffling the group labels of the repaired test scores"
          " (pure sampling noise)\n")

    print("(b) Partial repair g_t = t f + (1 - t) g*: measured vs predicted on the test rows")
    for name, s, g, cal, test, clip in rows_b:
        f = s[test]
        u0 = unfairness(f, g[test])
        print(f"  {name}: U(f) = {u0:.5f}")
        print(f"    {'t':>5} | {'U(g_t)':>9} {'t^2 U(f)':>9} {'ratio':>6} | {'E(g_t-f)^2':>10} "
              f"{'(1-t)^2U':>9} {'ratio':>6}")
        for t in TS:
            out = BarycenterPostprocessor(t=t, random_state=0).fit(
                s[cal], sensitive_features=g[cal]).transform(f, sensitive_features=g[test])
            u, risk = unfairness(out, g[test]), float(np.mean((out - f) ** 2))
            pu, pr = t**2 * u0, (1 - t) ** 2 * u0
            r1 = f"{u / pu:.3f}" if pu > 0 else "—"
            r2 = f"{risk / pr:.3f}" if pr > 0 else "—"
            print(f"    {t:>5.2f} | {u:>9.5f} {pu:>9.5f} {r1:>6} | {risk:>10.5f} {pr:>9.5f} "
                  f"{r2:>6}")
    print("  (no clipping here, so that the geodesic identities apply exactly; U(g_0) is the "
          "residual unfairness of the estimated repair on new rows)\n")


def rates(p, y, g):
    """Expected FPR, TPR, selection rate and group sizes per group."""
    out = {}
    for lab in np.unique(g):
        m = g == lab
        out[lab] = {"fpr": p[m & (y == 0)].mean(), "tpr": p[m & (y == 1)].mean(),
                    "sel": p[m].mean(), "n_neg": int((m & (y == 0)).sum()),
                    "n_pos": int((m & (y == 1)).sum()), "n": int(m.sum())}
    return out


def gap_with_se(r, key, n_key):
    vals = {lab: v[key] for lab, v in r.items()}
    hi, lo = max(vals, key=vals.get), min(vals, key=vals.get)
    se = np.sqrt(sum(r[lab][key] * (1 - r[lab][key]) / r[lab][n_key] for lab in (hi, lo)))
    return vals[hi] - vals[lo], se


def section_c(data):
    print("(c) Group thresholds, epsilon = 0: gap on the calibration rows (fit) and on the test rows"
          " (expected rates), binomial SE of the test gap")
    keys = {"demographic_parity": [("sel", "n")], "equal_opportunity": [("tpr", "n_pos")],
            "equalized_odds": [("tpr", "n_pos"), ("fpr", "n_neg")]}
    print(f"{'data':<38} {'constraint':<19} {'rate':>4} | {'cal gap':>8} | {'test gap':>8} "
          f"{'SE':>7} {'gap/SE':>6} | {'unconstr. test gap':>18} | {'acc cal':>7} {'acc test':>8}")
    for name, s, y, g, split, _ in data:
        cal, test = split == "calibration", split == "test"
        score = s / 10.0 if s.max() > 1 else s
        for constraint, pairs in keys.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = GroupThresholdOptimizer(constraint=constraint).fit(
                    score[cal], y[cal], sensitive_features=g[cal])
                m0 = GroupThresholdOptimizer(constraint=constraint, strength=0).fit(
                    score[cal], y[cal], sensitive_features=g[cal])
            p_cal = m.decision_proba(score[cal], sensitive_features=g[cal])
            p = m.decision_proba(score[test], sensitive_features=g[test])
            p0 = m0.decision_proba(score[test], sensitive_features=g[test])
            r_cal, r, r0 = rates(p_cal, y[cal], g[cal]), rates(p, y[test], g[test]), \
                rates(p0, y[test], g[test])
            acc = float(np.mean(p * y[test] + (1 - p) * (1 - y[test])))
            for key, n_key in pairs:
                cg, _ = gap_with_se(r_cal, key, n_key)
                tg, se = gap_with_se(r, key, n_key)
                ug, use = gap_with_se(r0, key, n_key)
                print(f"{name:<38} {constraint:<19} {key:>4} | {cg:>8.1e} | {tg:>8.4f} {se:>7.4f} "
                      f"{tg / se:>6.2f} | {ug:>8.4f} ± {use:.4f} | {m.expected_accuracy_:>7.4f} "
                      f"{acc:>8.4f}")
    print("  COMPAS: decile_score / 10 used as the score (10 distinct values, so the rules "
          "randomise inside a decile); gap = largest minus smallest group rate\n")


def section_d():
    print("(d) FERM projection (equal opportunity) on Adult / sex, logistic regression")
    try:
        from fairdash.mitigation.preprocessing import FERMProjection
    except ImportError as exc:
        print(f"  SKIPPED: fairdash.mitigation.preprocessing.FERMProjection is not available "
              f"({exc}).")
        return
    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    train, test = ds.rows("train"), ds.rows("test")
    pipe = make_model("logreg", ds.X[train])
    prep = pipe.named_steps["prep"]
    Xtr = prep.fit_transform(ds.X[train])
    Xte = prep.transform(ds.X[test])
    Xtr = Xtr.toarray() if hasattr(Xtr, "toarray") else np.asarray(Xtr)
    Xte = Xte.toarray() if hasattr(Xte, "toarray") else np.asarray(Xte)
    ytr, yte = ds.y[train], ds.y[test]
    gtr, gte = ds.frame["sex"].to_numpy()[train], ds.frame["sex"].to_numpy()[test]
    print(f"  {Xtr.shape[0]:,} train rows x {Xtr.shape[1]} encoded features (sex one-hot "
          f"included), {Xte.shape[0]:,} test rows")
    print(f"  {'model':<26} | {'test acc':>8} | {'EOpp gap':>8} {'SE':>7} | {'DP gap':>7} | "
          f"{'train gap of mean decision value on positives':>46}")
    for label, strength in (("logreg (no projection)", None), ("FERM projection t=0.5", 0.5),
                            ("FERM projection t=1", 1.0)):
        if strength is None:
            A, B = Xtr, Xte
        else:
            proj = FERMProjection(strength=strength, constraint="equal_opportunity")
            A = proj.fit(Xtr, ytr, sensitive_features=gtr).transform(Xtr)
            B = proj.transform(Xte)
        with threadpool_limits(limits=1):
            lr = clone(pipe.named_steps["model"]).fit(A, ytr)
        pred = lr.predict(B)
        dec = lr.decision_function(A)
        r = rates(pred.astype(float), yte, gte)
        eo, se = gap_with_se(r, "tpr", "n_pos")
        dp, _ = gap_with_se(r, "sel", "n")
        pos_means = [dec[(gtr == lab) & (ytr == 1)].mean() for lab in np.unique(gtr)]
        print(f"  {label:<26} | {np.mean(pred == yte):>8.4f} | {eo:>8.4f} {se:>7.4f} | "
              f"{dp:>7.4f} | {max(pos_means) - min(pos_means):>46.2e}")
    print("  FERM equalises the mean decision value of the positives (train), a surrogate of the "
          "TPR gap at threshold 0.5 (docs/methods.md §1.2-1.3)")


def main():
    pd.set_option("display.width", 160)
    print("FairDash fidelity report: post-processing and FERM projection on held-out rows\n")
    data = list(cases())
    section_a_b(data)
    section_c(data)
    section_d()
    return 0


if __name__ == "__main__":
    sys.exit(main())
