"""Positive-congruent training: the exact soft-label reduction and fewer negative flips."""

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from fairdash.compare import flip_report
from fairdash.mitigation.inprocessing._congruent import PositiveCongruentClassifier


def _fd_objective(theta, X, y, r, c):
    """Direct focal-distillation loss: CE(y, p) + c CE(r, p) (KL up to a constant), plus the
    same L2 penalty LogisticRegression(C=1) uses."""
    z = X @ theta[:-1] + theta[-1]
    logp, log1mp = -np.logaddexp(0, -z), -np.logaddexp(0, z)
    ce = -(y * logp + (1 - y) * log1mp)
    dist = -(r * logp + (1 - r) * log1mp)
    return (ce + c * dist).sum() + 0.5 * theta[:-1] @ theta[:-1]


def test_distillation_is_the_weighted_soft_label_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    r = 1 / (1 + np.exp(-(0.5 * X[:, 1] + X[:, 0])))
    pc = PositiveCongruentClassifier(LogisticRegression(tol=1e-10, max_iter=10_000),
                                     strength=0.5).fit(X, y, old_scores=r)
    old_right = ((r >= 0.5).astype(int) == y)
    c = pc.lam_ * (1.0 + 5.0 * old_right)
    direct = minimize(_fd_objective, np.zeros(4), args=(X, y, r, c), method="BFGS",
                      options={"gtol": 1e-10}).x
    fitted = np.r_[pc.estimator_.coef_.ravel(), pc.estimator_.intercept_]
    np.testing.assert_allclose(fitted, direct, atol=1e-5)
    assert pc.lam_ == pytest.approx(1.5)
    assert pc.old_accuracy_ == pytest.approx(old_right.mean())


def test_strength_zero_is_plain_retraining(adult_matrix):
    Xtr, ytr, _, Xte, _, _ = adult_matrix
    old = LogisticRegression(max_iter=1000).fit(Xtr, ytr).predict_proba(Xtr)[:, 1]
    pc = PositiveCongruentClassifier(strength=0.0).fit(Xtr, ytr, old_scores=old)
    plain = LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    np.testing.assert_allclose(pc.predict_proba(Xte), plain.predict_proba(Xte), atol=1e-6)


def test_fewer_negative_flips_than_plain_retraining_on_adult(adult_matrix):
    """Old model: logistic regression; update: gradient boosting. PC training keeps more of
    what the old model got right at comparable accuracy (docs/methods.md §7)."""
    Xtr, ytr, _, Xte, yte, _ = adult_matrix
    old = LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    old_te = old.predict(Xte)
    hgb = HistGradientBoostingClassifier(random_state=0, max_iter=60)
    plain = flip_report(yte, old_te, hgb.fit(Xtr, ytr).predict(Xte)).overall
    pc = PositiveCongruentClassifier(hgb, strength=1 / 3).fit(
        Xtr, ytr, old_scores=old.predict_proba(Xtr)[:, 1])
    congruent = flip_report(yte, old_te, pc.predict(Xte)).overall
    print(f"\nAdult subsample: plain HGB NFR {plain['nfr']:.4f} acc {plain['accuracy_new']:.4f}; "
          f"PC HGB NFR {congruent['nfr']:.4f} acc {congruent['accuracy_new']:.4f}")
    assert congruent["nfr"] < 0.7 * plain["nfr"]
    assert congruent["accuracy_new"] > plain["accuracy_new"] - 0.02


def test_combined_with_reweighing_trades_flips_for_parity(adult_matrix):
    from fairdash.metrics import demographic_parity_difference
    from fairdash.mitigation.preprocessing import reweighing_weights

    Xtr, ytr, str_, Xte, yte, ste = adult_matrix
    old = LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    fair = LogisticRegression(max_iter=1000).fit(
        Xtr, ytr, sample_weight=reweighing_weights(ytr, str_)).predict(Xte)
    pc = PositiveCongruentClassifier(strength=0.1 / 3, fairness="reweighing").fit(
        Xtr, ytr, old_scores=old.predict_proba(Xtr)[:, 1], sensitive_features=str_)
    nfr_fair = flip_report(yte, old.predict(Xte), fair).overall["nfr"]
    nfr_pc = flip_report(yte, old.predict(Xte), pc.predict(Xte)).overall["nfr"]
    assert nfr_pc < nfr_fair
    dp_old = demographic_parity_difference(yte, old.predict(Xte), sensitive_features=ste)
    dp_pc = demographic_parity_difference(yte, pc.predict(Xte), sensitive_features=ste)
    assert dp_pc < dp_old


@pytest.mark.parametrize("kw, fit_kw, words", [
    ({"mode": "magic"}, {}, "mode"),
    ({"fairness": "ot"}, {}, "fairness"),
    ({"fairness": "reweighing"}, {}, "sensitive_features"),
    ({}, {"old_scores": [0.5, 2.0, 0.1, 0.3]}, "old_scores"),
])
def test_bad_arguments(kw, fit_kw, words):
    X, y = np.eye(4), np.array([0, 1, 0, 1])
    fit = {"old_scores": np.full(4, 0.5), **fit_kw}
    with pytest.raises(ValueError, match=words):
        PositiveCongruentClassifier(**kw).fit(X, y, **fit)


def test_reweight_mode_runs_and_reduces_flips(adult_matrix):
    Xtr, ytr, _, Xte, yte, _ = adult_matrix
    old = LogisticRegression(max_iter=1000).fit(Xtr, ytr)
    hgb = HistGradientBoostingClassifier(random_state=0, max_iter=60)
    plain = flip_report(yte, old.predict(Xte), hgb.fit(Xtr, ytr).predict(Xte)).overall["nfr"]
    pc = PositiveCongruentClassifier(hgb, mode="reweight").fit(
        Xtr, ytr, old_scores=old.predict_proba(Xtr)[:, 1])
    assert flip_report(yte, old.predict(Xte), pc.predict(Xte)).overall["nfr"] <= plain
