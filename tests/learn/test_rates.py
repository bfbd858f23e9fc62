"""Lesson 1: counts and rates at a threshold, checked by hand and against fairlearn."""

from __future__ import annotations

import numpy as np
import pytest
from fairlearn.metrics import false_positive_rate, selection_rate, true_positive_rate
from sklearn.metrics import precision_score

from fairdash import learn


@pytest.fixture(scope="module")
def people():
    return learn.lesson1_people()


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.5, 0.53, 0.77, 1.0])
def test_counts_and_rates_by_hand_and_against_fairlearn(people, threshold):
    result = learn.rates_at(people, threshold)
    for g in ("A", "B"):
        m = people.group == g
        y, d = people.label[m], (people.score[m] >= threshold).astype(int)
        c = result.counts.loc[g]
        assert (c["tn"], c["fp"], c["fn"], c["tp"]) == (
            ((y == 0) & (d == 0)).sum(), ((y == 0) & (d == 1)).sum(),
            ((y == 1) & (d == 0)).sum(), ((y == 1) & (d == 1)).sum())
        assert c["n"] == m.sum() == 50
        r = result.rates.loc[g]
        assert r["selection_rate"] == pytest.approx(selection_rate(y, d), abs=1e-12)
        assert r["tpr"] == pytest.approx(true_positive_rate(y, d), abs=1e-12)
        assert r["fpr"] == pytest.approx(false_positive_rate(y, d), abs=1e-12)
        if d.sum():
            assert r["ppv"] == pytest.approx(precision_score(y, d), abs=1e-12)
        else:
            assert np.isnan(r["ppv"])  # nobody selected: undefined, not 0
        assert r["base_rate"] == pytest.approx(y.mean(), abs=1e-12)
    assert result.accuracy == pytest.approx(
        (result.decisions == people.label).mean(), abs=1e-12)


def test_the_population_is_fifty_people_per_group_and_scores_lean_apart(people):
    assert list(np.unique(people.group, return_counts=True)[1]) == [50, 50]
    assert people.score[people.group == "A"].mean() > people.score[people.group == "B"].mean()
    assert set(np.unique(people.label)) == {0, 1}


def test_lowering_the_threshold_never_lowers_selection_tpr_or_fpr(people):
    previous = None
    for t in np.round(np.linspace(1, 0, 101), 2):
        r = learn.rates_at(people, t).rates
        if previous is not None:
            for rate in ("selection_rate", "tpr", "fpr"):
                assert (r[rate] >= previous[rate] - 1e-12).all(), (t, rate)
        previous = r


def test_the_task_is_done_exactly_at_the_most_accurate_thresholds(people):
    best, where = learn.best_accuracy(people)
    brute = max(((people.score >= t) == people.label).mean()
                for t in np.round(np.linspace(0, 1, 101), 2))
    assert best == pytest.approx(brute, abs=1e-12)
    for t in np.round(np.linspace(0, 1, 101), 2):
        done = learn.check_rates_task(people, learn.rates_at(people, t)).done
        assert done == (float(t) in where), t
    # the handout's answer names these thresholds and this accuracy
    answer = learn.LESSONS["rates"].answers[1]
    assert f"{where[0]:.2f} to {where[-1]:.2f}" in answer and f"{best:.0%}" in answer
    at = learn.rates_at(people, where[0]).rates
    assert at.loc["A", "fpr"] > at.loc["B", "fpr"] + 0.05  # "well above"


def test_notice_states_the_numbers(people):
    result = learn.rates_at(people, 0.5)
    text = " ".join(learn.notice_rates(result))
    c = result.counts
    assert f"{c.loc['A', 'tp'] + c.loc['A', 'fp']:.0f} of 50 people in group A" in text
    assert f"{100 * result.rates.loc['B', 'tpr']:.1f}%" in text
    gap = abs(result.rates.loc["A", "fpr"] - result.rates.loc["B", "fpr"])
    assert f"{100 * gap:.1f} percentage points" in text
    # at 1.0 nobody is selected: precision is said to be undefined, not 0
    assert "n/a" in " ".join(learn.notice_rates(learn.rates_at(people, 1.0)))
