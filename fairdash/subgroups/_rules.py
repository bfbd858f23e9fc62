"""Group rules: a small, safe language for "which rows belong to this group".

A rule is text such as ``sex == "Female" and age >= 25 and age < 33`` or
``occupation in ["Sales", "Tech-support"] or not (hours_per_week < 40)``. It is read by a
tokenizer and a recursive-descent parser written here; nothing is ever passed to ``eval``,
``exec``, ``DataFrame.query`` or ``DataFrame.eval``, so a rule typed by a workshop participant
can name columns and compare them with values, and do nothing else.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdash.exceptions import RoleError
from fairdash.subgroups._literals import KEYWORDS, format_value

__all__ = ["Rule", "parse_rule"]

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<backquoted>`[^`]+`)
  | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|&|\||~|-)
""", re.VERBOSE)

_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise RoleError(f"The rule could not be read at character {pos + 1} "
                            f"({text[pos:pos + 10]!r}): use column names, values, comparisons "
                            "(== != < <= > >=), in [...], is missing, and, or, not and brackets.")
        kind = m.lastgroup
        if kind != "space":
            tokens.append(_Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# A parsed rule is a small tree of tuples:
#   ("col", name) | ("lit", value) | ("cmp", op, left, right) | ("in", name, values, negate)
#   ("missing", name, negate) | ("and", a, b) | ("or", a, b) | ("not", a)

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def word(self, token: _Token | None = None) -> str:
        token = token or self.peek()
        return token.text.lower() if token.kind == "name" else token.text

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expected: str):
        token = self.peek()
        where = "at the end" if token.kind == "end" else \
            f"at character {token.pos + 1} ({token.text!r})"
        raise RoleError(f"The rule could not be read {where}: expected {expected}.")

    def parse(self):
        if self.peek().kind == "end":
            raise RoleError("The rule is empty; name at least one condition, such as "
                            "age >= 30.")
        node = self.expr()
        if self.peek().kind != "end":
            self.fail("'and', 'or' or the end of the rule")
        return node

    def expr(self):
        node = self.term()
        while self.word() in ("or", "|"):
            self.take()
            node = ("or", node, self.term())
        return node

    def term(self):
        node = self.factor()
        while self.word() in ("and", "&"):
            self.take()
            node = ("and", node, self.factor())
        return node

    def factor(self):
        if self.word() in ("not", "~"):
            self.take()
            return ("not", self.factor())
        if self.word() == "(":
            self.take()
            node = self.expr()
            if self.word() != ")":
                self.fail("a closing bracket ')'")
            self.take()
            return node
        return self.predicate()

    def operand(self):
        token = self.peek()
        if token.kind == "backquoted":
            self.take()
            return ("col", token.text[1:-1])
        if token.kind == "name":
            word = token.text.lower()
            if word in ("true", "false"):
                self.take()
                return ("lit", word == "true")
            if word in KEYWORDS:
                self.fail("a column name or a value")
            self.take()
            return ("col", token.text)
        return ("lit", self.literal())

    def literal(self):
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.take()
            if self.peek().kind != "number":
                self.fail("a number after '-'")
            return -_number(self.take().text)
        if token.kind == "number":
            return _number(self.take().text)
        if token.kind == "string":
            self.take()
            return re.sub(r"\\(.)", r"\1", token.text[1:-1])
        if token.kind == "name" and token.text.lower() in ("true", "false"):
            self.take()
            return token.text.lower() == "true"
        self.fail("a value (a number, text in quotes, True or False)")

    def predicate(self):
        left = self.operand()
        word = self.word()
        if word == "is":
            self.take()
            negate = self.word() == "not"
            if negate:
                self.take()
            if self.word() != "missing":
                self.fail("'missing' after 'is'")
            self.take()
            return ("missing", _column_of(left, self, "is missing"), negate)
        if word in ("in", "not"):
            negate = word == "not"
            self.take()
            if negate:
                if self.word() != "in":
                    self.fail("'in' after 'not'")
                self.take()
            return ("in", _column_of(left, self, "in"), self.value_list(), negate)
        if word not in _COMPARISONS:
            self.fail("a comparison (== != < <= > >=), 'in' or 'is missing'")
        node, previous = None, left
        while self.word() in _COMPARISONS:
            op = self.take().text
            right = self.operand()
            if previous[0] == "lit" and right[0] == "lit":
                raise RoleError("A rule compares two values without a column "
                                f"({previous[1]!r} {op} {right[1]!r}); name a column.")
            part = ("cmp", op, previous, right)
            node = part if node is None else ("and", node, part)
            previous = right
        return node

    def value_list(self):
        if self.word() not in ("[", "("):
            self.fail("a list of values in brackets, such as [\"a\", \"b\"]")
        close = "]" if self.take().text == "[" else ")"
        values = [self.literal()]
        while self.word() == ",":
            self.take()
            values.append(self.literal())
        if self.word() != close:
            self.fail(f"'{close}' closing the list")
        self.take()
        return tuple(values)


def _number(text: str):
    value = float(text)
    return int(value) if re.fullmatch(r"\d+", text) else value


def _column_of(node, parser: _Parser, what: str) -> str:
    if node[0] != "col":
        parser.fail(f"a column name before '{what}'")
    return node[1]


def _columns(node) -> set[str]:
    kind = node[0]
    if kind == "col":
        return {node[1]}
    if kind in ("in", "missing"):
        return {node[1]}
    if kind == "cmp":
        return _columns(node[2]) | _columns(node[3])
    if kind in ("and", "or"):
        return _columns(node[1]) | _columns(node[2])
    if kind == "not":
        return _columns(node[1])
    return set()


@dataclass(frozen=True)
class Rule:
    """A parsed group rule: which rows of a table belong to the group.

    Build one with :func:`parse_rule`. ``mask(frame)`` evaluates it; every comparison with a
    missing value is false (ask for those rows with ``column is missing``).

    Attributes
    ----------
    text : str
        The rule as written.
    columns : frozenset of str
        The columns it names.
    """

    text: str
    columns: frozenset
    _tree: tuple

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean array, True for the rows of ``frame`` in the group.

        Raises
        ------
        RoleError
            If the rule names a column the table lacks, or compares a column with a value of
            another kind (numbers with text).
        """
        missing = sorted(c for c in self.columns if c not in frame.columns)
        if missing:
            raise RoleError(f"The rule names column '{missing[0]}', which the table does not "
                            "have.")
        out = _evaluate(self._tree, frame)
        if np.ndim(out) == 0:  # a rule of literals only cannot reach here, kept defensive
            out = np.full(len(frame), bool(out))
        return np.asarray(out, dtype=bool)

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=1024)
def parse_rule(text: str) -> Rule:
    """Parse a group rule.

    Parameters
    ----------
    text : str
        Conditions on columns joined with ``and`` / ``or`` (also ``&`` / ``|``), negated with
        ``not`` (``~``), grouped with brackets. A condition is a comparison
        ``column OP value`` with ``OP`` one of ``== != < <= > >=`` (chains such as
        ``25 <= age < 33`` are allowed, and a column may be compared with another column),
        ``column in [v1, v2, ...]``, ``column not in [...]``, ``column is missing`` or
        ``column is not missing``. Values are numbers, text in single or double quotes, or
        ``True`` / ``False``. A column whose name is not a plain identifier is written between
        backquotes: ```hours per week` > 40``.

    Returns
    -------
    Rule

    Raises
    ------
    RoleError
        With one sentence naming where the text could not be read.

    Notes
    -----
    The text is tokenized and parsed here into a small tree of comparisons, and evaluated
    with numpy on the table's columns. Nothing in it is ever executed as Python.
    """
    if not isinstance(text, str):
        raise RoleError(f"A rule must be text; got {type(text).__name__}.")
    tree = _Parser(text).parse()
    return Rule(text.strip(), frozenset(_columns(tree)), tree)


def _evaluate(node, frame: pd.DataFrame):
    kind = node[0]
    if kind == "and":
        return _evaluate(node[1], frame) & _evaluate(node[2], frame)
    if kind == "or":
        return _evaluate(node[1], frame) | _evaluate(node[2], frame)
    if kind == "not":
        return ~_evaluate(node[1], frame)
    if kind == "missing":
        isna = frame[node[1]].isna().to_numpy()
        return ~isna if node[2] else isna
    if kind == "in":
        column = frame[node[1]]
        hit = np.zeros(len(frame), dtype=bool)
        for value in node[2]:
            hit |= _compare(column, "==", value, node[1])
        present = column.notna().to_numpy()
        return present & ~hit if node[3] else hit
    # comparison
    _, op, left, right = node
    if left[0] == "col" and right[0] == "col":
        a, b = frame[left[1]], frame[right[1]]
        ok = (a.notna() & b.notna()).to_numpy()
        try:
            with np.errstate(invalid="ignore"):
                out = _OPS[op](a.to_numpy(), b.to_numpy())
        except TypeError:
            raise RoleError(f"Columns '{left[1]}' and '{right[1]}' cannot be compared with "
                            f"'{op}' (their values are of different kinds).") from None
        return ok & np.asarray(out, dtype=bool)
    if left[0] == "lit":  # value OP column: flip it
        op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        left, right = right, left
    return _compare(frame[left[1]], op, right[1], left[1])


_OPS = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
        ">": np.greater, ">=": np.greater_equal}


def _compare(column: pd.Series, op: str, value, name: str) -> np.ndarray:
    present = column.notna().to_numpy()
    numeric_column = pd.api.types.is_numeric_dtype(column.dtype) and \
        not pd.api.types.is_bool_dtype(column.dtype)
    if isinstance(value, bool) or pd.api.types.is_bool_dtype(column.dtype):
        if op not in ("==", "!="):
            raise RoleError(f"Column '{name}' holds yes/no values, which can only be compared "
                            "with == or !=.")
        values = column.to_numpy()
        if values.dtype == object:
            out = _text_equal(values, format_value(value))
        else:
            out = values == value
        if op == "!=":
            out = ~out
    elif numeric_column:
        if isinstance(value, str):
            raise RoleError(f"Column '{name}' holds numbers, but the rule compares it with the "
                            f"text \"{value}\"; write the value without quotes.")
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            out = _OPS[op](values, float(value))
    else:
        if op not in ("==", "!="):
            if isinstance(value, str):
                raise RoleError(f"Column '{name}' holds text, which can only be compared with "
                                "== or != (or 'in [...]').")
            raise RoleError(f"Column '{name}' holds text, but the rule compares it with the "
                            f"number {value} using '{op}'.")
        text = column.astype(object).to_numpy()
        target = value if isinstance(value, str) else format_value(value)
        out = _text_equal(text, target)
        if op == "!=":
            out = ~out
    return present & np.asarray(out, dtype=bool)


def _text_equal(values: np.ndarray, target: str) -> np.ndarray:
    """``str(v) == target`` for every value, converting only the distinct values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    hits = np.array([str(u) == target for u in uniques] + [False], dtype=bool)
    return hits[codes]
