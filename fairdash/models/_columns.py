"""Which columns of a table a fitted model is given, and what to say when it cannot tell."""

from __future__ import annotations

import pandas as pd

from fairdash.exceptions import ModelError

__all__ = ["model_columns", "unnamed_features_message"]

_SHOWN = 4


def quote_list(names) -> str:
    """``'a', 'b', 'c'``: names quoted and comma-separated, for messages."""
    names = list(names)
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN + 1 else ""
    return ", ".join(f"'{n}'" for n in (names[:_SHOWN] if more else names)) + more


def model_columns(model, X):
    """``X`` reduced to the columns the model was fitted on, in its order (if it records them).

    Parameters
    ----------
    model : fitted estimator
    X : pandas.DataFrame or array-like

    Returns
    -------
    pandas.DataFrame or array-like
        ``X[model.feature_names_in_]`` when the model records names and ``X`` is a DataFrame;
        ``X`` unchanged otherwise.

    Raises
    ------
    ModelError
        If the model records a column name that ``X`` lacks.
    """
    names = getattr(model, "feature_names_in_", None)
    if names is not None and isinstance(X, pd.DataFrame):
        expected = [str(n) for n in names]
        present = set(X.columns)
        missing = [n for n in expected if n not in present]
        if missing:
            s = "s" if len(missing) > 1 else ""
            raise ModelError(f"The model expects column{s} {quote_list(missing)} that the data "
                             "does not have.")
        X = X[expected]
    return X


def unnamed_features_message(model, X) -> str | None:
    """Why a model fitted without column names could not score ``X``, in one sentence.

    Parameters
    ----------
    model : fitted estimator
        One that failed to score ``X``.
    X : pandas.DataFrame or array-like
        The feature columns it was given.

    Returns
    -------
    str or None
        None unless the model records no ``feature_names_in_`` but does record
        ``n_features_in_``, ``X`` is a DataFrame, and the columns cannot be the model's: their
        number differs from ``n_features_in_``, or some hold text.

    Notes
    -----
    A model fitted on a plain array (``model.fit(df.to_numpy(), y)``) receives columns by
    position, so FairDash cannot choose them by name. When exactly ``n_features_in_`` numeric
    feature columns sit among text ones, they may well be the model's features, but nothing
    says so or in which order, so FairDash does not guess.
    """
    n = getattr(model, "n_features_in_", None)
    if (getattr(model, "feature_names_in_", None) is not None or n is None
            or not isinstance(X, pd.DataFrame)):
        return None
    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c].dtype)
               and not pd.api.types.is_bool_dtype(X[c].dtype)]
    text = [c for c in X.columns if c not in set(numeric)]
    if n == X.shape[1] and not text:
        return None
    fix = ("fit the model on a pandas DataFrame holding the feature columns and save it again, "
           "so FairDash can give it its columns by name")
    if text and n == len(numeric):
        return (f"The model was fitted without column names (on a plain array) and expects "
                f"{n:,} feature{'s' if n > 1 else ''}, as many as the data's numeric feature "
                f"columns ({quote_list(numeric)}), but FairDash cannot tell whether those are "
                f"its features in its order, and the text columns ({quote_list(text)}) cannot "
                f"be given to it as numbers; {fix}.")
    width = X.shape[1]
    if n == width:
        why = (f"and the data's {width:,} feature columns include text ({quote_list(text)}) that "
               "it could not take as numbers")
    else:
        holds = f", {len(text):,} of them text ({quote_list(text)})" if text else ""
        why = f"but the data has {width:,} feature column{'s' if width > 1 else ''}{holds}"
    return (f"The model was fitted without column names (on a plain array) and expects "
            f"{n:,} feature{'s' if n > 1 else ''}, {why}; {fix}.")
