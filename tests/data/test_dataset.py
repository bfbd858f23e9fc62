"""build_dataset: every bad role choice is one clear error naming the culprit (DESIGN 7), and
a valid choice gives groups, a stratified split and a fingerprint that behave as documented."""

import re

import numpy as np
import pandas as pd
import pytest

from fairdash.data import (MAX_GROUPS, SPLIT_NAMES, ColumnRoles, build_dataset, column_summary,
                           group_overview, load_sample, make_synthetic, sample_roles,
                           table_fingerprint)
from fairdash.exceptions import DataError, FairDashError, RoleError, UnsupportedTaskError

ROLES = ColumnRoles(target="label", positive_label="1", sensitive=("sex",), features=("x", "z"))


def table(n: int = 120, seed: int = 0) -> pd.DataFrame:
    """A small valid table: binary target, two sensitive columns, features and a score."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "sex": rng.choice(["female", "male"], n),
        "race": rng.choice(["a", "b", "c"], n),
        "x": rng.normal(size=n),
        "z": rng.choice(["p", "q"], n),
        "label": np.tile([0, 1], n // 2),
        "score": rng.random(n),
    })


def roles(**changes) -> ColumnRoles:
    return ColumnRoles(**{**ROLES.__dict__, **changes})


@pytest.fixture(scope="module")
def adult() -> pd.DataFrame:
    return load_sample("adult")


def test_valid_table_builds():
    df = table()
    ds = build_dataset(df, ROLES)
    np.testing.assert_array_equal(ds.y, df["label"].to_numpy())
    assert list(ds.group_labels) == ["female", "male"]
    assert ds.warnings == ()
    assert ds.scores is None and not ds.scores_are_decisions
    assert list(ds.X.columns) == ["x", "z"]
    assert set(ds.split) == set(SPLIT_NAMES)


# --- target -----------------------------------------------------------------------------------


def test_target_with_one_class():
    df = table().assign(label=1)
    with pytest.raises(RoleError, match=r"'label' has only one value \('1'\)"):
        build_dataset(df, ROLES)


def test_target_with_many_classes_names_the_count():
    df = table().assign(label=np.arange(120) % 5)
    with pytest.raises(RoleError, match=r"'label' has 5 classes"):
        build_dataset(df, ROLES)


def test_string_target_with_many_classes():
    df = table().assign(label=np.array(["low", "mid", "high"])[np.arange(120) % 3])
    with pytest.raises(RoleError, match=r"'label' has 3 classes \(high, low, mid"):
        build_dataset(df, roles(positive_label="high"))


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


def test_missing_values_in_target():
    df = table()
    df["label"] = df["label"].astype(float)
    df.loc[[3, 50, 77], "label"] = np.nan
    with pytest.raises(RoleError, match=r"'label' has 3 missing values"):
        build_dataset(df, ROLES)


def test_positive_label_not_present():
    with pytest.raises(RoleError, match=r"Positive label 'yes' does not occur in target 'label'"):
        build_dataset(table(), roles(positive_label="yes"))


def test_string_target_with_chosen_positive_label():
    df = table().assign(label=np.where(table()["label"] == 1, "approved", "declined"))
    ds = build_dataset(df, roles(positive_label="declined"))
    np.testing.assert_array_equal(ds.y, (df["label"] == "declined").astype(int))


# --- column choices ---------------------------------------------------------------------------


@pytest.mark.parametrize("changes, culprit", [
    ({"target": "outcome"}, "outcome"),
    ({"sensitive": ("gender",)}, "gender"),
    ({"features": ("x", "income")}, "income"),
    ({"score_column": "prob"}, "prob"),
])
def test_column_that_does_not_exist(changes, culprit):
    with pytest.raises(RoleError, match=rf"Column '{culprit}' is not in the table"):
        build_dataset(table(), roles(**changes))


@pytest.mark.parametrize("changes", [{"features": ("x", "label")},
                                     {"sensitive": ("sex", "label")}])
def test_target_cannot_also_be_a_feature_or_sensitive(changes):
    with pytest.raises(RoleError, match=r"target 'label' cannot also be"):
        build_dataset(table(), roles(**changes))


def test_no_sensitive_column():
    with pytest.raises(RoleError, match="at least one sensitive column"):
        build_dataset(table(), roles(sensitive=()))


def test_no_features_and_no_score_column():
    with pytest.raises(RoleError, match="feature columns.*or a score column"):
        build_dataset(table(), roles(features=()))


def test_score_column_alone_is_enough():
    ds = build_dataset(table(), roles(features=(), score_column="score"))
    np.testing.assert_allclose(ds.scores, table()["score"])


def test_missing_values_in_sensitive_column():
    df = table()
    df.loc[[4, 9], "sex"] = None
    with pytest.raises(RoleError, match=r"Sensitive column 'sex' has 2 missing values"):
        build_dataset(df, ROLES)


def test_missing_values_in_second_sensitive_column_are_named():
    df = table()
    df.loc[[1, 2, 3, 4], "race"] = None
    with pytest.raises(RoleError, match=r"'race' has 4 missing values"):
        build_dataset(df, roles(sensitive=("sex", "race")))


def test_too_many_groups_suggests_binning(adult):
    assert adult["age"].nunique() > MAX_GROUPS
    spec = sample_roles("adult")
    bad = ColumnRoles(spec.target, spec.positive_label, ("age",),
                      tuple(c for c in spec.features if c != "age"))
    with pytest.raises(RoleError, match=r"age make \d+ groups") as info:
        build_dataset(adult, bad)
    assert re.search(r"[Bb]in", str(info.value))
    assert f"at most {MAX_GROUPS}" in str(info.value)


# --- score column -----------------------------------------------------------------------------


def test_non_numeric_score_column():
    df = table().assign(score=np.where(table()["label"] == 1, "high", "low"))
    with pytest.raises(RoleError, match=r"Score column 'score' must be numeric.*'(high|low)'"):
        build_dataset(df, roles(score_column="score"))


def test_score_column_with_missing_values():
    df = table()
    df.loc[[0, 7], "score"] = np.nan
    with pytest.raises(RoleError, match=r"Score column 'score' has 2 missing values"):
        build_dataset(df, roles(score_column="score"))


def test_scores_outside_unit_interval_are_refused_with_the_range():
    df = table().assign(score=np.arange(120) % 10 + 1)
    with pytest.raises(RoleError, match=r"'score' runs from 1 to 10, outside \[0, 1\]"):
        build_dataset(df, roles(score_column="score"))


def test_scores_outside_unit_interval_are_rescaled_on_request():
    df = table().assign(score=np.arange(120) % 10 + 1)
    ds = build_dataset(df, roles(score_column="score"), rescale_scores=True)
    assert ds.scores.min() == 0.0 and ds.scores.max() == 1.0
    np.testing.assert_allclose(ds.scores, (df["score"] - 1) / 9)
    assert not ds.scores_are_decisions


def test_negative_scores_are_refused():
    df = table().assign(score=np.linspace(-0.5, 0.5, 120))
    with pytest.raises(RoleError, match=r"runs from -0.5 to 0.5"):
        build_dataset(df, roles(score_column="score"))


def test_zero_one_scores_are_decisions():
    df = table().assign(score=np.arange(120) % 3 == 0).astype({"score": int})
    ds = build_dataset(df, roles(score_column="score"))
    assert ds.scores_are_decisions
    np.testing.assert_array_equal(ds.scores, df["score"].to_numpy(dtype=float))


def test_boolean_scores_are_decisions():
    df = table().assign(score=np.arange(120) % 3 == 0)
    ds = build_dataset(df, roles(score_column="score"))
    assert ds.scores_are_decisions
    assert ds.scores.sum() == 40


def test_probabilities_are_not_decisions():
    ds = build_dataset(table(), roles(score_column="score"))
    assert not ds.scores_are_decisions


# --- small data -------------------------------------------------------------------------------


def test_group_with_one_row_warns_but_builds():
    df = table()
    df.loc[17, "sex"] = "nonbinary"
    ds = build_dataset(df, ROLES)
    assert len(ds.warnings) == 1
    assert "'nonbinary'" in ds.warnings[0] and "single row" in ds.warnings[0]
    assert ds.warnings[0].endswith(".")
    overview = group_overview(ds)
    assert overview.loc["nonbinary", "n"] == 1
    assert overview.loc["nonbinary", "train"] == 1


@pytest.mark.parametrize("n", [0, 1, 19])
def test_fewer_than_20_rows(n):
    with pytest.raises(DataError, match=rf"has {n} rows; an audit needs at least 20"):
        build_dataset(table()[:n], ROLES)


def test_20_rows_are_enough():
    assert len(build_dataset(table()[:20], ROLES).y) == 20


def test_errors_are_value_errors_and_fairdash_errors():
    for exc in (DataError, RoleError, UnsupportedTaskError):
        assert issubclass(exc, ValueError) and issubclass(exc, FairDashError)


# --- groups -----------------------------------------------------------------------------------


def test_intersectional_groups():
    df = table()
    ds = build_dataset(df, roles(sensitive=("sex", "race")))
    expected = sorted({f"{s} & {r}" for s, r in zip(df["sex"], df["race"])})
    assert list(ds.group_labels) == expected
    labels = np.asarray(ds.group_labels)[ds.group_codes]
    np.testing.assert_array_equal(labels, df["sex"] + " & " + df["race"])
    overview = group_overview(ds)
    assert overview["n"].sum() == len(df)
    assert overview[list(SPLIT_NAMES)].to_numpy().sum() == len(df)


def test_intersectional_groups_on_adult(adult):
    ds = build_dataset(adult, ColumnRoles("income_gt_50k", "1", ("sex", "race"),
                                          ("age", "education_num")))
    overview = group_overview(ds)
    assert overview["n"].sum() == len(adult) == 48842
    assert "Female & Black" in overview.index
    assert overview.loc["Female & Black", "n"] == ((adult["sex"] == "Female")
                                                   & (adult["race"] == "Black")).sum()
    assert np.isclose(overview["share"].sum(), 1.0)


def test_group_overview_base_rates(adult):
    ds = build_dataset(adult, sample_roles("adult"))
    overview = group_overview(ds)
    truth = adult.groupby("sex")["income_gt_50k"].agg(["size", "sum", "mean"])
    np.testing.assert_array_equal(overview.loc[truth.index, "n"], truth["size"])
    np.testing.assert_array_equal(overview.loc[truth.index, "positives"], truth["sum"])
    np.testing.assert_allclose(overview.loc[truth.index, "base_rate"], truth["mean"])
    assert (overview["base_rate_low"] < overview["base_rate"]).all()
    assert (overview["base_rate"] < overview["base_rate_high"]).all()


# --- split ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return make_synthetic(3_001, n_groups=3, minority_share=0.2, random_state=5)


SYN_ROLES = ColumnRoles("label", "1", ("group",), ("x1", "x2", "proxy", "region"))


def test_split_is_60_20_20_within_every_group_and_label(synthetic):
    ds = build_dataset(synthetic, SYN_ROLES, random_state=3)
    strata = pd.DataFrame({"group": ds.group_codes, "y": ds.y, "split": ds.split})
    table_ = pd.crosstab([strata["group"], strata["y"]], strata["split"])
    assert len(table_) == 6  # 3 groups x 2 labels
    totals = table_.sum(axis=1)
    for name, share in zip(SPLIT_NAMES, (0.6, 0.2, 0.2)):
        assert (np.abs(table_[name] - totals * share) < 1).all(), table_


def test_split_follows_custom_fractions(synthetic):
    ds = build_dataset(synthetic, SYN_ROLES, fractions=(0.5, 0.25, 0.25))
    counts = pd.Series(ds.split).value_counts()
    # within one row per stratum, so within 6 rows overall
    assert abs(counts["train"] - 0.5 * len(synthetic)) <= 6
    assert abs(counts["test"] - 0.25 * len(synthetic)) <= 6


def test_split_is_deterministic_for_a_seed_and_differs_for_another(synthetic):
    first = build_dataset(synthetic, SYN_ROLES, random_state=11).split
    again = build_dataset(synthetic, SYN_ROLES, random_state=11).split
    other = build_dataset(synthetic, SYN_ROLES, random_state=12).split
    np.testing.assert_array_equal(first, again)
    assert (first != other).mean() > 0.2


# --- fingerprint ------------------------------------------------------------------------------


def test_table_fingerprint_is_stable_and_content_based():
    df = table()
    assert table_fingerprint(df) == table_fingerprint(df.copy())
    assert table_fingerprint(df) == table_fingerprint(table())
    changed = df.copy()
    changed.loc[5, "x"] += 1e-9
    assert table_fingerprint(changed) != table_fingerprint(df)
    changed = df.copy()
    changed.loc[5, "sex"] = "female" if df.loc[5, "sex"] == "male" else "male"
    assert table_fingerprint(changed) != table_fingerprint(df)
    assert table_fingerprint(df.rename(columns={"x": "w"})) != table_fingerprint(df)


def test_dataset_fingerprint():
    df = table()
    base = build_dataset(df, ROLES).fingerprint
    assert build_dataset(df.copy(), ROLES).fingerprint == base
    assert build_dataset(df, roles()).fingerprint == base
    changed = df.copy()
    changed.loc[0, "x"] = 99.0
    assert build_dataset(changed, ROLES).fingerprint != base
    others = {build_dataset(df, roles(sensitive=("race",))).fingerprint,
              build_dataset(df, roles(features=("x",))).fingerprint,
              build_dataset(df, roles(positive_label="0")).fingerprint,
              build_dataset(df, roles(score_column="score")).fingerprint,
              build_dataset(df, ROLES, random_state=1).fingerprint}
    assert base not in others and len(others) == 5


# --- column_summary ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, target", [("compas", "two_year_recid"), ("adult", "income_gt_50k")])
def test_column_summary_on_samples(name, target, adult):
    df = adult if name == "adult" else load_sample(name)
    summary = column_summary(df, target)
    assert list(summary.index) == [str(c) for c in df.columns]
    pd.testing.assert_series_equal(summary["missing"], df.isna().sum(), check_names=False,
                                   check_index_type=False, check_dtype=False)
    assert summary["missing"].sum() > 0
    np.testing.assert_array_equal(summary["distinct"], df.nunique().to_numpy())
    assert summary.loc["age", "type"] == "number"
    assert summary.loc["sex", "type"] == "text"


def test_column_summary_flags_leaks():
    summary = column_summary(load_sample("german"), "good_credit")
    assert "leak" in summary.loc["credit_risk", "flag"]
    assert summary.loc["age", "flag"] == ""


def test_one_audited_split_for_every_kind_of_model():
    """Models trained here, uploaded models and given scores are all audited on the held-out
    test rows: the rows mitigations and comparisons are measured on."""
    from fairdash.data import AUDITED_SPLIT, Dataset, outside_model_warning
    from fairdash.mitigation import EVALUATION_SPLIT

    assert AUDITED_SPLIT == EVALUATION_SPLIT == "test"
    assert Dataset.audited_split(trained_here=True) == "test"
    assert Dataset.audited_split(trained_here=False) == "test"
    assert Dataset.audited_split() == "test"
    assert outside_model_warning("builtin") is None
    for kind in ("upload", "scores"):
        assert "cannot know which rows" in outside_model_warning(kind)
    with pytest.raises(ValueError, match="upload"):
        outside_model_warning("pickle")
