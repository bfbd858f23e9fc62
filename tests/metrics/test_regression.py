"""Regression audit: hand examples, scipy and fairlearn cross-checks, closed forms, invariance
and the behaviour of intervals and p-values (docs/methods.md §9.5, 9.6)."""

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from scipy.stats import ks_2samp, wasserstein_distance
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

from fairdash.exceptions import DataError
from fairdash.metrics import (DISTRIBUTION_GAPS, REGRESSION_GAPS, REGRESSION_STATS,
                              RegressionAuditResult, distribution_gaps, regression_audit)
from fairdash.metrics._regression import _grid_ks, _Rows, _rank_index

FAST = dict(n_resamples=200)


def _data(n=900, seed=0, groups=("a", "b", "c"), shares=(0.5, 0.3, 0.2), shift=(0.0, 1.0, 2.0),
          scale=(1.0, 1.5, 0.7), round_to=None):
    """Target, predictions and group per row; predictions shifted and scaled per group."""
    rng = np.random.default_rng(seed)
    g = rng.choice(len(groups), n, p=shares)
    y = rng.normal(10, 3, n) + np.asarray(shift)[g]
    f = 0.8 * y + 2 + rng.normal(0, 1, n) * np.asarray(scale)[g]
    if round_to is not None:  # many ties
        f = np.round(f / round_to) * round_to
    return y, f, np.asarray(groups, dtype=object)[g]


# --- distribution gaps ------------------------------------------------------------------------


def test_hand_example():
    a, b = [0, 1, 2], [1, 2, 3, 4]
    gaps = distribution_gaps(a + b, ["a"] * 3 + ["b"] * 4)
    assert list(gaps.index) == list(DISTRIBUTION_GAPS) and gaps.index.name == "gap"
    assert gaps["wasserstein_1"] == pytest.approx(1.5, abs=1e-12)
    assert gaps["ks"] == pytest.approx(0.5, abs=1e-12)
    assert gaps["mean_gap"] == pytest.approx(2.5 - 1.0, abs=1e-12)
    assert wasserstein_distance(a, b) == pytest.approx(1.5)
    assert ks_2samp(a, b).statistic == pytest.approx(0.5)


def test_codes_or_labels_give_the_same_gaps():
    _, f, s = _data(300)
    codes = pd.factorize(s, sort=True)[0]
    pd.testing.assert_series_equal(distribution_gaps(f, codes, 3), distribution_gaps(f, s))


@pytest.mark.parametrize("round_to", [None, 0.5])
def test_ks_and_w1_equal_scipy_max_over_pairs(round_to):
    _, f, s = _data(1200, seed=3, round_to=round_to)
    gaps = distribution_gaps(f, s)
    parts = {g: f[s == g] for g in np.unique(s)}
    pairs = list(itertools.combinations(parts.values(), 2))
    assert gaps["ks"] == pytest.approx(max(ks_2samp(a, b).statistic for a, b in pairs),
                                       abs=1e-12)
    assert gaps["wasserstein_1"] == pytest.approx(
        max(wasserstein_distance(a, b) for a, b in pairs), rel=1e-10)
    means = [v.mean() for v in parts.values()]
    assert gaps["mean_gap"] == pytest.approx(max(means) - min(means), rel=1e-12)


def test_weighted_w1_equals_scipy_and_integer_weights_equal_repeated_rows():
    rng = np.random.default_rng(5)
    _, f, s = _data(400, seed=5)
    w = rng.integers(1, 4, len(f)).astype(float)
    gaps = distribution_gaps(f, s, sample_weight=w)
    pairs = list(itertools.combinations(np.unique(s), 2))
    expected = max(wasserstein_distance(f[s == g], f[s == h], w[s == g], w[s == h])
                   for g, h in pairs)
    assert gaps["wasserstein_1"] == pytest.approx(expected, rel=1e-10)
    repeated = np.repeat(np.arange(len(f)), w.astype(int))
    pd.testing.assert_series_equal(gaps, distribution_gaps(f[repeated], s[repeated]),
                                   rtol=1e-10)


def test_barycenter_unfairness_of_gaussian_groups_matches_the_closed_form():
    rng = np.random.default_rng(0)
    p, mu, sigma = np.array([0.3, 0.7]), np.array([0.0, 1.0]), np.array([1.0, 2.0])
    n = 200_000
    g = rng.choice(2, n, p=p)
    f = rng.normal(mu[g], sigma[g])
    mu_bar, sigma_bar = p @ mu, p @ sigma
    closed = float(np.sum(p * ((mu - mu_bar) ** 2 + (sigma - sigma_bar) ** 2)))  # 0.42
    assert distribution_gaps(f, g, 2)["barycenter_unfairness"] == pytest.approx(closed, rel=0.03)


def test_identical_groups_have_no_gaps_and_fewer_than_two_groups_give_nan():
    f = np.tile(np.arange(10.0), 2)
    gaps = distribution_gaps(f, np.repeat(["a", "b"], 10))
    assert gaps.to_dict() == {name: 0.0 for name in DISTRIBUTION_GAPS}
    assert distribution_gaps(f, ["a"] * 20).isna().all()
    assert distribution_gaps(f, np.repeat([0, 1], 10), 2, include=[True, False]).isna().all()


def test_grid_ks_is_within_one_grid_step_of_the_exact_ks():
    for seed, round_to in [(1, None), (2, 0.25), (3, 2.0)]:
        y, f, s = _data(2000, seed=seed, groups=("a", "b"), shares=(0.4, 0.6), shift=(0, 1),
                        scale=(1, 2), round_to=round_to)
        codes = (s == "b").astype(np.int64)
        rows = _Rows(y, f, codes, 2, None, 1000)
        grid = np.stack([pos[_rank_index(len(pos), 1000)] for pos in rows.positions])[None]
        exact = ks_2samp(f[codes == 0], f[codes == 1]).statistic
        assert abs(_grid_ks(rows.tie_rank[grid])[0] - exact) <= 1 / 1000 + 1e-12
        w1 = rows.gaps(grid, np.array([[0.4, 0.6]]))["wasserstein_1"][0]
        assert w1 == pytest.approx(wasserstein_distance(f[codes == 0], f[codes == 1]),
                                   rel=0.02)


# --- the audit: point estimates ---------------------------------------------------------------


@pytest.fixture(scope="module")
def three_groups():
    y, f, s = _data(1500, seed=11)
    return y, f, s, regression_audit(y, f, sensitive_features=s, **FAST)


def test_per_group_errors_equal_fairlearn_metricframe(three_groups):
    y, f, s, result = three_groups
    frame = MetricFrame(metrics={"mae": mean_absolute_error, "mse": mean_squared_error,
                                 "r2": r2_score},
                        y_true=y, y_pred=f, sensitive_features=pd.Series(s, name="group"))
    by_group = frame.by_group
    for g in by_group.index:
        row = result.groups.loc[g]
        assert row["mae"] == pytest.approx(by_group.loc[g, "mae"], rel=1e-10)
        assert row["rmse"] == pytest.approx(math.sqrt(by_group.loc[g, "mse"]), rel=1e-10)
        assert row["r2"] == pytest.approx(by_group.loc[g, "r2"], rel=1e-9)
        assert row["n"] == (s == g).sum()
        assert row["mean_error"] == pytest.approx((f - y)[s == g].mean(), abs=1e-10)
        assert row["mean_target"] == pytest.approx(y[s == g].mean(), rel=1e-12)
        assert row["mean_prediction"] == pytest.approx(f[s == g].mean(), rel=1e-12)
    differences = frame.difference()
    assert result.gaps.loc["mae_difference", "value"] == pytest.approx(differences["mae"],
                                                                       rel=1e-10)
    rmse = np.sqrt(by_group["mse"])
    assert result.gaps.loc["rmse_difference", "value"] == pytest.approx(rmse.max() - rmse.min(),
                                                                        rel=1e-10)
    assert result.overall["mae"] == pytest.approx(mean_absolute_error(y, f), rel=1e-12)
    assert result.overall["r2"] == pytest.approx(r2_score(y, f), rel=1e-10)
    assert result.overall["n"] == len(y)


def test_gap_table_shape_and_distribution_gaps(three_groups):
    _, f, s, result = three_groups
    assert isinstance(result, RegressionAuditResult) and result.task == "regression"
    assert list(result.gaps.index) == list(REGRESSION_GAPS)
    assert result.gaps.index.name == "metric" and result.groups.index.name == "group"
    exact = distribution_gaps(f, s)
    for name in ("ks", "wasserstein_1", "barycenter_unfairness"):
        assert result.gaps.loc[name, "value"] == pytest.approx(exact[name], rel=1e-12)
    assert result.gaps.loc["mean_prediction_gap", "value"] == pytest.approx(exact["mean_gap"])
    for name, row in result.gaps.iterrows():
        assert row["ci_low"] <= row["ci_high"], name
        assert 0 < row["p_value"] <= 1, name
    for stat in REGRESSION_STATS:
        g = result.groups
        assert (g[f"{stat}_low"] <= g[f"{stat}_high"]).all(), stat
    # these groups differ by construction: every gap is detected
    assert (result.gaps["p_value"] < 0.05).all(), result.gaps


def test_to_dict_is_json_safe(three_groups):
    out = three_groups[3].to_dict()
    text = json.dumps(out, allow_nan=False)
    back = json.loads(text)
    assert back["task"] == "regression"
    assert set(back["gaps"]) == set(REGRESSION_GAPS)
    assert set(back["gaps"]["ks"]) == {"value", "ci_low", "ci_high", "p_value"}
    assert [g["group"] for g in back["groups"]] == ["a", "b", "c"]
    assert all(isinstance(g["n"], int) for g in back["groups"])


def test_row_order_and_group_names_do_not_matter():
    y, f, s = _data(600, seed=4, round_to=0.5)
    order = np.random.default_rng(9).permutation(len(y))
    a = regression_audit(y, f, sensitive_features=s, **FAST)
    b = regression_audit(y[order], f[order], sensitive_features=s[order], **FAST)
    pd.testing.assert_frame_equal(a.gaps, b.gaps, rtol=1e-9)
    pd.testing.assert_frame_equal(a.groups, b.groups, rtol=1e-9)
    renamed = pd.Series(s).map({"a": "x", "b": "y", "c": "z"}).to_numpy()
    c = regression_audit(y, f, sensitive_features=renamed, **FAST)
    np.testing.assert_allclose(c.gaps["value"], a.gaps["value"], rtol=1e-12)
    assert list(c.groups.index) == ["x", "y", "z"]


def test_all_ones_weights_change_nothing_and_weights_equal_repeated_rows():
    y, f, s = _data(400, seed=6)
    plain = regression_audit(y, f, sensitive_features=s, **FAST)
    ones = regression_audit(y, f, sensitive_features=s, sample_weight=np.ones(len(y)), **FAST)
    pd.testing.assert_frame_equal(plain.gaps, ones.gaps)
    w = np.random.default_rng(1).integers(1, 4, len(y))
    weighted = regression_audit(y, f, sensitive_features=s, sample_weight=w, **FAST)
    rep = np.repeat(np.arange(len(y)), w)
    repeated = regression_audit(y[rep], f[rep], sensitive_features=s[rep], **FAST)
    np.testing.assert_allclose(weighted.gaps["value"], repeated.gaps["value"], rtol=1e-9)
    for stat in REGRESSION_STATS:
        np.testing.assert_allclose(weighted.groups[stat], repeated.groups[stat], rtol=1e-9)


# --- the audit: edge cases --------------------------------------------------------------------


def test_single_group():
    y, f, _ = _data(200, seed=2)
    result = regression_audit(y, f, sensitive_features=["all"] * 200, **FAST)
    assert len(result.groups) == 1
    assert result.gaps[["value", "ci_low", "ci_high", "p_value"]].isna().all().all()
    assert any("Fewer than two groups" in w for w in result.warnings)
    assert result.groups.loc["all", "mae"] == pytest.approx(mean_absolute_error(y, f))
    json.dumps(result.to_dict(), allow_nan=False)


def test_small_group_is_shown_but_left_out_of_the_gaps():
    y, f, s = _data(400, seed=8, shares=(0.55, 0.4, 0.05))
    result = regression_audit(y, f, sensitive_features=s, min_group_size=40, **FAST)
    assert result.excluded_groups == ("c",) and bool(result.groups.loc["c", "small"])
    kept = s != "c"
    expected = distribution_gaps(f[kept], s[kept])
    assert result.gaps.loc["ks", "value"] == pytest.approx(expected["ks"])
    assert result.gaps.loc["barycenter_unfairness", "value"] == pytest.approx(
        expected["barycenter_unfairness"])
    assert any("left out of the gaps: c" in w for w in result.warnings)


def test_constant_predictions_have_no_distribution_gaps():
    y, _, s = _data(300, seed=1)
    result = regression_audit(y, np.full(len(y), 7.0), sensitive_features=s, **FAST)
    for name in ("mean_prediction_gap", "ks", "wasserstein_1", "barycenter_unfairness"):
        assert result.gaps.loc[name, "value"] == pytest.approx(0, abs=1e-12)
        assert result.gaps.loc[name, "p_value"] == 1
    assert any("same prediction" in w for w in result.warnings)


def test_constant_target_in_a_group_makes_its_r2_undefined():
    y, f, s = _data(300, seed=1)
    y = np.where(s == "a", 5.0, y)
    result = regression_audit(y, f, sensitive_features=s, **FAST)
    assert math.isnan(result.groups.loc["a", "r2"])
    assert not math.isnan(result.groups.loc["b", "r2"])
    assert any("'a'" in w and "R²" in w for w in result.warnings)


@pytest.mark.parametrize("bad, message", [
    (dict(y_pred=[1.0, np.nan, 2.0]), "predictions contain 1 missing"),
    (dict(y_true=["x", "y", "z"]), "target values must be numbers"),
])
def test_bad_values_are_named(bad, message):
    kw = dict(y_true=[1.0, 2.0, 3.0], y_pred=[1.0, 2.0, 2.5], sensitive_features=["a", "b", "a"])
    kw.update(bad)
    with pytest.raises(DataError, match=message):
        regression_audit(**kw)


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="y_true has 3 values and y_pred 2"):
        regression_audit([1, 2, 3], [1, 2], sensitive_features=["a", "b", "a"])


# --- the audit: uncertainty -------------------------------------------------------------------


def test_intervals_cover_the_truth_and_p_values_are_calibrated_under_the_null():
    """60 small data sets from a known model (prediction = target + noise): the 95 % intervals
    of each group's mean prediction and MAE cover the true values about 95 % of the time, and
    since the errors do not depend on the group, the MAE-difference p-value is under 0.05
    about 5 % of the time."""
    rng = np.random.default_rng(123)
    mu, noise = np.array([10.0, 12.0]), 2.0
    truth = {"mean_prediction": mu, "mae": np.full(2, noise * math.sqrt(2 / math.pi))}
    covered, total, rejections = 0, 0, 0
    for seed in range(60):
        g = rng.choice(2, 240, p=[0.4, 0.6])
        y = rng.normal(mu[g], 3.0)
        result = regression_audit(y, y + rng.normal(0, noise, len(g)), sensitive_features=g,
                                  n_resamples=200, random_state=seed, grid_size=250)
        for stat, values in truth.items():
            for code in (0, 1):
                row = result.groups.loc[str(code)]
                covered += row[f"{stat}_low"] <= values[code] <= row[f"{stat}_high"]
                total += 1
        rejections += result.gaps.loc["mae_difference", "p_value"] < 0.05
    print(f"coverage {covered / total:.3f}, rejections {rejections} of 60")
    assert covered / total >= 0.88, covered / total
    assert rejections <= 9, rejections  # 3 of 60 expected


def test_seed_makes_the_audit_reproducible():
    y, f, s = _data(300, seed=2)
    a = regression_audit(y, f, sensitive_features=s, random_state=5, **FAST)
    b = regression_audit(y, f, sensitive_features=s, random_state=5, **FAST)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
