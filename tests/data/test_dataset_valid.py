"""What a valid role choice gives: intersectional groups and their overview, a stratified split,
fingerprints, column summaries and one audited split."""

import numpy as np
import pandas as pd
import pytest
from dataset_tables import ROLES, roles, table

from fairdash.data import (SPLIT_NAMES, ColumnRoles, build_dataset, column_summary, group_overview,
                           load_sample, make_synthetic, sample_roles, table_fingerprint)


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
