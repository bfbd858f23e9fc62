"""Pass/fail rules on audit gaps, for pipelines and for the Audit screen's badges.

A rule such as ``demographic_parity_difference>0.1`` fails when the gap exceeds its bound;
``demographic_parity_ratio<0.8`` fails when a ratio falls under it. Judged on the interval, a
rule fails only when the whole 95 % interval is past the bound (the lower end above it for
``>``, the upper end below it for ``<``): the data show the gap is too large, not just its
estimate. A gap that cannot be measured (too few people in a group) fails too, since a gate that
cannot see should not pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from fairdash.metrics._aggregate import GAPS
from fairdash.metrics._regression import REGRESSION_GAPS

__all__ = ["GATE_GAPS", "GateRule", "GateVerdict", "check_gates", "parse_gate"]

#: Every gap a rule may name: the yes/no audit's and the regression audit's.
GATE_GAPS = tuple(GAPS) + tuple(REGRESSION_GAPS)
_RULE = re.compile(r"^\s*([A-Za-z_0-9]+)\s*(>=|<=|>|<)\s*(\S+)\s*$")


@dataclass(frozen=True)
class GateRule:
    """A bound on one gap: ``gap op bound`` fails the gate.

    Attributes
    ----------
    gap : str
        A name in :data:`GATE_GAPS`.
    op : {">", ">=", "<", "<="}
        The comparison that fails.
    bound : float
    """

    gap: str
    op: str
    bound: float

    def __str__(self) -> str:
        return f"{self.gap}{self.op}{self.bound:g}"

    def violated_by(self, value: float) -> bool:
        """Whether ``value`` is past the bound."""
        return {">": value > self.bound, ">=": value >= self.bound,
                "<": value < self.bound, "<=": value <= self.bound}[self.op]


@dataclass(frozen=True)
class GateVerdict:
    """One rule judged on one audit.

    Attributes
    ----------
    rule : GateRule
    value, ci_low, ci_high : float or None
        The gap and its 95 % interval (None: not measurable).
    on_interval : bool
        Judged on the interval's end nearest the bound instead of the estimate.
    failed : bool
    """

    rule: GateRule
    value: float | None
    ci_low: float | None
    ci_high: float | None
    on_interval: bool
    failed: bool

    def sentence(self) -> str:
        """One line: pass or fail, the rule, the measured gap and its interval."""
        if self.value is None:
            return (f"FAIL {self.rule}: {self.rule.gap} could not be measured (a group is too "
                    "small or has no one with an outcome it needs)")
        interval = ("" if self.ci_low is None or self.ci_high is None
                    else f" [95% CI {self.ci_low:.3f}, {self.ci_high:.3f}]")
        judged = " (judged on the interval)" if self.on_interval else ""
        verdict = "FAIL" if self.failed else "pass"
        return f"{verdict} {self.rule}: measured {self.value:.3f}{interval}{judged}"

    def to_dict(self) -> dict:
        """JSON-able form."""
        return {"rule": str(self.rule), "value": self.value, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "on_interval": self.on_interval,
                "passed": not self.failed, "verdict": self.sentence()}


def parse_gate(text: str, gaps=GATE_GAPS, flag: str = "--fail-on") -> GateRule:
    """Read a rule such as ``"equalized_odds_difference>0.05"``.

    Parameters
    ----------
    text : str
    gaps : sequence of str, default GATE_GAPS
        The gap names allowed (those the audit at hand measures).
    flag : str, default "--fail-on"
        How messages name the rule ("Rule" in the app).

    Returns
    -------
    GateRule

    Raises
    ------
    ValueError
        One sentence naming what is wrong: the form, an unknown gap (with the valid names) or
        a bound that is not a finite number.
    """
    found = _RULE.match(str(text))
    if not found:
        raise ValueError(f"{flag} '{text}' is not of the form GAP>BOUND (or >=, <, <=); write "
                         "one such as demographic_parity_difference>0.1.")
    name, op, number = found.groups()
    if name not in gaps:
        raise ValueError(f"{flag} '{text}' names the gap '{name}', which this audit does not "
                         f"measure; choose one of {', '.join(gaps)}.")
    try:
        bound = float(number)
    except ValueError:
        bound = math.nan
    if not math.isfinite(bound):
        raise ValueError(f"{flag} '{text}' has the bound '{number}', which is not a finite "
                         "number; write one such as 0.1.")
    return GateRule(name, op, bound)


def check_gates(gaps: dict, rules, on_interval: bool = False) -> list[GateVerdict]:
    """Judge every rule on an audit's gaps.

    Parameters
    ----------
    gaps : dict
        Gap name -> ``{"value", "ci_low", "ci_high", ...}``, as in an audit's ``to_dict()``.
    rules : iterable of GateRule
    on_interval : bool, default False
        Fail only when the whole 95 % interval is past the bound.

    Returns
    -------
    list of GateVerdict
        In the order of ``rules``.
    """
    verdicts = []
    for rule in rules:
        row = gaps.get(rule.gap, {})
        value, low, high = (_number(row.get(k)) for k in ("value", "ci_low", "ci_high"))
        if value is None:
            failed = True
        elif on_interval:
            nearest = low if rule.op in (">", ">=") else high
            failed = rule.violated_by(value if nearest is None else nearest)
        else:
            failed = rule.violated_by(value)
        verdicts.append(GateVerdict(rule, value, low, high, on_interval, failed))
    return verdicts


def _number(v):
    return None if v is None or not math.isfinite(float(v)) else float(v)
