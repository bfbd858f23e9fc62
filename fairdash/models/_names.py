"""The built-in models' names and labels, without scikit-learn: the menus, the sidebar and the
link's checks read them before any model is trained (issue 16: a cold start does not import
scikit-learn for them)."""

from __future__ import annotations

from fairdash.exceptions import ModelError

BUILTIN_MODELS: dict[str, str] = {
    "logreg": "Logistic regression",
    "hgb": "Histogram gradient boosting",
    "rf": "Random forest",
}
"""Name -> human label of every built-in classifier, in the order the UI offers them."""

BUILTIN_REGRESSORS: dict[str, str] = {
    "linear": "Ridge regression",
    "hgb": "Histogram gradient boosting",
    "rf": "Random forest",
}
"""Name -> human label of every built-in regressor (for continuous targets), in UI order."""

_TASK_MODELS = {"classification": BUILTIN_MODELS, "regression": BUILTIN_REGRESSORS}


def builtin_models(task: str = "classification") -> dict[str, str]:
    """Name -> human label of the built-in models of ``task``; the first is the default.

    Parameters
    ----------
    task : {"classification", "regression"}

    Raises
    ------
    ModelError
        For another task.
    """
    try:
        return _TASK_MODELS[task]
    except KeyError:
        raise ModelError(f"There are no built-in models for the task '{task}'; choose "
                         "'classification' or 'regression'.") from None


def default_learner(task: str = "classification") -> str:
    """The built-in learner used when none is chosen: a new choice of roles starts with it, and
    methods that retrain (``Method.retrains``) train it for an uploaded model or given scores.

    Parameters
    ----------
    task : {"classification", "regression"}

    Returns
    -------
    str
        ``"logreg"`` (logistic regression) for classification, ``"linear"`` (ridge
        regression) for regression: the first of :func:`builtin_models`.

    Raises
    ------
    ModelError
        For another task.
    """
    return next(iter(builtin_models(task)))
