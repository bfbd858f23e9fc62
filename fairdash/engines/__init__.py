"""Audit where the data lives: counts from DuckDB, Spark or a warehouse through Ibis.

The rows stay in the engine; only counts per group x label x score come back
(docs/architecture.md §3.1). :func:`open_table` opens a file, glob, hive-partitioned folder or
a connection's table as an Ibis table (embedded DuckDB for files); :func:`count_scores` runs one
``GROUP BY`` there; :class:`ScoreCounts` gives the audit, the counts at every threshold and the
per-group AUC exactly as the pandas path does on the same rows. :func:`rule_expression` writes a
fitted group-threshold rule back as an Ibis ``CASE`` expression the engine applies, and
:func:`rule_sql` compiles it to the engine's SQL; :func:`rule_counts` gives its expected counts from
the cells. :func:`fit_on_counts` fits group thresholds exactly from the cells (as on the rows)
and :func:`threshold_points` measures their front over strengths; :func:`sample_rows` draws rows
in the engine for what needs rows, and :func:`fit_on_sample` fits on such rows.

Ibis, DuckDB and PySpark are imported only when a function here is called.
"""

from fairdash.engines._counts import (DEFAULT_MAX_EXACT, DEFAULT_RESOLUTION, ScoreCounts,
                                      count_scores)
from fairdash.engines._fit import FIT_ROWS, fit_on_counts, fit_on_sample, threshold_points
from fairdash.engines._rule import rule_counts, rule_expression, rule_proba, rule_sql
from fairdash.engines._source import (DEFAULT_ENGINE_ROWS, file_rows, is_many_files, open_table,
                                      sample_rows)

__all__ = ["DEFAULT_ENGINE_ROWS", "DEFAULT_MAX_EXACT", "DEFAULT_RESOLUTION", "FIT_ROWS",
           "ScoreCounts", "count_scores", "file_rows", "fit_on_counts", "fit_on_sample",
           "is_many_files", "open_table", "rule_counts", "rule_expression", "rule_proba",
           "rule_sql", "sample_rows", "threshold_points"]
