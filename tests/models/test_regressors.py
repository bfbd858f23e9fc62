"""Built-in regressors, predictions() and regression datasets through fit_builtin/score_dataset."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import is_regressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from fairdash.data import ColumnRoles, build_dataset, load_sample, sample_roles
from fairdash.exceptions import ModelError
from fairdash.models import (BUILTIN_MODELS, BUILTIN_REGRESSORS, builtin_models, fit_builtin,
                             load_model_bytes, make_model, positive_scores, predictions,
                             save_model_bytes, score_dataset)

TARGET = "hours_per_week"
FEATURES = [c for c in sample_roles("adult").features if c != TARGET]
NAMES = list(BUILTIN_REGRESSORS)


@pytest.fixture(scope="module")
def adult():
    """3,000 training and 1,000 test rows of Adult, with hours worked as the target."""
    df = load_sample("adult").sample(4000, random_state=1).reset_index(drop=True)
    train, test = df.iloc[:3000], df.iloc[3000:]
    return train[FEATURES], train[TARGET].to_numpy(float), test[FEATURES], \
        test[TARGET].to_numpy(float)


def quick(model):
    """Fewer boosting rounds and trees: these tests are about plumbing, not accuracy."""
    step = model.named_steps["model"]
    if isinstance(step, HistGradientBoostingRegressor):
        model.set_params(model__max_iter=30)
    elif hasattr(step, "n_estimators"):
        model.set_params(model__n_estimators=20)
    return model


@pytest.fixture(scope="module")
def fitted(adult):
    X, y, _, _ = adult
    return {name: quick(make_model(name, X, task="regression")).fit(X, y) for name in NAMES}


def test_regressor_names_and_labels():
    assert BUILTIN_REGRESSORS == {"linear": "Ridge regression",
                                  "hgb": "Histogram gradient boosting",
                                  "rf": "Random forest"}
    assert builtin_models("regression") is BUILTIN_REGRESSORS
    assert builtin_models() is builtin_models("classification") is BUILTIN_MODELS
    with pytest.raises(ModelError, match="'ranking'"):
        builtin_models("ranking")


@pytest.mark.parametrize("name", NAMES)
def test_regressors_are_fresh_pipelines_with_the_classifiers_preprocessing(name, adult):
    model = make_model(name, adult[0], task="regression")
    assert isinstance(model, Pipeline)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)
    twin = {"linear": "logreg"}.get(name, name)
    classifier = make_model(twin, adult[0])
    assert model.named_steps["prep"].get_params().keys() == \
        classifier.named_steps["prep"].get_params().keys()
    assert is_regressor(model.named_steps["model"]) and is_regressor(model)


def test_linear_is_ridge(adult):
    assert isinstance(make_model("linear", adult[0], task="regression").named_steps["model"],
                      Ridge)


@pytest.mark.parametrize("name", NAMES)
def test_predictions_beat_the_mean(name, adult, fitted):
    _, _, X_test, y_test = adult
    pred = predictions(fitted[name], X_test)
    assert pred.dtype == np.float64 and pred.shape == (len(X_test),)
    np.testing.assert_allclose(pred, fitted[name].predict(X_test), rtol=1e-12)
    assert r2_score(y_test, pred) > 0.05


def test_classifier_names_are_refused_for_regression_with_a_hint(adult):
    with pytest.raises(ModelError, match=r"'logreg' is a classification model.*'linear'"):
        make_model("logreg", adult[0], task="regression")
    with pytest.raises(ModelError, match=r"'linear' is a regression model"):
        make_model("linear", adult[0])


def test_predictions_reorder_columns_and_name_missing_ones(adult, fitted):
    X_test = adult[2]
    shuffled = X_test[X_test.columns[::-1]].assign(extra=1)
    np.testing.assert_allclose(predictions(fitted["linear"], shuffled),
                               predictions(fitted["linear"], X_test))
    with pytest.raises(ModelError, match=r"columns 'age', 'sex'"):
        predictions(fitted["linear"], X_test.drop(columns=["age", "sex"]))


def test_predictions_refuse_classifiers_and_objects_without_predict():
    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]})
    clf = LogisticRegression().fit(X, [0, 1, 0, 1])
    with pytest.raises(ModelError, match=r"LogisticRegression\) is a classifier.*continuous"):
        predictions(clf, X)
    with pytest.raises(ModelError, match="no predict method"):
        predictions(object(), X)
    reg = LinearRegression().fit(X, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ModelError, match="not a fitted classifier"):
        positive_scores(reg, X)


def test_failures_and_bad_outputs_become_model_errors():
    X = pd.DataFrame({"x": [0.0, 1.0, 2.0]})
    reg = LinearRegression().fit(X, [1.0, 2.0, 3.0])
    with pytest.raises(ModelError, match="could not predict"):
        predictions(reg, pd.DataFrame({"x": ["a", "b", "c"]}))

    class Broken:
        def __init__(self, out):
            self.out = out

        def predict(self, X):
            return self.out

    with pytest.raises(ModelError, match="1 missing or infinite"):
        predictions(Broken(np.array([1.0, np.inf, 2.0])), X)
    with pytest.raises(ModelError, match="2 values per row"):
        predictions(Broken(np.ones((3, 2))), X)
    with pytest.raises(ModelError, match="2 predictions for 3 rows"):
        predictions(Broken(np.ones(2)), X)
    with pytest.raises(ModelError, match="not numbers"):
        predictions(Broken(np.array(["a", "b", "c"])), X)
    np.testing.assert_array_equal(predictions(Broken(np.ones((3, 1))), X), np.ones(3))


def test_ridge_pipeline_round_trips_through_skops(adult, fitted):
    model = load_model_bytes(save_model_bytes(fitted["linear"]), "ridge.skops")
    X_test = adult[2]
    np.testing.assert_array_equal(predictions(model, X_test), predictions(fitted["linear"],
                                                                          X_test))


def test_fit_builtin_and_score_dataset_follow_the_dataset_task():
    df = load_sample("adult").sample(3000, random_state=2).reset_index(drop=True)
    ds = build_dataset(df, ColumnRoles(TARGET, None, ("sex",), ("age", "education_num", "sex")))
    assert ds.task == "regression"
    model = fit_builtin(ds, "linear")
    assert isinstance(model.named_steps["model"], Ridge)
    pred = score_dataset(model, ds)
    np.testing.assert_allclose(pred, model.predict(ds.X))
    assert pred.max() > 1  # hours, not probabilities
    with pytest.raises(ModelError, match=r"'logreg' is a classification model"):
        fit_builtin(ds, "logreg")
