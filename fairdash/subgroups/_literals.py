"""How the rule language writes column names and values (shared by the parser and the slice
conditions)."""

from __future__ import annotations

import re

import numpy as np

from fairdash.exceptions import RoleError

__all__ = ["KEYWORDS", "format_value", "quote_column"]

KEYWORDS = {"and", "or", "not", "in", "is", "missing", "true", "false"}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def quote_column(name: str) -> str:
    """A column name as the rule language spells it: bare when it is an identifier (and not a
    keyword), else between backquotes."""
    name = str(name)
    if _IDENTIFIER.match(name) and name.lower() not in KEYWORDS:
        return name
    if "`" in name:
        raise RoleError(f"Column '{name}' contains a backquote, so a rule cannot name it.")
    return f"`{name}`"


def format_value(value) -> str:
    """A value as a rule literal that reads back to exactly the same value."""
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return np.format_float_positional(v, unique=True, trim="-")
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
