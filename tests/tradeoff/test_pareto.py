"""pareto_front: the definition, checked against brute force on random points."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.tradeoff import pareto_front

# few distinct values so that ties and duplicates are common; NaN sometimes
values = st.one_of(st.integers(0, 5).map(float), st.just(float("nan")))
points = st.lists(st.tuples(values, values), min_size=0, max_size=30)


def dominates(a, b):
    """a dominates b: gap <= and performance >= with one strict (NaN never dominates)."""
    (ga, pa), (gb, pb) = a, b
    return ga <= gb and pa >= pb and (ga < gb or pa > pb)


def split(pts):
    g = np.array([p[0] for p in pts], dtype=float)
    p = np.array([p[1] for p in pts], dtype=float)
    return g, p


@settings(max_examples=300, deadline=None)
@given(points)
def test_front_points_are_not_dominated(pts):
    g, p = split(pts)
    front = pareto_front(g, p)
    assert front.dtype == bool and front.shape == (len(pts),)
    for i in np.flatnonzero(front):
        assert not np.isnan(g[i]) and not np.isnan(p[i])
        assert not any(dominates(pts[j], pts[i]) for j in range(len(pts)))


@settings(max_examples=300, deadline=None)
@given(points)
def test_every_other_point_is_dominated_by_a_front_point(pts):
    g, p = split(pts)
    front = pareto_front(g, p)
    for i in np.flatnonzero(~front):
        if np.isnan(g[i]) or np.isnan(p[i]):
            continue  # NaN points are never on the front, and need not be dominated
        assert any(dominates(pts[j], pts[i]) for j in np.flatnonzero(front))


@settings(max_examples=200, deadline=None)
@given(points, st.randoms(use_true_random=False))
def test_invariant_to_row_order(pts, rnd):
    g, p = split(pts)
    order = np.arange(len(pts))
    rnd.shuffle(order)
    assert np.array_equal(pareto_front(g, p)[order], pareto_front(g[order], p[order]))


def test_hand_example():
    gap = [0.10, 0.20, 0.05, 0.20, np.nan, 0.05, 0.30, 0.10]
    perf = [0.80, 0.85, 0.70, 0.84, 0.99, 0.70, 0.85, 0.79]
    # 0.05/0.70 twice (identical: both on), 0.10/0.80 on, 0.20/0.85 on; 0.20/0.84 is beaten by
    # 0.20/0.85, 0.30/0.85 by 0.20/0.85 (equal performance, lower gap), 0.10/0.79 by
    # 0.10/0.80; NaN never on the front
    assert pareto_front(gap, perf).tolist() == [True, True, True, False, False, True, False,
                                                False]


def test_empty_and_all_nan():
    assert pareto_front([], []).tolist() == []
    assert pareto_front([np.nan, 1.0], [0.5, np.nan]).tolist() == [False, False]


def test_lengths_must_match():
    import pytest

    with pytest.raises(ValueError, match="same length"):
        pareto_front([1.0, 2.0], [1.0])
