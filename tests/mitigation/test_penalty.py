"""FairPenaltyLogistic (docs/methods.md §3): model M1, strength mapping, sanity checks of 3.9."""

import pickle
from itertools import pairwise

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from fairdash.exceptions import ModelError, RoleError
from fairdash.mitigation.inprocessing import FairPenaltyLogistic
from fairdash.mitigation.inprocessing._penalty import _ScorePenalty, penalised_objective

DIVERGENCES = ("sinkhorn", "mmd", "w2")


def make_biased(n=1200, seed=0, n_groups=2):
    """Two (or more) groups whose features, and so scores, are shifted (as the 3.6 prototype)."""
    rng = np.random.default_rng(seed)
    s = rng.integers(0, n_groups, n)
    X = rng.normal(size=(n, 4))
    X[:, 0] += 1.0 * s
    X[:, 1] += 0.5 * s
    y = (X[:, 0] + X[:, 1] + X[:, 2] + rng.normal(size=n) > 0.8).astype(int)
    return X, y, s


def dp_gap(decisions, s):
    rates = [decisions[s == g].mean() for g in np.unique(s)]
    return max(rates) - min(rates)


@pytest.fixture(scope="module")
def data():
    return make_biased()


@pytest.mark.parametrize("alpha", [None, 0.01])
def test_lambda_zero_reproduces_sklearn_logistic_regression(data, alpha):
    """3.9.3: lambda = 0 gives LogisticRegression(C = 1 / (alpha n)) to 1e-4."""
    X, y, s = data
    n = len(y)
    model = FairPenaltyLogistic(strength=0.0, alpha=alpha, divergence="w2").fit(
        X, y, sensitive_features=s)
    ref = LogisticRegression(C=1.0 / ((alpha or 1.0 / n) * n), tol=1e-10, max_iter=10_000)
    ref.fit(X, y)
    assert model.lambda_ == 0.0
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-4)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=1e-4)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_dp_gap_decreases_with_lambda(data, divergence):
    """3.9.4: the DP difference of the decisions decreases (roughly monotonically) with lambda."""
    X, y, s = data
    gaps = []
    for lam in (0.0, 1.0, 3.0, 10.0, 30.0):
        model = FairPenaltyLogistic(lam=lam, divergence=divergence, random_state=0, n_penalty=200)
        gaps.append(dp_gap(model.fit(X, y, sensitive_features=s).predict(X), s))
    assert all(b <= a + 0.02 for a, b in pairwise(gaps)), gaps
    assert gaps[-1] < 0.35 * gaps[0], gaps


@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_objective_gradient_matches_central_differences(data, divergence):
    """The chain rule of 3.4: dJ/dz_i = (p_i - y_i)/n + lambda g_i p_i (1 - p_i)."""
    X, y, s = data
    X, y, s = X[:300], y[:300].astype(float), s[:300]
    params = {"sinkhorn": {"eps": 0.05, "stop_thr": 1e-13, "max_iter": 100_000},  # converged
              "mmd": {"sigmas": np.array([0.05, 0.1, 0.2])}, "w2": {}}[divergence]
    penalty = _ScorePenalty(s, np.ones(len(y), bool), 80, np.random.default_rng(0), divergence,
                            params)
    theta = np.array([0.3, -0.2, 0.4, 0.1, -0.5])
    f = lambda t: penalised_objective(t, X, y, 1e-3, 5.0, penalty)
    _, grad, _, _ = f(theta)
    h = 1e-6
    num = np.array([(f(theta + h * e)[0] - f(theta - h * e)[0]) / (2 * h)
                    for e in np.eye(len(theta))])
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_strength_mapping_and_lambda0(data):
    """Registry: lambda = lambda0 s / (1 - s), capped at 100 lambda0; lam overrides strength."""
    X, y, s = data
    fits = {st: FairPenaltyLogistic(strength=st, divergence="w2", random_state=0).fit(
        X, y, sensitive_features=s) for st in (0.0, 0.5, 0.9, 1.0)}
    lam0 = fits[0.0].lambda0_
    assert all(m.lambda0_ == pytest.approx(lam0) for m in fits.values())
    assert fits[0.5].lambda_ == pytest.approx(lam0)
    assert fits[0.9].lambda_ == pytest.approx(9 * lam0)
    assert fits[1.0].lambda_ == pytest.approx(100 * lam0)
    # lambda0 = data loss / divergence of the unpenalised fit
    first = fits[0.0].history_.query("stage == 'unpenalised'").iloc[-1]
    assert lam0 == pytest.approx(first["data_loss"] / fits[0.0].penalty0_)
    # lambda0 lambda makes the penalty term equal the data loss at the unpenalised solution
    assert lam0 * fits[0.0].penalty0_ == pytest.approx(first["data_loss"])
    override = FairPenaltyLogistic(strength=0.0, lam=2.5, divergence="w2").fit(
        X, y, sensitive_features=s)
    assert override.lambda_ == 2.5
    # stronger penalty, smaller divergence on the penalty sample
    assert fits[1.0].penalty_ < fits[0.5].penalty_ < fits[0.0].penalty_


def test_strength_zero_is_the_unpenalised_model(data):
    X, y, s = data
    a = FairPenaltyLogistic(strength=0.0, divergence="mmd").fit(X, y, sensitive_features=s)
    b = FairPenaltyLogistic(lam=0.0, divergence="sinkhorn").fit(X, y, sensitive_features=s)
    np.testing.assert_allclose(a.coef_, b.coef_)
    assert set(a.history_["stage"]) == {"unpenalised"}


def test_history_records_both_stages(data):
    X, y, s = data
    model = FairPenaltyLogistic(lam=5.0, divergence="w2").fit(X, y, sensitive_features=s)
    h = model.history_
    assert list(h.columns) == ["stage", "iteration", "objective", "data_loss", "penalty"]
    pen = h[h.stage == "penalised"]
    unpen = h[h.stage == "unpenalised"]
    assert unpen["penalty"].isna().all() and pen["penalty"].notna().all()
    assert pen["iteration"].iloc[0] == 0 and unpen["iteration"].iloc[0] == 0
    # the penalised fit starts at the unpenalised solution, then lowers the objective
    assert pen["data_loss"].iloc[0] == pytest.approx(unpen["data_loss"].iloc[-1])
    assert pen["objective"].iloc[-1] < pen["objective"].iloc[0]
    assert pen["penalty"].iloc[-1] == pytest.approx(model.penalty_, rel=1e-6)
    assert model.n_iter_ == pen["iteration"].iloc[-1]


def test_equal_opportunity_penalises_the_positives_only(data):
    X, y, s = data
    base = FairPenaltyLogistic(strength=0.0, divergence="w2").fit(X, y, sensitive_features=s)
    eop = FairPenaltyLogistic(lam=30.0, divergence="w2", constraint="equal_opportunity").fit(
        X, y, sensitive_features=s)

    def tpr_gap(model):
        d = model.predict(X)
        return dp_gap(d[y == 1], s[y == 1])

    assert tpr_gap(eop) < 0.5 * tpr_gap(base)
    # the penalty sample holds only positive rows
    penalty = _ScorePenalty(s, y == 1, 50, np.random.default_rng(0), "w2", {})
    assert all((y[rows] == 1).all() for rows in penalty.samples)


@pytest.mark.parametrize("divergence", DIVERGENCES)
def test_more_than_two_groups(divergence):
    X, y, s = make_biased(n=900, seed=3, n_groups=3)
    base = FairPenaltyLogistic(strength=0.0, divergence=divergence).fit(
        X, y, sensitive_features=s)
    fair = FairPenaltyLogistic(lam=30.0, divergence=divergence, random_state=0,
                               n_penalty=150).fit(X, y, sensitive_features=s)
    assert dp_gap(fair.predict(X), s) < 0.5 * dp_gap(base.predict(X), s)


def test_penalty_subsample_is_fixed_by_random_state(data):
    X, y, s = data
    fit = lambda rs: FairPenaltyLogistic(
        lam=3.0, divergence="w2", n_penalty=100, random_state=rs).fit(X, y, sensitive_features=s)
    np.testing.assert_allclose(fit(1).coef_, fit(1).coef_)
    assert not np.allclose(fit(1).coef_, fit(2).coef_)
    penalty = _ScorePenalty(s, np.ones(len(s), bool), 100, np.random.default_rng(0), "w2", {})
    assert [len(r) for r in penalty.samples] == [100, 100]


def test_predictions_are_consistent(data):
    X, y, s = data
    labels = np.where(y == 1, "yes", "no")
    model = FairPenaltyLogistic(lam=3.0, divergence="mmd").fit(X, labels, sensitive_features=s)
    assert list(model.classes_) == ["no", "yes"]
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    z = model.decision_function(X)
    np.testing.assert_array_equal(model.predict(X), np.where(z > 0, "yes", "no"))
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-z)))
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)


def test_sensitive_column_fallback_and_errors(data):
    X, y, s = data
    Xs = np.column_stack([s, X])
    a = FairPenaltyLogistic(lam=1.0, divergence="w2", sensitive_column=0, random_state=0).fit(Xs, y)
    b = FairPenaltyLogistic(lam=1.0, divergence="w2", random_state=0).fit(
        Xs, y, sensitive_features=s)
    np.testing.assert_allclose(a.coef_, b.coef_)
    with pytest.raises(RoleError, match="sensitive_features"):
        FairPenaltyLogistic().fit(X, y)
    with pytest.raises(RoleError, match="at least two groups"):
        FairPenaltyLogistic().fit(X, y, sensitive_features=np.zeros(len(y)))
    with pytest.raises(RoleError, match="rows"):
        FairPenaltyLogistic().fit(X, y, sensitive_features=s[:10])
    with pytest.raises(ModelError, match="divergence"):
        FairPenaltyLogistic(divergence="kl").fit(X, y, sensitive_features=s)
    with pytest.raises(ModelError, match="strength"):
        FairPenaltyLogistic(strength=1.5).fit(X, y, sensitive_features=s)
    with pytest.raises(ModelError, match="binary"):
        FairPenaltyLogistic().fit(X, s + y, sensitive_features=s)


def test_clone_and_pickle_round_trip(data):
    X, y, s = data
    model = FairPenaltyLogistic(lam=2.0, divergence="sinkhorn", n_penalty=100, random_state=0)
    assert clone(model).get_params() == model.get_params()
    model.fit(X, y, sensitive_features=s)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_adult_penalty_lowers_the_held_out_gap(adult_matrix):
    """Real data: strength 0.5 narrows the test-row selection-rate gap between the sexes."""
    Xtr, ytr, str_, Xte, yte, ste = adult_matrix
    base = FairPenaltyLogistic(strength=0.0, divergence="w2").fit(Xtr, ytr,
                                                                  sensitive_features=str_)
    fair = FairPenaltyLogistic(strength=0.5, divergence="w2", random_state=0).fit(
        Xtr, ytr, sensitive_features=str_)
    gap0, gap1 = dp_gap(base.predict(Xte), ste), dp_gap(fair.predict(Xte), ste)
    assert gap1 < 0.6 * gap0
    assert (fair.predict(Xte) == yte).mean() > 0.75
