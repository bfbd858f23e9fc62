"""sweep on a real Adult subsample: shape, baseline, intervals and what theory guarantees."""

import numpy as np
import pytest

from fairdash.mitigation import evaluate, methods_for, mitigate
from fairdash.tradeoff import SWEEP_COLUMNS, pareto_front, sweep
from fairdash.tradeoff._sweep import resolve_methods

STRENGTHS = [0.0, 0.5, 1.0]
RESAMPLES = 200
DP = "demographic_parity_difference"
# sampling noise between calibration rows (where a method is fitted) and test rows
# (where it is measured): ~1,200 rows per split
TOL = 0.03


@pytest.fixture(scope="module")
def calls():
    return []


@pytest.fixture(scope="module")
def table(adult_small, adult_base_scores, calls):
    return sweep(adult_small, ["thresholds_dp", "barycenter"], STRENGTHS,
                 base_scores=adult_base_scores, n_resamples=RESAMPLES,
                 progress=lambda done, total, label: calls.append((done, total, label)))


def row(table, method, strength):
    hit = table[(table["method"] == method) & np.isclose(table["strength"], strength)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_shape_and_columns(table):
    assert list(table.columns) == list(SWEEP_COLUMNS)
    assert len(table) == 1 + 2 * len(STRENGTHS)
    assert table.iloc[0]["method"] == "baseline" and table.iloc[0]["strength"] == 0
    assert (table["method"] == "baseline").sum() == 1
    assert table["pareto"].dtype == bool and table["randomised"].dtype == bool
    assert set(table.loc[table["method"] == "thresholds_dp", "randomised"]) == {True}
    assert set(table.loc[table["method"] == "barycenter", "randomised"]) == {False}
    assert set(table["stage"]) == {"none", "post"}


def test_progress_after_baseline_and_each_method(table, calls):
    per_method = len(STRENGTHS)
    assert [c[0] for c in calls] == [1, 1 + per_method, 1 + 2 * per_method]
    assert {c[1] for c in calls} == {len(table)}
    assert calls[-1][0] == len(table)


def test_baseline_row_equals_evaluate(table, adult_small, adult_base_scores):
    audit = evaluate(adult_small, adult_base_scores, threshold=0.5, n_resamples=RESAMPLES,
                     random_state=0)
    base = row(table, "baseline", 0.0)
    assert base["performance"] == pytest.approx(audit.overall["accuracy"])
    assert base["gap"] == pytest.approx(audit.gaps.loc[DP, "value"])
    assert base["gap_low"] == pytest.approx(audit.gaps.loc[DP, "ci_low"])
    assert base["gap_high"] == pytest.approx(audit.gaps.loc[DP, "ci_high"])


def test_full_strength_lowers_the_gap(table):
    base = row(table, "baseline", 0.0)["gap"]
    assert row(table, "thresholds_dp", 1.0)["gap"] < base
    assert row(table, "barycenter", 1.0)["gap"] < base


def test_intervals_contain_the_values(table):
    # Wilson intervals always contain the observed proportion (and averages of them the
    # average): exact
    assert (table["performance_low"] <= table["performance"] + 1e-12).all()
    assert (table["performance"] <= table["performance_high"] + 1e-12).all()
    # a percentile bootstrap interval of an absolute difference need not contain a value near
    # 0 (|d*| is biased upwards): allow sampling slack
    assert (table["gap_low"] <= table["gap"] + TOL).all()
    assert (table["gap"] <= table["gap_high"] + TOL).all()


def test_stronger_thresholds_do_not_raise_the_test_gap(table):
    at0 = row(table, "thresholds_dp", 0.0)["gap"]
    for s in (0.5, 1.0):
        assert row(table, "thresholds_dp", s)["gap"] <= at0 + TOL


def test_thresholds_bound_the_calibration_gap(adult_small, adult_base_scores):
    """What theory guarantees, on the rows the method is fitted on: the DP gap is at most the
    tolerance (1 - strength) e0, e0 the base model's gap there, which shrinks with strength
    (docs/methods.md §4.7)."""
    tolerances = []
    for s in STRENGTHS:
        result = mitigate(adult_small, "thresholds_dp", s, base_scores=adult_base_scores)
        audit = evaluate(adult_small, result.scores, decisions_only=result.decisions_only,
                         split="calibration", n_resamples=50)
        tol = result.native["tolerance"]
        assert audit.gaps.loc[DP, "value"] <= tol + 1e-9
        assert tol == pytest.approx((1 - s) * result.native["e0"])
        tolerances.append(tol)
    assert tolerances[0] >= tolerances[1] >= tolerances[2]
    assert tolerances[2] == pytest.approx(0.0, abs=1e-12)


def test_pareto_column_matches_pareto_front(table):
    expected = pareto_front(table["gap"].to_numpy(), table["performance"].to_numpy())
    assert table["pareto"].tolist() == expected.tolist()
    assert table["pareto"].any()


def test_ratio_gap_and_balanced_accuracy(adult_small, adult_base_scores):
    t = sweep(adult_small, ["barycenter"], [1.0], base_scores=adult_base_scores,
              performance="balanced_accuracy", gap="demographic_parity_ratio",
              n_resamples=RESAMPLES)
    base = evaluate(adult_small, adult_base_scores, n_resamples=RESAMPLES)
    b = t.iloc[0]
    assert b["performance"] == pytest.approx((base.overall["tpr"] + base.overall["tnr"]) / 2)
    assert b["gap"] == pytest.approx(base.gaps.loc["demographic_parity_ratio", "value"])
    # a ratio is better when higher: the front is computed on 1 - ratio
    expected = pareto_front(1 - t["gap"].to_numpy(), t["performance"].to_numpy())
    assert t["pareto"].tolist() == expected.tolist()
    assert (t["performance_low"] <= t["performance"]).all()
    assert (t["performance"] <= t["performance_high"]).all()
    # repaired scores equalise selection rates: the ratio moves towards 1
    assert t.iloc[1]["gap"] > b["gap"]


def test_all_methods(adult_small):
    names = [m.name for m in resolve_methods(adult_small, "all")]
    assert names == [m.name for m in methods_for("classification")]


def test_all_methods_without_features(adult_small):
    from dataclasses import replace

    bare = replace(adult_small, roles=replace(adult_small.roles, features=()))
    chosen = resolve_methods(bare, "all")
    assert chosen and {m.stage for m in chosen} == {"post"}


@pytest.fixture(scope="module")
def hours():
    """6,000 Adult rows, target hours_per_week, grouped by sex, which the model also uses."""
    from fairdash.data import ColumnRoles, build_dataset, load_sample

    frame = load_sample("adult").sample(6000, random_state=1)
    return build_dataset(frame, ColumnRoles("hours_per_week", None, ("sex",),
                                            ("age", "education_num", "sex")))


@pytest.fixture(scope="module")
def regression_table(hours):
    from fairdash.models import fit_builtin, score_dataset

    preds = score_dataset(fit_builtin(hours, "linear"), hours)
    table = sweep(hours, ["barycenter", "di_remover"], [0.0, 0.5, 1.0],
                  base_scores=preds, base_name="linear", n_resamples=RESAMPLES)
    return table, preds


def test_regression_sweep_measures_errors_and_distribution_gaps(regression_table, hours):
    from fairdash.metrics import regression_audit

    adult_regression = hours
    table, preds = regression_table
    assert list(table.columns) == list(SWEEP_COLUMNS)
    assert len(table) == 1 + 2 * 3
    mask = adult_regression.rows("test")
    y, p = adult_regression.y[mask], preds[mask]
    base = table.iloc[0]
    assert base["performance"] == pytest.approx(np.sqrt(np.mean((p - y) ** 2)))
    assert base["performance_low"] < base["performance"] < base["performance_high"]
    audit = regression_audit(y, p, sensitive_features=adult_regression.group_labels[
        adult_regression.group_codes[mask]], n_resamples=RESAMPLES)
    assert base["gap"] == pytest.approx(audit.gaps.loc["mean_prediction_gap", "value"])
    # the full barycenter repair equalises the groups' prediction distributions
    full = row(table, "barycenter", 1.0)
    assert full["gap"] < base["gap"] / 3
    assert row(table, "barycenter", 0.0)["changed"] == 0
    assert full["changed"] > 0
    # lower error is better: the front is computed on -RMSE
    expected = pareto_front(table["gap"].to_numpy(), -table["performance"].to_numpy())
    assert table["pareto"].tolist() == expected.tolist()


def test_regression_metrics_are_checked(adult_regression):
    with pytest.raises(ValueError, match="regression"):
        sweep(adult_regression, ["barycenter"], [1.0], performance="accuracy_of_sorts",
              base_scores=np.zeros(len(adult_regression.y)))
    with pytest.raises(ValueError, match="mean_prediction_gap"):
        sweep(adult_regression, ["barycenter"], [1.0], gap="equal_opportunity_difference",
              base_scores=np.zeros(len(adult_regression.y)))


@pytest.mark.parametrize("kw, match", [
    ({"performance": "auc"}, "performance"),
    ({"gap": "nope"}, "gap"),
    ({"methods": ["nope"]}, "nope"),
    ({"methods": "some"}, "all"),
    ({"strengths": [1.5]}, r"\[0, 1\]"),
])
def test_bad_arguments(adult_small, adult_base_scores, kw, match):
    args = {"methods": ["barycenter"], "strengths": [1.0], **kw}
    with pytest.raises(ValueError, match=match):
        sweep(adult_small, args.pop("methods"), args.pop("strengths"),
              base_scores=adult_base_scores, **args)
