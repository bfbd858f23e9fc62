"""Group thresholds fitted from counts: the cells of (group, label, score) with a weight give the
same ROC curves, the same rule and the same front as the rows repeated that many times."""

import numpy as np
import pandas as pd
import pytest
from engine_tables import decision_log

from fairdash.engines import count_scores, fit_on_counts, open_table, rule_counts, \
    rule_expression, threshold_points
from fairdash.exceptions import DataError
from fairdash.metrics import confusion_counts, encode_groups
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer
from fairdash.mitigation.postprocessing._hull import group_rocs
from fairdash.tradeoff import measure
from fairdash.tradeoff._points import EvalRows, point_from_decisions


def _cells(seed=0, n=600, k=3):
    """Cells with repeated scores across labels and groups, whole weights, and their rows."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 40, n) / 40.0
    y = (rng.random(n) < 0.2 + 0.6 * scores).astype(np.int8)
    codes = rng.integers(0, k, n)
    weights = rng.integers(1, 9, n).astype(np.float64)
    return scores, y, codes, weights


def _same_rule(a, b):
    assert list(a.groups_) == list(b.groups_)
    assert np.array_equal(a.rule_.cuts, b.rule_.cuts)
    assert np.array_equal(a.rule_.levels, b.rule_.levels)
    assert a.violation_ == pytest.approx(b.violation_, abs=1e-12)
    assert a.expected_accuracy_ == pytest.approx(b.expected_accuracy_, abs=1e-12)
    pd.testing.assert_frame_equal(a.targets_, b.targets_, atol=1e-12, rtol=0)


def test_weighted_rocs_equal_the_rocs_of_the_repeated_rows():
    scores, y, codes, w = _cells(seed=1)
    y[codes == 2] = 1                               # a group without negatives
    reps = w.astype(np.int64)
    rows = group_rocs(np.repeat(scores, reps), np.repeat(y, reps), np.repeat(codes, reps), 3)
    cells = group_rocs(scores, y, codes, 3, w)
    for r, c in zip(rows, cells):
        assert (r.n_pos, r.n_neg) == (c.n_pos, c.n_neg)
        assert np.array_equal(r.thresholds, c.thresholds)
        assert np.array_equal(r.fpr, c.fpr) and np.array_equal(r.tpr, c.tpr)
    assert cells[2].n_neg == 0 and np.array_equal(cells[2].fpr, cells[2].tpr)


@pytest.mark.parametrize("constraint", ["demographic_parity", "equalized_odds",
                                        "equal_opportunity"])
@pytest.mark.parametrize("strength", [0.0, 0.4, 1.0])
def test_fit_with_sample_weight_equals_the_fit_on_repeated_rows(constraint, strength):
    scores, y, codes, w = _cells(seed=2)
    groups = np.array(["a", "b", "c"])[codes]
    reps = w.astype(np.int64)
    on_rows = GroupThresholdOptimizer(constraint, strength=strength).fit(
        np.repeat(scores, reps), np.repeat(y, reps), sensitive_features=np.repeat(groups, reps))
    on_cells = GroupThresholdOptimizer(constraint, strength=strength).fit(
        scores, y, sensitive_features=groups, sample_weight=w)
    _same_rule(on_rows, on_cells)


def test_rows_of_weight_zero_do_not_exist():
    scores, y, codes, w = _cells(seed=3)
    groups = np.array(["a", "b", "c", "d"])[np.where(np.arange(len(codes)) < 5, 3, codes)]
    w[:5] = 0.0                                      # group "d" has only weightless rows
    keep = w > 0
    ref = GroupThresholdOptimizer("equal_opportunity").fit(
        scores[keep], y[keep], sensitive_features=groups[keep], sample_weight=w[keep])
    got = GroupThresholdOptimizer("equal_opportunity").fit(
        scores, y, sensitive_features=groups, sample_weight=w)
    assert list(got.groups_) == ["a", "b", "c"]
    _same_rule(ref, got)


@pytest.mark.parametrize("weights, words", [(np.full(3, 1.0), "one number per row"),
                                             (-np.ones(600), "non-negative"),
                                             (np.full(600, np.nan), "finite"),
                                             (np.zeros(600), "0 for every row")])
def test_bad_weights_are_refused_in_one_sentence(weights, words):
    scores, y, codes, _ = _cells()
    with pytest.raises(DataError, match=words):
        GroupThresholdOptimizer().fit(scores, y, sensitive_features=codes, sample_weight=weights)


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    frame = decision_log(30_000, n_groups=3, seed=21)
    path = tmp_path_factory.mktemp("fitcounts") / "log.parquet"
    frame.to_parquet(path)
    counts = count_scores(open_table(path), target="label", sensitive=["group", "region"],
                          score="score", resolution="exact", threshold=0.55)
    labels = (frame["group"] + " & " + frame["region"]).to_numpy()
    return frame, labels, counts


def test_fit_on_counts_equals_the_fit_on_every_row_of_the_table(log):
    frame, labels, counts = log
    assert len(counts.scores) < len(frame)           # cells are fewer than rows
    for constraint in ("demographic_parity", "equalized_odds"):
        got = fit_on_counts(GroupThresholdOptimizer(constraint, threshold=0.55), counts)
        ref = GroupThresholdOptimizer(constraint, threshold=0.55).fit(
            frame["score"], frame["label"], sensitive_features=labels)
        _same_rule(ref, got)


def test_threshold_points_are_the_rows_decisions_at_every_strength(log):
    frame, labels, counts = log
    strengths = [0.0, 0.25, 0.5, 1.0]
    points = threshold_points(counts, "thresholds_eo", strengths)
    assert [p.method for p in points] == ["baseline", *["thresholds_eo"] * 4]
    codes = encode_groups(frame[["group", "region"]])[0]
    k = len(counts.labels)
    y = frame["label"].to_numpy()
    rows = EvalRows(np.ones(len(frame), bool), y, codes, [str(g) for g in counts.labels])
    base = (frame["score"].to_numpy() >= 0.55).astype(float)
    assert np.array_equal(points[0].counts, confusion_counts(y, base, codes, k))
    fitted = GroupThresholdOptimizer("equalized_odds", threshold=0.55).fit(
        frame["score"], y, sensitive_features=labels)
    for point, twin in zip(points[1:], fitted.at_strengths(strengths)):
        p = twin.decision_proba(frame["score"], sensitive_features=labels)
        ref = point_from_decisions(rows, "thresholds_eo", twin.strength, p, base)
        assert point.strength == twin.strength
        for attr in ("counts", "changed", "negative"):
            assert np.allclose(getattr(point, attr), getattr(ref, attr), rtol=0, atol=1e-6)
        assert np.allclose(rule_counts(twin, counts), point.counts, rtol=0, atol=1e-6)
    assert np.array_equal(points[1].counts, points[0].counts)   # strength 0 is the base model
    front = measure(points, [str(g) for g in counts.labels], gap_name="equalized_odds_difference",
                    n_resamples=50)
    assert len(front) == 5
    gaps = front["gap"].to_numpy()
    assert gaps[-1] < gaps[0] / 2                   # full strength closes most of the gap
    assert gaps[1] == pytest.approx(gaps[0])        # strength 0: the base model's gap


def test_a_rule_fitted_on_rescaled_counts_rescales_the_engine_scores(tmp_path):
    frame = decision_log(6_000, n_groups=2, seed=5).assign(
        points=lambda f: (f["score"] * 850 + 150).round(1))
    frame.to_parquet(tmp_path / "t.parquet")
    table = open_table(tmp_path / "t.parquet")
    counts = count_scores(table, target="label", sensitive="group", score="points",
                          rescale=True, resolution="exact")
    est = fit_on_counts(GroupThresholdOptimizer("demographic_parity", strength=0.8), counts)
    applied = table.mutate(p=rule_expression(est, counts, table, "points")).to_pandas()
    lo, hi = frame["points"].min(), frame["points"].max()
    expected = est.decision_proba((applied["points"] - lo) / (hi - lo),
                                  sensitive_features=applied["group"])
    assert np.array_equal(applied["p"].to_numpy(), expected)
    assert 0 < expected.mean() < 1


def test_levels_are_never_round_off_away_from_0_or_1():
    scores, y, codes, w = _cells(seed=4, n=3_000, k=4)
    for constraint in ("demographic_parity", "equalized_odds", "equal_opportunity"):
        for strength in (0.3, 0.7, 1.0):
            levels = GroupThresholdOptimizer(constraint, strength=strength).fit(
                scores, y, sensitive_features=codes, sample_weight=w).rule_.levels
            odd = levels[(levels > 0) & (levels < 1)]
            assert not ((odd < 1e-9) | (odd > 1 - 1e-9)).any(), odd
