"""Disparate impact remover and optimal-transport repair (docs/methods.md §6.2, 6.3)."""

import pickle

import numpy as np
import ot
import pytest
from scipy import stats
from sklearn.base import clone

from fairdash.exceptions import RoleError
from fairdash.mitigation.preprocessing import DisparateImpactRemover, OTRepair


def _two_gaussians(n=3000, seed=0):
    """One feature: group 'a' ~ N(0, 1), group 'b' ~ N(2, 2^2) (the 6.2 measurement)."""
    rng = np.random.default_rng(seed)
    s = np.repeat(["a", "b"], n)
    x = np.concatenate([rng.normal(0, 1, n), rng.normal(2, 2, n)])
    return x[:, None], s


def _ks(x, s):
    return stats.ks_2samp(x[s == "a"], x[s == "b"], method="asymp").statistic


def _multi(n=400, seed=1, k=3, d=3):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, k, n)
    X = rng.normal(size=(n, d)) * (1 + 0.5 * s[:, None]) + s[:, None]
    return X, s


REPAIRERS = [
    DisparateImpactRemover(),
    OTRepair(),
    OTRepair(mode="random", random_state=0),
    OTRepair(joint=True),
    OTRepair(joint=True, mode="random", random_state=0),
]


@pytest.mark.parametrize("est", REPAIRERS, ids=repr)
def test_strength_zero_is_the_identity(est):
    X, s = _multi()
    out = clone(est).set_params(strength=0.0).fit(X, sensitive_features=s).transform(
        X, sensitive_features=s)
    np.testing.assert_array_equal(out, X)


@pytest.mark.parametrize("est", [DisparateImpactRemover(), OTRepair()], ids=repr)
def test_ks_between_groups_follows_the_repair_level(est):
    x, s = _two_gaussians()
    ks = [_ks(clone(est).set_params(strength=lam).fit_transform(x, sensitive_features=s)[:, 0],
              s) for lam in (0.0, 0.5, 1.0)]
    # measured in 6.2: KS 0.55 -> 0.29 -> 0.00 for lambda = 0, 0.5, 1
    assert ks[0] == pytest.approx(0.55, abs=0.03)
    assert ks[1] == pytest.approx(0.29, abs=0.03)
    assert ks[2] < 0.01


@pytest.mark.parametrize("est", [DisparateImpactRemover(), OTRepair()], ids=repr)
@pytest.mark.parametrize("lam", [0.3, 1.0])
def test_within_group_ranks_are_preserved(est, lam):
    X, s = _multi()
    out = clone(est).set_params(strength=lam).fit_transform(X, sensitive_features=s)
    for g in np.unique(s):
        for j in range(X.shape[1]):
            order = np.argsort(X[s == g, j])
            assert np.all(np.diff(out[s == g, j][order]) >= 0)
            assert stats.spearmanr(X[s == g, j], out[s == g, j]).statistic == pytest.approx(1)


def test_total_repair_equalises_every_feature_on_the_fitting_data():
    X, s = _multi(n=3000)
    for est in (DisparateImpactRemover(), OTRepair()):
        out = est.fit_transform(X, sensitive_features=s)
        for j in range(X.shape[1]):
            for g in (1, 2):
                assert stats.ks_2samp(out[s == 0, j], out[s == g, j]).statistic < 0.02


def test_ot_barycenter_of_gaussians():
    """N(mu_s, sigma_s^2) groups -> barycenter N(sum p mu, (sum p sigma)^2)."""
    rng = np.random.default_rng(5)
    n = np.array([6000, 3000, 3000])
    mu, sigma = np.array([0.0, 3.0, -1.0]), np.array([1.0, 0.5, 2.0])
    s = np.repeat([0, 1, 2], n)
    x = np.concatenate([rng.normal(m, sd, k) for m, sd, k in zip(mu, sigma, n)])[:, None]
    out = OTRepair().fit_transform(x, sensitive_features=s)[:, 0]
    p = n / n.sum()
    target = stats.norm(p @ mu, p @ sigma)  # N(0.5, 1.125^2)
    for g in range(3):
        part = out[s == g]
        assert part.mean() == pytest.approx(p @ mu, abs=0.05)
        assert part.std() == pytest.approx(p @ sigma, abs=0.05)
        assert stats.kstest(part, target.cdf).statistic < 0.03


def test_di_target_is_the_pointwise_median():
    rng = np.random.default_rng(2)
    s = np.repeat([0, 1, 2], 3000)
    x = np.concatenate([rng.normal(0, 1, 3000), rng.normal(1, 1, 3000),
                        rng.normal(5, 1, 3000)])[:, None]
    est = DisparateImpactRemover().fit(x, sensitive_features=s)
    np.testing.assert_allclose(est.target_quantiles_, np.median(est.quantiles_, axis=0))
    out = est.transform(x, sensitive_features=s)[:, 0]
    for g in range(3):  # the median quantile function is the middle group's, N(1, 1)
        assert stats.kstest(out[s == g], stats.norm(1, 1).cdf).statistic < 0.03


def test_two_equal_groups_di_equals_ot():
    x, s = _two_gaussians(n=500)
    X = np.column_stack([x[:, 0], np.random.default_rng(1).exponential(size=1000)])
    for lam in (0.4, 1.0):
        di = DisparateImpactRemover(strength=lam).fit_transform(X, sensitive_features=s)
        otr = OTRepair(strength=lam).fit_transform(X, sensitive_features=s)
        np.testing.assert_allclose(di, otr, atol=1e-12)


def test_columns_pass_through_and_native_knobs_override():
    X, s = _multi()
    out = DisparateImpactRemover(columns=[1]).fit_transform(X, sensitive_features=s)
    np.testing.assert_array_equal(out[:, [0, 2]], X[:, [0, 2]])
    assert not np.allclose(out[:, 1], X[:, 1])
    a = DisparateImpactRemover(strength=1.0, repair_level=0.3).fit(X, sensitive_features=s)
    assert a.repair_level_ == 0.3
    b = OTRepair(strength=0.0, lam=0.6).fit(X, sensitive_features=s)
    assert b.lambda_ == 0.6
    np.testing.assert_allclose(
        b.transform(X, sensitive_features=s),
        X + 0.6 * (OTRepair().fit_transform(X, sensitive_features=s) - X))


@pytest.mark.parametrize("est", REPAIRERS, ids=repr)
def test_no_columns_to_repair_is_the_identity(est):
    X, s = _multi()
    out = clone(est).set_params(columns=[]).fit(X, sensitive_features=s).transform(
        X, sensitive_features=s)
    np.testing.assert_array_equal(out, X)


def test_discrete_column_with_equal_groups_is_unchanged():
    rng = np.random.default_rng(0)
    s = np.repeat([0, 1], 1000)
    X = np.column_stack([rng.integers(0, 2, 2000), rng.integers(0, 5, 2000)]).astype(float)
    X[:1000] = X[1000:]  # identical distributions (and values) in both groups
    for est in (DisparateImpactRemover(), OTRepair()):
        np.testing.assert_allclose(est.fit_transform(X, sensitive_features=s), X, atol=1e-12)


def test_out_of_sample_rows_use_the_training_maps():
    x, s = _two_gaussians()
    est = OTRepair().fit(x, sensitive_features=s)
    new = np.array([[-0.5], [0.0], [7.0]])
    out = est.transform(new, sensitive_features=["a", "a", "b"])
    # group a: T(x) = Q_B(F_a(x)) = (Q_a(F_a(x)) + Q_b(F_a(x))) / 2, from the empirical CDFs
    a, b = x[s == "a", 0], x[s == "b", 0]
    u = np.array([np.mean(a <= v) for v in (-0.5, 0.0)])
    np.testing.assert_allclose(out[:2, 0], (np.quantile(a, u) + np.quantile(b, u)) / 2,
                               atol=0.005)
    assert out[2, 0] <= est.target_quantiles_[-1, 0]
    with pytest.raises(RoleError, match="'c'"):
        est.transform(new, sensitive_features=["a", "c", "b"])
    with pytest.raises(RoleError, match="sensitive_features"):
        est.transform(new)


def test_random_repair_moves_a_share_lambda_all_the_way():
    X, s = _multi(n=4000)
    full = OTRepair().fit_transform(X, sensitive_features=s)
    est = OTRepair(strength=0.3, mode="random", random_state=7).fit(X, sensitive_features=s)
    out = est.transform(X, sensitive_features=s)
    moved = np.any(out != X, axis=1)
    assert moved.mean() == pytest.approx(0.3, abs=0.03)
    np.testing.assert_allclose(out[moved], full[moved])
    np.testing.assert_array_equal(out[~moved], X[~moved])
    np.testing.assert_array_equal(out, est.transform(X, sensitive_features=s))


# ---- joint repair with POT ------------------------------------------------------------------

def _two_clouds(n0=150, n1=100, seed=3):
    rng = np.random.default_rng(seed)
    X0 = rng.normal(size=(n0, 2))
    X1 = rng.normal(size=(n1, 2)) @ np.array([[1.5, 0.5], [0.0, 0.7]]) + [2.0, -1.0]
    return np.vstack([X0, X1]), np.repeat(["a", "b"], [n0, n1]), X0, X1


def test_joint_two_groups_matches_pot_emd_and_emdtransport():
    X, s, X0, X1 = _two_clouds()
    p0, p1 = len(X0) / len(X), len(X1) / len(X)
    out = OTRepair(joint=True).fit_transform(X, sensitive_features=s)
    G = ot.emd(ot.unif(len(X0)), ot.unif(len(X1)), ot.dist(X0, X1))
    T01 = G @ X1 / G.sum(1, keepdims=True)
    T10 = G.T @ X0 / G.sum(0)[:, None]
    np.testing.assert_allclose(out[s == "a"], X0 + p1 * (T01 - X0), atol=1e-10)
    np.testing.assert_allclose(out[s == "b"], X1 + p0 * (T10 - X1), atol=1e-10)
    # repaired means both equal p0 mu0 + p1 mu1
    pooled = p0 * X0.mean(0) + p1 * X1.mean(0)
    np.testing.assert_allclose(out[s == "a"].mean(0), pooled, atol=1e-10)
    np.testing.assert_allclose(out[s == "b"].mean(0), pooled, atol=1e-10)
    # out-of-sample rows: POT's EMDTransport moves them like their nearest source point
    new = np.random.default_rng(9).normal(size=(20, 2))
    mapper = ot.da.EMDTransport().fit(Xs=X0, Xt=X1)
    est = OTRepair(joint=True).fit(X, sensitive_features=s)
    np.testing.assert_allclose(est.transform(new, sensitive_features=["a"] * 20),
                               new + p1 * (mapper.transform(Xs=new) - new), atol=1e-10)


def test_joint_repair_shrinks_the_distance_between_groups():
    X, s, _, _ = _two_clouds(300, 300)
    def sw(Z):
        return ot.sliced_wasserstein_distance(Z[s == "a"], Z[s == "b"], n_projections=200,
                                              seed=0)
    out = OTRepair(joint=True).fit_transform(X, sensitive_features=s)
    assert sw(out) < 0.1 * sw(X)
    half = OTRepair(joint=True, strength=0.5).fit_transform(X, sensitive_features=s)
    assert sw(out) < sw(half) < sw(X)


def test_joint_one_dimension_equals_marginal_for_equal_groups():
    rng = np.random.default_rng(4)
    s = np.repeat([0, 1], 201)  # 200 gaps divide the 1000 of the quantile grid: exact levels
    x = np.concatenate([rng.normal(0, 1, 201), rng.gamma(2.0, 1.5, 201)])[:, None]
    joint = OTRepair(joint=True).fit_transform(x, sensitive_features=s)
    marginal = OTRepair().fit_transform(x, sensitive_features=s)
    np.testing.assert_allclose(joint, marginal, atol=1e-9)


def test_joint_many_groups_uses_a_barycenter_and_subsamples():
    X, s = _multi(n=900, k=3, d=2)
    est = OTRepair(joint=True, max_rows_per_group=120, random_state=0).fit(
        X, sensitive_features=s)
    assert est.barycenter_.shape == (360, 2)
    assert [len(S) for S in est.supports_] == [120, 120, 120]
    out = est.transform(X, sensitive_features=s)
    means = np.array([out[s == g].mean(0) for g in range(3)])
    raw = np.array([X[s == g].mean(0) for g in range(3)])
    assert np.ptp(means, axis=0).max() < 0.25 * np.ptp(raw, axis=0).max()


def test_clone_and_pickle_round_trip():
    X, s = _multi()
    for est in (DisparateImpactRemover(strength=0.5), OTRepair(joint=True, random_state=0)):
        fitted = est.fit(X, sensitive_features=s)
        again = pickle.loads(pickle.dumps(fitted))
        np.testing.assert_array_equal(again.transform(X, sensitive_features=s),
                                      fitted.transform(X, sensitive_features=s))
        assert clone(est).get_params() == est.get_params()


def test_parameter_errors():
    X, s = _multi()
    with pytest.raises(ValueError, match="mode"):
        OTRepair(mode="partial").fit(X, sensitive_features=s)
    with pytest.raises(ValueError, match="repair_level"):
        DisparateImpactRemover(repair_level=2).fit(X, sensitive_features=s)
    with pytest.raises(ValueError, match="out of range"):
        DisparateImpactRemover(columns=[5]).fit(X, sensitive_features=s)
    with pytest.raises(RoleError, match="sensitive_features"):
        DisparateImpactRemover().fit(X)
