"""Input checks shared by the mitigation estimators (pre-, in- and post-processing).

One version of each: the [0, 1] strength check, the sensitive-features lookup (explicit values,
else a column of ``X``), group encoding at fit and at transform/predict time, the binary-target
check and the score check of the post-processors. Every message names the estimator, the
parameter or the value at fault.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_array

from fairdash.data._values import bad_values
from fairdash.exceptions import DataError, ModelError, RoleError
from fairdash.metrics import encode_groups


def check_unit(value, name: str) -> float:
    """Check that a parameter is a number in [0, 1].

    Parameters
    ----------
    value : object
        The parameter value (``strength``, ``repair_level``, ``lam``, ...).
    name : str
        The parameter name, used in the message.

    Returns
    -------
    float
        ``value`` as a float.

    Raises
    ------
    ValueError
        If ``value`` is a bool, not a real number, NaN or outside [0, 1].
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value <= 1.0:
        raise ValueError(f"The parameter {name} must be a number between 0 and 1; got {value!r}.")
    return float(value)


def resolve_sensitive(X, sensitive_features, sensitive_column, owner: str):
    """The group of every row: ``sensitive_features`` if given, else a column of ``X``.

    Parameters
    ----------
    X : array-like, sparse matrix or DataFrame of shape (n, d)
        The features; read only when ``sensitive_features`` is None.
    sensitive_features : array-like or None
        Groups passed explicitly; returned unchanged when not None.
    sensitive_column : int, str or None
        Column of ``X`` holding the groups: a label or a position for a DataFrame, a position
        (negative counts from the end) otherwise.
    owner : str
        Estimator name, used in the messages.

    Returns
    -------
    array-like
        ``sensitive_features``, or the column as a 1-D array.

    Raises
    ------
    RoleError
        If neither is given, the column is out of range, or it contains NaN.
    """
    if sensitive_features is not None:
        return sensitive_features
    if sensitive_column is None:
        raise RoleError(
            f"{owner} needs the group of every row: pass sensitive_features=... or name the "
            "column of X that holds the groups with sensitive_column=...")
    if isinstance(X, pd.DataFrame):
        if sensitive_column in X.columns:
            column = X[sensitive_column].to_numpy()
        else:
            column = X.iloc[:, sensitive_column].to_numpy()
    else:
        # the usual shape/emptiness errors of scikit-learn; values are checked by the model
        X = check_array(X, accept_sparse="csc", dtype=None, ensure_all_finite=False)
        if sensitive_column >= X.shape[1] or sensitive_column < -X.shape[1]:
            raise RoleError(f"sensitive_column={sensitive_column} is out of range for X with "
                            f"{X.shape[1]} columns.")
        column = X[:, [sensitive_column]].toarray().ravel() if sp.issparse(X) else \
            X[:, sensitive_column]
    if column.dtype.kind == "f" and np.isnan(column).any():
        raise RoleError(f"The sensitive column {sensitive_column!r} of X contains NaN; every "
                        "row needs a group.")
    return column


def _codes_of(sensitive_features, n_rows: int, owner: str, rows: str,
              error: type[Exception]) -> tuple[np.ndarray, pd.Index]:
    if sensitive_features is None:
        raise RoleError(f"{owner} needs the group of every row: pass sensitive_features=... "
                        "(one group value per row) both when fitting and when applying it.")
    codes, labels = encode_groups(sensitive_features)
    if len(codes) != n_rows:
        raise error(f"sensitive_features has {len(codes):,} values but {rows} has {n_rows:,} "
                    f"rows; {owner} needs one group per row.")
    return codes, labels


def encode_fit_groups(sensitive_features, n_rows: int, owner: str, *, rows: str = "X",
                      error: type[Exception] = RoleError,
                      need_two_groups: bool = False) -> tuple[np.ndarray, pd.Index]:
    """Group codes ``0..K-1`` and labels of the rows an estimator is fitted on.

    Parameters
    ----------
    sensitive_features : array-like of shape (n,) or (n, k)
        Group of every row; several columns form intersectional groups
        (see :func:`fairdash.metrics.encode_groups`).
    n_rows : int
        Number of rows of the data being fitted.
    owner : str
        Estimator name, used in the messages.
    rows : str, default "X"
        Name of the argument that holds the rows (``"X"`` or ``"scores"``), used in the message.
    error : exception class, default RoleError
        Raised on a length mismatch (the post-processors raise ``DataError``).
    need_two_groups : bool, default False
        Refuse data in which every row is in one group.

    Returns
    -------
    codes : ndarray of int64, shape (n,)
    labels : pandas.Index
        Sorted group labels; ``labels[codes[i]]`` is the group of row ``i``.

    Raises
    ------
    RoleError
        If ``sensitive_features`` is None, a value is missing, or there is only one group
        when ``need_two_groups``; ``error`` if its length is not ``n_rows``.
    """
    codes, labels = _codes_of(sensitive_features, n_rows, owner, rows, error)
    if need_two_groups and len(labels) < 2:
        raise RoleError(f"{owner} needs at least two groups, but every training row is in group "
                        f"'{labels[0]}'.")
    return codes, labels


def encode_known_groups(sensitive_features, known: pd.Index, n_rows: int, owner: str, *,
                        rows: str = "X", error: type[Exception] = RoleError) -> np.ndarray:
    """Codes of new rows in terms of the groups an estimator was fitted on.

    Parameters
    ----------
    sensitive_features : array-like of shape (n,) or (n, k)
        Group of every new row.
    known : pandas.Index
        Group labels seen in fit (``groups_``).
    n_rows : int
        Number of new rows.
    owner : str
        Estimator name, used in the messages.
    rows : str, default "X"
        Name of the argument that holds the rows, used in the message.
    error : exception class, default RoleError
        Raised on a length mismatch.

    Returns
    -------
    ndarray of int, shape (n,)
        Position in ``known`` of every row's group.

    Raises
    ------
    RoleError
        Naming the first group that did not occur in fit (and up to three more).
    """
    codes, labels = _codes_of(sensitive_features, n_rows, owner, rows, error)
    index = pd.Index(known).get_indexer(labels)
    if (index < 0).any():
        unseen = [str(lab) for lab, i in zip(labels, index) if i < 0]
        raise RoleError(f"Group '{unseen[0]}' did not occur in the data {owner} was fitted on, "
                        "so nothing was fitted for it; refit with rows of that group or drop "
                        "them" + (f" (also unseen: {', '.join(unseen[1:4])})."
                                  if len(unseen) > 1 else "."))
    return index[codes]


def check_binary_target(y, owner: str) -> tuple[np.ndarray, np.ndarray]:
    """Classes of a binary target and the indicator of its positive class.

    Parameters
    ----------
    y : array-like of shape (n,)
        Class labels (any two sortable values); the larger one is the positive class.
    owner : str
        Estimator name, used in the messages.

    Returns
    -------
    classes : ndarray of shape (2,)
        Sorted labels.
    y01 : ndarray of float, shape (n,)
        1.0 where ``y == classes[1]``, else 0.0.

    Raises
    ------
    ValueError
        From :func:`~sklearn.utils.multiclass.check_classification_targets` for a
        continuous or unknown target.
    ModelError
        If ``y`` has more than two classes, or only one.
    """
    check_classification_targets(y)
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type != "binary":
        raise ModelError(f"Only binary classification is supported. The type of the target is "
                         f"{y_type}: {owner} needs exactly two classes in y.")
    classes = np.unique(y)
    if len(classes) < 2:
        only = np.asarray(classes[0]).item()  # 1.0, not np.float64(1.0)
        raise ModelError(f"{owner} needs two classes in y, but there is only one class "
                         f"({only!r}).")
    return classes, (y == classes[1]).astype(float)


def check_scores(scores, name: str = "scores") -> np.ndarray:
    """Scores as a finite 1-D float array; ``(n, 1)`` is accepted and flattened.

    Parameters
    ----------
    scores : array-like of shape (n,) or (n, 1)
        One score per row.
    name : str, default "scores"
        What the values are, used in the messages.

    Returns
    -------
    ndarray of float64, shape (n,)
        The input itself when it already is a float64 array of that shape.

    Raises
    ------
    DataError
        If the shape is not (n,) or (n, 1), there are no rows, or a value is NaN or infinite.
    """
    arr = np.asarray(scores, dtype=np.float64) if not isinstance(scores, np.ndarray) \
        or scores.dtype != np.float64 else scores
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise DataError(f"The {name} must be one score per row (shape (n,) or (n, 1)); got an "
                        f"array of shape {arr.shape}. For predict_proba output pass column 1.")
    if arr.size == 0:
        raise DataError(f"The {name} are empty; at least one row is needed.")
    # the same check as a Dataset's score column (fairdash.data), without its magnitude bound
    found = bad_values(arr, bound=None)
    if found:
        raise DataError(f"The {name} contain {found}; score every row with a finite number "
                        "first.")
    return arr


def check_weights(sample_weight, n: int) -> np.ndarray:
    """Row weights as a float64 array of ``n`` finite non-negative numbers, not all 0."""
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim != 1 or len(w) != n:
        raise DataError(f"sample_weight must be one number per row ({n} rows); got shape "
                        f"{w.shape}.")
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise DataError("sample_weight must be finite and non-negative; found "
                        f"{w[~(np.isfinite(w) & (w >= 0))][0]}.")
    if not w.sum() > 0:
        raise DataError("sample_weight is 0 for every row; at least one row must count.")
    return w


def check_binary_labels(y, n: int) -> np.ndarray:
    """Labels as an int8 array of 0/1 of length ``n``."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or len(arr) != n:
        raise DataError(f"The labels must be one value per row ({n} rows); got shape "
                        f"{arr.shape}.")
    if arr.dtype == bool:
        return arr.astype(np.int8)
    try:
        values = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise DataError("The labels must be 0 and 1 (1 = the positive outcome); encode the "
                        "target first.") from None
    ok = (values == 0) | (values == 1)
    if not ok.all():
        odd = np.unique(arr[~ok])[:3]
        raise DataError("The labels must be 0 and 1 (1 = the positive outcome); found "
                        f"{', '.join(map(str, odd))}.")
    return values.astype(np.int8)
