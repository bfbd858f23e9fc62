"""ReductionsClassifier (docs/methods.md §5): fairlearn cross-checks and the sanity checks of 5.8."""

import pickle

import numpy as np
import pandas as pd
import pytest
from fairlearn.reductions import (
    DemographicParity,
    EqualizedOdds,
    ErrorRate,
    ExponentiatedGradient,
    TruePositiveRateParity,
)
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from fairdash.exceptions import RoleError
from fairdash.mitigation.inprocessing import ReductionsClassifier

# fairlearn 0.15 trips pandas 3 deprecations (Series.at enlargement) in the direct calls below
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:fairlearn")

CONSTRAINTS = {
    "demographic_parity": DemographicParity,
    "equal_opportunity": TruePositiveRateParity,
    "equalized_odds": EqualizedOdds,
}


def make_biased(n=800, seed=0):
    rng = np.random.default_rng(seed)
    s = np.where(rng.random(n) < 0.4, "a", "b")
    X = rng.normal(size=(n, 3))
    X[:, 0] += 1.0 * (s == "b")
    y = (X[:, 0] + X[:, 1] + 0.8 * rng.normal(size=n) > 0.7).astype(int)
    return X, y, s


def deviations(q, y, s, constraint):
    """The per-group deviations fairlearn's moment bounds, of the expected decisions q."""
    events = {"demographic_parity": [np.ones(len(y), bool)],
              "equal_opportunity": [y == 1], "equalized_odds": [y == 0, y == 1]}[constraint]
    return max(abs(q[e & (s == g)].mean() - q[e].mean()) for e in events for g in np.unique(s))


@pytest.fixture(scope="module")
def data():
    return make_biased()


@pytest.mark.parametrize("constraint", list(CONSTRAINTS))
def test_decision_proba_matches_fairlearn_pmf_predict(data, constraint):
    """Our mixture of predictors_ / weights_ equals fairlearn's _pmf_predict on the same fit."""
    X, y, s = data
    ours = ReductionsClassifier(constraint=constraint, strength=0.7).fit(
        X, y, sensitive_features=s)
    eps = ours.difference_bound_
    theirs = ExponentiatedGradient(LogisticRegression(max_iter=1000),
                                   constraints=CONSTRAINTS[constraint](difference_bound=eps),
                                   eps=eps, max_iter=50, nu=None, eta0=2.0)
    theirs.fit(X, y, sensitive_features=pd.Series(s).astype("category").cat.codes)
    np.testing.assert_allclose(ours.decision_proba(X), theirs._pmf_predict(X)[:, 1], atol=1e-10)
    assert ours.best_gap_ == pytest.approx(theirs.best_gap_)


@pytest.mark.parametrize("constraint", list(CONSTRAINTS))
def test_e0_is_fairlearns_largest_moment(data, constraint):
    """e0 (numpy) equals max gamma of fairlearn's moment for the base model's decisions."""
    X, y, s = data
    model = ReductionsClassifier(constraint=constraint, strength=0.0).fit(
        X, y, sensitive_features=s)
    moment = CONSTRAINTS[constraint](difference_bound=0.01)
    moment.load_data(X, y, sensitive_features=s)
    assert model.e0_ == pytest.approx(moment.gamma(model.base_estimator_.predict).max())


def test_strength_zero_is_the_base_estimator(data):
    X, y, s = data
    model = ReductionsClassifier(strength=0.0).fit(X, y, sensitive_features=s)
    base = LogisticRegression(max_iter=1000).fit(X, y)
    np.testing.assert_array_equal(model.decision_proba(X), base.predict(X))
    np.testing.assert_array_equal(model.predict(X, random_state=0), base.predict(X))
    assert model.n_oracle_calls_ == 0 and model.n_iter_ == 0
    assert model.difference_bound_ == model.e0_


def test_strength_mapping(data):
    """Registry: epsilon = e0 (0.005 / e0) ** strength; difference_bound overrides strength."""
    X, y, s = data
    half = ReductionsClassifier(strength=0.5).fit(X, y, sensitive_features=s)
    e0 = half.e0_
    assert half.difference_bound_ == pytest.approx(e0 * (0.005 / e0) ** 0.5)
    full = ReductionsClassifier(strength=1.0).fit(X, y, sensitive_features=s)
    assert full.difference_bound_ == pytest.approx(0.005)
    given = ReductionsClassifier(strength=0.0, difference_bound=0.03).fit(
        X, y, sensitive_features=s)
    assert given.difference_bound_ == 0.03 and given.n_oracle_calls_ > 0


def test_large_epsilon_is_about_the_base_classifier(data):
    """5.8.1: epsilon >= e0 gives (nearly) the unconstrained base classifier."""
    X, y, s = data
    model = ReductionsClassifier(strength=0.0)
    e0 = model.fit(X, y, sensitive_features=s).e0_
    loose = ReductionsClassifier(difference_bound=e0).fit(X, y, sensitive_features=s)
    base = model.base_estimator_.predict(X)
    assert np.mean(np.abs(loose.decision_proba(X) - base)) < 0.02


@pytest.mark.parametrize("constraint", list(CONSTRAINTS))
def test_training_constraint_holds_within_epsilon(data, constraint):
    """5.8.2: expected deviation on the training rows <= 2 (epsilon + best_gap)."""
    X, y, s = data
    for strength in (0.5, 1.0):
        model = ReductionsClassifier(constraint=constraint, strength=strength).fit(
            X, y, sensitive_features=s)
        dev = deviations(model.decision_proba(X), y, s, constraint)
        assert dev <= 2 * (model.difference_bound_ + model.best_gap_), (strength, dev)
        assert dev < model.e0_


def test_identical_groups_give_the_base_classifier(data):
    """5.8.3: two groups holding the same rows: any classifier is fair, the result is the base."""
    X, y, _ = data
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    s2 = np.repeat(["a", "b"], len(y))
    model = ReductionsClassifier(strength=1.0).fit(X2, y2, sensitive_features=s2)
    assert model.e0_ == 0.0
    base = LogisticRegression(max_iter=1000).fit(X2, y2).predict(X2)
    assert np.mean(np.abs(model.decision_proba(X2) - base)) < 0.02


def test_zero_multipliers_give_plain_erm(data):
    """5.8.4: with lambda = 0 the relabelled targets are y and all weights are equal."""
    X, y, s = data
    for moment in (DemographicParity(), EqualizedOdds(), TruePositiveRateParity()):
        moment.load_data(X, y, sensitive_features=s)
        objective = moment.default_objective()
        objective.load_data(X, y, sensitive_features=s)
        zero = pd.Series(0.0, index=moment.index)
        signed = objective.signed_weights() + moment.signed_weights(zero)
        np.testing.assert_array_equal((signed > 0).astype(int), y)
        assert np.allclose(signed.abs(), signed.abs().iloc[0])
    assert isinstance(objective, ErrorRate)


def test_predict_samples_the_decision_probability(data):
    X, y, s = data
    labels = np.where(y == 1, "yes", "no")
    model = ReductionsClassifier(strength=1.0, random_state=3).fit(
        X, labels, sensitive_features=s)
    assert list(model.classes_) == ["no", "yes"]
    q = model.decision_proba(X)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, np.column_stack([1 - q, q]))
    np.testing.assert_allclose(model.weights_.sum(), 1.0)
    assert len(model.predictors_) == len(model.weights_) and (model.weights_ > 0).all()
    # reproducible draws, the estimator's random_state by default
    np.testing.assert_array_equal(model.predict(X), model.predict(X, random_state=3))
    draws = np.mean([model.predict(X, random_state=k) == "yes" for k in range(400)], axis=0)
    assert np.abs(draws - q).max() < 0.1
    assert set(np.unique(model.predict(X))) <= {"no", "yes"}
    assert ((q > 0) & (q < 1)).any()  # a genuinely randomised mix on this data


def test_held_out_gap_shrinks_on_adult(adult_matrix):
    """Real data: the expected selection-rate gap between the sexes falls with strength."""
    Xtr, ytr, str_, Xte, _, ste = adult_matrix
    gaps = []
    for strength in (0.0, 0.5, 1.0):
        model = ReductionsClassifier(strength=strength).fit(Xtr, ytr, sensitive_features=str_)
        q = model.decision_proba(Xte)
        gaps.append(abs(q[ste == "Male"].mean() - q[ste == "Female"].mean()))
    assert gaps[2] < gaps[1] < gaps[0]
    assert gaps[2] < 0.5 * gaps[0]


def test_errors_and_fallback(data):
    X, y, s = data
    with pytest.raises(RoleError, match="sensitive_features"):
        ReductionsClassifier().fit(X, y)
    with pytest.raises(RoleError, match="at least two groups"):
        ReductionsClassifier().fit(X, y, sensitive_features=np.ones(len(y)))
    codes = (s == "b").astype(float)
    Xs = np.column_stack([codes, X])
    a = ReductionsClassifier(strength=0.5, sensitive_column=0).fit(Xs, y)
    b = ReductionsClassifier(strength=0.5).fit(Xs, y, sensitive_features=s)
    np.testing.assert_allclose(a.decision_proba(Xs), b.decision_proba(Xs))


def test_clone_and_pickle_round_trip(data):
    X, y, s = data
    model = ReductionsClassifier(constraint="equalized_odds", strength=0.5, random_state=0)
    assert clone(model).get_params() == model.get_params()
    model.fit(X, y, sensitive_features=s)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.decision_proba(X), model.decision_proba(X))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
