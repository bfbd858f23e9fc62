"""Fit a built-in model on a Dataset's training rows and score every row."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from fairdash.exceptions import ModelError
from fairdash.models._builtin import make_model, positive_scores, predictions


def fit_builtin(dataset, name: str, *, random_state: int = 0):
    """Fit built-in model ``name`` on the training split of ``dataset``.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    name : str
        A classifier of :data:`BUILTIN_MODELS` for a classification dataset, a regressor of
        :data:`BUILTIN_REGRESSORS` for a regression one (``dataset.task``).
    random_state : int, default 0

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fitted; treat it as read-only (it may be shared through a cache).
    """
    if not dataset.roles.features:
        raise ModelError("Choose feature columns on the Data page to train a model.")
    train = dataset.rows("train")
    X = dataset.X[train]
    model = make_model(name, X, task=dataset.task, random_state=random_state)
    # One OpenMP/BLAS thread: on a 2-core machine shared with the server, the browser and other
    # sessions, gradient boosting with its default threads was seen 10x slower (17.7 s against
    # 1.5 s on Adult under load); the forest still uses joblib's workers.
    with threadpool_limits(limits=1):
        return model.fit(X, dataset.y[train])


def score_dataset(model, dataset) -> np.ndarray:
    """Positive-class scores (classification) or predictions (regression) of ``model`` for
    every row of ``dataset`` (all splits)."""
    if dataset.task == "regression":
        return predictions(model, dataset.X)
    return positive_scores(model, dataset.X)
