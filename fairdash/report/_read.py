"""Reading a report's embedded data back (for tests and for anyone checking a report)."""

from __future__ import annotations

import json
import re

__all__ = ["read_embedded"]


def read_embedded(html_text: str) -> dict:
    """The JSON blocks a report embeds, by element id (``fd-live``: the threshold counts and
    definitions; ``fd-figures``: every chart).

    Raises
    ------
    ValueError
        When the text is not a FairDash report.
    """
    found = dict(re.findall(r'<script type="application/json" id="([\w-]+)">(.*?)</script>',
                            html_text, flags=re.DOTALL))
    if "fd-figures" not in found:
        raise ValueError("This is not a FairDash report: it embeds no figures.")
    return {k: json.loads(v) for k, v in found.items()}
