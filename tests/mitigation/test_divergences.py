"""Divergences of the fairness penalty: values, gradients and the sanity checks of docs/methods.md §3.9.

The module is private (its functions are building blocks of FairPenaltyLogistic), so it is
imported by its path.
"""

import numpy as np
import ot
import pytest

from fairdash.mitigation.inprocessing._divergences import (
    divergence_to_pool,
    entropic_ot,
    mmd2,
    self_entropic_ot,
    sinkhorn_divergence,
    w2_1d,
)

TIGHT = {"eps": 0.05, "stop_thr": 1e-13, "max_iter": 100_000}  # converged Sinkhorn (3.9.1)


@pytest.fixture
def clouds():
    rng = np.random.default_rng(0)
    return rng.uniform(0.0, 0.6, 30), rng.uniform(0.2, 1.0, 25)


def _central_differences(f, x, y, h=1e-6):
    gx = np.array([(f(x + h * e, y) - f(x - h * e, y)) / (2 * h) for e in np.eye(len(x))])
    gy = np.array([(f(x, y + h * e) - f(x, y - h * e)) / (2 * h) for e in np.eye(len(y))])
    return gx, gy


def _rel_err(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


@pytest.mark.parametrize("name", ["sinkhorn", "sinkhorn_eps01", "mmd", "w2"])
def test_gradients_match_central_differences(clouds, name):
    """3.9.1: relative error < 1e-5 for S_eps and MMD^2 (and the exact 1-D W_2^2)."""
    x, y = clouds
    if name.startswith("sinkhorn"):  # fewer points: 2 (n + m) converged solves per check
        x, y = x[:12], y[:10]
    f = {"sinkhorn": lambda u, v: sinkhorn_divergence(u, v, **TIGHT),
         "sinkhorn_eps01": lambda u, v: sinkhorn_divergence(u, v, eps=0.01, stop_thr=1e-13,
                                                            max_iter=100_000),
         "mmd": lambda u, v: mmd2(u, v),
         "w2": lambda u, v: w2_1d(u, v)}[name]
    _, gx, gy = f(x, y)
    nx, ny = _central_differences(lambda u, v: f(u, v)[0], x, y)
    assert _rel_err(gx, nx) < 1e-5
    assert _rel_err(gy, ny) < 1e-5


def test_gradients_in_several_dimensions():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 2)), rng.normal(0.5, 1.0, size=(6, 2))
    for f in (lambda u, v: sinkhorn_divergence(u, v, eps=0.5, stop_thr=1e-13, max_iter=100_000),
              lambda u, v: mmd2(u, v, sigmas=(0.5, 1.0))):
        _, gx, gy = f(x, y)
        assert gx.shape == x.shape and gy.shape == y.shape
        h = 1e-6
        num = np.zeros_like(x)
        for i in range(x.shape[0]):
            for k in range(2):
                e = np.zeros_like(x)
                e[i, k] = h
                num[i, k] = (f(x + e, y)[0] - f(x - e, y)[0]) / (2 * h)
        assert _rel_err(gx, num) < 1e-5


def test_zero_for_equal_clouds_positive_for_shifted(clouds):
    """3.9.2: S_eps(x, x) = 0 and MMD^2(x, x) = 0; both > 0 for shifted clouds."""
    x, _ = clouds
    assert sinkhorn_divergence(x, x)[0] == pytest.approx(0.0, abs=1e-10)
    assert mmd2(x, x)[0] == pytest.approx(0.0, abs=1e-12)
    assert w2_1d(x, x)[0] == pytest.approx(0.0, abs=1e-12)
    assert sinkhorn_divergence(x, x + 0.1)[0] > 1e-3
    assert mmd2(x, x + 0.1)[0] > 1e-3
    # the gradient vanishes at equal clouds too (S_eps is minimal there)
    _, gx, gy = sinkhorn_divergence(x, x.copy())
    assert np.abs(gx).max() < 1e-8 and np.abs(gy).max() < 1e-8


def test_entropic_ot_alone_is_biased(clouds):
    """3.8: OT_eps(x, x) > 0, which is why the debiased S_eps is the penalty."""
    x, _ = clouds
    assert entropic_ot(x, x, eps=0.05)[0] > 1e-3


def test_w2_value_from_emd_1d_equals_wasserstein_1d(clouds):
    """3.9.5: the value from the emd_1d plan is W_2^2, as ot.wasserstein_1d(p=2)."""
    x, y = clouds
    assert w2_1d(x, y)[0] == pytest.approx(ot.wasserstein_1d(x, y, p=2), rel=1e-12)
    a = np.linspace(1, 2, len(x))
    a /= a.sum()
    assert w2_1d(x, y, a=a)[0] == pytest.approx(ot.wasserstein_1d(x, y, u_weights=a, p=2),
                                                rel=1e-12)


def test_sinkhorn2_pitfall_example():
    """3.3: ot.sinkhorn2 returns <pi, C> = 0.2689 = 2 (0.5 - 0.5 e / (1 + e)), without entropy."""
    a = b = np.array([0.5, 0.5])
    cost = np.array([[0.0, 1.0], [1.0, 0.0]])
    expected = 2 * (0.5 - 0.5 * np.e / (1 + np.e))
    assert expected == pytest.approx(0.2689, abs=1e-4)
    assert float(ot.sinkhorn2(a, b, cost, reg=1.0)) == pytest.approx(expected, abs=1e-8)
    # x = y = {0, 1} gives that cost matrix; our value adds eps * KL(pi | a b')
    value, plan, _ = entropic_ot(np.array([0.0, 1.0]), np.array([0.0, 1.0]), eps=1.0)
    assert (plan * cost).sum() == pytest.approx(expected, abs=1e-8)
    d, o = np.e / (2 * (1 + np.e)), 1 / (2 * (1 + np.e))  # exact plan entries
    full = 2 * o + 2 * d * np.log(4 * d) + 2 * o * np.log(4 * o)
    assert value == pytest.approx(full, abs=1e-8)
    assert value == pytest.approx(0.37989, abs=1e-5)


def test_entropic_plan_has_the_marginals(clouds):
    x, y = clouds
    _, plan, _ = entropic_ot(x, y, eps=0.01)
    assert np.abs(plan.sum(1) - 1 / len(x)).max() < 1e-6
    assert np.abs(plan.sum(0) - 1 / len(y)).max() < 1e-6


def test_one_point_cloud_has_the_only_coupling():
    y = np.array([0.1, 0.4, 0.9])
    value, plan, _ = entropic_ot(np.array([0.5]), y, eps=0.01)
    np.testing.assert_allclose(plan, np.full((1, 3), 1 / 3))
    assert value == pytest.approx(np.mean((0.5 - y) ** 2))


def test_symmetric_solver_matches_pot_and_converges_on_small_clouds(clouds):
    x, _ = clouds
    v_pot, p_pot, _ = entropic_ot(x, x, **TIGHT)
    v_sym, p_sym, _ = self_entropic_ot(x, **TIGHT)
    assert v_sym == pytest.approx(v_pot, abs=1e-10)
    np.testing.assert_allclose(p_sym, p_pot, atol=1e-10)
    # a small spread cloud, where alternating Sinkhorn updates stall (3.5 check on marginals)
    small = np.array([0.02, 0.3, 0.55, 0.8, 0.97])
    _, plan, _ = self_entropic_ot(small, eps=0.01)
    assert np.abs(plan.sum(1) - 0.2).max() < 1e-9
    np.testing.assert_allclose(plan, plan.T, atol=1e-15)


def test_warm_start_gives_the_same_value(clouds):
    x, y = clouds
    state = {}
    cold = sinkhorn_divergence(x, y, state=state)[0]
    warm = sinkhorn_divergence(x, y, state=state)[0]
    assert set(state) == {"xy", "xx", "yy"}
    assert warm == pytest.approx(cold, abs=1e-9)


def test_uniform_weights_by_default(clouds):
    x, y = clouds
    a, b = np.full(len(x), 1 / len(x)), np.full(len(y), 1 / len(y))
    for f in (sinkhorn_divergence, mmd2, w2_1d):
        assert f(x, y)[0] == pytest.approx(f(x, y, a, b)[0], abs=1e-12)


@pytest.mark.parametrize("name, f, kw", [
    ("sinkhorn", sinkhorn_divergence, TIGHT),
    ("mmd", mmd2, {"sigmas": (0.05, 0.1, 0.2)}),
    ("w2", w2_1d, {}),
])
def test_divergence_to_pool_is_the_sum_over_groups(name, f, kw):
    """K > 2 groups (3.2): sum_s D(group s, pool), pooled self term shared; gradient exact."""
    rng = np.random.default_rng(2)
    groups = [rng.uniform(0, 0.5, 15), rng.uniform(0.3, 1, 12), rng.uniform(0.1, 0.8, 10)]
    pool = rng.uniform(0, 1, 20)
    value, grads, g_pool = divergence_to_pool(name, groups, pool, **kw)
    pairs = [f(g, pool, **kw) for g in groups]
    assert value == pytest.approx(sum(p[0] for p in pairs), abs=1e-10)
    for g, p in zip(grads, pairs):
        np.testing.assert_allclose(g, p[1], atol=1e-9)
    np.testing.assert_allclose(g_pool, sum(p[2] for p in pairs), atol=1e-9)


def test_mmd_matches_the_unweighted_formula(clouds):
    """3.3: MMD^2 = mean(K_xx) + mean(K_yy) - 2 mean(K_xy) for one bandwidth."""
    x, y = clouds
    sigma = 0.1
    k = lambda u, v: np.exp(-((u[:, None] - v[None, :]) ** 2) / (2 * sigma ** 2))
    expected = k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()
    assert mmd2(x, y, sigmas=(sigma,))[0] == pytest.approx(expected, rel=1e-12)


def test_w2_rejects_several_dimensions():
    with pytest.raises(ValueError, match="1-D"):
        w2_1d(np.zeros((3, 2)), np.ones((3, 2)))


def test_log_domain_solvers_for_small_eps():
    """max(C) / eps >= 500 switches to log-domain solvers (3.5); both still agree."""
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0, 1, 15), rng.uniform(0, 1, 12)
    eps = 0.0015  # max C / eps ~ 650
    value, plan, (log_u, log_v) = entropic_ot(x, y, eps=eps)
    assert np.isfinite(value) and len(log_u) == 15 and len(log_v) == 12
    assert np.abs(plan.sum(0) - 1 / 12).max() < 1e-6
    # pairs of close points: real mixing inside a pair, max C / eps ~ 560
    pairs = np.array([0.05, 0.07, 0.5, 0.52, 0.95, 0.97])
    v_pot, p_pot, _ = entropic_ot(pairs, pairs, eps=eps, stop_thr=1e-12, max_iter=20_000)
    v_sym, p_sym, _ = self_entropic_ot(pairs, eps=eps, stop_thr=1e-12)
    assert p_sym[0, 1] > 0.05  # not a trivial identity plan
    assert v_sym == pytest.approx(v_pot, abs=1e-10)
    np.testing.assert_allclose(p_sym, p_pot, atol=1e-10)
