"""point_detail: the per-group table and the lifting / levelling-down sentences."""

import numpy as np
import pytest

from fairdash.tradeoff import SweepPoint, point_detail

LABELS = ["A", "B"]


def point(sel_a, sel_b, n=1000, changed=(0, 0), method="m"):
    """Counts with base rate 0.5 in both groups and the given selection rates, split evenly
    over labels (TPR = FPR = selection rate)."""
    counts = []
    for s in (sel_a, sel_b):
        pos = neg = n / 2
        counts.append([neg * (1 - s), neg * s, pos * (1 - s), pos * s])
    return SweepPoint(method, 1.0, np.array(counts), np.array(changed, dtype=float))


BASE = point(0.2, 0.6, method="baseline")


@pytest.mark.parametrize("after, words", [
    (point(0.5, 0.6), "by lifting the worse-off group"),
    (point(0.2, 0.3), "by levelling down"),
    (point(0.4, 0.45), "partly by lifting the worse-off group and partly by levelling down"),
    (point(0.2, 0.6), "did not close"),
    (point(0.1, 0.7), "did not close"),
])
def test_verdict(after, words):
    d = point_detail(after, BASE, LABELS, gap_name="demographic_parity_difference")
    assert len(d.verdicts) == 1
    assert words in d.verdicts[0]
    assert "'A'" in d.verdicts[0] and "'B'" in d.verdicts[0]


def test_table_changes_and_counts():
    after = point(0.5, 0.6, changed=(300, 10))
    d = point_detail(after, BASE, LABELS)
    assert list(d.table.index) == LABELS
    assert d.table.loc["A", "selection_rate_before"] == pytest.approx(0.2)
    assert d.table.loc["A", "selection_rate_after"] == pytest.approx(0.5)
    assert d.table.loc["A", "selection_rate_change"] == pytest.approx(0.3)
    assert d.table.loc["B", "tpr_change"] == pytest.approx(0.0)
    assert d.changed == 310 and d.rows == 2000
    assert list(d.table["n"]) == [1000, 1000]


def test_equalized_odds_gets_a_sentence_per_rate_and_fpr_is_neutral():
    d = point_detail(point(0.5, 0.6), BASE, LABELS, gap_name="equalized_odds_difference")
    assert len(d.verdicts) == 2
    assert "true positive rate" in d.verdicts[0]
    assert "false positive rate" in d.verdicts[1] and "depends on what" in d.verdicts[1]


def test_small_groups_are_not_followed():
    d = point_detail(point(0.5, 0.6, n=20), point(0.2, 0.6, n=20, method="baseline"), LABELS)
    assert "Fewer than two groups" in d.verdicts[0]
