"""Range checks of ``python -m fairdash`` arguments (issue 11).

Each refusal is a :class:`FairDashError` with one sentence naming the argument, the value
given and the valid range; :func:`fairdash.cli.main` prints it and exits with status 2.
"""

from __future__ import annotations

import math

from fairdash.exceptions import FairDashError
from fairdash.metrics import parse_gate

#: numpy's seeds are unsigned 32-bit integers.
MAX_SEED = 2**32 - 1

#: Whole-number options: attribute, lowest and highest valid value (None: no upper bound).
WHOLE = (("resamples", 1, None), ("seed", 0, MAX_SEED), ("min_group_size", 1, None),
         ("flipped_rows", 0, None), ("jobs", 1, None))

#: Subcommands whose gap aggregation is spelled ``--gap-method`` (``--method`` names the
#: mitigation there).
GAP_METHOD_COMMANDS = ("mitigate", "tradeoff")


def _refuse(name: str, value, valid: str):
    raise FairDashError(f"{name} must be {valid}; got {value}.")


def check_args(args) -> None:
    """Refuse arguments outside their valid range, before any data is read."""
    threshold = getattr(args, "threshold", None)
    if threshold is not None and not (math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        _refuse("--threshold", threshold, "a number in [0, 1]")
    for dest, low, high in WHOLE:
        value = getattr(args, dest, None)
        if value is not None and (value < low or (high is not None and value > high)):
            _refuse("--" + dest.replace("_", "-"), value,
                    f"a whole number in [{low}, {high}]" if high is not None
                    else f"a whole number of at least {low}")
    methods = getattr(args, "methods", None)
    if methods is not None and methods.strip() != "all" and not [
            m for m in methods.split(",") if m.strip()]:
        _refuse("--methods", repr(methods),
                "one or more method names, comma-separated, or 'all'")
    # parse_gate raises ValueError with one sentence; parsed rules replace the texts
    args.gate_rules = [parse_gate(r) for r in getattr(args, "fail_on", None) or []]
    if getattr(args, "method", None) == "vs_reference" and not getattr(args, "reference", None):
        flag = "--gap-method" if args.command in GAP_METHOD_COMMANDS else "--method"
        raise FairDashError(f"{flag} vs_reference needs --reference, the group every other "
                            "group is compared with; got none.")


def check_roles(args, target: str, sensitive: tuple) -> None:
    """Refuse a sensitive column named twice and a score column that is the target."""
    twice = [c for i, c in enumerate(sensitive) if c in sensitive[:i]]
    if twice:
        raise FairDashError(f"--sensitive must name each column once; got '{twice[0]}' twice "
                            f"in '{args.sensitive}'.")
    if args.score_column is not None and args.score_column == target:
        raise FairDashError(f"--score-column must be a column other than the target; got "
                            f"'{args.score_column}', the target.")
