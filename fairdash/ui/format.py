"""The one place numbers, intervals, changes and user strings are formatted for the screens."""

from __future__ import annotations

import html
import math
import re

#: characters that could make a user string markup: emphasis, code, links and images, HTML,
#: tables, strikethrough and LaTeX (plain punctuation such as . - ( ) stays as typed)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~$#])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)([:.])|@")


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def num(v, digits: int = 3) -> str:
    """A value with ``digits`` decimals, or "n/a"."""
    return "n/a" if _missing(v) else f"{float(v):.{digits}f}"


def sig(v) -> str:
    """A value in the target's units: 4 significant digits, thousands separated."""
    if _missing(v):
        return "n/a"
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"


def count(v) -> str:
    """A whole number with thousands separators."""
    return "n/a" if _missing(v) else f"{float(v):,.0f}"


def pct(v, digits: int = 1) -> str:
    """A share as a percentage, or "n/a"."""
    return "n/a" if _missing(v) else f"{v:.{digits}%}"


def pct_ci(v, lo, hi) -> str:
    """A share with its interval: "12.3% (10.1% to 14.6%)"; "undefined" for 0/0."""
    return "undefined" if _missing(v) else f"{v:.1%} ({lo:.1%} to {hi:.1%})"


def ci(v, lo, hi, fmt=num) -> str:
    """A value with its interval: "0.179 (0.160 to 0.198)"."""
    return f"{fmt(v)} ({fmt(lo)} to {fmt(hi)})"


def signed(v, digits: int = 3) -> str:
    """A change with its sign."""
    return "n/a" if _missing(v) else f"{v:+.{digits}f}"


def move(before, after, scale: float = 100.0, digits: int = 1) -> str:
    """"before → after (change)", scaled (percent points by default)."""
    if _missing(before) or _missing(after):
        return "n/a"
    b, a = scale * before, scale * after
    return f"{b:.{digits}f} → {a:.{digits}f} ({a - b:+.{digits}f})"


#: verdict of a change -> the cue shown next to it
CUES = {"fairer": "▼ fairer", "less fair": "▲ less fair", "unchanged": "= unchanged",
        "better": "better", "worse": "worse", "undefined": "", "n/a": ""}


def change_with_cue(delta, verdict: str) -> str:
    """A signed change followed by a word saying whether it is better or worse."""
    cue = CUES.get(verdict, verdict)
    if verdict == "fairer" and delta > 0:
        cue = "▲ fairer"
    elif verdict == "less fair" and delta < 0:
        cue = "▼ less fair"
    return f"{signed(delta)} {cue}".strip()


def md(text) -> str:
    """A user string (file name, column, group label) made inert for markdown: every markup
    character is escaped, so it shows as typed and can never become a link or an image.

    Streamlit's markdown also turns bare ``http://``, ``www.`` and ``a@b`` into links after
    the escapes are read, so an invisible word joiner (U+2060) goes inside those prefixes:
    the text reads as typed and is no longer an address."""
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))
    return _AUTOLINK.sub(lambda m: f"{m[1]}\u2060{m[2]}" if m[1] else "\u2060@", escaped)


def code(text) -> str:
    """A user string as inline code; backticks inside cannot close the span."""
    s = str(text).replace("\n", " ")
    fence = "``" if "`" in s else "`"
    return f"{fence} {s} {fence}" if "`" in s else f"`{s}`"


def quoted(text) -> str:
    """A user string in quotes for sentences, escaped for markdown."""
    return f"'{md(text)}'"


def names(items, limit: int = 8) -> str:
    """"'a', 'b' and 3 more" (escaped)."""
    items = [quoted(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def rate_table(groups, labels: dict, *, positives: bool = False, auc: bool = False):
    """One group per row: rows (n), optionally the truly positive rows, then each rate in
    ``labels`` (name -> column title) as "value (low to high)" from ``<rate>_low/_high``."""
    import pandas as pd

    table = pd.DataFrame({"rows (n)": [count(n) for n in groups["n"]]},
                         index=pd.Index([str(g) for g in groups.index], name="group"))
    if positives:
        table["truly positive"] = [count(p) for p in groups["positives"]]
    for name, label in labels.items():
        table[label] = [pct_ci(v, lo, hi) for v, lo, hi in
                        zip(groups[name], groups[f"{name}_low"], groups[f"{name}_high"])]
    if auc:
        table["AUC"] = [num(v) for v in groups["auc"]]
    return table
