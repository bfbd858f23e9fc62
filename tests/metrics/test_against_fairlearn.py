"""Property tests: on random data our numbers equal fairlearn's (docs/methods.md §9.7 check 1).

Every group gets rows of all four (y, y_pred) combinations, so every per-group rate is defined
and fairlearn's "0 for an undefined rate" convention never comes into play.

fairlearn takes 20-70 ms a call, so each hypothesis example makes one call to a fairlearn
function (the variant and the method are drawn), and the MetricFrame tests check every derived
gap for both methods from one MetricFrame, the way fairlearn builds those functions.
"""

import contextlib
import warnings

import fairlearn.metrics as flm
import numpy as np
import pandas as pd
import pytest
import sklearn
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
METHODS = st.sampled_from(["between_groups", "to_overall"])


@st.composite
def classification_data(draw, min_groups=2, max_groups=6):
    """y, y_pred, string group label per row, optional positive weights; 10-300 rows.

    Hypothesis chooses the shape (number of groups, their names, size, per-group rates, weights
    or not) and a seed; the rows come from numpy, which is much faster than drawing 300-element
    lists. Each group gets one row of each (y, y_pred) combination so every rate is defined.
    """
    k = draw(st.integers(min_groups, max_groups))
    labels = draw(st.lists(NAMES, min_size=k, max_size=k, unique=True))
    n = draw(st.integers(max(10, 4 * k), 300))
    base = np.array(draw(st.lists(st.floats(0.05, 0.95), min_size=k, max_size=k)))
    tpr = np.array(draw(st.lists(st.floats(0.05, 0.95), min_size=k, max_size=k)))
    fpr = np.array(draw(st.lists(st.floats(0.05, 0.95), min_size=k, max_size=k)))
    weighted = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    g = np.concatenate([np.repeat(np.arange(k), 4),
                        rng.choice(k, n - 4 * k, p=rng.dirichlet(np.full(k, 2.0)))])
    y = rng.random(n) < base[g]
    p = np.where(y, rng.random(n) < tpr[g], rng.random(n) < fpr[g])
    y[:4 * k] = np.tile([c[0] for c in COMBOS], k)
    p[:4 * k] = np.tile([c[1] for c in COMBOS], k)
    order = rng.permutation(n)
    y, p, g = y[order].astype(int), p[order].astype(int), g[order]
    groups = np.array(labels, dtype=object)[g]
    weights = rng.uniform(0.05, 20.0, n) if weighted else None
    return y, p, groups, weights


@st.composite
def intersectional_data(draw):
    """As classification_data, with a second sensitive column; every cell complete."""
    y, p, groups, w = draw(classification_data(max_groups=3))
    values = draw(st.lists(NAMES, min_size=2, max_size=2, unique=True))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    second = np.array(values, dtype=object)[rng.integers(0, len(values), len(y))]
    frame = pd.DataFrame({"first": groups, "second": second})
    # one row of each (y, y_pred) combination per present cell
    cells = frame.drop_duplicates().to_numpy()
    extra = pd.DataFrame(np.repeat(cells, 4, axis=0), columns=["first", "second"])
    frame = pd.concat([frame, extra], ignore_index=True)
    y = np.concatenate([y, np.tile([c[0] for c in COMBOS], len(cells))])
    p = np.concatenate([p, np.tile([c[1] for c in COMBOS], len(cells))])
    if w is not None:
        w = np.concatenate([w, rng.uniform(0.05, 20.0, 4 * len(cells))])
    return y, p, frame, w


@contextlib.contextmanager
def _fast_fairlearn():
    """fairlearn with scikit-learn's argument checks off: same numbers, about 4x faster."""
    with warnings.catch_warnings(), sklearn.config_context(skip_parameter_validation=True,
                                                           assume_finite=True):
        warnings.simplefilter("ignore")
        yield


def _close(ours, theirs):
    if np.isnan(theirs):
        return bool(np.isnan(ours))
    return abs(ours - theirs) <= TOL


# (ours, fairlearn's, extra keyword arguments)
FAMILIES = {
    "demographic_parity": [
        (demographic_parity_difference, flm.demographic_parity_difference, {}),
        (demographic_parity_ratio, flm.demographic_parity_ratio, {}),
    ],
    "equal_opportunity": [
        (equal_opportunity_difference, flm.equal_opportunity_difference, {}),
        (equal_opportunity_ratio, flm.equal_opportunity_ratio, {}),
    ],
    "equalized_odds": [
        (equalized_odds_difference, flm.equalized_odds_difference, {"agg": "worst_case"}),
        (equalized_odds_difference, flm.equalized_odds_difference, {"agg": "mean"}),
        (equalized_odds_ratio, flm.equalized_odds_ratio, {"agg": "worst_case"}),
        (equalized_odds_ratio, flm.equalized_odds_ratio, {"agg": "mean"}),
    ],
    "accuracy": [
        (accuracy_score_difference, flm.accuracy_score_difference, {}),
    ],
}
PAIRS = [pair for pairs in FAMILIES.values() for pair in pairs]


def _check_pair(pair, y, p, sensitive, w, method):
    ours_fn, theirs_fn, extra = pair
    kw = dict(sensitive_features=sensitive, method=method, sample_weight=w, **extra)
    ours = ours_fn(y, p, **kw)
    with _fast_fairlearn():
        theirs = theirs_fn(y, p, **kw)
    assert _close(ours, theirs), (ours_fn.__name__, extra, method, ours, theirs)


@pytest.mark.parametrize("family", list(FAMILIES))
@SETTINGS
@given(data=classification_data(), method=METHODS, choice=st.integers(0, 3))
def test_named_metric_equals_fairlearn_function(family, data, method, choice):
    y, p, groups, w = data
    pairs = FAMILIES[family]
    _check_pair(pairs[choice % len(pairs)], y, p, groups, w, method)


MF_METRICS = {"selection_rate": flm.selection_rate, "tpr": flm.true_positive_rate,
              "fpr": flm.false_positive_rate, "accuracy": accuracy_score,
              "ppv": precision_score}


def _metric_frame(y, p, sensitive, w):
    params = None if w is None else {m: {"sample_weight": w} for m in MF_METRICS}
    with _fast_fairlearn():
        return flm.MetricFrame(metrics=MF_METRICS, y_true=y, y_pred=p,
                               sensitive_features=sensitive, sample_params=params)


def _fairlearn_gaps(mf, method):
    """fairlearn's named gaps from a MetricFrame, as fairlearn's functions compute them."""
    with _fast_fairlearn():
        diff, ratio = mf.difference(method=method), mf.ratio(method=method)
    return {
        (demographic_parity_difference, ()): diff["selection_rate"],
        (demographic_parity_ratio, ()): ratio["selection_rate"],
        (equal_opportunity_difference, ()): diff["tpr"],
        (equal_opportunity_ratio, ()): ratio["tpr"],
        (equalized_odds_difference, ("worst_case",)): max(diff["tpr"], diff["fpr"]),
        (equalized_odds_difference, ("mean",)): (diff["tpr"] + diff["fpr"]) / 2,
        (equalized_odds_ratio, ("worst_case",)): min(ratio["tpr"], ratio["fpr"]),
        (equalized_odds_ratio, ("mean",)): (ratio["tpr"] + ratio["fpr"]) / 2,
        (accuracy_score_difference, ()): diff["accuracy"],
    }


def _check_metric_frame(y, p, sensitive, w, labels, gaps=True):
    result = audit(y, p, sensitive_features=sensitive, sample_weight=w, min_group_size=0,
                   n_resamples=5)
    ours = result.groups
    mf = _metric_frame(y, p, sensitive, w)
    theirs = mf.by_group
    theirs.index = labels(theirs.index)
    # fairlearn lists every combination of values (absent ones all NaN); we list present cells
    theirs = theirs.dropna(how="all")
    assert sorted(theirs.index) == sorted(ours.index)
    for col in MF_METRICS:
        np.testing.assert_allclose(ours.loc[theirs.index, col].to_numpy(dtype=float),
                                   theirs[col].to_numpy(dtype=float), rtol=0, atol=TOL,
                                   err_msg=col)
        assert abs(result.overall[col] - mf.overall[col]) <= TOL, col
    for method in ("between_groups", "to_overall") if gaps else ():
        for (fn, agg), expected in _fairlearn_gaps(mf, method).items():
            kw = {"agg": agg[0]} if agg else {}
            got = fn(y, p, sensitive_features=sensitive, sample_weight=w, method=method, **kw)
            assert _close(got, expected), (fn.__name__, agg, method, got, expected)
    return ours


@SETTINGS
@given(classification_data())
def test_per_group_rates_and_gaps_equal_metricframe(data):
    y, p, groups, w = data
    ours = _check_metric_frame(y, p, groups, w, lambda index: index.astype(str))
    # n is the number of rows in the group, weighted or not
    sizes = pd.Series(groups).value_counts()
    assert (ours.loc[sizes.index, "n"].to_numpy() == sizes.to_numpy()).all()


@SETTINGS
@given(data=intersectional_data(), method=METHODS, pair=st.sampled_from(PAIRS))
def test_intersectional_groups_equal_fairlearn(data, method, pair):
    """Two sensitive columns: per-cell rates and a fairlearn function (drawn) agree."""
    y, p, frame, w = data
    ours = _check_metric_frame(y, p, frame, w,
                               lambda index: [" & ".join(map(str, t)) for t in index], gaps=False)
    present = frame.value_counts()
    present.index = [" & ".join(t) for t in present.index]
    assert (ours.loc[present.index, "n"].to_numpy() == present.to_numpy()).all()
    _check_pair(pair, y, p, frame, w, method)


def test_undefined_rate_differs_from_fairlearn_on_purpose():
    """fairlearn gives TPR 0 to a group without positives, which invents a gap; we say NaN."""
    y = np.array([0, 0, 1, 1])
    p = np.array([0, 1, 1, 1])
    s = np.array(["a", "a", "b", "b"])
    with _fast_fairlearn():
        theirs = flm.equal_opportunity_difference(y, p, sensitive_features=s)
    assert theirs == pytest.approx(1.0)  # TPR b = 1 minus the invented TPR a = 0
    assert np.isnan(equal_opportunity_difference(y, p, sensitive_features=s))
    # the FPR part is defined in a only, so equalized odds is undefined too
    assert np.isnan(equalized_odds_difference(y, p, sensitive_features=s))
