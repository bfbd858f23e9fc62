"""Column roles on small hand-made columns and on the real sample files."""

import numpy as np
import pandas as pd
import pytest

from fairdash.data import (SAMPLES, default_positive_label, flag_columns, infer_task,
                           load_sample, suggest_roles)


@pytest.fixture(scope="module")
def samples() -> dict[str, pd.DataFrame]:
    return {name: load_sample(name) for name in SAMPLES}


@pytest.fixture(scope="module")
def flags(samples) -> dict[str, dict[str, str]]:
    """flag_columns of each sample against its recommended target (computed once)."""
    return {name: flag_columns(frame, SAMPLES[name].target) for name, frame in samples.items()}


# --- infer_task -------------------------------------------------------------------------------


@pytest.mark.parametrize("values, expected", [
    ([1, 1, 1, 1], "constant"),
    (["yes", "yes", None], "constant"),
    ([0, 1, 0, 1, 1], "binary"),
    (["no", "yes", "no", None], "binary"),
    ([True, False, True], "binary"),
    ([">50K", "<=50K", "<=50K"], "binary"),
    (["a", "b", "c", "a"], "multiclass"),
    ([1, 2, 3, 2, 1], "multiclass"),
    (list(range(10)) * 3, "multiclass"),
    # integer codes below 20 are classes even when there are more than 10 of them
    (list(range(15)) * 2, "multiclass"),
    ([float(v) for v in range(15)], "multiclass"),
    (list("abcdefghijklmnopqrstuvwxyz"), "multiclass"),
    (np.linspace(0.0, 1.0, 50).tolist(), "continuous"),
    (list(range(30)), "continuous"),
    ([0.5 + v for v in range(12)], "continuous"),
])
def test_infer_task(values, expected):
    assert infer_task(pd.Series(values)) == expected


def test_infer_task_on_sample_columns(samples):
    adult = samples["adult"]
    assert infer_task(adult["income_gt_50k"]) == "binary"
    assert infer_task(adult["income"]) == "binary"
    assert infer_task(adult["age"]) == "continuous"
    assert infer_task(adult["race"]) == "multiclass"
    assert infer_task(samples["compas"]["decile_score"]) == "multiclass"


# --- default_positive_label -------------------------------------------------------------------


@pytest.mark.parametrize("values, expected", [
    ([0, 1, 1, 0, 0], "1"),
    ([1, 0, 0, 0], "1"),
    ([0.0, 1.0, 0.0], "1.0"),
    (["no", "yes", "no"], "yes"),
    (["yes", "no", "no", "no"], "yes"),
    (["Yes", "No"], "Yes"),
    ([">50K", "<=50K", "<=50K"], ">50K"),
    (["<=50K", "<=50K", ">50K"], ">50K"),
    ([True, False, False], "True"),
    ([False, True], "True"),
])
def test_default_positive_label(values, expected):
    assert default_positive_label(pd.Series(values)) == expected


def test_default_positive_label_falls_back_to_the_rarer_class():
    values = pd.Series(["approved"] * 7 + ["declined"] * 3)
    assert default_positive_label(values) == "declined"


def test_default_positive_label_on_adult_income(samples):
    assert default_positive_label(samples["adult"]["income"]) == ">50K"
    assert default_positive_label(samples["adult"]["income_gt_50k"]) == "1"


# --- flag_columns on the real samples ---------------------------------------------------------


def test_adult_income_is_flagged_as_leaking(flags):
    assert "income" in flags["adult"]
    assert "leak" in flags["adult"]["income"]


def test_adult_features_are_not_flagged(flags):
    assert set(SAMPLES["adult"].features).isdisjoint(flags["adult"]), flags["adult"]


@pytest.mark.parametrize("column, reason", [
    ("id", "identifier"), ("c_case_number", "identifier"), ("is_recid", "leak")])
def test_compas_flags(flags, column, reason):
    assert column in flags["compas"]
    assert reason in flags["compas"][column]


def test_compas_recommended_features_are_not_flagged(flags):
    assert set(SAMPLES["compas"].features).isdisjoint(flags["compas"]), flags["compas"]


def test_german_credit_risk_is_flagged_as_leaking(flags):
    assert "leak" in flags["german"]["credit_risk"]
    assert set(SAMPLES["german"].features).isdisjoint(flags["german"]), flags["german"]


def test_target_itself_is_never_flagged(flags):
    for name, spec in SAMPLES.items():
        assert spec.target not in flags[name]


def test_without_a_binary_target_only_identifiers_are_flagged(samples):
    flags = flag_columns(samples["compas"], None)
    assert {"id", "c_case_number"} <= set(flags)
    assert "is_recid" not in flags
    assert all("identifier" in reason for reason in flags.values())


# --- suggest_roles ----------------------------------------------------------------------------


def test_suggest_roles_on_adult(samples):
    adult = samples["adult"]
    roles = suggest_roles(adult)
    assert roles.target.startswith("income")
    assert infer_task(adult[roles.target]) == "binary"
    assert roles.positive_label == {"income": ">50K", "income_gt_50k": "1"}[roles.target]
    assert roles.sensitive == ("sex",)
    assert roles.target not in roles.features
    # the other income column repeats the target and must not be offered as a feature
    assert not {"income", "income_gt_50k"} & set(roles.features)
    assert roles.score_column is None


def test_suggest_roles_on_german_picks_the_named_target(samples):
    roles = suggest_roles(samples["german"])
    assert roles.target == "good_credit"
    assert roles.positive_label == "1"
    assert "credit_risk" not in roles.features
