"""Barycenter repair for several sensitive attributes, one after another (docs/methods.md §2.7)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from fairdash.exceptions import DataError, RoleError
from fairdash.metrics import encode_groups
from fairdash.mitigation._inputs import check_scores, check_unit, encode_known_groups
from fairdash.mitigation.postprocessing._barycenter import (
    MIN_GROUP_WARN,
    _check_t,
    _clip,
    _default_sigma,
    _QuantileMaps,
)


class SequentialBarycenter(TransformerMixin, BaseEstimator):
    """Barycenter repair for several sensitive attributes, one attribute after another.

    Step i repairs attribute i inside each stratum of the attributes not yet repaired
    (i+1..r); the last step repairs attribute r on all rows. With every t_i = 0 the result is
    the barycenter over the intersectional groups; each step has its own share kept ``t_i``.

    Parameters
    ----------
    strength : float in [0, 1], default 1.0
        Every ``t_i = 1 - strength``.
    t : list of float, optional
        One share kept per attribute, in column order; overrides ``strength``.
    sigma, clip, random_state
        As in :class:`BarycenterPostprocessor`; ``sigma`` defaults to ``1e-5 * (max - min)`` of
        the calibration scores and is used at every step.

    Attributes
    ----------
    columns_ : list of str
        Sensitive columns in processing order.
    t_ : list of float
    sigma_ : float
    steps_ : list of pandas.Index
        Groups (intersections of attributes i..r) of each step.
    out_of_range_ : float
        Share of the last transform's inputs outside their group's calibration range at step 1.
    warnings_ : list of str

    Notes
    -----
    docs/methods.md §2.7 (Hu, Ratz & Charpentier, AAAI 2024; EquiPy ``MultiWasserstein``). Unlike
    EquiPy, which fits every later step on calibration scores repaired with t = 0 whatever t is
    used later, the calibration scores are carried through each step with the same ``t_i`` that
    transform uses, so each step's maps are fitted on the distribution they will receive.
    Refit to change ``t`` (fitting is one sort per step).
    """

    def __init__(self, strength=1.0, t=None, sigma=None, clip=None, random_state=None):
        self.strength = strength
        self.t = t
        self.sigma = sigma
        self.clip = clip
        self.random_state = random_state

    def fit(self, scores, y=None, *, sensitive_features):
        """Fit the maps of every step on calibration scores.

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
        y : ignored
        sensitive_features : DataFrame or 2-D array of shape (n, r)

        Returns
        -------
        self
        """
        strength = check_unit(self.strength, "strength")
        scores = check_scores(scores)
        frame = _as_frame(sensitive_features, len(scores))
        r = frame.shape[1]
        if self.t is None:
            self.t_ = [1.0 - strength] * r
        else:
            ts = list(np.atleast_1d(self.t))
            if len(ts) != r:
                raise ValueError(f"t needs one value per sensitive column ({r}); got {len(ts)}.")
            self.t_ = [_check_t(v, "every t") for v in ts]
        self.columns_ = [str(c) for c in frame.columns]
        self.sigma_ = _default_sigma(self.sigma, scores)
        rng = check_random_state(self.random_state)
        current = scores
        self._steps = []
        self.steps_ = []
        small = []
        for i in range(r):
            codes, labels = encode_groups(frame.iloc[:, i:])
            strata = np.zeros(len(labels), dtype=np.int64)
            if i < r - 1:
                scodes, _ = encode_groups(frame.iloc[:, i + 1:])
                strata[codes] = scodes
            maps = _QuantileMaps(current, codes, len(labels), strata, self.sigma_, False, rng,
                                 labels)
            small += maps.small
            current, _ = maps.apply(current, codes, rng, self.sigma_, self.t_[i])
            self._steps.append(maps)
            self.steps_.append(labels)
        self._seed = int(rng.randint(2**31 - 1))
        self.warnings_ = [f"Group '{g}' has fewer than {MIN_GROUP_WARN} calibration rows; its "
                          "quantiles are noisy." for g in dict.fromkeys(small)]
        for msg in self.warnings_:
            warnings.warn(msg, UserWarning, stacklevel=2)
        self.out_of_range_ = float("nan")
        return self

    def transform_steps(self, scores, *, sensitive_features):
        """Scores after each step (list of r arrays; the last is :meth:`transform`'s output)."""
        check_is_fitted(self, "t_")
        scores = check_scores(scores)
        frame = _as_frame(sensitive_features, len(scores))
        if frame.shape[1] != len(self.columns_):
            raise RoleError(f"Pass the {len(self.columns_)} sensitive columns used in fit "
                            f"({', '.join(self.columns_)}); got {frame.shape[1]}.")
        rng = np.random.default_rng(self._seed)
        current, out = scores, []
        for i, (maps, labels) in enumerate(zip(self._steps, self.steps_)):
            codes = encode_known_groups(frame.iloc[:, i:], labels, len(scores),
                                        type(self).__name__, rows="scores", error=DataError)
            current, outside = maps.apply(current, codes, rng, self.sigma_, self.t_[i])
            if i == 0:
                self.out_of_range_ = outside
            out.append(_clip(current.copy(), self.clip) if i == len(self._steps) - 1
                       else current)
        return out

    def transform(self, scores, *, sensitive_features):
        """Repaired scores after the last step.

        Parameters
        ----------
        scores : array-like of shape (n,) or (n, 1)
        sensitive_features : DataFrame or 2-D array of shape (n, r)

        Returns
        -------
        ndarray of shape (n,)
        """
        return self.transform_steps(scores, sensitive_features=sensitive_features)[-1]

    def fit_transform(self, scores, y=None, *, sensitive_features):
        """``fit`` then ``transform`` on the same rows."""
        return self.fit(scores, y, sensitive_features=sensitive_features).transform(
            scores, sensitive_features=sensitive_features)


def _as_frame(sensitive_features, n):
    if sensitive_features is None:
        raise RoleError("Pass sensitive_features: a DataFrame with one column per sensitive "
                        "attribute.")
    if isinstance(sensitive_features, pd.DataFrame):
        frame = sensitive_features.reset_index(drop=True)
    elif isinstance(sensitive_features, pd.Series):
        frame = sensitive_features.reset_index(drop=True).to_frame()
    else:
        arr = np.asarray(sensitive_features)
        if arr.ndim == 1:
            arr = arr[:, None]
        if arr.ndim != 2:
            raise RoleError("sensitive_features must be a DataFrame or a 2-D array with one "
                            "column per sensitive attribute.")
        frame = pd.DataFrame({f"s{i}": arr[:, i] for i in range(arr.shape[1])})
    if frame.shape[1] == 0:
        raise RoleError("Pass sensitive_features with at least one column.")
    if len(frame) != n:
        raise RoleError(f"sensitive_features has {len(frame)} rows but the scores have {n}.")
    return frame
