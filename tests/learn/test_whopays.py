"""Lesson 5: before and after per group, the decisions that changed, and levelling down."""

from __future__ import annotations

import numpy as np
import pytest

from fairdash import learn


@pytest.fixture(scope="module")
def eo():
    return learn.who_pays_lesson("thresholds_eo", 1.0)


@pytest.mark.parametrize("method", learn.METHODS)
def test_strength_zero_changes_nothing(method):
    result = learn.who_pays_lesson(method, 0.0)
    assert (result.changed.drop(columns="n") == 0).all().all()
    assert result.before.equals(result.after)
    assert not learn.levelled_down(result)
    assert not learn.check_pays_task(result).done


def test_changed_decisions_add_up_to_the_rate_changes(eo):
    b, a, c = eo.before, eo.after, eo.changed
    for g in b.index:
        n = b.loc[g, "n"]
        selected = c.loc[g, "newly_selected_right"] + c.loc[g, "newly_selected_wrong"]
        rejected = c.loc[g, "newly_rejected_right"] + c.loc[g, "newly_rejected_wrong"]
        assert (a.loc[g, "selection_rate"] - b.loc[g, "selection_rate"]) * n == \
            pytest.approx(selected - rejected, abs=1e-9)
        right = c.loc[g, "newly_selected_right"] + c.loc[g, "newly_rejected_right"]
        wrong = c.loc[g, "newly_selected_wrong"] + c.loc[g, "newly_rejected_wrong"]
        assert (a.loc[g, "accuracy"] - b.loc[g, "accuracy"]) * n == pytest.approx(right - wrong,
                                                                                  abs=1e-9)
        # the flip report counts the same people: PFR - NFR is the accuracy change
        row = eo.report.groups.loc[g]
        assert (row["pfr"] - row["nfr"]) == pytest.approx(
            a.loc[g, "accuracy"] - b.loc[g, "accuracy"], abs=1e-12)
        assert row["nfr"] * n == pytest.approx(wrong, abs=1e-9)


def test_levelling_down_by_reweighing_is_the_task():
    result = learn.who_pays_lesson("reweighing", 1.0)
    down = learn.levelled_down(result)
    assert "tpr" in down.get("A", [])
    assert result.after.loc["A", "tpr"] < result.before.loc["A", "tpr"] - 0.005
    assert learn.check_pays_task(result).done
    text = " ".join(learn.notice_pays(result))
    assert "Levelling down" in text and result.who.sentence in text
    # the group thresholds raise both groups' TPR here: not the task
    for method in ("thresholds_eo", "thresholds_eop", "thresholds_dp"):
        assert not learn.check_pays_task(learn.who_pays_lesson(method, 1.0)).done, method


def test_the_criterion_gap_closes_and_accuracy_falls_under_equalized_odds(eo):
    from fairdash.learn._whopays import criterion_gap

    assert criterion_gap(eo, eo.after) < criterion_gap(eo, eo.before)
    assert set(learn.levelled_down(eo)) == {"A", "B"}
    assert np.all(eo.after["accuracy"] < eo.before["accuracy"])
