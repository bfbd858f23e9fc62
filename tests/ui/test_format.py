"""The one formatting module: numbers, changes with their direction, and inert user strings."""

import math

import pytest

from fairdash.ui import format as fmt


def test_numbers_and_missing_values():
    assert fmt.num(0.17891) == "0.179" and fmt.num(math.nan) == "n/a" and fmt.num(None) == "n/a"
    assert fmt.pct_ci(0.123, 0.1, 0.15) == "12.3% (10.0% to 15.0%)"
    assert fmt.pct_ci(math.nan, 0, 0) == "undefined"
    assert fmt.sig(123456.7) == "123,457" and fmt.sig(5.678912) == "5.679"
    assert fmt.move(0.10, 0.15) == "10.0 → 15.0 (+5.0)"


@pytest.mark.parametrize("delta, verdict, expected", [
    (-0.15, "fairer", "-0.150 ▼ fairer"),          # a difference that fell
    (0.20, "fairer", "+0.200 ▲ fairer"),           # a ratio that rose towards 1
    (0.02, "less fair", "+0.020 ▲ less fair"),
    (-0.02, "less fair", "-0.020 ▼ less fair"),
    (0.0, "unchanged", "+0.000 = unchanged"),
])
def test_a_change_says_which_way_is_fairer(delta, verdict, expected):
    assert fmt.change_with_cue(delta, verdict) == expected


@pytest.mark.parametrize("text", [
    "![x](http://127.0.0.1:8699/a.png)", "<a href='http://x'>click</a>", "**bold**",
    "a_b_c", "`code`", "| a | b |", "$x^2$", "~~gone~~",
])
def test_user_strings_cannot_become_markup(text):
    import re

    out = fmt.md(text)
    # every markup character is escaped with a backslash, and no raw HTML bracket is left
    assert not re.search(r"(?<!\\)[\[\]!`*_|~$#]", out), out
    assert "<" not in out and ">" not in out
    assert out.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&amp;", "&").replace("\u2060", "") == text


@pytest.mark.parametrize("text", ["http://127.0.0.1:8699/x", "see www.example.org",
                                  "mail me@example.org", "HTTPS://X.Y", "ftp://a"])
def test_bare_addresses_do_not_become_links(text):
    import re

    out = fmt.md(text)
    # no scheme, www. or @ is left whole: markdown's autolinker needs them intact
    assert not re.search(r"(?i)(https?|ftp|www)[:.]|(?<!\u2060)@", out), out
    assert out.replace("\u2060", "").replace("\\", "") == text


def test_code_spans_survive_backticks():
    assert fmt.code("age") == "`age`"
    assert fmt.code("we`ird") == "`` we`ird ``"
