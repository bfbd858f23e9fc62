"""Invariances of the audit: row order, group names, weights, small groups, serialisation and the
counts entry point (docs/architecture.md, docs/methods.md §9.4)."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from audit_rows import audit_rows

from fairdash.metrics import (GAPS, RATE_DEFINITIONS, audit, audit_counts, confusion_counts,
                              encode_groups)

GAP_COLUMNS = ["value", "ci_low", "ci_high", "p_value"]


# ---------------------------------------------------------------------------------------------
# Row order and group names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, reference", [("between_groups", None), ("to_overall", None),
                                               ("vs_reference", "b")])
def test_row_order_does_not_matter(method, reference):
    y, p, s = audit_rows(600, seed=1)
    order = np.random.default_rng(2).permutation(len(y))
    kw = dict(method=method, reference=reference, n_resamples=300)
    a = audit(y, p, sensitive_features=s, **kw)
    b = audit(y[order], p[order], sensitive_features=s[order], **kw)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_series_equal(a.overall, b.overall)
    assert a.warnings == b.warnings


def test_row_order_does_not_matter_weighted_and_scores():
    y, p, s = audit_rows(600, seed=3)
    rng = np.random.default_rng(4)
    w = rng.uniform(0.1, 3.0, len(y))
    score = np.clip(0.5 * p + 0.5 * rng.random(len(y)), 0, 1)
    order = rng.permutation(len(y))
    a = audit(y, sensitive_features=s, y_score=score, sample_weight=w, n_resamples=200)
    b = audit(y[order], sensitive_features=s[order], y_score=score[order],
              sample_weight=w[order], n_resamples=200)
    pd.testing.assert_frame_equal(a.groups, b.groups, rtol=1e-12)
    np.testing.assert_allclose(a.gaps["value"], b.gaps["value"], rtol=1e-12)
    np.testing.assert_allclose(a.groups["auc"], b.groups["auc"], rtol=1e-12)


def test_renaming_groups_permutes_the_table_and_keeps_the_gaps():
    y, p, s = audit_rows(900, seed=5)
    rename = {"a": "zeta", "b": "alpha", "c": "mid"}
    s2 = np.array([rename[v] for v in s], dtype=object)
    a = audit(y, p, sensitive_features=s, n_resamples=200)
    b = audit(y, p, sensitive_features=s2, n_resamples=200)
    assert list(a.groups.index) == ["a", "b", "c"]
    assert list(b.groups.index) == ["alpha", "mid", "zeta"]  # sorted by the new names
    renamed = a.groups.rename(index=rename).loc[b.groups.index]
    pd.testing.assert_frame_equal(renamed, b.groups)
    np.testing.assert_allclose(a.gaps["value"], b.gaps["value"], rtol=1e-14, atol=0)
    pd.testing.assert_series_equal(a.overall, b.overall)


def test_renaming_the_reference_group_keeps_signed_gaps():
    y, p, s = audit_rows(900, seed=6)
    rename = {"a": "zeta", "b": "alpha", "c": "mid"}
    s2 = np.array([rename[v] for v in s], dtype=object)
    a = audit(y, p, sensitive_features=s, method="vs_reference", reference="a", n_resamples=50)
    b = audit(y, p, sensitive_features=s2, method="vs_reference", reference="zeta",
              n_resamples=50)
    np.testing.assert_allclose(a.gaps["value"], b.gaps["value"], rtol=1e-14, atol=0)
    assert b.reference == "zeta"


def test_swapping_two_groups_labels_keeps_gaps():
    y, p, s = audit_rows(500, seed=7, groups=("F", "M"), shares=(0.4, 0.6), base=(0.3, 0.5),
                         tpr=(0.8, 0.6), fpr=(0.2, 0.1))
    swapped = np.where(s == "F", "M", "F")
    a = audit(y, p, sensitive_features=s, n_resamples=50)
    b = audit(y, p, sensitive_features=swapped, n_resamples=50)
    np.testing.assert_allclose(a.gaps["value"], b.gaps["value"], rtol=1e-14, atol=0)
    np.testing.assert_array_equal(a.groups.loc["F", "selection_rate"],
                                  b.groups.loc["M", "selection_rate"])


def test_scaling_all_weights_changes_nothing():
    """A constant factor on every weight (for example weights normalised to sum 1) leaves
    rates, intervals and p-values unchanged."""
    y, p, s = audit_rows(800, seed=8)
    w = np.random.default_rng(9).uniform(0.5, 2.0, len(y))
    a = audit(y, p, sensitive_features=s, sample_weight=w, n_resamples=300)
    b = audit(y, p, sensitive_features=s, sample_weight=w * 2.0**-12, n_resamples=300)
    rate_cols = [f"{name}{end}" for name in RATE_DEFINITIONS for end in ("", "_low", "_high")]
    pd.testing.assert_frame_equal(a.groups[rate_cols], b.groups[rate_cols], rtol=1e-12)
    pd.testing.assert_frame_equal(a.gaps[GAP_COLUMNS], b.gaps[GAP_COLUMNS], rtol=1e-9)


def test_normalised_weights_still_give_intervals_and_p_values():
    y, p, s = audit_rows(3000, seed=10)
    w = np.random.default_rng(11).uniform(0.5, 2.0, len(y))
    w = w / w.sum()
    result = audit(y, p, sensitive_features=s, sample_weight=w, n_resamples=300)
    gaps = result.gaps
    assert np.isfinite(gaps[["ci_low", "ci_high"]].to_numpy()).all()
    assert (gaps["ci_low"] <= gaps["value"]).all() and (gaps["value"] <= gaps["ci_high"]).all()
    # the real gaps of this data (see audit_rows) are large: the test must see them
    assert gaps.loc["demographic_parity_difference", "p_value"] < 0.01
    assert gaps.loc["equalized_odds_difference", "p_value"] < 0.01


# ---------------------------------------------------------------------------------------------
# Small groups
# ---------------------------------------------------------------------------------------------


def test_small_groups_are_flagged_excluded_and_warned_about():
    y, p, s = audit_rows(900, seed=18)
    rng = np.random.default_rng(19)
    # two tiny groups with extreme rates that would dominate max - min
    y_small = np.array([1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1])
    p_small = np.array([0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0])
    s_small = np.array(["tiny"] * 5 + ["wee"] * 7, dtype=object)
    order = rng.permutation(len(y) + len(y_small))
    y_all = np.concatenate([y, y_small])[order]
    p_all = np.concatenate([p, p_small])[order]
    s_all = np.concatenate([s, s_small])[order]

    result = audit(y_all, p_all, sensitive_features=s_all, n_resamples=200)
    without = audit(y, p, sensitive_features=s, n_resamples=200)
    groups = result.groups
    assert groups.loc[["tiny", "wee"], "small"].all()
    assert not groups.loc[["a", "b", "c"], "small"].any()
    assert groups.loc["tiny", "n"] == 5 and groups.loc["wee", "n"] == 7
    assert set(result.excluded_groups) == {"tiny", "wee"}
    np.testing.assert_allclose(result.gaps["value"], without.gaps["value"], rtol=1e-14, atol=0)
    # they would change the gaps if they counted
    kept = audit(y_all, p_all, sensitive_features=s_all, n_resamples=20, min_group_size=1)
    assert kept.excluded_groups == ()
    assert not np.allclose(kept.gaps["value"], without.gaps["value"])
    note = [w for w in result.warnings if "fewer than 30 rows" in w]
    assert len(note) == 1 and "tiny" in note[0] and "wee" in note[0]
    # small groups are still shown with their own numbers and intervals
    assert groups.loc["wee", "selection_rate"] == pytest.approx(6 / 7)
    assert groups.loc["wee", "selection_rate_low"] < 6 / 7 < groups.loc["wee", "selection_rate_high"]


def test_min_group_size_is_configurable():
    y, p, s = audit_rows(300, seed=20, shares=(0.8, 0.15, 0.05))
    sizes = pd.Series(s).value_counts()
    result = audit(y, p, sensitive_features=s, min_group_size=int(sizes["b"]) + 1,
                   n_resamples=20)
    assert set(result.excluded_groups) == {"b", "c"}
    assert result.min_group_size == int(sizes["b"]) + 1
    assert result.gaps["value"].isna().all()  # one group left: nothing to compare
    assert any("Fewer than two groups" in w for w in result.warnings)


def test_undefined_rate_is_warned_about_and_left_out():
    y, p, s = audit_rows(600, seed=21)
    y = np.where(s == "c", 0, y)  # group c has no positives
    result = audit(y, p, sensitive_features=s, n_resamples=50)
    assert math.isnan(result.groups.loc["c", "tpr"])
    assert any("'c' has no positive rows" in w for w in result.warnings)
    tpr = result.groups.loc[["a", "b"], "tpr"]
    assert result.gaps.loc["equal_opportunity_difference", "value"] == \
        pytest.approx(abs(tpr["a"] - tpr["b"]))


@pytest.mark.parametrize("constant, word", [(0, "negative"), (1, "positive")])
def test_constant_predictions_produce_a_warning(constant, word):
    y, _, s = audit_rows(300, seed=22)
    result = audit(y, np.full(len(y), constant), sensitive_features=s, n_resamples=20)
    assert any(f"Every row is predicted {word}" in w for w in result.warnings)
    assert result.gaps.loc["demographic_parity_difference", "value"] == 0.0


def test_no_constant_warning_for_ordinary_predictions():
    y, p, s = audit_rows(300, seed=22)
    result = audit(y, p, sensitive_features=s, n_resamples=20)
    assert not any("Every row is predicted" in w for w in result.warnings)
    assert result.excluded_groups == ()


# ---------------------------------------------------------------------------------------------
# Serialisation and counts entry point
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {},
    {"method": "to_overall"},
    {"method": "vs_reference", "reference": "a"},
    {"min_group_size": 150},
])
def test_to_dict_is_strict_json(kwargs):
    y, p, s = audit_rows(400, seed=23)
    p = np.where(s == "a", 0, p)  # zero selection rate in the reference: undefined ratios
    y = np.where(s == "c", 1, y)  # no negatives in c: undefined FPR
    result = audit(y, p, sensitive_features=s, n_resamples=50, **kwargs)
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert [g["group"] for g in back["groups"]] == list(result.groups.index)
    for record in back["groups"]:
        assert isinstance(record["n"], int)
        assert isinstance(record["small"], bool)
        for name in RATE_DEFINITIONS:
            for key in (name, f"{name}_low", f"{name}_high"):
                assert key in record
                assert record[key] is None or 0.0 <= record[key] <= 1.0
    assert set(back["gaps"]) == set(GAPS)
    for name, entry in back["gaps"].items():
        assert set(entry) == {"value", "ci_low", "ci_high", "p_value"}
        assert all(v is None or isinstance(v, float) for v in entry.values())
        value = result.gaps.loc[name, "value"]
        assert entry["value"] is None if math.isnan(value) else entry["value"] == value
    # undefined numbers become null, not NaN
    c = next(r for r in back["groups"] if r["group"] == "c")
    assert c["fpr"] is None
    assert back["method"] == kwargs.get("method", "between_groups")
    assert back["warnings"] == list(result.warnings)


def test_audit_counts_equals_audit():
    y, p, s = audit_rows(500, seed=24)
    codes, labels = encode_groups(s)
    counts = confusion_counts(y, p, codes, len(labels))
    a = audit_counts(counts, labels, n_resamples=100, random_state=3)
    b = audit(y, p, sensitive_features=s, n_resamples=100, random_state=3)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_frame_equal(a.groups, b.groups)


def test_random_state_controls_intervals():
    y, p, s = audit_rows(500, seed=25)
    a = audit(y, p, sensitive_features=s, n_resamples=200, random_state=1)
    b = audit(y, p, sensitive_features=s, n_resamples=200, random_state=1)
    c = audit(y, p, sensitive_features=s, n_resamples=200, random_state=2)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_series_equal(a.gaps["value"], c.gaps["value"])
    assert not a.gaps["ci_low"].equals(c.gaps["ci_low"])


def test_unknown_reference_is_refused():
    from fairdash.exceptions import RoleError

    y, p, s = audit_rows(100, seed=26)
    with pytest.raises(RoleError, match="nobody"):
        audit(y, p, sensitive_features=s, method="vs_reference", reference="nobody")
