"""Hand-computed aggregates of per-group rates and Wilson intervals (docs/methods.md §9.2, 9.6)."""

import math

import numpy as np
import pytest

from fairdash.exceptions import RoleError
from fairdash.metrics import aggregate, audit, wilson_interval


# ---------------------------------------------------------------------------------------------
# aggregate()
# ---------------------------------------------------------------------------------------------

VALUES = np.array([0.2, 0.5, 0.9])


def test_between_groups_difference_and_ratio():
    assert float(aggregate(VALUES)) == pytest.approx(0.7)
    assert float(aggregate(VALUES, kind="ratio")) == pytest.approx(0.2 / 0.9)


def test_between_groups_ratio_with_max_zero_is_nan():
    assert math.isnan(float(aggregate(np.array([0.0, 0.0, 0.0]), kind="ratio")))
    assert float(aggregate(np.array([0.0, 0.0, 0.0]))) == 0.0


def test_to_overall_difference_and_ratio():
    overall = 0.5
    assert float(aggregate(VALUES, overall, method="to_overall")) == pytest.approx(0.4)
    # min over g of min(M_g/M, M/M_g): 0.2/0.5 = 0.4, 1, 0.5/0.9 = 0.556
    assert float(aggregate(VALUES, overall, kind="ratio", method="to_overall")) == \
        pytest.approx(0.4)
    assert float(aggregate(np.array([0.6, 0.9]), 0.7, kind="ratio", method="to_overall")) == \
        pytest.approx(0.7 / 0.9)


def test_to_overall_needs_overall():
    with pytest.raises(ValueError):
        aggregate(VALUES, method="to_overall")


def test_vs_reference_is_signed():
    # reference 0.5: differences -0.3 and +0.4, the larger in size is +0.4
    assert float(aggregate(VALUES, method="vs_reference", reference=1)) == pytest.approx(0.4)
    # reference 0.9: differences -0.7 and -0.4: stays negative
    assert float(aggregate(VALUES, method="vs_reference", reference=2)) == pytest.approx(-0.7)
    # reference 0.2: +0.3, +0.7
    assert float(aggregate(VALUES, method="vs_reference", reference=0)) == pytest.approx(0.7)
    # ratios vs 0.5: 0.4 and 1.8; |log 0.4| > |log 1.8| so 0.4
    assert float(aggregate(VALUES, kind="ratio", method="vs_reference", reference=1)) == \
        pytest.approx(0.4)
    # ratios vs 0.2: 2.5 and 4.5 (above 1, disparate impact in favour of the others)
    assert float(aggregate(VALUES, kind="ratio", method="vs_reference", reference=0)) == \
        pytest.approx(4.5)


def test_vs_reference_needs_reference():
    with pytest.raises(RoleError):
        aggregate(VALUES, method="vs_reference")


def test_vs_reference_with_zero_reference_rate_is_undefined():
    # ratio M_g / M_r with M_r = 0 has a zero denominator: NaN (docs/methods.md §9.1), not inf
    out = float(aggregate(np.array([0.0, 0.4, 0.6]), kind="ratio", method="vs_reference",
                          reference=0))
    assert math.isnan(out)
    # but a zero rate in a *compared* group is a defined ratio of 0 vs a nonzero reference
    out = float(aggregate(np.array([0.0, 0.4, 0.6]), kind="ratio", method="vs_reference",
                          reference=1))
    assert out == 0.0


def test_unknown_method_is_refused():
    with pytest.raises(RoleError, match="between_groups"):
        aggregate(VALUES, method="pairwise")


def test_include_leaves_groups_out():
    include = np.array([True, True, False])
    assert float(aggregate(VALUES, include=include)) == pytest.approx(0.3)
    assert float(aggregate(VALUES, 0.5, method="to_overall", include=include)) == \
        pytest.approx(0.3)


def test_aggregate_batches():
    values = np.array([[0.2, 0.5, 0.9], [0.1, 0.1, np.nan], [np.nan, 0.3, np.nan]])
    out = aggregate(values)
    assert out.shape == (3,)
    np.testing.assert_allclose(out[:2], [0.7, 0.0])
    assert math.isnan(out[2])


# ---------------------------------------------------------------------------------------------
# Wilson (docs/methods.md §9.6)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k, m, low, high", [
    (0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (8, 10, 0.4902, 0.9433),
])
def test_wilson_checks(k, m, low, high):
    lo, hi = wilson_interval(k, m)
    assert float(lo) == pytest.approx(low, abs=5e-5)
    assert float(hi) == pytest.approx(high, abs=5e-5)


def test_wilson_vectorised_and_zero_trials():
    lo, hi = wilson_interval([0, 5, 8, 0], [10, 10, 10, 0])
    np.testing.assert_allclose(lo[:3], [0.0, 0.2366, 0.4902], atol=5e-5)
    np.testing.assert_allclose(hi[:3], [0.2775, 0.7634, 0.9433], atol=5e-5)
    assert math.isnan(lo[3]) and math.isnan(hi[3])


def test_wilson_wider_at_higher_confidence_and_symmetric():
    lo95, hi95 = wilson_interval(3, 20)
    lo99, hi99 = wilson_interval(3, 20, confidence=0.99)
    assert lo99 < lo95 < 0.15 < hi95 < hi99
    lo, hi = wilson_interval(17, 20)
    assert float(lo) == pytest.approx(1 - float(hi95))
    assert float(hi) == pytest.approx(1 - float(lo95))


def test_audit_table_carries_wilson_bounds():
    y = [1] * 10 + [0] * 10
    p = [1] * 8 + [0] * 2 + [1] * 5 + [0] * 5
    result = audit(y, p, sensitive_features=["a"] * 20, min_group_size=1, n_resamples=10)
    row = result.groups.loc["a"]
    assert row["tpr"] == 0.8
    assert row["tpr_low"] == pytest.approx(0.4902, abs=5e-5)
    assert row["tpr_high"] == pytest.approx(0.9433, abs=5e-5)
    assert row["fpr"] == 0.5
    assert row["fpr_low"] == pytest.approx(0.2366, abs=5e-5)
    assert row["fpr_high"] == pytest.approx(0.7634, abs=5e-5)

