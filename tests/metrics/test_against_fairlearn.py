"""Property tests: on random data our numbers equal fairlearn's (ALGORITHMS.md 9.7 check 1).

Every group is given rows of all four (y, y_pred) combinations, so every per-group rate is
defined and fairlearn's "0 for an undefined rate" convention never comes into play.
"""

import warnings

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, precision_score

from fairdash.metrics import (accuracy_score_difference, audit, demographic_parity_difference,
                              demographic_parity_ratio, equal_opportunity_difference,
                              equal_opportunity_ratio, equalized_odds_difference,
                              equalized_odds_ratio)

TOL = 1e-9
SETTINGS = settings(max_examples=60, deadline=None)
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
                min_size=1, max_size=6)
COMBOS = [(0, 0), (0, 1), (1, 0), (1, 1)]


@st.composite
def classification_data(draw, min_groups=2, max_groups=6):
    """y, y_pred, string group labels per row, optional positive weights; 10-300 rows."""
    k = draw(st.integers(min_groups, max_groups))
    labels = draw(st.lists(NAMES, min_size=k, max_size=k, unique=True))
    n_fixed = 4 * k
    n_free = draw(st.integers(max(0, 10 - n_fixed), 300 - n_fixed))
    free_y = draw(st.lists(st.integers(0, 1), min_size=n_free, max_size=n_free))
    free_p = draw(st.lists(st.integers(0, 1), min_size=n_free, max_size=n_free))
    free_g = draw(st.lists(st.integers(0, k - 1), min_size=n_free, max_size=n_free))
    y = np.array([c[0] for _ in range(k) for c in COMBOS] + free_y, dtype=int)
    p = np.array([c[1] for _ in range(k) for c in COMBOS] + free_p, dtype=int)
    g = np.array([i for i in range(k) for _ in COMBOS] + free_g, dtype=int)
    order = draw(st.permutations(range(len(y))))
    order = np.asarray(order, dtype=int)
    y, p, g = y[order], p[order], g[order]
    groups = np.array(labels, dtype=object)[g]
    weights = None
    if draw(st.booleans()):
        weights = np.array(draw(st.lists(
            st.floats(0.05, 20.0, allow_nan=False, allow_infinity=False),
            min_size=len(y), max_size=len(y))))
    return y, p, groups, weights


def _close(ours, theirs):
    if np.isnan(theirs):
        return np.isnan(ours)
    return abs(ours - theirs) <= TOL


PAIRS = [
    (demographic_parity_difference, flm.demographic_parity_difference, {}),
    (demographic_parity_ratio, flm.demographic_parity_ratio, {}),
    (equal_opportunity_difference, flm.equal_opportunity_difference, {}),
    (equal_opportunity_ratio, flm.equal_opportunity_ratio, {}),
    (equalized_odds_difference, flm.equalized_odds_difference, {"agg": "worst_case"}),
    (equalized_odds_difference, flm.equalized_odds_difference, {"agg": "mean"}),
    (equalized_odds_ratio, flm.equalized_odds_ratio, {"agg": "worst_case"}),
    (equalized_odds_ratio, flm.equalized_odds_ratio, {"agg": "mean"}),
    (accuracy_score_difference, flm.accuracy_score_difference, {}),
]


def _check_all_pairs(y, p, sensitive, w):
    for ours_fn, theirs_fn, extra in PAIRS:
        for method in ("between_groups", "to_overall"):
            kw = dict(sensitive_features=sensitive, method=method, sample_weight=w, **extra)
            ours = ours_fn(y, p, **kw)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = theirs_fn(y, p, **kw)
            assert _close(ours, theirs), (ours_fn.__name__, extra, method, ours, theirs)


@SETTINGS
@given(classification_data())
def test_named_metrics_equal_fairlearn(data):
    y, p, groups, w = data
    _check_all_pairs(y, p, groups, w)


@SETTINGS
@given(classification_data(max_groups=3), st.lists(NAMES, min_size=2, max_size=3, unique=True),
       st.randoms(use_true_random=False))
def test_intersectional_named_metrics_equal_fairlearn(data, second_values, random):
    y, p, groups, w = data
    second = np.array([random.choice(second_values) for _ in range(len(y))], dtype=object)
    frame = pd.DataFrame({"first": groups, "second": second})
    # every intersectional cell needs all four (y, y_pred) combinations for the rates to agree
    counts = pd.crosstab([frame["first"], frame["second"]], 2 * y + p)
    if counts.shape[1] < 4 or (counts.to_numpy() == 0).any():
        # make every present cell complete by appending one row per combination
        cells = frame.drop_duplicates().to_numpy()
        extra = pd.DataFrame(np.repeat(cells, 4, axis=0), columns=["first", "second"])
        frame = pd.concat([frame, extra], ignore_index=True)
        y = np.concatenate([y, np.tile([c[0] for c in COMBOS], len(cells))])
        p = np.concatenate([p, np.tile([c[1] for c in COMBOS], len(cells))])
        if w is not None:
            w = np.concatenate([w, np.ones(4 * len(cells))])
    _check_all_pairs(y, p, frame, w)


def _metric_frame(y, p, sensitive, w):
    metrics = {"selection_rate": flm.selection_rate, "tpr": flm.true_positive_rate,
               "fpr": flm.false_positive_rate, "accuracy": accuracy_score,
               "ppv": precision_score}
    params = None if w is None else {m: {"sample_weight": w} for m in metrics}
    return flm.MetricFrame(metrics=metrics, y_true=y, y_pred=p, sensitive_features=sensitive,
                           sample_params=params)


@SETTINGS
@given(classification_data())
def test_per_group_rates_equal_metricframe(data):
    y, p, groups, w = data
    result = audit(y, p, sensitive_features=groups, sample_weight=w, min_group_size=0,
                   n_resamples=5)
    ours = result.groups
    mf = _metric_frame(y, p, groups, w)
    theirs = mf.by_group
    theirs.index = theirs.index.astype(str)
    assert sorted(theirs.index) == sorted(ours.index)
    for col in theirs.columns:
        np.testing.assert_allclose(ours.loc[theirs.index, col].to_numpy(dtype=float),
                                   theirs[col].to_numpy(dtype=float), rtol=0, atol=TOL,
                                   err_msg=col)
        assert abs(result.overall[col] - mf.overall[col]) <= TOL, col
    # n is the number of rows in the group, weighted or not
    sizes = pd.Series(groups).value_counts()
    assert (ours.loc[sizes.index, "n"].to_numpy() == sizes.to_numpy()).all()


@SETTINGS
@given(classification_data(max_groups=3), st.lists(NAMES, min_size=2, max_size=2, unique=True))
def test_intersectional_per_group_rates_equal_metricframe(data, second_values):
    y, p, groups, w = data
    n = len(y)
    second = np.array([second_values[i % 2] for i in range(n)], dtype=object)
    frame = pd.DataFrame({"first": groups, "second": second})
    ours = audit(y, p, sensitive_features=frame, sample_weight=w, min_group_size=0,
                 n_resamples=5).groups
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a cell may lack positives: then both sides differ
        theirs = _metric_frame(y, p, frame, w).by_group
    theirs.index = [" & ".join(map(str, t)) for t in theirs.index]
    assert sorted(theirs.index) == sorted(ours.index)
    # compare the rates whose denominator is the cell size (defined in every non-empty cell)
    for col in ("selection_rate", "accuracy"):
        np.testing.assert_allclose(ours.loc[theirs.index, col].to_numpy(dtype=float),
                                   theirs[col].to_numpy(dtype=float), rtol=0, atol=TOL)
    # where a cell has positives / negatives / predicted positives, the rest agree too
    for col, need in (("tpr", "positives"), ("fpr", "negatives"), ("ppv", "predicted_positives")):
        has = ours.loc[theirs.index, need].to_numpy() > 0
        np.testing.assert_allclose(ours.loc[theirs.index, col].to_numpy(dtype=float)[has],
                                   theirs[col].to_numpy(dtype=float)[has], rtol=0, atol=TOL)
        assert np.isnan(ours.loc[theirs.index, col].to_numpy(dtype=float)[~has]).all()


def test_undefined_rate_differs_from_fairlearn_on_purpose():
    """fairlearn gives TPR 0 to a group without positives, which invents a gap; we say NaN."""
    y = np.array([0, 0, 1, 1])
    p = np.array([0, 1, 1, 1])
    s = np.array(["a", "a", "b", "b"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = flm.equal_opportunity_difference(y, p, sensitive_features=s)
    assert theirs == pytest.approx(1.0)  # TPR b = 1 minus the invented TPR a = 0
    assert np.isnan(equal_opportunity_difference(y, p, sensitive_features=s))
    # the FPR part is defined in a only, so equalized odds is undefined too
    assert np.isnan(equalized_odds_difference(y, p, sensitive_features=s))
