"""make_synthetic sets the disparities it promises, and stratified_split keeps proportions."""

import numpy as np
import pandas as pd
import pytest

from fairdash.data import SPLIT_NAMES, make_synthetic, stratified_split

N = 50_000


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return make_synthetic(N, base_rate=0.4, base_rate_gap=0.2, label_bias=0.5,
                          proxy_strength=0.5, random_state=1)


def test_columns_and_types(big):
    assert list(big.columns) == ["group", "x1", "x2", "proxy", "region", "label",
                                 "label_unbiased"]
    assert len(big) == N
    assert set(big["label"]) == {0, 1} and set(big["label_unbiased"]) == {0, 1}
    assert set(big["region"]) == {"north", "south", "east", "west"}


def test_base_rate_gap(big):
    rates = big.groupby("group")["label_unbiased"].mean()
    assert list(rates.index) == ["A", "B"]
    assert rates["A"] == pytest.approx(0.4, abs=0.015)
    assert rates["B"] == pytest.approx(0.2, abs=0.015)


def test_no_gap_gives_equal_base_rates():
    df = make_synthetic(N, base_rate_gap=0.0, random_state=2)
    rates = df.groupby("group")["label_unbiased"].mean()
    assert abs(rates["A"] - rates["B"]) < 0.02


def test_label_bias_halves_the_minority_positive_rate(big):
    minority = big[big["group"] != "A"]
    ratio = minority["label"].mean() / minority["label_unbiased"].mean()
    assert ratio == pytest.approx(0.5, abs=0.03)
    # bias only removes positives, and only in the minority
    assert (big["label"] <= big["label_unbiased"]).all()
    majority = big[big["group"] == "A"]
    np.testing.assert_array_equal(majority["label"], majority["label_unbiased"])


def test_without_label_bias_labels_are_the_truth():
    df = make_synthetic(5_000, label_bias=0.0, random_state=3)
    np.testing.assert_array_equal(df["label"], df["label_unbiased"])


@pytest.mark.parametrize("strength", [0.2, 0.5, 0.9])
def test_proxy_strength_is_the_correlation_with_majority_membership(strength):
    df = make_synthetic(N, proxy_strength=strength, random_state=4)
    corr = np.corrcoef(df["proxy"], (df["group"] == "A").astype(float))[0, 1]
    assert corr == pytest.approx(strength, abs=0.03)


def test_zero_proxy_strength_is_noise():
    df = make_synthetic(N, proxy_strength=0.0, random_state=4)
    corr = np.corrcoef(df["proxy"], (df["group"] == "A").astype(float))[0, 1]
    assert abs(corr) < 0.03


@pytest.mark.parametrize("share", [0.1, 0.3, 0.5])
def test_minority_share(share):
    df = make_synthetic(N, minority_share=share, random_state=6)
    assert (df["group"] != "A").mean() == pytest.approx(share, abs=0.01)


def test_same_seed_same_frame_other_seed_other_frame():
    pd.testing.assert_frame_equal(make_synthetic(2_000, random_state=7),
                                  make_synthetic(2_000, random_state=7))
    assert not make_synthetic(2_000, random_state=7).equals(make_synthetic(2_000, random_state=8))


def test_three_groups():
    df = make_synthetic(30_000, n_groups=3, minority_share=0.4, random_state=9)
    assert sorted(df["group"].unique()) == ["A", "B", "C"]
    shares = df["group"].value_counts(normalize=True)
    assert shares["A"] == pytest.approx(0.6, abs=0.015)
    # the minority share is split evenly over the other groups
    assert shares["B"] == pytest.approx(0.2, abs=0.015)
    assert shares["C"] == pytest.approx(0.2, abs=0.015)
    rates = df.groupby("group")["label_unbiased"].mean()
    assert rates["B"] == pytest.approx(0.2, abs=0.02)
    assert rates["C"] == pytest.approx(0.2, abs=0.02)


def test_features_carry_the_outcome(big):
    means = big.groupby("label_unbiased")[["x1", "x2"]].mean()
    assert means.loc[1, "x1"] - means.loc[0, "x1"] == pytest.approx(1.2, abs=0.05)
    assert means.loc[1, "x2"] - means.loc[0, "x2"] == pytest.approx(0.8, abs=0.05)


# --- stratified_split directly ----------------------------------------------------------------


def test_stratified_split_keeps_each_stratum_within_one_row():
    rng = np.random.default_rng(0)
    strata = rng.integers(0, 7, 1_003)
    strata[:3] = 99  # a tiny stratum
    split = stratified_split(strata, (0.6, 0.2, 0.2), random_state=0)
    assert set(split) <= set(SPLIT_NAMES)
    for value in np.unique(strata):
        rows = split[strata == value]
        for name, share in zip(SPLIT_NAMES, (0.6, 0.2, 0.2)):
            assert abs((rows == name).sum() - share * len(rows)) < 1


def test_one_row_stratum_goes_to_train():
    split = stratified_split(np.array([0] * 10 + [1]), random_state=0)
    assert split[-1] == "train"


def test_stratified_split_seeds():
    strata = np.arange(500) % 4
    np.testing.assert_array_equal(stratified_split(strata, random_state=1),
                                  stratified_split(strata, random_state=1))
    assert (stratified_split(strata, random_state=1)
            != stratified_split(strata, random_state=2)).any()


@pytest.mark.parametrize("fractions", [(0.5, 0.5), (0.6, 0.3, 0.3), (1.2, -0.1, -0.1)])
def test_stratified_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        stratified_split(np.zeros(10, dtype=int), fractions)
