"""who_pays: a group is named as paying only when the permutation test says the NFR gap is
clear (p < 0.05, as on the Audit page); otherwise the sentence says "no clear difference"."""

import numpy as np
import pytest

from fairdash.compare import CLEAR_P_VALUE, flip_report, who_pays


def _report(flips_per_group, n_all=1000, seed=0, randomised=False):
    """Groups of ``n`` rows, all decided right by the old model; the new model gets
    ``flips_per_group[g]`` of each group wrong (negative flips)."""
    rng = np.random.default_rng(seed)
    ys, olds, news, groups = [], [], [], []
    for g, k in flips_per_group.items():
        k, n = k if isinstance(k, tuple) else (k, n_all)      # (flips, rows) for other sizes
        y = rng.integers(0, 2, n)
        new = y.astype(float).copy()
        idx = rng.choice(n, k * (2 if randomised else 1), replace=False)
        new[idx] = 0.5 if randomised else 1 - y[idx]     # 0.5: wrong with probability 1/2
        ys.append(y)
        olds.append(y.astype(float))
        news.append(new)
        groups += [g] * n
    return flip_report(np.concatenate(ys), np.concatenate(olds), np.concatenate(news),
                       sensitive_features=np.array(groups))


def test_a_clear_difference_names_the_group():
    report = _report({"a": 60, "b": 10})
    result = who_pays(report, n_resamples=500)
    assert result.worst == "a" and result.best == "b"
    assert result.worst_nfr == pytest.approx(0.06) and result.best_nfr == pytest.approx(0.01)
    assert result.gap == pytest.approx(report.nfr_gap) == pytest.approx(0.05)
    assert result.clear and result.p_value < CLEAR_P_VALUE
    assert result.sentence.startswith("'a' pays the most for the update: 6.00% of its 1,000 "
                                      "rows")
    assert "against 1.00% for 'b'" in result.sentence
    assert "5.00 percentage points" in result.sentence
    assert "no clear" not in result.sentence.lower()


def test_overlapping_groups_are_no_clear_difference():
    """A 0.3-point gap (23 against 20 flips in 1,000 rows each) is no evidence of anything."""
    report = _report({"a": 23, "b": 20})
    result = who_pays(report, n_resamples=500)
    assert result.worst == "a" and result.gap == pytest.approx(0.003)
    assert not result.clear and result.p_value > 0.3
    assert result.sentence.startswith("No clear difference between groups")
    assert "pays the most" not in result.sentence
    assert "0.30 percentage points" in result.sentence
    # the Wilson intervals of the two groups overlap too
    g = report.groups
    assert g.loc["a", "nfr_low"] < g.loc["b", "nfr_high"]


def test_the_test_uses_each_rows_expected_flip():
    """Randomised new decisions (probability 0.5 of the right one): expected flips count half,
    and the same numbers come out of the report and of who_pays."""
    report = _report({"a": 60, "b": 5}, randomised=True)
    result = who_pays(report, n_resamples=300)
    assert result.worst_nfr == pytest.approx(0.06) and result.best_nfr == pytest.approx(0.005)
    assert result.clear


def test_small_groups_are_left_out_and_too_few_groups_say_so():
    report = _report({"a": 60, "b": 10, "tiny": (10, 20)})     # tiny: 20 rows, half flipped
    assert report.groups.loc["tiny", "small"]
    result = who_pays(report, n_resamples=100)
    assert result.worst == "a" and "tiny" not in result.sentence
    one = _report({"a": 10}, n_all=200)
    nobody = who_pays(one)
    assert nobody.worst is None and not nobody.clear
    assert "Fewer than two groups" in nobody.sentence


def test_no_flips_at_all():
    result = who_pays(_report({"a": 0, "b": 0}))
    assert not result.clear and result.p_value == 1.0
    assert "No row is newly decided wrong" in result.sentence


def test_reproducible():
    report = _report({"a": 30, "b": 18})
    assert who_pays(report, random_state=3) == who_pays(report, random_state=3)
