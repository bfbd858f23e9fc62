"""Built-in model pipelines and the one way FairDash turns a model into scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from fairdash.exceptions import ModelError
from fairdash.models._columns import model_columns, unnamed_features_message
from fairdash.models._names import (
    _TASK_MODELS,
    BUILTIN_MODELS,
    BUILTIN_REGRESSORS,
    builtin_models,
    default_learner,
)

__all__ = ["BUILTIN_MODELS", "BUILTIN_REGRESSORS", "builtin_models", "default_learner",
           "make_model", "positive_scores", "predictions"]

# A category seen fewer times than this in training is pooled into one "infrequent" column:
# rare levels would otherwise become near-empty one-hot columns that overfit, and an ID-like
# column would explode the width of the design matrix.
_MIN_FREQUENCY = 10

# HistGradientBoostingClassifier bins each categorical feature into at most max_bins (255)
# categories and refuses more; pooling the rarest levels keeps any column usable.
_HGB_MAX_CATEGORIES = 255

# Probabilities from a well-behaved classifier can overshoot [0, 1] by a rounding error.
_PROBA_TOLERANCE = 1e-9


def _split_columns(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Numeric and categorical feature names of ``X``, in the frame's order."""
    if not isinstance(X, pd.DataFrame):
        raise ModelError("A built-in model needs the features as a pandas DataFrame.")
    if X.shape[1] == 0:
        raise ModelError("Choose at least one feature column to train a model.")
    odd = [c for c in X.columns if not isinstance(c, str)]
    if odd:
        # ColumnTransformer reads integer names as positions, which would silently pick the
        # wrong columns, and scikit-learn only records feature names when all are text.
        raise ModelError(f"Feature column names must be text; got {', '.join(map(repr, odd))}.")
    numeric, categorical = [], []
    for name in X.columns:
        dtype = X[name].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
            raise ModelError(f"Column '{name}' holds dates or durations; convert it to numbers "
                             "or text before using it as a feature.")
        if isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA:
            # scikit-learn's encoders reject pd.NA mixed with text, and no trusted (skops-safe)
            # transformer can convert it inside the pipeline, so ask for the NaN-based dtype.
            raise ModelError(f"Column '{name}' uses pandas' nullable 'string' dtype; convert it "
                             f"with df.astype({{'{name}': 'str'}}) before training.")
        # Booleans go with the categories: one-hot/ordinal encoding handles True/False/missing
        # uniformly, whereas median imputation and scaling are meaningless for them.
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            numeric.append(name)
        else:
            categorical.append(name)
    return numeric, categorical


def _one_hot() -> OneHotEncoder:
    # Missing values are left to the encoder, which gives them their own column: the same effect
    # as imputing a "missing" constant, but it also works for bool and number-valued categories,
    # where a text fill value would clash with the column's type. An unseen level goes to the
    # "infrequent" column when there is one (it is rare by definition), else to all zeros.
    return OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=_MIN_FREQUENCY)


def _numeric_imputer() -> SimpleImputer:
    return SimpleImputer(strategy="median")


def make_model(name: str, X: pd.DataFrame, *, task: str = "classification",
               random_state: int = 0) -> Pipeline:
    """A fresh, unfitted built-in model pipeline for the columns of ``X``.

    Parameters
    ----------
    name : {"logreg", "hgb", "rf"} or, for regression, {"linear", "hgb", "rf"}
        Which model; see :data:`BUILTIN_MODELS` and :data:`BUILTIN_REGRESSORS`.
    X : pandas.DataFrame
        The features the model will be fitted on. Only the column names and dtypes are read:
        numeric (not bool) columns are treated as numbers; text (``str``/``object``),
        ``category`` and bool columns as categories. Both may contain missing values.
    task : {"classification", "regression"}, default "classification"
        Classifiers for yes/no targets, regressors for continuous ones.
    random_state : int, default 0
        Seed of the models that use randomness (``hgb`` and ``rf``).

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``"prep"`` (a :class:`~sklearn.compose.ColumnTransformer`) and ``"model"``.
        It contains scikit-learn types only, so it can be saved and loaded with skops.

    Raises
    ------
    ModelError
        If ``name`` is not a built-in model of ``task``, ``X`` has no columns, a column name is
        not text, or a column holds dates, durations or pandas' nullable ``string`` dtype.

    Notes
    -----
    - ``logreg``: numbers are median-imputed and standardised; categories are one-hot encoded
      (missing as its own level, levels seen fewer than 10 times pooled) into
      ``LogisticRegression(max_iter=1000)``.
    - ``hgb``: categories are ordinal-encoded (missing and unseen levels become NaN, at most 255
      levels, the rarest pooled) and declared categorical to
      ``HistGradientBoostingClassifier``, which also handles NaN in numbers natively.
    - ``rf``: numbers median-imputed, categories one-hot encoded as for ``logreg``, into
      ``RandomForestClassifier(n_estimators=100, min_samples_leaf=5, n_jobs=-1)``.

    Regressors use the same preprocessing: ``linear`` as ``logreg`` into
    ``Ridge(alpha=1.0, tol=1e-10)`` (a tight tolerance, so predictions are reproducible),
    ``hgb`` into ``HistGradientBoostingRegressor`` and ``rf`` into
    ``RandomForestRegressor(n_estimators=100, min_samples_leaf=5, n_jobs=-1)``.
    """
    models = builtin_models(task)
    if name not in models:
        valid = ", ".join(f"'{n}'" for n in models)
        other = "regression" if task == "classification" else "classification"
        hint = (f" ('{name}' is a {other} model, and this target calls for {task})"
                if name in _TASK_MODELS[other] else "")
        raise ModelError(f"There is no built-in {task} model called '{name}'{hint}; choose "
                         f"one of {valid}.")
    numeric, categorical = _split_columns(X)
    regression = task == "regression"

    if name in ("logreg", "linear"):
        prep = ColumnTransformer([
            ("num", Pipeline([("impute", _numeric_imputer()), ("scale", StandardScaler())]),
             numeric),
            ("cat", _one_hot(), categorical),
        ])
        # The one-hot columns are sparse, so Ridge solves by conjugate gradients; at its default
        # tolerance (1e-4) Adult's predictions moved by up to 0.003 hours between BLAS thread
        # counts, enough to change the audit's third digit between runs. 1e-10 makes them
        # reproducible (1e-8) at the same fitting time.
        model = Ridge(alpha=1.0, tol=1e-10) if regression else LogisticRegression(max_iter=1000)
    elif name == "hgb":
        prep = ColumnTransformer(
            [
                ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                       encoded_missing_value=np.nan,
                                       max_categories=_HGB_MAX_CATEGORIES), categorical),
                ("num", "passthrough", numeric),
            ],
            # HGB wants dense input, and the mask below relies on this exact column order.
            sparse_threshold=0.0,
        # Pandas output keeps passed-through nullable numbers (Int64 with pd.NA) as they are;
        # HGB then reads pd.NA as NaN, where stacking them into one numpy array would fail.
        ).set_output(transform="pandas")
        mask = np.array([True] * len(categorical) + [False] * len(numeric))
        boosting = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
        model = boosting(categorical_features=mask, random_state=random_state)
    else:
        prep = ColumnTransformer([
            ("num", _numeric_imputer(), numeric),
            ("cat", _one_hot(), categorical),
        ])
        forest = RandomForestRegressor if regression else RandomForestClassifier
        model = forest(n_estimators=100, min_samples_leaf=5, n_jobs=-1,
                       random_state=random_state)
    return Pipeline([("prep", prep), ("model", model)])


def predictions(model, X) -> np.ndarray:
    """Predictions of a fitted regressor for every row of ``X``.

    Parameters
    ----------
    model : fitted regressor
        If it records ``feature_names_in_``, ``X`` must contain those columns; they are
        selected and put in the model's order, and extra columns are ignored.
    X : pandas.DataFrame or array-like

    Returns
    -------
    numpy.ndarray
        1-D float64 array of length ``len(X)``: ``model.predict(X)``.

    Raises
    ------
    ModelError
        If ``X`` lacks columns the model expects, the model is a classifier or has no
        ``predict``, it fails while predicting, or it returns one value per row not exactly
        once, non-numeric, missing or infinite predictions.
    """
    kind = type(model).__name__
    if hasattr(model, "classes_") or (hasattr(model, "predict_proba")
                                      and not hasattr(model, "predict")):
        raise ModelError(f"The model ({kind}) is a classifier: it predicts classes, but the "
                         "target is continuous, so FairDash needs a regressor (a model whose "
                         "predict returns numbers on the target's scale).")
    if not hasattr(model, "predict"):
        raise ModelError(f"The model ({kind}) has no predict method, so it cannot make "
                         "predictions.")
    X = model_columns(model, X)
    try:
        values = np.asarray(model.predict(X))
    except Exception as exc:  # any failure inside a user's model is a message, not a crash
        unnamed = unnamed_features_message(model, X)
        if unnamed:
            raise ModelError(unnamed) from exc
        raise ModelError(f"The model could not predict ({type(exc).__name__}: {exc}). Check "
                         "that the columns have the same meaning and types as the data it was "
                         "trained on.") from exc
    if values.ndim > 1 and values.shape[1:] != (1,) * (values.ndim - 1):
        raise ModelError(f"The model returned {values.shape[1]} values per row; FairDash audits "
                         "models that predict one number per row.")
    try:
        values = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ModelError(f"The model returned predictions that are not numbers (such as "
                         f"{values.reshape(-1)[0]!r}).") from None
    if len(values) != len(X):
        raise ModelError(f"The model returned {len(values):,} predictions for {len(X):,} rows.")
    if not np.isfinite(values).all():
        bad = int((~np.isfinite(values)).sum())
        raise ModelError(f"The model returned {bad:,} missing or infinite predictions.")
    return values


def positive_scores(model, X) -> np.ndarray:
    """Score of the positive class (label 1) for every row of ``X``.

    Parameters
    ----------
    model : fitted classifier
        Trained on labels 0/1 (FairDash encodes the target as 1 = positive label, 0 = any other
        value). If it records ``feature_names_in_``, ``X`` must contain those columns; they are
        selected and put in the model's order, and extra columns are ignored.
    X : pandas.DataFrame or array-like
        The rows to score.

    Returns
    -------
    numpy.ndarray
        1-D float64 array of length ``len(X)`` with values in [0, 1].

    Raises
    ------
    ModelError
        If ``X`` lacks columns the model expects, the model's classes are not 0 and 1, the model
        is not a fitted classifier, the model fails while scoring, or it returns non-finite
        scores or probabilities outside [0, 1].

    Notes
    -----
    The score is ``predict_proba(X)[:, k]`` where ``classes_[k] == 1``. A model without
    ``predict_proba`` (for example ``SVC(probability=False)``) is scored with its decision
    function ``d`` squashed by the logistic function, ``1 / (1 + exp(-d))``: this keeps the
    ranking (so AUC and threshold sweeps are unaffected) but is not a calibrated probability.
    """
    X = model_columns(model, X)

    try:
        classes = list(np.asarray(model.classes_).tolist())
    except AttributeError:
        raise ModelError(f"The model ({type(model).__name__}) is not a fitted classifier: it has "
                         "no classes_, so it cannot give scores for label 1.") from None
    # Bools compare equal to 0/1, which is fine: True is the positive class.
    if len(classes) != 2 or set(classes) != {0, 1}:
        raise ModelError(f"The model was trained on the labels {classes}, but FairDash needs "
                         "a model trained on labels 0 and 1: the app encodes the target as "
                         "1 = positive label and 0 = every other value. Retrain the model on "
                         "that encoding.")
    pos = classes.index(1)

    try:
        if hasattr(model, "predict_proba"):
            scores = np.asarray(model.predict_proba(X), dtype=np.float64)[:, pos]
        elif hasattr(model, "decision_function"):
            d = np.asarray(model.decision_function(X), dtype=np.float64).reshape(-1)
            # In binary problems the decision function is positive towards classes_[1].
            scores = expit(d if pos == 1 else -d)
        else:
            raise ModelError(f"The model ({type(model).__name__}) has neither predict_proba nor "
                             "decision_function, so it cannot give scores.")
    except ModelError:
        raise
    except Exception as exc:  # any failure inside a user's model is a message, not a crash
        unnamed = unnamed_features_message(model, X)
        if unnamed:
            raise ModelError(unnamed) from exc
        raise ModelError(f"The model could not score the data ({type(exc).__name__}: {exc}). "
                         "Check that the columns have the same meaning and types as the data "
                         "it was trained on.") from exc

    scores = np.ascontiguousarray(scores, dtype=np.float64).reshape(-1)
    if not np.isfinite(scores).all():
        bad = int((~np.isfinite(scores)).sum())
        raise ModelError(f"The model returned {bad:,} missing or infinite scores.")
    if scores.size and (scores.min() < -_PROBA_TOLERANCE or scores.max() > 1 + _PROBA_TOLERANCE):
        raise ModelError(f"The model returned probabilities outside [0, 1] (from "
                         f"{scores.min():.4g} to {scores.max():.4g}).")
    return np.clip(scores, 0.0, 1.0)
