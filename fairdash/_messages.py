"""Fold per-group warnings that say the same thing into one message naming every group.

The library warns about groups one at a time ("Group 'x' has only 2 positive and 5 negative
calibration rows ..."), which with a dozen intersectional groups stacks up six or more
near-identical warnings. :func:`fold_group_messages` keeps every fact and says it once.
Pure string work: no Streamlit, no plotting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["fold_group_messages"]

#: a message about one group: ``Group '<label>' <rest>``
_ONE_GROUP = re.compile(r"^Group '(?P<name>.+?)' (?P<rest>\S.*)$", re.DOTALL)
#: numbers inside a message (1, 1,234, 0.25)
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
#: the metrics' own folded message about groups under the minimum size
_SMALL = re.compile(r"^(?P<k>\d+) group\(s\) have fewer than (?P<m>[\d,]+) rows and are shown "
                    r"but left out of the gaps: (?P<names>.+)\.$", re.DOTALL)


def _quote(name: str, size=None) -> str:
    return f"'{name}'" + ("" if size is None else f" (n = {int(size):,})")


def _names(items: list[str], max_names: int) -> str:
    shown = items[:max_names]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _split_names(text: str, known: Iterable[str]) -> list[str] | None:
    """``"a, b, c"`` back into labels that may contain ``", "`` themselves, or None."""
    labels = sorted({str(k) for k in known}, key=len, reverse=True)
    out, rest = [], text
    while rest:
        hit = next((g for g in labels if rest == g or rest.startswith(g + ", ")), None)
        if hit is None:
            return None
        out.append(hit)
        rest = rest[len(hit) + 2:]
    return out


def _small_groups(message: str, sizes: Mapping, max_names: int) -> str:
    """The metrics' "N group(s) have fewer than M rows ..." message with each group's n."""
    match = _SMALL.match(message)
    names = _split_names(match["names"], sizes) if match else None
    if not names:
        return message
    k = len(names)
    listed = _names([_quote(g, sizes[g]) for g in names], max_names)
    verb = "groups have" if k > 1 else "group has"
    return (f"{k} {verb} fewer than {match['m']} rows, so {'their' if k > 1 else 'its'} rates "
            f"are uncertain; shown but left out of the gaps: {listed}.")


def _fold(items: list[tuple[str, str]], sizes: Mapping | None, max_names: int) -> str:
    """One message for several ``(name, rest)`` pairs whose rests differ only in numbers."""
    rest = items[0][1]
    numbers = [[float(v.replace(",", "")) for v in _NUMBER.findall(r)] for _, r in items]
    texts = [_NUMBER.findall(r) for _, r in items]
    varying = [i for i in range(len(numbers[0])) if len({row[i] for row in numbers}) > 1]
    pieces = _NUMBER.split(rest)
    words = [(re.match(r"\s+([A-Za-z][\w-]*)", pieces[i + 1]) or [None, ""])[1]
             for i in range(len(numbers[0]))]
    out = pieces[0]
    for i in range(len(numbers[0])):
        if i in varying:
            column = [row[i] for row in numbers]
            lo, hi = texts[column.index(min(column))][i], texts[column.index(max(column))][i]
            out += f"{lo}–{hi}"
        else:
            out += texts[0][i]
        out += pieces[i + 1]
    labels = []
    for (name, _), row in zip(items, texts):
        details = [f"{row[i]} {words[i]}".strip() for i in varying]
        if not varying and sizes is not None and name in sizes:
            # the group's own numbers, when it has some, are the ones the sentence is about
            details.append(f"n = {int(sizes[name]):,}")
        labels.append(f"'{name}'" + (f" ({', '.join(details)})" if details else ""))
    sentence = out.rstrip()
    end = "" if sentence.endswith((".", "!", "?")) else "."
    return (f"Each of {len(items)} groups {sentence}{end} "
            f"Groups: {_names(labels, max_names)}.")


def fold_group_messages(messages: Iterable, *, sizes: Mapping | None = None,
                        max_names: int = 8) -> list[str]:
    """Fold messages about single groups that share a sentence shape into one each.

    Parameters
    ----------
    messages : iterable of str
        Warnings in display order (dataset, audit and mitigation warnings together).
        Warning objects are turned into their text.
    sizes : mapping, optional
        Group label -> rows, shown beside each folded group name whose message has no
        numbers of its own; with it, the audit's "N
        group(s) have fewer than M rows ..." message also lists every group with its n
        (labels containing ", " are split correctly).
    max_names : int, default 8
        Most groups named in one message; the rest are counted ("and 4 more").

    Returns
    -------
    list of str
        Messages ``Group '<label>' <rest>`` whose rests are equal once numbers are ignored
        become one message at the position of the first, for example ``Each of 7 groups has
        only 2–40 positive and 2–74 negative calibration rows (fewer than 50); its ROC curve
        and thresholds are noisy. Groups: 'Asian & Male' (2 positive, 5 negative), ...``:
        numbers that differ between groups become their range in the sentence and are
        listed per group. A shape met only once, and every other message, is kept as it is
        (exact duplicates dropped).

    Examples
    --------
    >>> fold_group_messages(["Group 'a' has no positive rows.", "Group 'b' has no positive "
    ...                      "rows.", "Every row is predicted negative."])
    ["Each of 2 groups has no positive rows. Groups: 'a', 'b'.", 'Every row is predicted negative.']
    """
    texts = list(dict.fromkeys(str(m) for m in messages))
    shapes: dict[str, list[tuple[int, str, str]]] = {}
    for i, text in enumerate(texts):
        match = _ONE_GROUP.match(text)
        if match:
            key = _NUMBER.sub("#", match["rest"])
            shapes.setdefault(key, []).append((i, match["name"], match["rest"]))
    folded, skip = {}, set()
    for items in shapes.values():
        if len(items) > 1:
            folded[items[0][0]] = _fold([(n, r) for _, n, r in items], sizes, max_names)
            skip.update(i for i, _, _ in items[1:])
    out = []
    for i, text in enumerate(texts):
        if i in skip:
            continue
        text = folded.get(i, text)
        out.append(_small_groups(text, sizes, max_names) if sizes is not None else text)
    return out
