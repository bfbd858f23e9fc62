"""Group rules: the safe parser reads what FairDash writes and refuses the rest in one
sentence; nothing is evaluated as Python (fairdash/subgroups/_rules.py)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdash.exceptions import RoleError
from fairdash.subgroups import Condition, parse_rule

FRAME = pd.DataFrame({
    "age": [20, 35, 50, np.nan, 65],
    "sex": ["F", "M", "F", "M", None],
    "hours per week": [10.5, 40.0, 45.0, 20.0, 60.0],
    "member": [True, False, True, False, True],
})


@pytest.mark.parametrize("text, expected", [
    ('sex == "F"', [1, 0, 1, 0, 0]),
    ("sex != 'F'", [0, 1, 0, 1, 0]),              # missing compares false, both ways
    ("age >= 35 and age < 60", [0, 1, 1, 0, 0]),
    ("35 <= age < 60", [0, 1, 1, 0, 0]),          # chained comparison
    ("age < 30 or sex == 'M'", [1, 1, 0, 1, 0]),
    ("not (age < 30)", [0, 1, 1, 1, 1]),          # not of a missing comparison is true
    ("age is missing", [0, 0, 0, 1, 0]),
    ("sex is not missing & age > 40", [0, 0, 1, 0, 0]),
    ('sex in ["F", "X"]', [1, 0, 1, 0, 0]),
    ("sex not in ('F')", [0, 1, 0, 1, 0]),
    ("`hours per week` > 40", [0, 0, 1, 0, 1]),
    ("member == True", [1, 0, 1, 0, 1]),
    ("age > -1e3 | ~(member == false)", [1, 1, 1, 0, 1]),
    ("age < `hours per week`", [0, 1, 0, 0, 0]),  # column against column
])
def test_rules_select_the_rows_they_say(text, expected):
    rule = parse_rule(text)
    assert rule.mask(FRAME).astype(int).tolist() == expected


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("age >", "expected a value"),
    ("age => 3", "could not be read"),
    ("__import__('os').system('echo hi')", "could not be read"),
    ("age.__class__ == 1", "does not have"),  # a dotted name is only a name
    ("sex == 'F' and", "expected a value"),
    ("(age > 3", "closing bracket"),
    ("1 == 1", "without a column"),
    ("age in 3", "list of values"),
])
def test_bad_rules_are_one_sentence(text, words):
    with pytest.raises(RoleError, match=words.replace("(", r"\(")) as info:
        parse_rule(text).mask(FRAME)
    assert str(info.value).endswith(".") and "\n" not in str(info.value)


@pytest.mark.parametrize("text, words", [
    ("salary > 3", "column 'salary', which the table does not have"),
    ("age == 'old'", "holds numbers"),
    ("sex > 'F'", "holds text"),
    ("member < True", "yes/no"),
])
def test_rules_that_do_not_fit_the_table_say_why(text, words):
    with pytest.raises(RoleError, match=words):
        parse_rule(text).mask(FRAME)


def test_the_parser_never_executes_text(monkeypatch):
    import builtins

    def refuse(*_):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(pd.DataFrame, "query", refuse)
    monkeypatch.setattr(pd.DataFrame, "eval", refuse)
    parse_rule.cache_clear()
    assert parse_rule("age > 30 and sex == 'M'").mask(FRAME).sum() == 1
    assert parse_rule("age > 30 and sex == 'M'").columns == {"age", "sex"}


values = st.one_of(
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(min_size=0, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(values, st.sampled_from(["==", "<", ">="]))
def test_a_written_condition_reads_back_to_the_same_rows(value, op):
    """Condition.text() round-trips every value exactly (shortest float repr, escaped text)."""
    if isinstance(value, str):
        op = "=="
        column = pd.Series([value, value + "x", "", 'a"b\\c', None], dtype=object)
    else:
        column = pd.Series([float(value), np.nextafter(float(value), np.inf),
                            np.nextafter(float(value), -np.inf), 0.0, np.nan])
    frame = pd.DataFrame({"v": column})
    got = parse_rule(Condition("v", op, value).text()).mask(frame)
    present = column.notna().to_numpy()
    if op == "==":
        want = present & np.array([v == value for v in column], dtype=bool)
    else:
        cmp = np.less if op == "<" else np.greater_equal
        want = present & cmp(column.to_numpy(dtype=float), float(value))
    np.testing.assert_array_equal(got, want)
