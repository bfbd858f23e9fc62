"""Built-in pipelines and positive_scores, on the real Adult sample and small hand-made frames."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from fairdash.exceptions import ModelError
from fairdash.models import BUILTIN_MODELS, make_model, positive_scores

ADULT = Path(__file__).resolve().parents[2] / "sample_data" / "adult.csv.gz"
FEATURES = ["age", "workclass", "education", "education_num", "marital_status", "occupation",
            "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week",
            "native_country"]
TARGET = "income_gt_50k"
NAMES = list(BUILTIN_MODELS)


@pytest.fixture(scope="module")
def adult():
    """5,000 training and 3,000 test rows of the Adult sample."""
    df = pd.read_csv(ADULT)
    sub = df.sample(8000, random_state=0).reset_index(drop=True)
    train, test = sub.iloc[:5000], sub.iloc[5000:]
    return train[FEATURES], train[TARGET].to_numpy(), test[FEATURES], test[TARGET].to_numpy()


@pytest.fixture(scope="module")
def fitted(adult):
    """One fitted model per built-in name (fitted once for the whole module)."""
    X, y, _, _ = adult
    return {name: make_model(name, X).fit(X, y) for name in NAMES}


def mixed_frame(n=400, seed=0):
    """Every kind of feature column FairDash may see, with missing values, and a target."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    y = (signal + rng.normal(scale=0.5, size=n) > 0).astype(int)
    text = np.where(signal > 0, "high", "low").astype(object)
    text[rng.random(n) < 0.1] = None
    X = pd.DataFrame({
        "num": np.where(rng.random(n) < 0.1, np.nan, signal),
        "count": rng.integers(0, 10, size=n),
        "text": pd.Series(text, dtype="str"),
        "obj": pd.Series(rng.choice(["a", "b", None], size=n), dtype=object),
        "cat": pd.Categorical(rng.choice(["x", "y", "z"], size=n)),
        "cat_num": pd.Categorical(rng.choice([1, 2, np.nan], size=n)),
        "flag": rng.random(n) < 0.5,
        "nullable_flag": pd.array(rng.choice([True, False, None], size=n), dtype="boolean"),
        "nullable_int": pd.array(rng.choice([1, 2, None], size=n), dtype="Int64"),
    })
    return X, y


def quick(model):
    """Fewer boosting rounds: for tests about column handling, not about accuracy."""
    if isinstance(model.named_steps["model"], HistGradientBoostingClassifier):
        model.set_params(model__max_iter=20)
    return model


def test_builtin_models_names_and_labels():
    assert BUILTIN_MODELS == {"logreg": "Logistic regression",
                              "hgb": "Histogram gradient boosting",
                              "rf": "Random forest"}


@pytest.mark.parametrize("name", NAMES)
def test_make_model_is_a_fresh_unfitted_pipeline(name, adult):
    model = make_model(name, adult[0])
    assert isinstance(model, Pipeline)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


@pytest.mark.parametrize("name", NAMES)
def test_adult_scores_are_probabilities_with_good_auc(name, adult, fitted):
    _, _, X_test, y_test = adult
    scores = positive_scores(fitted[name], X_test)
    assert scores.dtype == np.float64 and scores.shape == (len(X_test),)
    assert np.all((scores >= 0) & (scores <= 1))
    assert roc_auc_score(y_test, scores) > 0.85


@pytest.mark.parametrize("name", NAMES)
def test_scores_are_predict_proba_of_class_one(name, adult, fitted):
    X_test = adult[2].iloc[:200]
    model = fitted[name]
    expected = model.predict_proba(X_test)[:, list(model.classes_).index(1)]
    # Forests average trees in parallel (n_jobs=-1), so the last bit may differ between calls.
    np.testing.assert_allclose(positive_scores(model, X_test), expected, rtol=1e-12)


def test_adult_columns_are_split_by_dtype(adult):
    X = adult[0]
    assert X["workclass"].dtype == "str"  # pandas 3 text dtype, with missing values
    prep = make_model("logreg", X).named_steps["prep"]
    cols = {name: list(columns) for name, _, columns in prep.transformers}
    assert cols["num"] == ["age", "education_num", "capital_gain", "capital_loss",
                           "hours_per_week"]
    assert cols["cat"] == ["workclass", "education", "marital_status", "occupation",
                           "relationship", "race", "sex", "native_country"]


def test_hgb_declares_exactly_the_categorical_columns(adult):
    model = make_model("hgb", adult[0])
    mask = model.named_steps["model"].categorical_features
    prep = model.named_steps["prep"]
    order = [c for _, _, columns in prep.transformers for c in columns]
    categorical = {"workclass", "education", "marital_status", "occupation", "relationship",
                   "race", "sex", "native_country"}
    assert list(mask) == [c in categorical for c in order]


@pytest.mark.parametrize("name", NAMES)
def test_mixed_dtypes_with_missing_values(name):
    X, y = mixed_frame()
    model = quick(make_model(name, X, random_state=1)).fit(X, y)
    cols = {n: list(c) for n, _, c in model.named_steps["prep"].transformers}
    assert set(cols["num"]) == {"num", "count", "nullable_int"}
    assert set(cols["cat"]) == {"text", "obj", "cat", "cat_num", "flag", "nullable_flag"}
    scores = positive_scores(model, X)
    assert np.isfinite(scores).all() and scores.min() >= 0 and scores.max() <= 1
    assert roc_auc_score(y, scores) > 0.8  # "num" carries the signal


@pytest.mark.parametrize("name", NAMES)
def test_unseen_categories_and_all_missing_rows_score(name):
    X, y = mixed_frame()
    model = quick(make_model(name, X)).fit(X, y)
    new = X.iloc[:3].copy()
    new["text"] = pd.Series(["never seen", None, "high"], dtype="str", index=new.index)
    new["obj"] = ["zzz", None, "a"]
    new["num"] = np.nan
    scores = positive_scores(model, new)
    assert scores.shape == (3,) and np.isfinite(scores).all()


def test_hgb_handles_a_column_with_more_than_255_categories():
    rng = np.random.default_rng(0)
    n = 6000
    code = rng.integers(0, 600, size=n)
    # The target depends on the high-cardinality column only, through code parity.
    y = ((code % 2 == 0) ^ (rng.random(n) < 0.1)).astype(int)
    X = pd.DataFrame({"zip": pd.Series([f"z{c:03d}" for c in code], dtype="str"),
                      "noise": rng.normal(size=n)})
    assert X["zip"].nunique() > 255
    model = quick(make_model("hgb", X)).fit(X, y)
    encoder = model.named_steps["prep"].named_transformers_["cat"]
    assert len(encoder.categories_[0]) > 255  # levels are kept, the rarest pooled in encoding
    assert model.named_steps["model"].is_categorical_.tolist() == [True, False]
    scores = positive_scores(model, X)
    assert np.isfinite(scores).all()
    assert roc_auc_score(y, scores) > 0.7


@pytest.mark.parametrize("name", NAMES)
def test_clone_gives_an_equal_unfitted_pipeline(name, adult, fitted):
    fresh = clone(fitted[name])
    with pytest.raises(NotFittedError):
        check_is_fitted(fresh)
    assert repr(fresh) == repr(make_model(name, adult[0]))


def test_random_state_makes_forests_reproducible():
    X, y = mixed_frame()
    a = positive_scores(make_model("rf", X, random_state=3).fit(X, y), X)
    b = positive_scores(make_model("rf", X, random_state=3).fit(X, y), X)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_unknown_model_name_lists_the_valid_ones(adult):
    with pytest.raises(ModelError, match="'svm'") as info:
        make_model("svm", adult[0])
    assert all(f"'{n}'" in str(info.value) for n in NAMES)


def test_make_model_refuses_frames_it_cannot_handle():
    with pytest.raises(ModelError, match="at least one feature"):
        make_model("logreg", pd.DataFrame(index=range(3)))
    with pytest.raises(ModelError, match="'when'"):
        make_model("logreg", pd.DataFrame({"when": pd.date_range("2020", periods=3)}))
    with pytest.raises(ModelError, match=r"'s'.*astype"):
        make_model("hgb", pd.DataFrame({"s": pd.array(["a", None, "b"], dtype="string")}))
    with pytest.raises(ModelError, match="must be text"):
        make_model("rf", pd.DataFrame({0: [1.0, 2.0]}))


def test_missing_columns_are_named(adult, fitted):
    X_test = adult[2].drop(columns=["age", "sex"])
    with pytest.raises(ModelError) as info:
        positive_scores(fitted["logreg"], X_test)
    assert str(info.value) == "The model expects columns 'age', 'sex' that the data does not have."
    with pytest.raises(ModelError, match="expects column 'race' that the data does not have"):
        positive_scores(fitted["hgb"], adult[2].drop(columns=["race"]))


@pytest.mark.parametrize("name", NAMES)
def test_columns_are_reordered_and_extra_ones_ignored(name, adult, fitted):
    X_test = adult[2].iloc[:300]
    shuffled = X_test[FEATURES[::-1]].assign(extra=1.0)
    np.testing.assert_allclose(positive_scores(fitted[name], shuffled),
                               positive_scores(fitted[name], X_test), rtol=1e-12)


def test_failure_inside_the_model_becomes_a_model_error(adult, fitted):
    X_test = adult[2].iloc[:50].copy()
    X_test["age"] = "old"  # a number column arrives as text
    with pytest.raises(ModelError, match="could not score the data"):
        positive_scores(fitted["logreg"], X_test)


def test_labels_other_than_0_1_are_refused():
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0]})
    model = LogisticRegression().fit(X, ["no", "no", "yes", "yes"])
    with pytest.raises(ModelError, match=r"labels \['no', 'yes'\].*1 = positive label"):
        positive_scores(model, X)
    three = LogisticRegression().fit(X, [0, 1, 2, 2])
    with pytest.raises(ModelError, match="labels 0 and 1"):
        positive_scores(three, X)


def test_unfitted_model_is_refused(adult):
    with pytest.raises(ModelError, match="not a fitted classifier"):
        positive_scores(make_model("logreg", adult[0]), adult[2])


def test_decision_function_is_squashed_with_the_logistic_function():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] + rng.normal(scale=0.3, size=200) > 0).astype(int)
    model = LinearSVC().fit(X, y)
    assert not hasattr(model, "predict_proba")
    d = model.decision_function(X)
    scores = positive_scores(model, X)
    np.testing.assert_allclose(scores, 1 / (1 + np.exp(-d)))
    assert roc_auc_score(y, scores) == roc_auc_score(y, d)


def test_arrays_without_column_names_are_scored():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(positive_scores(model, X), model.predict_proba(X)[:, 1])


def test_default_learner_per_task():
    from fairdash.exceptions import ModelError
    from fairdash.models import BUILTIN_MODELS, BUILTIN_REGRESSORS, default_learner

    assert default_learner("classification") == "logreg" and "logreg" in BUILTIN_MODELS
    assert default_learner("regression") == "linear" and "linear" in BUILTIN_REGRESSORS
    with pytest.raises(ModelError):
        default_learner("ranking")
