"""Lesson 4: the injected biases do what they say, and both audits are checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import equal_opportunity_difference

from fairdash import learn
from fairdash.data import ColumnRoles, build_dataset, make_synthetic
from fairdash.learn._biaslab import BASELINE, ROLES, ROWS
from fairdash.models import fit_builtin, score_dataset


@pytest.fixture(scope="module")
def label_bias():
    return learn.lab("label_bias", 0.6)


def test_amount_zero_is_the_same_population_for_every_kind():
    base = make_synthetic(ROWS, **BASELINE, random_state=0)
    for kind in learn.BIASES:
        pd.testing.assert_frame_equal(learn.lab_population(kind, 0.0), base)


def test_each_bias_changes_what_it_says_and_nothing_else():
    base = learn.lab_population("label_bias", 0.0)
    biased = learn.lab_population("label_bias", 1.0)
    assert (biased["label_unbiased"] == base["label_unbiased"]).all()
    flipped = biased["label"] != biased["label_unbiased"]
    assert flipped.any() and (biased.loc[flipped, "group"] == "B").all()
    assert (biased.loc[flipped, "label_unbiased"] == 1).all()
    share = flipped.sum() / ((biased["group"] == "B") & (biased["label_unbiased"] == 1)).sum()
    assert share == pytest.approx(0.9, abs=0.03)  # amount 1 = 90% of B's positives
    few = learn.lab_population("under_representation", 1.0)
    assert (few["group"] == "B").mean() == pytest.approx(0.02, abs=0.005)
    proxy = learn.lab_population("proxy", 1.0)
    assert np.corrcoef(proxy["proxy"], proxy["group"] == "A")[0, 1] > 0.99
    noisy = learn.lab_population("measurement_noise", 1.0)
    a = noisy["group"] == "A"
    assert (noisy.loc[a, ["x1", "x2"]] == base.loc[a, ["x1", "x2"]]).all().all()
    extra = (noisy.loc[~a, "x1"] - base.loc[~a, "x1"]).std()
    assert extra == pytest.approx(2.0, rel=0.1)


def test_both_audits_by_hand_and_equal_opportunity_against_fairlearn(label_bias):
    frame = learn.lab_population("label_bias", 0.6)
    ds = build_dataset(frame, ROLES, random_state=0)
    scores = score_dataset(fit_builtin(ds, "logreg", random_state=0), ds)
    test = ds.rows("test")
    decided = (scores[test] >= 0.5).astype(int)
    groups = frame["group"].to_numpy()[test]
    result = label_bias["none"]
    for column, table in (("label", result.observed), ("label_unbiased", result.truth)):
        y = frame[column].to_numpy()[test]
        for g in ("A", "B"):
            m = groups == g
            assert table.loc[g, "tpr"] == pytest.approx(decided[m & (y == 1)].mean(), abs=1e-12)
            assert table.loc[g, "fpr"] == pytest.approx(decided[m & (y == 0)].mean(), abs=1e-12)
            assert table.loc[g, "n"] == m.sum()
        eo = equal_opportunity_difference(y, decided, sensitive_features=groups)
        which = "observed" if column == "label" else "truth"
        assert result.gaps.loc[which, "equal_opportunity"] == pytest.approx(eo, abs=1e-12)


def test_only_label_bias_separates_the_two_audits():
    for kind in ("under_representation", "proxy", "measurement_noise"):
        for result in learn.lab(kind, 1.0).values():
            pd.testing.assert_frame_equal(result.observed, result.truth)
    for name, result in learn.lab("label_bias", 0.6).items():
        assert result.observed.loc["B", "fpr"] > result.truth.loc["B", "fpr"], name
        assert result.observed.loc["A", "tpr"] == result.truth.loc["A", "tpr"], name


def test_the_task_reweighing_recovers_the_truth_thresholds_only_move_the_observed_gap():
    for amount in (0.5, 0.75, 1.0):
        results = learn.lab("label_bias", amount)
        table = learn.gap_table(results)
        assert learn.check_lab_task("label_bias", amount, results["reweighing"]).done
        assert not learn.check_lab_task("label_bias", amount, results["none"]).done
        # fitting equal opportunity to biased labels leaves a larger true gap than reweighing
        assert table.loc["thresholds_eop", "equal_opportunity truth"] > \
            table.loc["reweighing", "equal_opportunity truth"] + 0.02
    low = learn.lab("label_bias", 0.25)
    assert not learn.check_lab_task("label_bias", 0.25, low["reweighing"]).done
    assert not learn.check_lab_task("proxy", 1.0, learn.lab("proxy", 1.0)["reweighing"]).done


def test_notice_states_both_audits(label_bias):
    table = learn.gap_table(label_bias)
    result = label_bias["thresholds_eop"]
    text = " ".join(learn.notice_lab("label_bias", 0.6, result, table))
    assert f"{100 * result.truth.loc['B', 'tpr']:.1f}%" in text
    assert f"{100 * result.observed.loc['B', 'tpr']:.1f}%" in text
    assert "misreads group B" in text
    assert f"{100 * result.truth.loc['B', 'fpr']:.1f}% in truth" in text
    assert ColumnRoles  # the roles type is the library's
