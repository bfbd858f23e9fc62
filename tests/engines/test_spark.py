"""Spark in local mode through Ibis's PySpark backend: the same counts, audit and applied rule
as the pandas path (one small test; Spark's start takes most of its time)."""

import numpy as np
import pytest
from engine_tables import assert_same_as_pandas, scored_sample

from fairdash.engines import count_scores, open_table, rule_expression
from fairdash.mitigation.postprocessing import GroupThresholdOptimizer


@pytest.mark.slow
def test_spark_local_counts_audit_and_rule_equal_pandas(tmp_path):
    import ibis
    from pyspark.sql import SparkSession

    frame, target, sensitive, positive = scored_sample("german")
    frame.to_parquet(tmp_path / "german.parquet")
    spark = (SparkSession.builder.master("local[1]").appName("fairdash-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    try:
        spark.read.parquet(str(tmp_path / "german.parquet")).createOrReplaceTempView("german")
        table = open_table(connection=ibis.pyspark.connect(spark), table="german")
        counts = count_scores(table, target=target, sensitive=sensitive, score="score",
                              positive_label=positive)
        assert counts.engine == "pyspark" and counts.resolution is None
        assert_same_as_pandas(counts, frame, target, sensitive, positive, n_resamples=200)
        labels = frame[list(sensitive)].astype(str).agg(" & ".join, axis=1)
        est = GroupThresholdOptimizer("demographic_parity", strength=0.8).fit(
            frame["score"], (frame[target].astype(str) == positive), sensitive_features=labels)
        applied = table.mutate(p=rule_expression(est, counts, table, "score")).to_pandas()
        expected = est.decision_proba(applied["score"], sensitive_features=applied[
            list(sensitive)].astype(str).agg(" & ".join, axis=1))
        assert np.array_equal(applied["p"].to_numpy(), expected)
    finally:
        spark.stop()
