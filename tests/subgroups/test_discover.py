"""Slice discovery with honest statistics (fairdash/subgroups/_discover.py, _stats.py): a
planted slice is found first and confirmed, null data confirms no more than the FDR allows,
redundant slices fold, and every number reads back from the slice's rule."""

import numpy as np
import pandas as pd
import pytest
from planted import PLANTED_RULE, null_errors, planted_errors
from scipy import stats

from fairdash.exceptions import RoleError
from fairdash.subgroups import bh_qvalues, discover_slices, find_slices, parse_rule
from fairdash.subgroups._stats import proportion_effect

COLUMNS = ["region", "job", "age", "member"]


@pytest.fixture(scope="module")
def planted():
    frame, y, pred, _ = planted_errors(n=20_000, extra=0.3, seed=1)
    return frame, y, pred, discover_slices(frame, y, pred, columns=COLUMNS, random_state=0)


def test_the_planted_slice_is_found_first_and_confirmed(planted):
    result = planted[-1]
    first = result.slices.iloc[0]
    assert first["rule"] == PLANTED_RULE
    assert first["confirmed"] and first["q_value"] < 1e-6
    assert first["words"] == "region is north and job is clerk"
    assert first["ci_low"] < 0.3 < first["ci_high"]          # the planted extra error
    assert first["conditions"] == [{"column": "region", "op": "==", "value": "north"},
                                   {"column": "job", "op": "==", "value": "clerk"}]


def test_reported_numbers_read_back_from_the_rule(planted):
    """n, rate and rate_rest are the rule's confirmation rows, counted directly."""
    frame, y, pred, result = planted
    conf = result.confirmation
    wrong = pred != y
    for row in result.slices.head(10).itertuples():
        mask = parse_rule(row.rule).mask(frame)
        assert row.n == (mask & conf).sum()
        assert row.rate == pytest.approx(wrong[mask & conf].mean())
        assert row.rate_rest == pytest.approx(wrong[~mask & conf].mean())
        assert row.effect == pytest.approx(row.rate - row.rate_rest)
        assert row.ci_low < row.effect < row.ci_high
    assert result.tested == len(result.slices)
    assert result.slices["confirmed"].is_monotonic_decreasing  # confirmed first
    conf_rows = result.slices[result.slices["confirmed"]]
    assert conf_rows["effect"].is_monotonic_decreasing


def test_q_values_are_benjamini_hochberg(planted):
    *_, result = planted
    p = result.slices["p_value"].to_numpy()
    np.testing.assert_allclose(result.slices["q_value"], stats.false_discovery_control(p),
                               rtol=1e-12)
    np.testing.assert_allclose(bh_qvalues([0.01, 0.04, 0.03, 0.5]),
                               [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])


def test_null_data_confirms_nothing_here():
    frame, y, pred = null_errors(6000, seed=11)
    result = discover_slices(frame, y, pred, columns=COLUMNS, random_state=0)
    assert result.tested > 10
    assert not result.slices["confirmed"].any()


@pytest.mark.slow
def test_false_discovery_rate_holds_on_null_data():
    """Errors independent of every column: any confirmed slice is a false discovery, so the
    FDR is the share of repetitions with at least one. Over 200 repetitions that share must not
    be significantly above 0.05 (one-sided binomial test at 1 %); bench/bench_subgroups.py
    runs the bigger simulation."""
    reps, fdr, runs_with_false = 200, 0.05, 0
    shares = []
    for seed in range(reps):
        frame, y, pred = null_errors(4000, seed=1000 + seed)
        result = discover_slices(frame, y, pred, columns=COLUMNS, fdr=fdr, random_state=seed)
        confirmed = int(result.slices["confirmed"].sum())
        runs_with_false += confirmed > 0
        shares.append(1.0 if confirmed else 0.0)   # V / R with R = V under the null
    assert stats.binom.sf(runs_with_false - 1, reps, fdr) > 0.01, runs_with_false
    assert np.mean(shares) <= 0.08


def test_a_slice_with_the_same_rows_as_a_simpler_one_is_folded():
    frame, y, pred, _ = planted_errors(n=12_000, extra=0.3, seed=2)
    frame["area"] = frame["region"].map({"north": "N", "south": "S", "east": "E", "west": "W",
                                         "centre": "C"})
    result = discover_slices(frame, y, pred, columns=["region", "area", "job"], max_depth=2)
    rules = list(result.slices["rule"])
    first = result.slices.iloc[0]
    assert first["rule"] in (PLANTED_RULE, 'area == "N" and job == "clerk"')
    twin = PLANTED_RULE if first["rule"] != PLANTED_RULE else 'area == "N" and job == "clerk"'
    assert twin not in rules and twin in first["folded"]
    # a three-way rule with the same rows would be longer; the depth-2 limit keeps it out
    assert all(d <= 2 for d in result.slices["depth"])


@pytest.mark.parametrize("rate, bad", [("fpr", 0), ("fnr", 1)])
def test_error_rates_of_one_label_search_only_that_label(rate, bad):
    """FPR counts the negatives: a slice with extra false positives is found, and its n
    counts negatives only."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"region": rng.choice(["a", "b", "c", "d"], 12_000),
                          "job": rng.choice(["x", "y", "z"], 12_000)})
    y = (rng.random(12_000) < 0.5).astype(int)
    hot = ((frame["region"] == "a") & (frame["job"] == "x")).to_numpy()
    flip = (y == bad) & (rng.random(12_000) < np.where(hot, 0.5, 0.1))
    pred = np.where(flip, 1 - y, y)
    result = discover_slices(frame, y, pred, columns=["region", "job"], rate=rate)
    first = result.slices.iloc[0]
    assert first["rule"] == 'region == "a" and job == "x"' and first["confirmed"]
    mask = parse_rule(first["rule"]).mask(frame) & result.confirmation & (y == bad)
    assert first["n"] == mask.sum()


def test_mae_slices_of_a_regression():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"region": rng.choice(["a", "b", "c"], 8000),
                          "hours": rng.integers(10, 60, 8000)})
    y = rng.normal(size=8000)
    noise = np.where((frame["hours"] >= 50).to_numpy(), 2.0, 0.5)
    pred = y + rng.normal(size=8000) * noise
    result = discover_slices(frame, y, pred, columns=["region", "hours"], rate="mae",
                             task="regression")
    first = result.slices.iloc[0]
    assert first["confirmed"] and first["rule"].startswith("hours >=")
    assert first["effect"] > 0.8


def test_progress_is_reported_up_to_done(planted):
    frame, y, pred, _ = planted
    calls = []
    discover_slices(frame, y, pred, columns=COLUMNS, progress=lambda f, t: calls.append(f))
    assert calls[-1] == 1.0 and np.all(np.diff(calls) >= -1e-12) and len(calls) > 5


def test_find_slices_searches_the_dataset_test_split(adult_small, adult_base_scores):
    result = find_slices(adult_small, adult_base_scores, max_depth=2)
    assert result.split == "test"
    assert result.rows_discovery + result.rows_confirmation == adult_small.rows("test").sum()
    assert result.confirmed["effect"].gt(0).all()
    out = result.to_dict(top=3)
    assert set(out) == {"tested", "slices"} and len(out["slices"]) == 3
    assert set(out["slices"][0]) == {"rule", "conditions", "n", "rate", "rate_rest", "effect",
                                     "ci_low", "ci_high", "p_value", "q_value", "confirmed"}


@pytest.mark.parametrize("options, words", [
    ({"rate": "accuracy"}, "Unknown rate 'accuracy'"),
    ({"rate": "mae"}, "needs a continuous target"),
    ({"max_depth": 0}, "from 1 to 5"),
    ({"min_support": 5}, "between 0 and 1"),
    ({"fdr": 1.5}, "between 0 and 1"),
    ({"score": "magic"}, "Unknown score"),
    ({"columns": []}, "at least one column"),
])
def test_bad_options_are_one_sentence(options, words):
    frame, y, pred = null_errors(2000, seed=0)
    kwargs = {"columns": COLUMNS, **options}
    with pytest.raises(RoleError, match=words):
        discover_slices(frame, y, pred, **kwargs)


def test_exact_test_where_counts_are_small():
    """Small expected counts use Fisher's exact test; large ones the z-test."""
    _, _, _, p = proportion_effect([5, 400], [30, 2000], [20, 300], [2000, 3000])
    fisher = stats.fisher_exact([[5, 25], [20, 1980]], alternative="greater").pvalue
    assert p[0] == pytest.approx(fisher)
    pooled = 700 / 5000
    z = (0.2 - 0.1) / np.sqrt(pooled * (1 - pooled) * (1 / 2000 + 1 / 3000))
    assert p[1] == pytest.approx(stats.norm.sf(z))
