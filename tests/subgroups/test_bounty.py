"""Bias bounties (fairdash/subgroups/_decision_list.py, _bounty.py, _hunt.py): the update never
raises the overall error or an earlier group's error (hypothesis), the decision list is a
scikit-learn estimator saved with skops, and the hunter patches a planted group."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planted import PLANTED_RULE, flipped_population
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.tree import DecisionTreeClassifier

from fairdash.data import ColumnRoles, build_dataset
from fairdash.exceptions import ModelError, UnsafeModelError
from fairdash.models import fit_builtin, load_model_bytes, save_model_bytes
from fairdash.subgroups import (DecisionList, hunt, list_errors, load_decision_list, submit,
                                train_group_model)

COLUMNS = ["a", "b", "c"]


def _tree(X, y, seed):
    return DecisionTreeClassifier(max_depth=2, random_state=seed).fit(X, y)


@st.composite
def bounty_cases(draw):
    """Random rows, a random base tree, and a sequence of random (group, model) submissions."""
    seed = draw(st.integers(0, 10**6))
    n = draw(st.integers(60, 300))
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({c: rng.integers(0, 3, n) for c in COLUMNS})
    y = rng.integers(0, 2, n)
    X["t"] = y      # an oracle column some submitted models read (rules never do)
    base = _tree(X, rng.integers(0, 2, n), seed)
    subs = []
    for _ in range(draw(st.integers(1, 6))):
        cols = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=2, unique=True))
        rule = " and ".join(f"{c} {draw(st.sampled_from(['==', '!=', '<=']))} "
                            f"{draw(st.integers(0, 2))}" for c in cols)
        kind = draw(st.sampled_from(["tree", "partial", "partial", "zero", "one"]))
        if kind == "tree":  # a tree fitted to the true labels of random rows: often better
            model = _tree(X, np.where(rng.random(n) < 0.8, y, 1 - y), seed + len(subs))
        elif kind == "partial":  # wrong where a column has a value, right elsewhere: the
            # kind of model that helps its group as a whole and hurts an overlapping one
            cols = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=2,
                                 unique=True))
            wrong = np.ones(n, dtype=bool)
            for col in cols:
                wrong &= X[col].to_numpy() == draw(st.integers(0, 2))
            labels = np.where(wrong, 1 - y, y)
            model = DecisionTreeClassifier(random_state=0).fit(X, labels)
        else:
            model = DummyClassifier(strategy="constant", constant=int(kind == "one"))
            model.fit(X, np.r_[0, 1, rng.integers(0, 2, n - 2)])
        subs.append((rule, model))
    return X, y, base, subs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bounty_cases())
def test_no_update_raises_overall_or_earlier_group_error(case):
    """After every submission (accepted whenever the group's error falls at all, alpha = 1),
    the overall error and the error of every earlier accepted group on the evaluation rows are
    no higher than before it, the new group's error falls, and the reported numbers are those
    of the returned list."""
    X, y, base, subs = case
    dl = DecisionList(base).fit()
    accepted = []
    for rule, model in subs:
        before = list_errors(dl, X, y, accepted)
        sub = submit(dl, rule, model, X, y, alpha=1.0)
        after = list_errors(sub.decision_list, X, y, accepted + [rule])
        assert after["overall"] <= before["overall"] + 1e-12
        for g in accepted:
            assert after["groups"][g][1] <= before["groups"][g][1] + 1e-12, g
        assert sub.overall_error_after == pytest.approx(after["overall"])
        if sub.accepted:
            assert sub.group_error_after == pytest.approx(after["groups"][rule][1])
            assert sub.group_error_after < sub.group_error_before
            accepted.append(rule)
        else:
            assert sub.decision_list is dl
        dl = sub.decision_list
    assert dl.groups_ == list(reversed(accepted))


def test_a_repair_sends_an_earlier_group_back():
    """A = g1 == 1 is fixed first; B = g2 == 1 overlaps it and its model is better on B as a
    whole but wrong on A and B: the repair keeps A's decisions (a pointer entry), A's error
    stays 0, and B's error falls further."""
    g1 = np.r_[np.ones(20), np.zeros(40)].astype(int)
    g2 = np.r_[np.ones(10), np.zeros(10), np.ones(30), np.zeros(10)].astype(int)
    X = pd.DataFrame({"g1": g1, "g2": g2})
    y = np.r_[np.ones(10), np.zeros(10), np.zeros(30), np.ones(10)].astype(int)
    one = DummyClassifier(strategy="constant", constant=1).fit(X, [0, 1] * 30)
    zero = DummyClassifier(strategy="constant", constant=0).fit(X, [0, 1] * 30)
    follows_g2 = DecisionTreeClassifier(max_depth=1).fit(X, g2)
    first = submit(DecisionList(one).fit(), "g1 == 1", follows_g2, X, y)
    assert first.accepted and first.group_error_after == 0 and first.repaired == ()
    second = submit(first.decision_list, "g2 == 1", zero, X, y)
    assert second.accepted and second.repaired == ("g1 == 1",)
    assert second.group_error_before == 0.75 and second.group_error_after == 0
    errs = list_errors(second.decision_list, X, y, ["g1 == 1", "g2 == 1"])
    assert errs["groups"]["g1 == 1"][1] == 0 and errs["overall"] == 0
    dl = second.decision_list
    assert dl.entries[0][:1] == ("g1 == 1",) and dl.entries[0][1] is None   # the pointer
    assert dl.groups_ == ["g2 == 1", "g1 == 1"]
    assert "skip to entry 3" in dl.describe()[0]
    np.testing.assert_array_equal(dl.predict(X), y)


def test_a_worse_model_is_refused_and_the_list_kept():
    X = pd.DataFrame({"a": np.arange(200) % 4})
    y = (X["a"] < 2).astype(int).to_numpy()
    good = DecisionTreeClassifier(max_depth=2).fit(X, y)
    bad = DummyClassifier(strategy="constant", constant=0).fit(X, [0, 1] * 100)
    dl = DecisionList(good).fit()
    sub = submit(dl, "a < 2", bad, X, y)
    assert not sub.accepted and sub.decision_list is dl and "Refused" in sub.reason
    small = submit(DecisionList(bad).fit(), "a == 0", good, X.head(12), y[:12])
    assert not small.accepted and "not significant" in small.reason   # 3 rows cannot show it


@pytest.fixture(scope="module")
def flipped():
    frame = flipped_population()
    roles = ColumnRoles("label", "1", ("sex",), ("region", "job", "age", "member", "x"))
    ds = build_dataset(frame, roles)
    return ds, fit_builtin(ds, "logreg")


def test_the_decision_list_is_an_estimator_saved_with_skops(flipped):
    ds, base = flipped
    h = train_group_model(ds, PLANTED_RULE, "logreg")
    ev = ds.rows("calibration")
    dl = submit(DecisionList(base).fit(), PLANTED_RULE, h, ds.frame[ev], ds.y[ev]).decision_list
    assert dl.groups_ == [PLANTED_RULE]
    params = dl.get_params()
    assert params["base_estimator"] is base and params["entries"] == dl.entries
    assert [e[0] for e in clone(dl).entries] == [PLANTED_RULE]
    data = save_model_bytes(dl)
    with pytest.raises(UnsafeModelError, match="DecisionList"):
        load_model_bytes(data, "bounty.skops")    # the upload path trusts scikit-learn only
    back = load_decision_list(data)
    np.testing.assert_array_equal(back.predict_proba(ds.frame), dl.predict_proba(ds.frame))
    np.testing.assert_array_equal(back.predict(ds.frame), dl.predict(ds.frame))
    assert set(back.feature_names_in_) >= {"region", "job", "x"}
    with pytest.raises(ModelError, match="DataFrame"):
        dl.predict(ds.frame.to_numpy())
    who = dl.deciding_entry(ds.frame)
    inside = ((ds.frame["region"] == "north") & (ds.frame["job"] == "clerk")).to_numpy()
    np.testing.assert_array_equal(who == 0, inside)


def test_the_hunter_patches_the_planted_group(flipped):
    """The label flips inside the planted slice, so one logistic regression is wrong there; the
    hunter finds the slice, trains on it, and the test-split error falls."""
    ds, base = flipped
    result = hunt(ds, base, rounds=2, learner="logreg", max_depth=2)
    first = result.rounds.iloc[0]
    assert first["rule"] == PLANTED_RULE and first["accepted"]
    assert first["group_error_after"] < 0.3 < first["group_error_before"]
    assert result.overall_error < result.overall_error_before - 0.02
    assert PLANTED_RULE in list(result.groups["rule"])
    out = result.to_dict()
    assert set(out) == {"rounds", "final"} and set(out["final"]) == {"overall_error", "groups"}
    assert set(out["rounds"][0]) == {"rule", "accepted", "group_error_before",
                                     "group_error_after", "overall_error_before",
                                     "overall_error_after"}


def test_a_group_without_enough_training_rows_is_not_trained(flipped):
    ds, _ = flipped
    with pytest.raises(ModelError, match="training rows"):
        train_group_model(ds, "age < 19 and region == 'north' and job == 'clerk'", "logreg")
