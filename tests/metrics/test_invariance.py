"""Invariances and uncertainty checks of the audit (DESIGN.md 6, ALGORITHMS.md 9.4 and 9.6)."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.metrics import (GAPS, RATE_DEFINITIONS, audit, audit_counts, bootstrap_counts,
                              confusion_counts, encode_groups, permute_counts)

GAP_COLUMNS = ["value", "ci_low", "ci_high", "p_value"]


def _data(n=1500, seed=0, groups=("a", "b", "c"), shares=(0.5, 0.3, 0.2),
          base=(0.3, 0.5, 0.6), tpr=(0.9, 0.7, 0.5), fpr=(0.1, 0.25, 0.4)):
    """Rows with per-group base rate, TPR and FPR; every rate differs between groups."""
    rng = np.random.default_rng(seed)
    g = rng.choice(len(groups), n, p=shares)
    y = rng.random(n) < np.asarray(base)[g]
    p = np.where(y, rng.random(n) < np.asarray(tpr)[g], rng.random(n) < np.asarray(fpr)[g])
    return y.astype(int), p.astype(int), np.asarray(groups, dtype=object)[g]


# ---------------------------------------------------------------------------------------------
# Row order and group names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, reference", [("between_groups", None), ("to_overall", None),
                                               ("vs_reference", "b")])
def test_row_order_does_not_matter(method, reference):
    y, p, s = _data(600, seed=1)
    order = np.random.default_rng(2).permutation(len(y))
    kw = dict(method=method, reference=reference, n_resamples=300)
    a = audit(y, p, sensitive_features=s, **kw)
    b = audit(y[order], p[order], sensitive_features=s[order], **kw)
    pd.testing.assert_frame_equal(a.groups, b.groups)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_series_equal(a.overall, b.overall)
    assert a.warnings == b.warnings


def test_row_order_does_not_matter_weighted_and_scores():
    y, p, s = _data(600, seed=3)
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
    y, p, s = _data(900, seed=5)
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
    y, p, s = _data(900, seed=6)
    rename = {"a": "zeta", "b": "alpha", "c": "mid"}
    s2 = np.array([rename[v] for v in s], dtype=object)
    a = audit(y, p, sensitive_features=s, method="vs_reference", reference="a", n_resamples=50)
    b = audit(y, p, sensitive_features=s2, method="vs_reference", reference="zeta",
              n_resamples=50)
    np.testing.assert_allclose(a.gaps["value"], b.gaps["value"], rtol=1e-14, atol=0)
    assert b.reference == "zeta"


def test_swapping_two_groups_labels_keeps_gaps():
    y, p, s = _data(500, seed=7, groups=("F", "M"), shares=(0.4, 0.6), base=(0.3, 0.5),
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
    y, p, s = _data(800, seed=8)
    w = np.random.default_rng(9).uniform(0.5, 2.0, len(y))
    a = audit(y, p, sensitive_features=s, sample_weight=w, n_resamples=300)
    b = audit(y, p, sensitive_features=s, sample_weight=w * 2.0**-12, n_resamples=300)
    rate_cols = [f"{name}{end}" for name in RATE_DEFINITIONS for end in ("", "_low", "_high")]
    pd.testing.assert_frame_equal(a.groups[rate_cols], b.groups[rate_cols], rtol=1e-12)
    pd.testing.assert_frame_equal(a.gaps[GAP_COLUMNS], b.gaps[GAP_COLUMNS], rtol=1e-9)


def test_normalised_weights_still_give_intervals_and_p_values():
    y, p, s = _data(3000, seed=10)
    w = np.random.default_rng(11).uniform(0.5, 2.0, len(y))
    w = w / w.sum()
    result = audit(y, p, sensitive_features=s, sample_weight=w, n_resamples=300)
    gaps = result.gaps
    assert np.isfinite(gaps[["ci_low", "ci_high"]].to_numpy()).all()
    assert (gaps["ci_low"] <= gaps["value"]).all() and (gaps["value"] <= gaps["ci_high"]).all()
    # the real gaps of this data (see _data) are large: the test must see them
    assert gaps.loc["demographic_parity_difference", "p_value"] < 0.01
    assert gaps.loc["equalized_odds_difference", "p_value"] < 0.01


# ---------------------------------------------------------------------------------------------
# Bootstrap and permutation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, reference", [("between_groups", None), ("to_overall", None),
                                               ("vs_reference", "a")])
def test_bootstrap_interval_contains_the_estimate_for_a_large_sample(method, reference):
    y, p, s = _data(6000, seed=12)
    result = audit(y, p, sensitive_features=s, method=method, reference=reference)
    gaps = result.gaps
    assert len(gaps) == len(GAPS)
    for name, row in gaps.iterrows():
        assert row["ci_low"] <= row["value"] <= row["ci_high"], name
        assert row["ci_low"] < row["ci_high"], name


def test_bootstrap_interval_narrows_with_more_data():
    small = audit(*_data(400, seed=13)[:2], sensitive_features=_data(400, seed=13)[2])
    y, p, s = _data(8000, seed=13)
    large = audit(y, p, sensitive_features=s)
    width = lambda r: r.gaps["ci_high"] - r.gaps["ci_low"]  # noqa: E731
    assert (width(large) < width(small)).all()


def test_identical_groups_give_p_value_one():
    """Groups with identical counts are exchangeable: no permutation is less disparate."""
    y_block = np.array([1, 1, 1, 0, 0, 0, 0, 1, 0, 1])
    p_block = np.array([1, 1, 0, 0, 1, 0, 0, 1, 0, 0])
    reps = 8
    y = np.tile(y_block, 3 * reps)
    p = np.tile(p_block, 3 * reps)
    s = np.repeat(["a", "b", "c"], 10 * reps)
    result = audit(y, p, sensitive_features=s, n_resamples=500)
    for name, row in result.gaps.iterrows():
        assert row["value"] == pytest.approx(0.0 if GAPS[name].kind == "difference" else 1.0), \
            name
        assert row["p_value"] == 1.0, name


def test_exchangeable_groups_give_large_p_value():
    """Group label drawn independently of everything else: no evidence of disparity."""
    rng = np.random.default_rng(14)
    n = 1200
    y = (rng.random(n) < 0.4).astype(int)
    p = np.where(y == 1, rng.random(n) < 0.7, rng.random(n) < 0.2).astype(int)
    s = rng.choice(["a", "b", "c", "d"], n)
    result = audit(y, p, sensitive_features=s)
    for name in ("demographic_parity_difference", "equal_opportunity_difference",
                 "equalized_odds_difference", "accuracy_score_difference"):
        assert result.gaps.loc[name, "p_value"] > 0.05, name


def test_big_real_gap_gives_tiny_p_value():
    y, p, s = _data(2000, seed=15)
    result = audit(y, p, sensitive_features=s)
    for name in ("demographic_parity_difference", "demographic_parity_ratio",
                 "equal_opportunity_difference", "equalized_odds_difference",
                 "accuracy_score_difference"):
        assert result.gaps.loc[name, "p_value"] < 0.01, name
    # the smallest p-value a permutation test with B resamples can give is 1 / (B + 1)
    assert result.gaps["p_value"].min() == pytest.approx(1 / 1001)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", ["between_groups", "to_overall", "vs_reference"])
def test_p_values_lie_in_zero_one(seed, method):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(60, 400))
    y = rng.integers(0, 2, n)
    p = rng.integers(0, 2, n)
    s = rng.choice(["a", "b", "c"], n)
    result = audit(y, p, sensitive_features=s, method=method,
                   reference="a" if method == "vs_reference" else None, n_resamples=200,
                   min_group_size=5)
    pv = result.gaps["p_value"].dropna()
    assert len(pv) > 0
    assert ((pv > 0) & (pv <= 1)).all()
    # with B resamples, p is a multiple of 1 / (B + 1)
    np.testing.assert_allclose(pv * 201, np.round(pv * 201), atol=1e-9)


COUNTS = st.integers(1, 6).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 40), min_size=4, max_size=4),
                       min_size=k, max_size=k)).map(lambda rows: np.array(rows, dtype=float))


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 2**32 - 1))
def test_permute_counts_preserves_sizes_and_pooled_totals(counts, seed):
    rng = np.random.default_rng(seed)
    perm = permute_counts(counts, 50, rng)
    assert perm.shape == (50,) + counts.shape
    assert (perm >= 0).all() and (perm == np.round(perm)).all()
    np.testing.assert_array_equal(perm.sum(-1), np.broadcast_to(counts.sum(-1), (50, len(counts))))
    np.testing.assert_array_equal(perm.sum(1), np.broadcast_to(counts.sum(0), (50, 4)))


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 2**32 - 1))
def test_permute_counts_within_label_preserves_each_groups_labels(counts, seed):
    rng = np.random.default_rng(seed)
    perm = permute_counts(counts, 50, rng, within_label=True)
    assert (perm >= 0).all() and (perm == np.round(perm)).all()
    np.testing.assert_array_equal(perm.sum(-1), np.broadcast_to(counts.sum(-1), (50, len(counts))))
    np.testing.assert_array_equal(perm.sum(1), np.broadcast_to(counts.sum(0), (50, 4)))
    negatives = counts[:, :2].sum(-1)
    positives = counts[:, 2:].sum(-1)
    np.testing.assert_array_equal(perm[..., :2].sum(-1), np.broadcast_to(negatives, (50, len(counts))))
    np.testing.assert_array_equal(perm[..., 2:].sum(-1), np.broadcast_to(positives, (50, len(counts))))


def test_permute_counts_has_the_hypergeometric_mean():
    """Shuffling group labels: E[cell] = group size x pooled cell total / n."""
    counts = np.array([[30, 5, 2, 13], [10, 20, 15, 5], [4, 1, 0, 25]], dtype=float)
    rng = np.random.default_rng(16)
    perm = permute_counts(counts, 20000, rng)
    sizes, totals = counts.sum(1), counts.sum(0)
    expected = np.outer(sizes, totals) / counts.sum()
    np.testing.assert_allclose(perm.mean(0), expected, atol=0.1)
    # within label: negatives share the pooled tn/fp, positives the pooled fn/tp
    perm = permute_counts(counts, 20000, rng, within_label=True)
    neg, pos = counts[:, :2].sum(1), counts[:, 2:].sum(1)
    expected = np.hstack([np.outer(neg, totals[:2]) / totals[:2].sum(),
                          np.outer(pos, totals[2:]) / totals[2:].sum()])
    np.testing.assert_allclose(perm.mean(0), expected, atol=0.1)


def test_permute_counts_is_reproducible():
    counts = np.array([[5, 3, 2, 7], [8, 1, 4, 2]], dtype=float)
    a = permute_counts(counts, 100, np.random.default_rng(3))
    b = permute_counts(counts, 100, np.random.default_rng(3))
    np.testing.assert_array_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(counts=COUNTS, seed=st.integers(0, 2**32 - 1))
def test_bootstrap_counts_preserves_group_sizes(counts, seed):
    boot = bootstrap_counts(counts, 40, np.random.default_rng(seed))
    assert boot.shape == (40,) + counts.shape
    assert (boot >= 0).all()
    np.testing.assert_array_equal(boot.sum(-1), np.broadcast_to(counts.sum(-1), (40, len(counts))))
    # a cell that is empty stays empty
    assert (boot[:, counts == 0] == 0).all()


def test_bootstrap_counts_mean_is_the_data():
    counts = np.array([[30, 5, 2, 13], [10, 20, 15, 5]], dtype=float)
    boot = bootstrap_counts(counts, 20000, np.random.default_rng(17))
    np.testing.assert_allclose(boot.mean(0), counts, atol=0.15)


# ---------------------------------------------------------------------------------------------
# Small groups
# ---------------------------------------------------------------------------------------------


def test_small_groups_are_flagged_excluded_and_warned_about():
    y, p, s = _data(900, seed=18)
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
    y, p, s = _data(300, seed=20, shares=(0.8, 0.15, 0.05))
    sizes = pd.Series(s).value_counts()
    result = audit(y, p, sensitive_features=s, min_group_size=int(sizes["b"]) + 1,
                   n_resamples=20)
    assert set(result.excluded_groups) == {"b", "c"}
    assert result.min_group_size == int(sizes["b"]) + 1
    assert result.gaps["value"].isna().all()  # one group left: nothing to compare
    assert any("Fewer than two groups" in w for w in result.warnings)


def test_undefined_rate_is_warned_about_and_left_out():
    y, p, s = _data(600, seed=21)
    y = np.where(s == "c", 0, y)  # group c has no positives
    result = audit(y, p, sensitive_features=s, n_resamples=50)
    assert math.isnan(result.groups.loc["c", "tpr"])
    assert any("'c' has no positive rows" in w for w in result.warnings)
    tpr = result.groups.loc[["a", "b"], "tpr"]
    assert result.gaps.loc["equal_opportunity_difference", "value"] == \
        pytest.approx(abs(tpr["a"] - tpr["b"]))


@pytest.mark.parametrize("constant, word", [(0, "negative"), (1, "positive")])
def test_constant_predictions_produce_a_warning(constant, word):
    y, _, s = _data(300, seed=22)
    result = audit(y, np.full(len(y), constant), sensitive_features=s, n_resamples=20)
    assert any(f"Every row is predicted {word}" in w for w in result.warnings)
    assert result.gaps.loc["demographic_parity_difference", "value"] == 0.0


def test_no_constant_warning_for_ordinary_predictions():
    y, p, s = _data(300, seed=22)
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
    y, p, s = _data(400, seed=23)
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
    y, p, s = _data(500, seed=24)
    codes, labels = encode_groups(s)
    counts = confusion_counts(y, p, codes, len(labels))
    a = audit_counts(counts, labels, n_resamples=100, random_state=3)
    b = audit(y, p, sensitive_features=s, n_resamples=100, random_state=3)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_frame_equal(a.groups, b.groups)


def test_random_state_controls_intervals():
    y, p, s = _data(500, seed=25)
    a = audit(y, p, sensitive_features=s, n_resamples=200, random_state=1)
    b = audit(y, p, sensitive_features=s, n_resamples=200, random_state=1)
    c = audit(y, p, sensitive_features=s, n_resamples=200, random_state=2)
    pd.testing.assert_frame_equal(a.gaps, b.gaps)
    pd.testing.assert_series_equal(a.gaps["value"], c.gaps["value"])
    assert not a.gaps["ci_low"].equals(c.gaps["ci_low"])


def test_unknown_reference_is_refused():
    from fairdash.exceptions import RoleError

    y, p, s = _data(100, seed=26)
    with pytest.raises(RoleError, match="nobody"):
        audit(y, p, sensitive_features=s, method="vs_reference", reference="nobody")
