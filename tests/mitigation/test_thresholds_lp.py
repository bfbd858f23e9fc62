"""GroupThresholdOptimizer with ``tolerance`` (the relaxed problem): docs/methods.md §4.10
hand example, an independent LP, fairlearn, costs."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from scipy.spatial import ConvexHull
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import roc_curve
from threshold_data import CONSTRAINTS, brute_force_best, expected_rates, fit, hand_data, scored


@pytest.fixture(scope="module")
def hand():
    return hand_data()


# --------------------------------------------------------------------------------------------
# §4.10.1 hand-solvable example
# --------------------------------------------------------------------------------------------

def test_hand_unconstrained(hand):
    """The unconstrained solution; here the scores are 0/1 predictions, so it is also the base
    rule at threshold 0.5 (strength 0)."""
    for m in (fit("equalized_odds", *hand, tolerance=1.0), fit("equalized_odds", *hand,
                                                                strength=0.0)):
        assert m.expected_accuracy_ == pytest.approx(0.775, abs=1e-12)
        assert m.e0_ == pytest.approx(0.3)
        assert m.unconstrained_violation_ == pytest.approx(0.3)
        np.testing.assert_allclose(m.targets_[["fpr", "tpr"]].to_numpy(),
                                   [[0.3, 0.9], [0.1, 0.6]])

def test_hand_equal_opportunity(hand):
    m = fit("equal_opportunity", *hand)
    assert m.expected_accuracy_ == pytest.approx(0.725, abs=1e-12)
    np.testing.assert_allclose(m.targets_[["fpr", "tpr"]].to_numpy(), [[0.2, 0.6], [0.1, 0.6]],
                               atol=1e-12)
    # group a keeps each positive decision with probability 2/3
    a = m.targets_.loc["a"]
    assert a["prob_hi"] == pytest.approx(1.0) or a["prob_mid"] == pytest.approx(2 / 3)
    s, _, g = hand
    p = m.decision_proba(s, sensitive_features=g)
    assert set(np.round(p[g == "a"], 12)) == {0.0, round(2 / 3, 12)}


def test_hand_equalized_odds(hand):
    m = fit("equalized_odds", *hand)
    assert m.expected_accuracy_ == pytest.approx(33 / 46, abs=1e-12)
    for lab in "ab":
        assert m.targets_.loc[lab, "fpr"] == pytest.approx(5 / 23, abs=1e-12)
        assert m.targets_.loc[lab, "tpr"] == pytest.approx(15 / 23, abs=1e-12)


def test_hand_demographic_parity(hand):
    m = fit("demographic_parity", *hand)
    assert m.expected_accuracy_ == pytest.approx(0.72692, abs=1e-5)
    np.testing.assert_allclose(m.targets_.loc["a", ["fpr", "tpr"]].to_numpy(float), [0.3, 0.9],
                               atol=1e-12)
    np.testing.assert_allclose(m.targets_.loc["b", ["fpr", "tpr"]].to_numpy(float),
                               [0.44615, 0.75385], atol=1e-5)
    np.testing.assert_allclose(m.targets_["selection_rate"], 0.6, atol=1e-12)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_hand_expected_rates_from_decisions(hand, constraint):
    """4.10.3: expected rates computed from decision_proba equal the targets to 1e-9."""
    m = fit(constraint, *hand)
    got = expected_rates(m, *hand)
    for lab, (f, t, sel) in got.items():
        assert f == pytest.approx(m.targets_.loc[lab, "fpr"], abs=1e-9)
        assert t == pytest.approx(m.targets_.loc[lab, "tpr"], abs=1e-9)
        assert sel == pytest.approx(m.targets_.loc[lab, "selection_rate"], abs=1e-9)


# --------------------------------------------------------------------------------------------
# independent LP (scipy ConvexHull + pairwise rows, as written in docs/methods.md §4.3)
# --------------------------------------------------------------------------------------------

def reference_lp(s, y, g, constraint, eps, cost_fp=1.0, cost_fn=1.0):
    labels = list(np.unique(g))
    k, n = len(labels), len(s)
    rows, rhs, c, pis = [], [], np.zeros(2 * k), []
    const = 0.0
    for a, lab in enumerate(labels):
        m = g == lab
        fpr, tpr, _ = roc_curve(y[m], s[m], drop_intermediate=False)
        pts = np.vstack([np.c_[fpr, tpr], [1.0, 0.0]])
        v = pts[ConvexHull(pts).vertices]                 # counter-clockwise
        for (x1, y1), (x2, y2) in zip(v, np.roll(v, -1, axis=0)):
            row = np.zeros(2 * k)
            row[a], row[k + a] = y2 - y1, -(x2 - x1)
            rows.append(row)
            rhs.append((y2 - y1) * x1 - (x2 - x1) * y1)
        row = np.zeros(2 * k)
        row[a], row[k + a] = 1, -1                         # F <= T
        rows.append(row)
        rhs.append(0.0)
        n_pos, n_neg = y[m].sum(), (1 - y[m]).sum()
        c[a], c[k + a] = cost_fp * n_neg / n, -cost_fn * n_pos / n
        const += cost_fn * n_pos / n
        pis.append(n_pos / m.sum())
    for a in range(k):
        for b in range(a + 1, k):
            rates = []
            if constraint == "equalized_odds":
                rates = [(a, b, 0, 0), (a, b, 1, 1)]
            elif constraint == "equal_opportunity":
                rates = [(a, b, 1, 1)]
            for _, _, fa, _ in rates:
                row = np.zeros(2 * k)
                row[fa * k + a], row[fa * k + b] = 1, -1
                rows += [row, -row]
                rhs += [eps, eps]
            if constraint == "demographic_parity":
                row = np.zeros(2 * k)
                row[a], row[k + a] = 1 - pis[a], pis[a]
                row[b], row[k + b] = -(1 - pis[b]), -pis[b]
                rows += [row, -row]
                rhs += [eps, eps]
    res = linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=[(0, 1)] * (2 * k),
                  method="highs")
    assert res.status == 0
    return res.fun + const


@pytest.mark.parametrize("constraint", CONSTRAINTS)
@pytest.mark.parametrize("eps", [0.0, 0.02, 0.1])
def test_matches_independent_linprog(constraint, eps):
    s, y, g = scored(3000, k=3, seed=1)
    m = fit(constraint, s, y, g, tolerance=eps, max_roc_points=None)
    ref = reference_lp(s, y, g, constraint, eps)
    assert m.expected_cost_ == pytest.approx(ref, abs=1e-9)
    assert m.violation_ <= eps + 1e-7


def test_costs_are_used():
    s, y, g = scored(3000, k=2, seed=2)
    m = fit("equalized_odds", s, y, g, tolerance=0.01, cost_fp=3.0, cost_fn=1.0,
            max_roc_points=None)
    assert m.expected_cost_ == pytest.approx(
        reference_lp(s, y, g, "equalized_odds", 0.01, 3.0, 1.0), abs=1e-9)



def test_unconstrained_threshold_follows_costs():
    """Calibrated scores: the best unconstrained threshold is cost_fp / (cost_fp + cost_fn)."""
    rng = np.random.default_rng(3)
    s = rng.random(200_000)
    y = (rng.random(len(s)) < s).astype(int)
    g = np.where(rng.random(len(s)) < 0.5, "a", "b")
    for cfp, cfn in [(1, 1), (1, 3), (3, 1)]:
        m = fit("demographic_parity", s, y, g, tolerance=1.0, cost_fp=cfp, cost_fn=cfn)
        assert m.targets_["thr_hi"].to_numpy() == pytest.approx(cfp / (cfp + cfn), abs=0.05)


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_large_tolerance_is_best_group_thresholds(constraint):
    """tolerance >= the unconstrained violation gives each group its best hull vertex, i.e.
    its best single threshold (§4.10.2)."""
    s, y, g = scored(2000, k=3, seed=4, rounding=2)
    m = fit(constraint, s, y, g, tolerance=1.0)
    assert m.tolerance_ == 1.0 and m.violation_ == pytest.approx(m.unconstrained_violation_)
    pd.testing.assert_frame_equal(m.targets_[["fpr", "tpr"]], m.unconstrained_[["fpr", "tpr"]])
    errors = sum(brute_force_best(s[g == lab], y[g == lab]) for lab in np.unique(g))
    assert m.expected_accuracy_ == pytest.approx(1 - errors / len(s), abs=1e-12)
    # deterministic single thresholds, no share of the base rule
    assert set(m.targets_["prob_hi"]) == {1.0}
    assert set(m.targets_["prob_lo"]) == {0.0}
    assert set(m.targets_["base_share"]) == {0.0}


@pytest.mark.parametrize("constraint", CONSTRAINTS)
def test_objective_monotone_in_epsilon(constraint):
    s, y, g = scored(4000, k=3, seed=5)
    free = fit(constraint, s, y, g, tolerance=10.0)
    eps = [0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    costs = [fit(constraint, s, y, g, tolerance=e).expected_cost_ for e in eps]
    assert np.all(np.diff(costs) <= 1e-12)
    assert costs[-1] == pytest.approx(free.expected_cost_)


def test_e0_and_the_unconstrained_violation_for_demographic_parity():
    s, y, g = scored(3000, k=3, seed=7)
    m = fit("demographic_parity", s, y, g, threshold=0.4)
    sel = m.unconstrained_["selection_rate"]
    assert m.unconstrained_violation_ == pytest.approx(sel.max() - sel.min())
    base = m.base_["selection_rate"]
    assert m.e0_ == pytest.approx(base.max() - base.min())
    for lab in np.unique(g):
        assert base[lab] == pytest.approx(np.mean(s[g == lab] >= 0.4), abs=1e-12)


def test_identical_groups_get_one_common_threshold():
    """4.10.4: same score distributions given Y in every group => one common threshold."""
    s, y, _ = scored(3000, k=1, seed=8, rounding=3)
    s2, y2 = np.r_[s, s], np.r_[y, y]
    g2 = np.array(["a"] * len(s) + ["b"] * len(s))
    m = fit("equalized_odds", s2, y2, g2)
    t = m.targets_
    assert t.loc["a", "thr_hi"] == t.loc["b", "thr_hi"]
    assert list(t["prob_hi"]) == [1.0, 1.0] and list(t["prob_lo"]) == [0.0, 0.0]
    assert t.loc["a", "prob_mid"] == t.loc["b", "prob_mid"] == 0.0
    assert m.expected_accuracy_ == pytest.approx(1 - brute_force_best(s, y) / len(s))



# --------------------------------------------------------------------------------------------
# fairlearn cross-check (tolerance, no mixing with the base rule)
# --------------------------------------------------------------------------------------------

class PassThrough(ClassifierMixin, BaseEstimator):
    """A 'model' whose positive-class probability is column 0 of X (the given score)."""

    def fit(self, X, y=None):
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):
        x = np.asarray(X, dtype=float)[:, 0]
        return np.c_[1 - x, x]

    def predict(self, X):
        return (np.asarray(X, dtype=float)[:, 0] >= 0.5).astype(int)


@pytest.mark.parametrize("fl_constraint, ours, tol", [
    ("demographic_parity", "demographic_parity", None),
    ("true_positive_rate_parity", "equal_opportunity", None),
    ("demographic_parity", "demographic_parity", 0.05),
    ("equalized_odds", "equalized_odds", None),
])
def test_matches_fairlearn_threshold_optimizer(fl_constraint, ours, tol):
    """Same scores, prefit pass-through model. fairlearn searches a grid of 1,001 rate values
    (and for equalized odds intersects the hulls on an FPR grid), we solve the LP exactly, so the
    expected accuracy and each group's expected rate agree to the grid resolution (1e-3) plus
    the slope of the tradeoff curve over one grid step: we allow 2e-3 / 5e-3."""
    from fairlearn.postprocessing import ThresholdOptimizer

    s, y, g = scored(6000, k=3, seed=12, rounding=3)
    X = s[:, None]
    fl = ThresholdOptimizer(estimator=PassThrough().fit(X), constraints=fl_constraint,
                            objective="accuracy_score", prefit=True,
                            predict_method="predict_proba", tol=tol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fl.fit(X, y, sensitive_features=g)
        p_fl = fl._pmf_predict(X, sensitive_features=g)[:, 1]
    m = fit(ours, s, y, g, tolerance=tol or 0.0, max_roc_points=None)
    p = m.decision_proba(s, sensitive_features=g)
    acc = lambda q: np.mean(q * y + (1 - q) * (1 - y))
    assert acc(p) >= acc(p_fl) - 1e-9                     # the LP optimum is never worse
    assert acc(p) == pytest.approx(acc(p_fl), abs=2e-3)
    if tol is not None:
        # relaxed: the optimum is flat along shifts of the window of selection rates (here
        # ours 0.422/0.444/0.472, fairlearn 0.430/0.445/0.480 at the same accuracy to 1e-4),
        # so compare the gap, not the rates
        sel = [p[g == lab].mean() for lab in np.unique(g)]
        sel_fl = [p_fl[g == lab].mean() for lab in np.unique(g)]
        assert max(sel) - min(sel) <= tol + 1e-9
        assert max(sel) - min(sel) == pytest.approx(max(sel_fl) - min(sel_fl), abs=2e-3)
        return
    for lab in np.unique(g):
        mk = g == lab
        for sub in (mk & (y == 1), mk & (y == 0), mk):
            assert p[sub].mean() == pytest.approx(p_fl[sub].mean(), abs=5e-3)


