"""A fitted group-threshold rule, applied where the data lives.

:class:`~fairdash.mitigation.postprocessing.GroupThresholdOptimizer` decides by a step function
of the score per group (docs/methods.md §4.4, §4.7): with ``j`` of the group's sorted cuts at or
below the score, the decision is 1 with probability ``levels[g, j]``. Written as one Ibis
``CASE`` (group and score tests, strictest cut first) the engine computes each row's decision
probability itself; :func:`rule_sql` compiles it to the engine's SQL dialect. A probability
strictly between 0 and 1 is the randomised tie of the rule: the warehouse draws ``u`` uniform
on [0, 1) per row and decides ``u < p``, as ``predict`` does; ``p`` itself gives the expected
decisions that every FairDash count of a randomised rule uses (docs/methods.md §0.3).
"""

from __future__ import annotations

import numpy as np

from fairdash.engines._counts import score_column
from fairdash.exceptions import DataError
from fairdash.metrics import confusion_counts

__all__ = ["rule_counts", "rule_expression", "rule_proba", "rule_sql"]


def _rule_of(estimator, counts):
    """The fitted rule's cuts and levels, reordered to the groups of ``counts``."""
    rule = getattr(estimator, "rule_", None)
    if rule is None:
        raise DataError("The group-threshold rule is not fitted yet; fit it before applying it.")
    fitted = [str(g) for g in estimator.groups_]
    where = []
    for label in counts.labels:
        if str(label) not in fitted:
            raise DataError(f"Group '{label}' has rows but no fitted threshold; fit the rule on "
                            "rows of every group.")
        where.append(fitted.index(str(label)))
    return rule.cuts[where], rule.levels[where]


def rule_expression(estimator, counts, table, score: str):
    """The rule's decision probability per row, as an Ibis expression on ``table``.

    Parameters
    ----------
    estimator : GroupThresholdOptimizer
        Fitted; its groups are matched to ``counts.labels``.
    counts : ScoreCounts
        Gives each group's own sensitive values (``group_values``) to test rows against.
    table : ibis.expr.types.Table
    score : str
        The score column the rule was fitted on; when ``counts`` rescaled it, the expression
        rescales it the same way before testing the cuts.

    Returns
    -------
    ibis.expr.types.FloatingColumn
        ``levels[g, j]`` for a row of group ``g`` with ``j`` cuts at or below its score; NULL
        for a row of a group the rule does not know.
    """
    import ibis

    cuts, levels = _rule_of(estimator, counts)
    s = score_column(table, score, counts.rescaled)  # the scale the rule was fitted on
    branches = []
    for g, values in enumerate(counts.group_values.itertuples(index=False)):
        in_g = ibis.and_(*[table[c] == v for c, v in zip(counts.group_values.columns, values)])
        for j in range(cuts.shape[1], 0, -1):
            cut = float(cuts[g, j - 1])
            if cut == np.inf:  # no score reaches it
                continue
            test = in_g if cut == -np.inf else in_g & (s >= cut)
            branches.append((test, _exact(levels[g, j])))
        branches.append((in_g, _exact(levels[g, 0])))
    return ibis.cases(*branches, else_=ibis.null("float64")).name("decision_proba")


def _exact(value):
    """A double literal that every engine reads back bit for bit.

    A number written in SQL is a DECIMAL to DuckDB and Postgres, and a CASE over decimals of
    different scales rounds them; the shortest round-trip text cast to DOUBLE is exact.
    """
    import ibis

    return ibis.literal(repr(float(value))).cast("float64")


def rule_sql(estimator, counts, table, score: str, dialect: str | None = None) -> str:
    """``SELECT *, CASE ... END AS decision_proba FROM table`` in the engine's SQL.

    Parameters
    ----------
    estimator, counts, table, score
        As in :func:`rule_expression`.
    dialect : str, optional
        An Ibis dialect name (``duckdb``, ``pyspark``, ``postgres``, ``snowflake``, ...);
        default the dialect of ``table``'s backend.

    Returns
    -------
    str
    """
    import ibis

    query = table.mutate(decision_proba=rule_expression(estimator, counts, table, score))
    return str(ibis.to_sql(query, dialect=dialect))


def rule_counts(estimator, counts) -> np.ndarray:
    """Expected confusion counts per group of the rule, from the cells alone.

    Parameters
    ----------
    estimator : GroupThresholdOptimizer
        Fitted.
    counts : ScoreCounts
        Exact cells (``resolution`` None) give the counts of the rows; binned cells place each
        bin's rows at its smallest score.

    Returns
    -------
    ndarray of shape (K, 4)
        Columns ``tn, fp, fn, tp`` (expected counts, docs/methods.md §0.3).
    """
    return confusion_counts(counts.y, rule_proba(estimator, counts), counts.codes,
                            len(counts.labels), sample_weight=counts.weights)


def rule_proba(estimator, counts) -> np.ndarray:
    """The rule's decision probability of each cell of ``counts`` (one value per cell).

    Parameters
    ----------
    estimator : GroupThresholdOptimizer
        Fitted.
    counts : ScoreCounts

    Returns
    -------
    ndarray of float64, shape (cells,)
    """
    from fairdash.mitigation.postprocessing._rules import StepRule

    return StepRule(*_rule_of(estimator, counts)).proba(counts.scores, counts.codes)
