"""The lattice search (fairdash/subgroups/_lattice.py, _top.py): exact top-k against brute
force, sound score bounds, rules that read back to the slice's rows, and the same top slices
as the ``sliceline`` package with the same score, depth and support."""

import warnings
from itertools import combinations, product

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planted import features

from fairdash.subgroups import parse_rule, top_slices
from fairdash.subgroups._encode import encode_columns
from fairdash.subgroups._lattice import score_bounds, slice_scores


def _random_case(seed, n=1500):
    rng = np.random.default_rng(seed)
    frame = features(n, rng)
    frame["age"] = frame["age"].where(rng.random(n) > 0.05)      # some missing values
    logit = -2 + 1.2 * (frame["region"] == "north") + 0.8 * (frame["job"] == "nurse") \
        + 0.02 * (frame["age"].fillna(40) - 40)
    errors = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, errors


def _brute_force(frame, errors, *, kind, alpha, min_count, max_depth, n_bins=5):
    """Every slice of up to max_depth conditions, scored directly from its row mask."""
    coded = encode_columns(frame, frame.columns, n_bins=n_bins, min_count=min_count)
    e = np.asarray(errors, dtype=float)
    n, mean, var = len(e), e.mean(), e.var()
    out = []
    for depth in range(1, max_depth + 1):
        for cols in combinations(range(len(coded)), depth):
            levels = [np.flatnonzero(coded[c].usable) for c in cols]
            for values in product(*levels):
                mask = np.ones(n, dtype=bool)
                for c, v in zip(cols, values):
                    mask &= coded[c].codes == v
                s, err = mask.sum(), e[mask].sum()
                if s < min_count or (kind == "sliceline" and err == 0):
                    continue
                sc = float(slice_scores(s, err, kind=kind, n=n, mean=mean, var=var,
                                        alpha=alpha))
                if sc > 0:
                    out.append((sc, int(s)))
    return sorted(out, reverse=True)


@pytest.mark.parametrize("kind, alpha", [("fairdash", 0.95), ("sliceline", 0.95),
                                         ("sliceline", 0.99)])
@pytest.mark.parametrize("seed", [0, 1])
def test_top_k_equals_brute_force(kind, alpha, seed):
    """Pruning never loses a slice: the scores of the top 8 are the brute-force top 8."""
    frame, errors = _random_case(seed)
    top = top_slices(frame, errors, k=8, max_depth=3, min_support=40, score=kind, alpha=alpha)
    truth = _brute_force(frame, errors, kind=kind, alpha=alpha, min_count=40, max_depth=3)
    k = min(8, len(truth))
    assert k == 8 and len(top) >= k
    np.testing.assert_allclose(top["score"].to_numpy(float)[:k], [t[0] for t in truth[:k]],
                               rtol=1e-12)
    assert (top["n"].to_numpy()[:k] >= 40).all()


def test_every_rule_reads_back_to_the_rows_counted():
    frame, errors = _random_case(3, n=3000)
    top = top_slices(frame, errors, k=15, max_depth=3, min_support=30, score="fairdash")
    assert len(top) >= 15
    for row in top.itertuples():
        mask = parse_rule(row.rule).mask(frame)
        assert mask.sum() == row.n
        assert errors[mask].sum() == row.errors


@settings(max_examples=300, deadline=None)
@given(st.integers(30, 5000), st.data(), st.sampled_from(["fairdash", "sliceline"]))
def test_score_bounds_cover_every_sub_slice(n, data, kind):
    """score_bounds(s, e) >= score(s', e') for every s' in [min, s], e' <= min(e, s')."""
    total = data.draw(st.integers(1, n - 1))              # errors among all n rows
    mean = total / n
    min_count = data.draw(st.integers(1, max(1, n // 10)))
    s = data.draw(st.integers(min_count, n))
    e = data.draw(st.integers(max(0, s - (n - total)), min(s, total)))
    s2 = data.draw(st.integers(min_count, s))
    e2 = data.draw(st.integers(max(0, e - (s - s2)), min(e, s2)))
    stats = {"kind": kind, "n": float(n), "mean": mean, "var": mean * (1 - mean),
             "alpha": 0.9}
    bound = score_bounds(s, e, max_error=1.0, min_count=min_count, **stats)
    assert slice_scores(s2, e2, **stats) <= bound + 1e-9


def test_sliceline_package_finds_the_same_top_slices_on_synthetic_data():
    from sliceline import Slicefinder

    frame, errors = _random_case(5, n=3000)
    labels = _label_frame(frame)
    ours = top_slices(labels, errors, k=10, max_depth=3, min_support=60, alpha=0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = Slicefinder(alpha=0.95, k=10, max_l=3, min_sup=60, verbose=False)
        theirs.fit(labels.to_numpy(), errors)
    their_scores = [s["slice_score"] for s in theirs.top_slices_statistics_]
    np.testing.assert_allclose(ours["score"].to_numpy()[:len(their_scores)], their_scores,
                               rtol=1e-9)
    ours_sets = [{(c["column"], c["value"]) for c in conds} for conds in ours["conditions"]]
    theirs_sets = [{(col, v) for col, v in zip(labels.columns, sl) if v is not None}
                   for sl in theirs.top_slices_]
    assert ours_sets[:len(theirs_sets)] == theirs_sets


def _label_frame(frame, n_bins=5):
    """Each column as the text of its level, so both searches see the same categories."""
    coded = encode_columns(frame, frame.columns, n_bins=n_bins)
    return pd.DataFrame({c.name: np.array([" and ".join(x.text() for x in lv) or "-"
                                           for lv in c.levels], dtype=object)[c.codes]
                         for c in coded})


@pytest.mark.slow
def test_sliceline_package_finds_the_same_top_10_on_adult():
    """Adult's test split, the logistic regression's 0/1 errors, depth 3, 1 % support,
    alpha 0.95: the same ten slices with the same scores as sliceline 0.3.0."""
    from sliceline import Slicefinder

    from fairdash.data import build_dataset, load_sample, sample_roles
    from fairdash.models import fit_builtin, score_dataset

    ds = build_dataset(load_sample("adult"), sample_roles("adult"))
    scores = score_dataset(fit_builtin(ds, "logreg"), ds)
    test = ds.rows("test")
    labels = _label_frame(ds.frame.loc[test, list(ds.roles.features)].reset_index(drop=True))
    errors = ((scores[test] >= 0.5).astype(int) != ds.y[test]).astype(int)
    min_sup = int(0.01 * len(errors))
    ours = top_slices(labels, errors, k=10, max_depth=3, min_support=min_sup, alpha=0.95)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = Slicefinder(alpha=0.95, k=10, max_l=3, min_sup=min_sup, verbose=False)
        theirs.fit(labels.to_numpy(), errors)
    assert len(ours) == len(theirs.top_slices_) == 10
    np.testing.assert_allclose(ours["score"].to_numpy(float),
                               [s["slice_score"] for s in theirs.top_slices_statistics_],
                               rtol=1e-9)
    ours_sets = [{(c["column"], c["value"]) for c in conds} for conds in ours["conditions"]]
    theirs_sets = [{(col, v) for col, v in zip(labels.columns, sl) if v is not None}
                   for sl in theirs.top_slices_]
    assert ours_sets == theirs_sets
