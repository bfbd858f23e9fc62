"""Threshold sweeps from one sort: ScoreIndex against direct counting and scikit-learn."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from fairdash.metrics import (ScoreIndex, audit, confusion_counts, encode_groups,
                              score_histograms)


def _scored(n=400, k=3, seed=0, ties=True):
    """Labels, scores (rounded to two decimals, so with many ties), group codes."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, k, n)
    y = (rng.random(n) < 0.3 + 0.1 * codes).astype(int)
    s = np.clip(0.35 * y + 0.15 * codes / k + 0.5 * rng.random(n), 0, 1)
    if ties:
        s = np.round(s, 2)
    return y, s, codes


def _thresholds(s):
    """Every distinct score, midpoints, and the extremes beyond both ends."""
    u = np.unique(s)
    return np.concatenate([[-np.inf, -1.0, s.min() - 1e-9], u, (u[:-1] + u[1:]) / 2,
                           [s.max() + 1e-9, 2.0, np.inf]])


@pytest.mark.parametrize("weighted", [False, True])
def test_counts_at_equals_direct_counting(weighted):
    y, s, codes = _scored(seed=1)
    w = np.random.default_rng(2).uniform(0.2, 3.0, len(y)) if weighted else None
    index = ScoreIndex(y, s, codes, 3, sample_weight=w)
    for t in _thresholds(s):
        direct = confusion_counts(y, (s >= t).astype(int), codes, 3, sample_weight=w)
        np.testing.assert_allclose(index.counts_at(t), direct, rtol=1e-12, atol=1e-9,
                                   err_msg=f"threshold {t}")


def test_counts_at_vectorised_shape_and_values():
    y, s, codes = _scored(seed=3)
    index = ScoreIndex(y, s, codes, 3)
    ts = _thresholds(s)
    out = index.counts_at(ts)
    assert out.shape == (len(ts), 3, 4)
    assert index.counts_at(0.5).shape == (3, 4)
    assert index.counts_at([0.5]).shape == (1, 3, 4)
    for i, t in enumerate(ts):
        np.testing.assert_array_equal(out[i], index.counts_at(t))


def test_counts_at_extremes():
    y, s, codes = _scored(seed=4)
    index = ScoreIndex(y, s, codes, 3)
    everyone = index.counts_at(-np.inf)
    nobody = index.counts_at(np.inf)
    assert (everyone[:, [0, 2]] == 0).all()  # no predicted negatives
    assert (nobody[:, [1, 3]] == 0).all()    # no predicted positives
    np.testing.assert_array_equal(everyone.sum(1), np.bincount(codes, minlength=3))
    # at the lowest score every row is selected (the decision is score >= t)
    assert (index.counts_at(s.min())[:, [0, 2]] == 0).all()


def test_counts_at_all_tied_scores():
    y = np.array([0, 1, 1, 0, 1, 0])
    s = np.full(6, 0.4)
    codes = np.array([0, 0, 0, 1, 1, 1])
    index = ScoreIndex(y, s, codes, 2)
    np.testing.assert_array_equal(index.counts_at(0.4), [[0, 1, 0, 2], [0, 2, 0, 1]])
    np.testing.assert_array_equal(index.counts_at(0.41), [[1, 0, 2, 0], [2, 0, 1, 0]])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 120), k=st.integers(1, 4), seed=st.integers(0, 2**32 - 1),
       decimals=st.integers(0, 3))
def test_counts_at_property(n, k, seed, decimals):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n), decimals)
    codes = rng.integers(0, k, n)
    index = ScoreIndex(y, s, codes, k)
    ts = _thresholds(s)
    out = index.counts_at(ts)
    direct = np.stack([confusion_counts(y, (s >= t).astype(int), codes, k) for t in ts])
    np.testing.assert_array_equal(out, direct)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_auc_equals_sklearn_per_group(weighted, ties):
    y, s, codes = _scored(n=600, seed=5, ties=ties)
    w = np.random.default_rng(6).uniform(0.2, 3.0, len(y)) if weighted else None
    auc = ScoreIndex(y, s, codes, 3, sample_weight=w).auc()
    for g in range(3):
        m = codes == g
        expected = roc_auc_score(y[m], s[m], sample_weight=None if w is None else w[m])
        assert auc[g] == pytest.approx(expected, abs=1e-12)


def test_auc_heavy_ties_and_missing_class():
    y = np.array([0, 1, 0, 1, 1, 0, 0, 0])
    s = np.array([0.5, 0.5, 0.2, 0.9, 0.5, 0.5, 0.1, 0.3])
    codes = np.array([0, 0, 0, 0, 0, 1, 1, 1])  # group 1 has no positives
    auc = ScoreIndex(y, s, codes, 2).auc()
    assert auc[0] == pytest.approx(roc_auc_score(y[:5], s[:5]))
    assert np.isnan(auc[1])
    # a constant score carries no information: AUC 1/2
    assert ScoreIndex([0, 1, 0, 1], [0.3] * 4, [0] * 4, 1).auc()[0] == pytest.approx(0.5)


def test_roc_curve_shape():
    y, s, codes = _scored(n=900, seed=7)
    labels = ["a", "b", "c"]
    roc = ScoreIndex(y, s, codes, 3).roc(labels)
    assert list(roc.columns) == ["group", "threshold", "fpr", "tpr"]
    assert set(roc["group"]) == set(labels)
    for g, curve in roc.groupby("group", sort=False):
        curve = curve.reset_index(drop=True)
        assert (curve.loc[0, "fpr"], curve.loc[0, "tpr"]) == (0.0, 0.0)
        assert curve["fpr"].iloc[-1] == pytest.approx(1.0)
        assert curve["tpr"].iloc[-1] == pytest.approx(1.0)
        assert (np.diff(curve["fpr"]) >= 0).all() and (np.diff(curve["tpr"]) >= 0).all()
        assert (np.diff(curve["threshold"]) < 0).all()  # one point per distinct threshold
        assert curve.loc[0, "threshold"] == np.inf


def test_roc_points_match_counts_at_their_threshold():
    y, s, codes = _scored(n=300, seed=8)
    index = ScoreIndex(y, s, codes, 3)
    roc = index.roc(["a", "b", "c"])
    for g, name in enumerate(["a", "b", "c"]):
        curve = roc[roc["group"] == name].iloc[1:]
        counts = index.counts_at(curve["threshold"].to_numpy())[:, g]
        tn, fp, fn, tp = counts.T
        np.testing.assert_allclose(curve["tpr"], tp / (tp + fn))
        np.testing.assert_allclose(curve["fpr"], fp / (fp + tn))


def test_roc_thins_to_max_points_and_keeps_the_ends():
    y, s, codes = _scored(n=3000, seed=9, ties=False)
    index = ScoreIndex(y, s, codes, 3)
    full = index.roc(["a", "b", "c"], max_points=10**6)
    thin = index.roc(["a", "b", "c"], max_points=25)
    for name in ["a", "b", "c"]:
        f = full[full["group"] == name]
        t = thin[thin["group"] == name]
        assert len(f) > 25
        assert 2 <= len(t) <= 25
        assert (t["fpr"].iloc[0], t["tpr"].iloc[0]) == (0.0, 0.0)
        assert (t["fpr"].iloc[-1], t["tpr"].iloc[-1]) == (f["fpr"].iloc[-1], f["tpr"].iloc[-1])
        # thinned points are points of the full curve
        merged = t.merge(f, on=["threshold", "fpr", "tpr"], how="left", indicator=True)
        assert (merged["_merge"] == "both").all()
        assert (np.diff(t["fpr"]) >= 0).all() and (np.diff(t["tpr"]) >= 0).all()


@pytest.mark.parametrize("bins", [5, 40])
def test_score_histograms_shares_sum_to_one(bins):
    y, s, codes = _scored(n=500, seed=10)
    labels = ["a", "b", "c"]
    hist = score_histograms(s, codes, labels, bins=bins)
    assert list(hist.columns) == ["group", "bin_left", "bin_right", "count", "share"]
    assert len(hist) == 3 * bins
    shares = hist.groupby("group")["share"].sum()
    np.testing.assert_allclose(shares.loc[labels], 1.0)
    counts = hist.groupby("group")["count"].sum()
    np.testing.assert_array_equal(counts.loc[labels], np.bincount(codes, minlength=3))
    assert hist["bin_left"].min() == 0.0 and hist["bin_right"].max() == 1.0


def test_score_histograms_counts_by_hand_and_clipping():
    s = np.array([0.0, 0.1, 0.49, 0.5, 0.99, 1.0, -0.2, 1.7])
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    hist = score_histograms(s, codes, ["x", "y"], bins=2)
    # bins [0, .5) and [.5, 1]; 1.0 and out-of-range scores fall into the end bins
    assert hist["count"].tolist() == [3, 1, 1, 3]
    assert hist["share"].tolist() == [0.75, 0.25, 0.25, 0.75]


def test_score_histograms_empty_group_has_zero_shares():
    hist = score_histograms([0.2, 0.7], [0, 0], ["x", "y"], bins=4)
    assert hist[hist["group"] == "y"]["share"].sum() == 0.0
    assert hist[hist["group"] == "x"]["share"].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.42, 0.5, 0.77, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_audit_on_scores_equals_audit_on_decisions(threshold, weighted):
    y, s, codes = _scored(n=800, seed=11)
    groups = np.array(["x", "y", "z"], dtype=object)[codes]
    w = np.random.default_rng(12).uniform(0.2, 3.0, len(y)) if weighted else None
    on_scores = audit(y, y_score=s, threshold=threshold, sensitive_features=groups,
                      sample_weight=w, n_resamples=100)
    on_decisions = audit(y, (s >= threshold).astype(int), sensitive_features=groups,
                         sample_weight=w, n_resamples=100)
    np.testing.assert_allclose(on_scores.gaps["value"], on_decisions.gaps["value"],
                               rtol=1e-12, atol=1e-12, equal_nan=True)
    rates = [c for c in on_decisions.groups.columns if c not in ("auc", "small")]
    pd.testing.assert_frame_equal(on_scores.groups[rates], on_decisions.groups[rates],
                                  rtol=1e-12, atol=1e-12)
    if w is None:  # identical counts, identical random draws: identical intervals and p-values
        pd.testing.assert_frame_equal(on_scores.gaps, on_decisions.gaps)
    assert on_scores.threshold == threshold and on_decisions.threshold is None
    # the score audit also reports AUC per group
    for g, name in enumerate(["x", "y", "z"]):
        m = codes == g
        assert on_scores.groups.loc[name, "auc"] == pytest.approx(
            roc_auc_score(y[m], s[m], sample_weight=None if w is None else w[m]), abs=1e-12)
    assert on_decisions.groups["auc"].isna().all()


def test_audit_needs_decisions_or_scores():
    with pytest.raises(ValueError, match="y_pred"):
        audit([0, 1], sensitive_features=["a", "b"])


def test_score_index_from_encoded_groups():
    frame = pd.DataFrame({"sex": ["F", "M", "F", "M", "F", "M"],
                          "age": ["o", "o", "y", "y", "o", "y"]})
    y = np.array([1, 0, 1, 1, 0, 0])
    s = np.array([0.9, 0.2, 0.6, 0.7, 0.4, 0.1])
    codes, labels = encode_groups(frame)
    index = ScoreIndex(y, s, codes, len(labels))
    counts = index.counts_at(0.5)
    np.testing.assert_array_equal(counts, confusion_counts(y, s >= 0.5, codes, len(labels)))
    assert list(index.roc(labels)["group"].unique()) == list(labels)


def test_weighted_histograms_equal_the_histograms_of_repeated_rows():
    rng = np.random.default_rng(9)
    scores, codes = rng.random(300), rng.integers(0, 3, 300)
    w = rng.integers(0, 6, 300)
    got = score_histograms(scores, codes, ["a", "b", "c"], bins=20, sample_weight=w)
    ref = score_histograms(np.repeat(scores, w), np.repeat(codes, w), ["a", "b", "c"], bins=20)
    pd.testing.assert_frame_equal(got, ref)
