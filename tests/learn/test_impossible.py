"""Lesson 2: the calibrated populations, Chouldechova's identity to 1e-12 and the claim that
the error-rate gaps close together only when the base rates are equal."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fairdash import learn
from fairdash.learn._impossible import BASE_RATES, BINS, THRESHOLDS


@pytest.mark.parametrize("p", BASE_RATES)
def test_each_group_is_calibrated_with_exactly_its_base_rate(p):
    people = learn.calibrated_group(p)
    assert people.sum() == pytest.approx(1000.0, abs=1e-9)
    assert (people * BINS).sum() / people.sum() == pytest.approx(p, abs=1e-12)
    counts = learn.impossibility(p, p, 0.5).counts  # positives in a bin = people * score
    assert counts.loc["A", "tp"] == pytest.approx((people * BINS)[BINS >= 0.5].sum(), abs=1e-9)


def test_chouldechova_identity_holds_to_1e12_across_the_sliders():
    worst, checked = 0.0, 0
    for a, b, t in itertools.product(BASE_RATES[::2], BASE_RATES[1::3], THRESHOLDS):
        result = learn.impossibility(a, b, t)
        for g in ("A", "B"):
            c = result.counts.loc[g]
            tn, fp, fn, tp = c["tn"], c["fp"], c["fn"], c["tp"]
            # hand formulas from the counts, not from the library's rates
            p = (tp + fn) / (tn + fp + fn + tp)
            ppv, fnr, fpr = tp / (tp + fp), fn / (fn + tp), fp / (fp + tn)
            rhs = p / (1 - p) * (1 - ppv) / ppv * (1 - fnr)
            assert fpr == pytest.approx(result.identity.loc[g, "fpr"], abs=1e-12)
            worst = max(worst, abs(fpr - rhs), abs(result.identity.loc[g, "fpr_identity"] - fpr))
            checked += 1
    print(f"identity checked on {checked} group populations, largest error {worst:.2e}")
    assert worst < 1e-12


def test_kleinberg_balance_identity_holds():
    for a, b in itertools.product(BASE_RATES[::3], BASE_RATES[::4]):
        bal = learn.impossibility(a, b, 0.5).balance
        assert np.allclose(bal["mean_score_negatives"], bal["x_identity"], rtol=0, atol=1e-12)


def _hand_rates(p):
    """FPR, FNR and selection rate at every slider threshold, by hand from the bins."""
    people = learn.calibrated_group(p)
    pos, neg = people * BINS, people * (1 - BINS)
    chosen = BINS[None, :] >= THRESHOLDS[:, None]
    return ((neg * chosen).sum(1) / neg.sum(), (pos * ~chosen).sum(1) / pos.sum(),
            (people * chosen).sum(1) / people.sum())


def test_the_gaps_close_together_only_when_the_base_rates_are_equal():
    hand = {p: _hand_rates(p) for p in BASE_RATES}
    low, high = learn._impossible.TASK_SELECTION
    for (a, b), k in itertools.product(itertools.product(BASE_RATES, BASE_RATES),
                                       range(len(THRESHOLDS))):
        (fa, na, sa), (fb, nb, sb) = hand[a], hand[b]
        closed = abs(fa[k] - fb[k]) < 0.01 and abs(na[k] - nb[k]) < 0.01
        ordinary = all(low <= s[k] <= high for s in (sa, sb))
        assert not (closed and ordinary) or a == b, (a, b, THRESHOLDS[k])
        if a == b:
            assert fa[k] == fb[k] and na[k] == nb[k]
    # the library's check agrees with the hand computation on a spread of settings
    for a, b, k in itertools.product(BASE_RATES[::2], BASE_RATES[::2], range(0, 19, 2)):
        result = learn.impossibility(a, b, THRESHOLDS[k])
        (fa, na, sa), (fb, nb, sb) = hand[a], hand[b]
        assert result.fpr_gap == pytest.approx(abs(fa[k] - fb[k]), abs=1e-12)
        assert result.fnr_gap == pytest.approx(abs(na[k] - nb[k]), abs=1e-12)
        done = learn.check_impossibility_task(result).done
        assert done == (a == b and low <= sa[k] <= high), (a, b, THRESHOLDS[k])


def test_with_unequal_base_rates_no_threshold_closes_both_gaps():
    for a, b in [(0.3, 0.5), (0.45, 0.5), (0.2, 0.8)]:
        best = min(max(learn.impossibility(a, b, t).fpr_gap, learn.impossibility(a, b, t).fnr_gap)
                   for t in THRESHOLDS[2:-2])
        assert best > 0.01, (a, b, best)


def test_identity_line_prints_the_current_numbers():
    result = learn.impossibility(0.3, 0.5, 0.5)
    line = learn.identity_line(result, "A")
    row = result.identity.loc["A"]
    assert f"{row['p']:.3f}/{1 - row['p']:.3f}" in line
    assert f"{row['fpr']:.4f}" in line and f"{row['ppv']:.3f}" in line
    nobody = learn.impossibility(0.1, 0.1, 0.95)  # the top bin (0.975) is still selected
    assert "undefined" not in learn.identity_line(nobody, "A")
    text = " ".join(learn.notice_impossibility(result))
    assert f"{100 * result.fpr_gap:.1f} percentage points" in text
