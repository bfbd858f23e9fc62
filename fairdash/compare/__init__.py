"""Compare two models on the same rows: what an update fixes and breaks, for whom.

Public names
------------
flip_report
    Negative flip rate (old right, new wrong), positive flip rate, churn by direction,
    conditional and relative NFR and both accuracies, overall and per group with Wilson
    intervals, and the table of flipped rows (docs/methods.md §7.1, §7.4).
compare_models, ModelSpec, parse_spec, decisions_for
    The two sides of a comparison on a Dataset: the base model, the base model mitigated by a
    registered method at a strength, another built-in model, or a column of decisions.
FlipReport, FLIP_RATES
who_pays, WhoPays, CLEAR_P_VALUE
    The group an update newly fails most against the one it fails least, whether the
    difference is clear (permutation test, p < 0.05, as the Audit page decides) and one plain
    sentence saying so ("no clear difference" otherwise).
"""

from fairdash.compare._flips import FLIP_RATES, FlipReport, flip_report
from fairdash.compare._models import ModelSpec, compare_models, decisions_for, parse_spec
from fairdash.compare._who_pays import CLEAR_P_VALUE, WhoPays, who_pays

__all__ = ["CLEAR_P_VALUE", "FLIP_RATES", "FlipReport", "ModelSpec", "WhoPays",
           "compare_models", "decisions_for", "flip_report", "parse_spec", "who_pays"]
