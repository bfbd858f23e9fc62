"""Bootstrap intervals and permutation p-values of the audit, and the count resamplers behind them
(docs/architecture.md, docs/methods.md §9.6)."""

import numpy as np
import pytest
from audit_rows import audit_rows
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.metrics import GAPS, audit, bootstrap_counts, permute_counts


# ---------------------------------------------------------------------------------------------
# Bootstrap and permutation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, reference", [("between_groups", None), ("to_overall", None),
                                               ("vs_reference", "a")])
def test_bootstrap_interval_contains_the_estimate_for_a_large_sample(method, reference):
    y, p, s = audit_rows(6000, seed=12)
    result = audit(y, p, sensitive_features=s, method=method, reference=reference)
    gaps = result.gaps
    assert len(gaps) == len(GAPS)
    for name, row in gaps.iterrows():
        assert row["ci_low"] <= row["value"] <= row["ci_high"], name
        assert row["ci_low"] < row["ci_high"], name


def test_bootstrap_interval_narrows_with_moreaudit_rows():
    small = audit(*audit_rows(400, seed=13)[:2], sensitive_features=audit_rows(400, seed=13)[2])
    y, p, s = audit_rows(8000, seed=13)
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
    y, p, s = audit_rows(2000, seed=15)
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


def test_bootstrap_counts_mean_is_theaudit_rows():
    counts = np.array([[30, 5, 2, 13], [10, 20, 15, 5]], dtype=float)
    boot = bootstrap_counts(counts, 20000, np.random.default_rng(17))
    np.testing.assert_allclose(boot.mean(0), counts, atol=0.15)


def test_a_group_with_few_positives_is_named_in_a_warning():
    """The minimum group size counts rows; a true positive rate over a handful of positives
    is flagged even when the group is large enough to compare."""
    import numpy as np

    from fairdash.metrics import audit

    rng = np.random.default_rng(0)
    groups = np.repeat(["a", "b"], [400, 400])
    y = np.concatenate([rng.random(400) < 0.4, np.r_[np.ones(5), np.zeros(395)]]).astype(int)
    scores = rng.random(800)
    result = audit(y, y_score=scores, sensitive_features=groups)
    said = [w for w in result.warnings if "truly positive rows" in w]
    assert said == [w for w in said if "'b'" in w] and len(said) == 1
    assert "only 5 truly positive rows" in said[0]
    assert not [w for w in result.warnings if "'a'" in w]
