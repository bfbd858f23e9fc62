"""Lesson 3: the jump buttons give the linear program's optimum, checked against an independent
brute force over per-group (randomised) thresholds on the lesson's applicants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fairdash import learn
from fairdash.learn import GAIN, LOSS


@pytest.fixture(scope="module")
def game():
    people = learn.loan_applicants()
    return people, {name: learn.solve(people, name) for name in learn.SOLUTIONS}


def plain_points(people, group):
    """(selection rate, TPR, FPR, TP, FP) of every plain threshold ``score >= t`` of a group,
    by direct counting (t = 0..101)."""
    mask = people.group == group
    s, y = people.score[mask], people.label[mask]
    rows = []
    for t in range(102):
        chosen = s >= t
        tp, fp = float((chosen & (y == 1)).sum()), float((chosen & (y == 0)).sum())
        rows.append((chosen.mean(), tp / (y == 1).sum(), fp / (y == 0).sum(), tp, fp))
    return np.array(sorted(set(rows)))


def envelope(x, y, grid):
    """Best ``y`` reachable at each ``grid`` value by lending under one plain threshold or a
    random mixture of two (brute force over every pair of thresholds)."""
    best = np.full(len(grid), -np.inf)
    for i, j in itertools.combinations_with_replacement(range(len(x)), 2):
        lo, hi = sorted((i, j), key=lambda k: x[k])
        if x[hi] == x[lo]:
            at = np.isclose(grid, x[lo], rtol=0, atol=1e-15)
            best[at] = np.maximum(best[at], max(y[lo], y[hi]))
            continue
        inside = (grid >= x[lo]) & (grid <= x[hi])
        w = (grid[inside] - x[lo]) / (x[hi] - x[lo])
        best[inside] = np.maximum(best[inside], (1 - w) * y[lo] + w * y[hi])
    return best


def crossings(grid, a, b):
    """Where two piecewise-linear functions (linear between grid values) cross."""
    out = []
    for k in range(len(grid) - 1):
        d0, d1 = a[k] - b[k], a[k + 1] - b[k + 1]
        if np.isfinite(d0) and np.isfinite(d1) and d0 * d1 < 0:
            out.append(grid[k] + (grid[k + 1] - grid[k]) * d0 / (d0 - d1))
    return np.array(out)


def brute_force(people, name):
    """The most profitable rule under criterion ``name``, found without the LP."""
    pts = {g: plain_points(people, g) for g in people.groups}
    pos = {g: float((people.label[people.group == g] == 1).sum()) for g in people.groups}
    neg = {g: float((people.label[people.group == g] == 0).sum()) for g in people.groups}
    if name == "max_profit":
        return sum(max(GAIN * tp - LOSS * fp for *_, tp, fp in pts[g]) for g in pts)
    col = {"demographic_parity": 0, "equal_opportunity": 1, "equalized_odds": 2}[name]
    grid = np.unique(np.concatenate([p[:, col] for p in pts.values()]))
    if name == "demographic_parity":
        total = sum(envelope(p[:, 0], GAIN * p[:, 3] - LOSS * p[:, 4], grid)
                    for p in pts.values())
        return float(np.max(total))
    if name == "equal_opportunity":
        total = sum(GAIN * pos[g] * grid + envelope(p[:, 1], -LOSS * p[:, 4], grid)
                    for g, p in pts.items())
        return float(np.max(total))
    # equalized odds: a common (FPR, TPR); TPR is the lower of the groups' best TPRs
    a, b = (envelope(p[:, 2], p[:, 1], grid) for p in pts.values())
    grid2 = np.unique(np.concatenate([grid, crossings(grid, a, b)]))
    a, b = (np.interp(grid2, grid, v) for v in (a, b))
    tpr = np.minimum(a, b)
    return float(np.max(sum(GAIN * pos[g] * tpr - LOSS * neg[g] * grid2 for g in pts)))


@pytest.mark.parametrize("name", list(learn.SOLUTIONS))
def test_jump_buttons_give_the_brute_force_optimum(game, name):
    people, solutions = game
    lp = solutions[name].outcome.profit
    brute = brute_force(people, name)
    print(f"{name}: LP ${lp:,.4f}, brute force ${brute:,.4f}")
    assert lp == pytest.approx(brute, rel=1e-7, abs=1e-4)


def test_the_lp_meets_its_criterion_exactly_and_no_plain_pair_beats_it(game):
    people, solutions = game
    r = {k: s.outcome.rates for k, s in solutions.items()}
    assert abs(r["demographic_parity"]["selection_rate"].diff().iloc[-1]) < 1e-8
    assert abs(r["equal_opportunity"]["tpr"].diff().iloc[-1]) < 1e-8
    assert abs(r["equalized_odds"]["tpr"].diff().iloc[-1]) < 1e-8
    assert abs(r["equalized_odds"]["fpr"].diff().iloc[-1]) < 1e-8
    # every pair of plain slider thresholds: none beats the optimum of a criterion it meets
    for a, b in itertools.product(range(0, 102, 7), repeat=2):
        o = learn.at_thresholds(people, a, b)
        assert o.profit <= solutions["max_profit"].outcome.profit + 1e-6
        if abs(o.rates["tpr"].diff().iloc[-1]) < 1e-12:
            assert o.profit <= solutions["equal_opportunity"].outcome.profit + 1e-6


def test_profit_and_accuracy_by_hand(game):
    people, _ = game
    o = learn.at_thresholds(people, 70, 60)
    lend = np.where(people.group == "A", people.score >= 70, people.score >= 60)
    repaid = (lend & (people.label == 1)).sum()
    defaulted = (lend & (people.label == 0)).sum()
    assert o.profit == GAIN * repaid - LOSS * defaulted
    assert o.accuracy == pytest.approx(((lend == (people.label == 1))).mean(), abs=1e-12)
    assert o.rates.loc["A", "n"] + o.rates.loc["B", "n"] == len(people.score)


def test_applicants_are_calibrated_the_same_way_in_both_groups(game):
    people, _ = game
    for g in people.groups:
        m = people.group == g
        for s in np.unique(people.score[m]):
            at = m & (people.score == s)
            assert abs(people.label[at].mean() - s / 100) <= 0.5 / at.sum() + 1e-12


def test_the_task_can_be_done_with_the_sliders_and_not_by_max_profit(game):
    people, solutions = game
    start = learn.at_thresholds(people, *solutions["max_profit"].thresholds)
    assert not learn.check_loan_task(start, solutions).done
    jumped = learn.at_thresholds(people, *solutions["equal_opportunity"].thresholds)
    assert learn.check_loan_task(jumped, solutions).done


def test_the_handout_prices_are_the_lps(game):
    _, solutions = game
    best = solutions["max_profit"].outcome.profit
    answer = learn.LESSONS["loan"].answers[1]
    for name in ("equalized_odds", "demographic_parity", "equal_opportunity"):
        assert f"${best - solutions[name].outcome.profit:,.0f}" in answer, name
