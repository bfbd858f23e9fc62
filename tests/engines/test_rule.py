"""The group-threshold rule written back as an Ibis CASE: the engine's decision probabilities
are the fitted rule's, exactly, and the expected counts follow from the cells alone."""

import numpy as np
import pytest
from engine_tables import decision_log

from fairdash.engines import count_scores, open_table, rule_counts, rule_expression, rule_sql
from fairdash.exceptions import DataError
from fairdash.metrics import confusion_counts, encode_groups
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer

SENSITIVE = ["group", "region"]


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    frame = decision_log(40_000, n_groups=3, seed=8)
    path = tmp_path_factory.mktemp("rule") / "log.parquet"
    frame.to_parquet(path)
    labels = frame["group"] + " & " + frame["region"]
    table = open_table(path)
    counts = count_scores(table, target="label", sensitive=SENSITIVE, score="score",
                          resolution="exact")
    return frame, labels, table, counts


@pytest.mark.parametrize("constraint, strength", [("demographic_parity", 0.6),
                                                  ("equalized_odds", 1.0),
                                                  ("equal_opportunity", 0.0)])
def test_engine_applies_the_fitted_rule_exactly(log, constraint, strength):
    frame, labels, table, counts = log
    est = GroupThresholdOptimizer(constraint, strength=strength, threshold=0.5).fit(
        frame["score"], frame["label"], sensitive_features=labels)
    applied = table.mutate(p=rule_expression(est, counts, table, "score")).to_pandas()
    expected = est.decision_proba(applied["score"], sensitive_features=applied["group"] + " & "
                                  + applied["region"])
    assert np.array_equal(applied["p"].to_numpy(), expected)
    if strength == 0.0:  # the base rule: hard decisions score >= threshold
        assert np.array_equal(applied["p"].to_numpy(), (applied["score"] >= 0.5) * 1.0)
    codes, k = encode_groups(frame[SENSITIVE])[0], len(counts.labels)
    rows = confusion_counts(frame["label"], est.decision_proba(frame["score"],
                            sensitive_features=labels), codes, k)
    assert np.allclose(rule_counts(est, counts), rows, rtol=0, atol=1e-6)


def test_rule_sql_compiles_for_other_engines(log):
    frame, labels, table, counts = log
    est = GroupThresholdOptimizer("demographic_parity").fit(
        frame["score"], frame["label"], sensitive_features=labels)
    for dialect in (None, "postgres", "snowflake", "trino"):
        sql = rule_sql(est, counts, table, "score", dialect=dialect)
        assert "CASE" in sql and "decision_proba" in sql


def test_a_group_without_a_threshold_is_refused(log):
    frame, labels, table, counts = log
    some = frame["group"] != "g0"
    est = GroupThresholdOptimizer("demographic_parity").fit(
        frame["score"][some], frame["label"][some], sensitive_features=labels[some])
    with pytest.raises(DataError, match="'g0 & north' has rows but no fitted threshold"):
        rule_expression(est, counts, table, "score")
    with pytest.raises(DataError, match="not fitted"):
        rule_counts(GroupThresholdOptimizer(), counts)


def test_fit_on_sample_fits_on_engine_rows_with_the_counts_rescaling(tmp_path):
    from fairdash.engines import fit_on_sample

    frame = decision_log(8_000, n_groups=2, seed=13).assign(
        points=lambda f: f["score"] * 900 + 100)
    frame.to_parquet(tmp_path / "t.parquet")
    table = open_table(tmp_path / "t.parquet")
    counts = count_scores(table, target="label", sensitive="group", score="points",
                          rescale=True)
    est, n = fit_on_sample(GroupThresholdOptimizer("equal_opportunity"), table, counts)
    assert n == len(frame)  # a small table is fitted on every row
    lo, hi = frame["points"].min(), frame["points"].max()
    ref = GroupThresholdOptimizer("equal_opportunity").fit(
        (frame["points"] - lo) / (hi - lo), frame["label"], sensitive_features=frame["group"])
    assert np.array_equal(est.rule_.cuts, ref.rule_.cuts)
    assert np.array_equal(est.rule_.levels, ref.rule_.levels)
    _, few = fit_on_sample(GroupThresholdOptimizer("equal_opportunity"), table, counts,
                           n_rows=3_000)
    assert few == 3_000
