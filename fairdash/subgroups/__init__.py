"""Subgroup discovery and bias bounties: find the groups nobody named, and patch them
(docs/methods.md §8).

Public names
------------
find_slices, discover_slices, SliceSearchResult
    Slices (conjunctions of up to ``max_depth`` conditions on feature and sensitive columns)
    where a rate (error, FPR, FNR, selection rate, MAE) is worse than on the rest: searched on
    one half of the held-out rows, confirmed on the other, with intervals, one-sided p-values
    and Benjamini-Hochberg q-values.
top_slices
    The bare lattice search on a per-row error vector (SliceLine's score or FairDash's).
RATES, SCORES
    The rates and the scores the search offers.
parse_rule, Rule, Condition, describe
    A small safe language for group rules (never evaluated as Python), slice conditions and
    their plain-words description.
bh_qvalues
    Benjamini-Hochberg q-values.
"""

from fairdash.subgroups._discover import (RATES, SCORES, SliceSearchResult, discover_slices,
                                          find_slices)
from fairdash.subgroups._encode import Condition, describe
from fairdash.subgroups._rules import Rule, parse_rule
from fairdash.subgroups._stats import bh_qvalues
from fairdash.subgroups._top import top_slices

__all__ = [
    "Condition", "RATES", "Rule", "SCORES", "SliceSearchResult", "bh_qvalues", "describe",
    "discover_slices", "find_slices", "parse_rule", "top_slices",
]
