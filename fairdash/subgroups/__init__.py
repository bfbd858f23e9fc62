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
RATES, SCORES, check_search_options
    The rates and the scores the search offers; a check of search options (one sentence).
parse_rule, Rule, Condition, describe
    A small safe language for group rules (never evaluated as Python), slice conditions and
    their plain-words description.
DecisionList, load_decision_list
    The bias-bounty model: (group -> model) entries in front of a base model; a scikit-learn
    estimator saved with skops.
submit, Submission, list_errors
    Judge a (group, model) submission on held-out rows and update the list with the repair
    step (Globus-Harris, Kearns & Roth 2022).
hunt, HuntResult, train_group_model, EVALUATION_SPLIT
    The automated hunter: confirmed slices -> group models -> submissions, round by round.
bh_qvalues
    Benjamini-Hochberg q-values.
"""

from fairdash.subgroups._bounty import Submission, list_errors, submit
from fairdash.subgroups._decision_list import DecisionList, load_decision_list
from fairdash.subgroups._discover import (RATES, SCORES, SliceSearchResult,
                                          check_search_options, discover_slices, find_slices)
from fairdash.subgroups._encode import Condition, describe
from fairdash.subgroups._hunt import EVALUATION_SPLIT, HuntResult, hunt, train_group_model
from fairdash.subgroups._rules import Rule, parse_rule
from fairdash.subgroups._stats import bh_qvalues
from fairdash.subgroups._top import top_slices

__all__ = [
    "Condition", "DecisionList", "EVALUATION_SPLIT", "HuntResult", "RATES", "Rule", "SCORES",
    "SliceSearchResult", "Submission", "bh_qvalues", "check_search_options", "describe",
    "discover_slices",
    "find_slices", "hunt", "list_errors", "load_decision_list", "parse_rule", "submit",
    "top_slices", "train_group_model",
]
