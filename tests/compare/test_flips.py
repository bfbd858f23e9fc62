"""flip_report: the hand example of docs/methods.md §7.5, identities, groups, expected flips."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.compare import flip_report

Y = [1, 1, 0, 0, 1]
OLD = [1, 0, 0, 1, 1]
NEW = [0, 1, 0, 0, 1]


def test_hand_example():
    r = flip_report(Y, OLD, NEW)
    o = r.overall
    assert o["accuracy_old"] == pytest.approx(0.6)
    assert o["accuracy_new"] == pytest.approx(0.8)
    assert o["nfr"] == pytest.approx(0.2)
    assert o["pfr"] == pytest.approx(0.4)
    assert o["nfr_relative"] == pytest.approx(0.2 / (0.6 * 0.2))
    assert o["conditional_nfr"] == pytest.approx(1 / 3)
    assert o["churn"] == pytest.approx(0.6)
    assert o["churn_down"] == pytest.approx(0.4) and o["churn_up"] == pytest.approx(0.2)
    assert r.flips["row"].tolist() == [0, 1, 3]
    assert r.flips["kind"].tolist() == ["negative flip", "positive flip", "positive flip"]
    assert (r.flips["probability"] == 1).all()


def test_per_group_and_index():
    groups = ["a", "a", "b", "b", "b"]
    r = flip_report(Y, OLD, NEW, sensitive_features=groups, index=list("vwxyz"),
                    min_group_size=1)
    a, b = r.groups.loc["a"], r.groups.loc["b"]
    assert a["n"] == 2 and b["n"] == 3
    assert a["nfr"] == pytest.approx(0.5) and b["nfr"] == pytest.approx(0.0)
    assert a["pfr"] == pytest.approx(0.5) and b["pfr"] == pytest.approx(1 / 3)
    assert r.nfr_gap == pytest.approx(0.5)
    assert r.flips["row"].tolist() == ["v", "w", "y"]
    assert r.flips["group"].tolist() == ["a", "a", "b"]
    # Wilson bounds around every rate
    for name in ("nfr", "pfr", "churn", "accuracy_old"):
        assert (r.groups[f"{name}_low"] <= r.groups[name] + 1e-12).all()
        assert (r.groups[name] <= r.groups[f"{name}_high"] + 1e-12).all()


def test_small_groups_leave_the_gap():
    r = flip_report(Y, OLD, NEW, sensitive_features=["a", "a", "b", "b", "b"])
    assert r.groups["small"].all() and np.isnan(r.nfr_gap)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(0, 1), st.floats(0, 1),
                          st.integers(0, 2)), min_size=1, max_size=60))
def test_accuracy_change_is_pfr_minus_nfr(rows):
    """The identity of docs/methods.md §7.1, for hard and randomised decisions, in every group."""
    y, old, new, g = (np.array(c) for c in zip(*rows))
    r = flip_report(y, old, new, sensitive_features=g, min_group_size=1)
    for table in (r.groups, r.overall.to_frame().T):
        np.testing.assert_allclose(table["accuracy_new"] - table["accuracy_old"],
                                   table["pfr"] - table["nfr"], atol=1e-12)
        np.testing.assert_allclose(table["churn"], table["churn_down"] + table["churn_up"],
                                   atol=1e-12)


def test_expected_flips_of_a_randomised_new_model():
    # old right on both rows; the new model accepts the positive with probability 0.25
    r = flip_report([1, 0], [1, 0], [0.25, 0.0])
    assert r.overall["nfr"] == pytest.approx(0.75 / 2)
    assert r.flips["probability"].tolist() == [0.75]
    assert r.flips["kind"].tolist() == ["negative flip"]


@pytest.mark.parametrize("kw, words", [
    ({"y_true": [0, 2]}, "0 and 1"),
    ({"old": [0, 1, 1]}, "'old' has 3 values"),
    ({"new": [0, 1.5]}, "'new' must hold"),
])
def test_bad_input_is_named(kw, words):
    args = {"y_true": [0, 1], "old": [0, 1], "new": [1, 1], **kw}
    with pytest.raises(ValueError, match=words):
        flip_report(args.pop("y_true"), args.pop("old"), args.pop("new"))
