"""Reweighing (docs/methods.md §6.1): hand example, properties, and the meta-estimator."""

import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from fairdash.exceptions import ModelError, RoleError
from fairdash.metrics import demographic_parity_difference
from fairdash.mitigation.preprocessing import ReweighedClassifier, reweighing_weights

S_HAND = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
Y_HAND = [1, 0, 0, 0, 1, 1, 1, 1, 0, 0]


def test_hand_example():
    w = reweighing_weights(Y_HAND, S_HAND)
    # W(1,1) = 4*5/(10*1), W(1,0) = 4*5/(10*3), W(0,1) = 6*5/(10*4), W(0,0) = 6*5/(10*2)
    expected = [2.0, 2 / 3, 2 / 3, 2 / 3, 0.75, 0.75, 0.75, 0.75, 1.5, 1.5]
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    assert round(w[1], 3) == 0.667
    assert w.sum() == pytest.approx(10.0)
    s, y = np.array(S_HAND), np.array(Y_HAND)
    # weighted P(Y=1 | S=1) = 2 / (2 + 3 * 0.667) = 0.5 = P(Y=1)
    assert w[(s == 1) & (y == 1)].sum() / w[s == 1].sum() == pytest.approx(0.5)
    assert w[(s == 0) & (y == 1)].sum() / w[s == 0].sum() == pytest.approx(0.5)


def test_strength_interpolates_and_keeps_the_total():
    W = reweighing_weights(Y_HAND, S_HAND)
    np.testing.assert_array_equal(reweighing_weights(Y_HAND, S_HAND, strength=0.0), 1.0)
    for lam in (0.25, 0.5, 0.9):
        w = reweighing_weights(Y_HAND, S_HAND, strength=lam)
        np.testing.assert_allclose(w, 1 + lam * (W - 1))
        assert w.sum() == pytest.approx(10.0)
        assert (w > 0).all()


def test_against_crosstab_formula():
    rng = np.random.default_rng(3)
    s = rng.choice(["a", "b", "c"], 500, p=[0.5, 0.3, 0.2])
    y = rng.choice(["no", "maybe", "yes"], 500)
    table = pd.crosstab(s, y)
    n_s, n_y, n = table.sum(axis=1), table.sum(axis=0), table.to_numpy().sum()
    expected = np.array([n_s[a] * n_y[b] / (n * table.loc[a, b]) for a, b in zip(s, y)])
    np.testing.assert_allclose(reweighing_weights(y, s), expected, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=2, max_size=80))
def test_weighted_labels_independent_of_groups(pairs):
    s, y = np.array(pairs).T
    if pd.crosstab(s, y).to_numpy().min() == 0:  # the properties need every cell filled
        with pytest.warns(UserWarning, match="no row with label"):
            reweighing_weights(y, s)
        return
    w = reweighing_weights(y, s)
    assert w.sum() == pytest.approx(len(y))
    for g in np.unique(s):
        for lab in np.unique(y):
            cond = w[(s == g) & (y == lab)].sum() / w[s == g].sum()
            assert cond == pytest.approx(np.mean(y == lab))


def test_intersectional_groups_equal_joined_labels():
    rng = np.random.default_rng(0)
    a, b, y = rng.integers(0, 2, 300), rng.integers(0, 3, 300), rng.integers(0, 2, 300)
    frame = pd.DataFrame({"a": a, "b": b})
    joined = [f"{i}-{j}" for i, j in zip(a, b)]
    np.testing.assert_allclose(reweighing_weights(y, frame), reweighing_weights(y, joined))


def _biased(n=600, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, n)
    X = np.column_stack([s + rng.normal(0, 0.5, n), rng.normal(size=n), s])
    y = (X[:, 0] + X[:, 1] + rng.normal(0, 0.5, n) > 0.8).astype(int)
    return X, y, s


def test_classifier_equals_weighted_logistic_regression():
    X, y, s = _biased()
    model = ReweighedClassifier(strength=0.7).fit(X, y, sensitive_features=s)
    ref = LogisticRegression(max_iter=1000).fit(
        X, y, sample_weight=reweighing_weights(y, s, strength=0.7))
    np.testing.assert_allclose(model.estimator_.coef_, ref.coef_, rtol=1e-6)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-8)
    np.testing.assert_allclose(model.decision_function(X), ref.decision_function(X), atol=1e-8)
    np.testing.assert_array_equal(model.classes_, [0, 1])
    assert model.lambda_ == 0.7
    cell = model.cell_weights_
    assert cell.index.name == "group" and cell.columns.name == "label"
    n_sy = pd.crosstab(s, y).to_numpy()
    W = np.outer(n_sy.sum(1), n_sy.sum(0)) / (len(y) * n_sy)
    np.testing.assert_allclose(cell.to_numpy(), 1 + 0.7 * (W - 1))


def test_strength_zero_is_the_unweighted_model():
    X, y, s = _biased()
    model = ReweighedClassifier(strength=0.0).fit(X, y, sensitive_features=s)
    ref = LogisticRegression(max_iter=1000).fit(X, y)
    np.testing.assert_allclose(model.decision_function(X), ref.decision_function(X), atol=1e-10)


def test_pipeline_gets_weights_on_its_last_step():
    X, y, s = _biased()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    model = ReweighedClassifier(pipe).fit(X, y, sensitive_features=s)
    ref = clone(pipe).fit(X, y, clf__sample_weight=reweighing_weights(y, s))
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-10)
    assert model.n_features_in_ == 3


def test_reweighing_lowers_the_selection_rate_gap():
    X, y, s = _biased(2000, seed=1)
    gaps = [demographic_parity_difference(
        y, ReweighedClassifier(strength=lam).fit(X, y, sensitive_features=s).predict(X),
        sensitive_features=s) for lam in (0.0, 0.5, 1.0)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.75 * gaps[0]


def test_sensitive_column_fallback_matches_explicit_groups():
    X, y, s = _biased()
    a = ReweighedClassifier(sensitive_column=2).fit(X, y)
    b = ReweighedClassifier().fit(X, y, sensitive_features=s)
    np.testing.assert_allclose(a.decision_function(X), b.decision_function(X))
    frame = pd.DataFrame(X, columns=["x0", "x1", "grp"])
    c = ReweighedClassifier(sensitive_column="grp").fit(frame, y)
    np.testing.assert_allclose(c.decision_function(frame), b.decision_function(X))


def test_errors_are_clear():
    X, y, s = _biased(100)
    with pytest.raises(RoleError, match="sensitive_features"):
        ReweighedClassifier().fit(X, y)
    with pytest.raises(RoleError, match="missing"):
        ReweighedClassifier().fit(X, y, sensitive_features=np.where(s == 1, None, "a"))
    with pytest.raises(RoleError, match="values but"):
        ReweighedClassifier().fit(X, y, sensitive_features=s[:50])
    with pytest.raises(ModelError, match="sample_weight"):
        ReweighedClassifier(KNeighborsClassifier()).fit(X, y, sensitive_features=s)
    with pytest.raises(ValueError, match="strength"):
        ReweighedClassifier(strength=1.5).fit(X, y, sensitive_features=s)
    with pytest.warns(UserWarning, match="no row with label"):
        reweighing_weights([1, 1, 0, 0], ["a", "a", "b", "b"])


def test_clone_and_pickle_round_trip():
    X, y, s = _biased(200)
    model = ReweighedClassifier(strength=0.5).fit(X, y, sensitive_features=s)
    assert clone(model).get_params()["strength"] == 0.5
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
