"""Subgroup discovery and bias bounties: find the groups nobody named, and patch them
(docs/methods.md §8).

Public names
------------
parse_rule, Rule
    A small safe language for group rules (never evaluated as Python).
"""

from fairdash.subgroups._rules import Rule, parse_rule

__all__ = ["Rule", "parse_rule"]
