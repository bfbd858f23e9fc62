"""Group metrics from per-group confusion counts (docs/methods.md §9).

Everything here is computed from counts, never from rows twice: one ``np.bincount`` pass gives
per-group confusion counts, and rates, gaps, Wilson intervals, bootstrap intervals and
permutation p-values all derive from them.

Continuous targets (regression) have no confusion counts: ``regression_audit`` gives per-group
errors and prediction-distribution gaps (KS, Wasserstein-1, barycenter unfairness) with a
vectorised stratified bootstrap and permutation test, and ``distribution_gaps`` the gaps alone
for any real-valued output (regressor predictions or classifier scores).
"""

from fairdash.metrics._aggregate import (GAPS, METHODS, VERDICTS, GapSpec, aggregate, gap,
                                         gap_change_verdict)
from fairdash.metrics._audit import DEFAULT_MIN_GROUP_SIZE, AuditResult, audit_counts
from fairdash.metrics._counts import CELLS, confusion_counts
from fairdash.metrics._functions import (accuracy_score_difference, audit, average_odds_difference,
                                         demographic_parity_difference, demographic_parity_ratio,
                                         equal_opportunity_difference, equal_opportunity_ratio,
                                         equalized_odds_difference, equalized_odds_ratio,
                                         predictive_parity_difference)
from fairdash.metrics._groups import encode_groups
from fairdash.metrics._intervals import (bootstrap_counts, percentile_interval, permute_counts,
                                          wilson_interval)
from fairdash.metrics._regression import (DISTRIBUTION_GAPS, GRID_SIZE, REGRESSION_GAPS,
                                          REGRESSION_STATS, RegressionAuditResult,
                                          RegressionGap, distribution_gaps, regression_audit)
from fairdash.metrics._rates import (RATE_DEFINITIONS, RATE_LABELS, RATE_SHORT, all_rates,
                                     rate)
from fairdash.metrics._scores import ScoreIndex, score_histograms
from fairdash.metrics._explain import aggregation_note, explain_gap
from fairdash.metrics._gate import GATE_GAPS, GateRule, GateVerdict, check_gates, parse_gate

__all__ = [
    "AuditResult", "CELLS", "DEFAULT_MIN_GROUP_SIZE", "GAPS", "GapSpec", "METHODS",
    "RATE_DEFINITIONS", "RATE_LABELS", "RATE_SHORT", "ScoreIndex", "accuracy_score_difference", "aggregate",
    "all_rates", "audit", "audit_counts", "average_odds_difference", "bootstrap_counts",
    "confusion_counts", "demographic_parity_difference", "demographic_parity_ratio",
    "encode_groups", "equal_opportunity_difference", "equal_opportunity_ratio",
    "equalized_odds_difference", "equalized_odds_ratio", "gap", "percentile_interval",
    "permute_counts", "predictive_parity_difference", "rate", "score_histograms",
    "wilson_interval", "explain_gap", "aggregation_note", "gap_change_verdict", "VERDICTS",
    "DISTRIBUTION_GAPS", "GRID_SIZE", "REGRESSION_GAPS", "REGRESSION_STATS",
    "RegressionAuditResult", "RegressionGap", "distribution_gaps", "regression_audit",
    "GATE_GAPS", "GateRule", "GateVerdict", "check_gates", "parse_gate",
]
