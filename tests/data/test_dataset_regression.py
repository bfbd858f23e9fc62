"""build_dataset with a continuous target: a regression dataset, its split, prediction column
and group overview."""

import numpy as np
import pandas as pd
import pytest
from dataset_tables import ROLES, roles, table

from fairdash.data import SPLIT_NAMES, ColumnRoles, build_dataset, group_overview, sample_roles
from fairdash.exceptions import RoleError


def regression_table(n: int = 200, seed: int = 1) -> pd.DataFrame:
    """``table()`` with a continuous target and a prediction column on the target's scale."""
    rng = np.random.default_rng(seed)
    df = table(n, seed)
    df["label"] = rng.normal(50, 10, n) + (df["sex"] == "male") * 5
    df["score"] = df["label"] + rng.normal(0, 3, n)
    return df


def test_continuous_target_builds_a_regression_dataset():
    df = regression_table()
    ds = build_dataset(df, ROLES)
    assert ds.task == "regression"
    assert ds.y.dtype == np.float64
    np.testing.assert_array_equal(ds.y, df["label"].to_numpy())
    assert ds.scores is None and not ds.scores_are_decisions
    # the positive label plays no part: None or any text gives the same dataset
    other = build_dataset(df, roles(positive_label=None))
    np.testing.assert_array_equal(other.y, ds.y)
    np.testing.assert_array_equal(other.split, ds.split)


def test_binary_targets_stay_classification():
    assert build_dataset(table(), ROLES).task == "classification"


def test_regression_split_is_stratified_by_group_and_target_median():
    df = regression_table(1000, seed=3)
    ds = build_dataset(df, ROLES)
    high = ds.y > np.median(ds.y)
    for code in range(len(ds.group_labels)):
        for stratum in (False, True):
            rows = (ds.group_codes == code) & (high == stratum)
            share = (ds.split[rows] == "test").mean()
            assert share == pytest.approx(0.2, abs=1 / rows.sum() + 1e-9)


def test_missing_values_in_continuous_target():
    df = regression_table()
    df.loc[[5, 6], "label"] = np.nan
    with pytest.raises(RoleError, match=r"'label' has 2 missing values"):
        build_dataset(df, ROLES)


def test_infinite_values_in_continuous_target():
    df = regression_table()
    df.loc[9, "label"] = np.inf
    with pytest.raises(RoleError, match=r"'label' has 1 infinite values"):
        build_dataset(df, ROLES)


def test_regression_score_column_holds_predictions_as_they_are():
    df = regression_table()
    assert df["score"].max() > 1
    for rescale in (False, True):
        ds = build_dataset(df, roles(score_column="score"), rescale_scores=rescale)
        np.testing.assert_array_equal(ds.scores, df["score"].to_numpy())
        assert not ds.scores_are_decisions


@pytest.mark.parametrize("values, message", [
    (lambda df: df.assign(score=np.where(df["label"] > 50, "high", "low")),
     r"Prediction column 'score' must be numeric"),
    (lambda df: df.assign(score=df["score"].where(df.index > 2)),
     r"Prediction column 'score' has 3 missing values"),
])
def test_bad_regression_prediction_column(values, message):
    with pytest.raises(RoleError, match=message):
        build_dataset(values(regression_table()), roles(score_column="score"))


def test_regression_group_overview():
    df = regression_table(600)
    ds = build_dataset(df, ROLES)
    overview = group_overview(ds)
    assert "positives" not in overview.columns
    expected = df.groupby("sex")["label"].agg(["size", "mean", "median"])
    np.testing.assert_array_equal(overview["n"], expected["size"])
    np.testing.assert_allclose(overview["mean_target"], expected["mean"])
    np.testing.assert_allclose(overview["median_target"], expected["median"])
    assert (overview["mean_target_low"] < overview["mean_target"]).all()
    assert (overview["mean_target"] < overview["mean_target_high"]).all()
    assert overview[list(SPLIT_NAMES)].to_numpy().sum() == len(df)


def test_adult_hours_per_week_is_a_regression_target(adult):
    features = tuple(c for c in sample_roles("adult").features if c != "hours_per_week")
    ds = build_dataset(adult, ColumnRoles("hours_per_week", None, ("sex",), features))
    assert ds.task == "regression"
    assert ds.rows("test").sum() == pytest.approx(0.2 * len(adult), abs=10)
