"""Compare two models on the same rows: what an update fixes and breaks, for whom.

Public names
------------
flip_report
    Negative flip rate (old right, new wrong), positive flip rate, churn by direction,
    conditional and relative NFR and both accuracies, overall and per group with Wilson
    intervals, and the table of flipped rows (ALGORITHMS.md 7.1, 7.4).
FlipReport, FLIP_RATES
"""

from fairdash.compare._flips import FLIP_RATES, FlipReport, flip_report

__all__ = ["FLIP_RATES", "FlipReport", "flip_report"]
