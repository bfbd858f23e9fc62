"""The HTML document: head, style, summary, detail, the embedded data and plotly.js, once."""

from __future__ import annotations

import base64
import gzip
from functools import lru_cache

from fairdash.report._script import SCRIPT, STYLE
from fairdash.report._text import esc, script_json

__all__ = ["page", "plotly_bundle"]


@lru_cache(maxsize=2)
def plotly_bundle(kind: str) -> str:
    """plotly.js as an inline element: gzip-compressed and base64-encoded (about 2 MB) for
    the page's script to unpack, or as the plain 4.8 MB script. Cached per process (the
    compression takes about half a second)."""
    from plotly.offline import get_plotlyjs

    code = get_plotlyjs()
    if kind == "plain":
        return f"<script>{code}</script>"
    packed = base64.b64encode(gzip.compress(code.encode("utf-8"), 9, mtime=0)).decode("ascii")
    return (f'<script type="application/octet-stream" id="fd-plotly" data-encoding='
            f'"gzip+base64">{packed}</script>')


def page(title: str, summary: str, detail: list, figures: dict, live, plotly_js: str,
         byline: str = "FairDash report.") -> str:
    """The whole document. ``figures`` maps a chart element's id to its figure JSON;
    ``byline`` says what made it and when."""
    data = ""
    if live is not None:
        data += f'<script type="application/json" id="fd-live">{script_json(live)}</script>'
    data += f'<script type="application/json" id="fd-figures">{script_json(figures)}</script>'
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing may be fetched: no external script, style, font, image or connection
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; "
        "font-src data:\">"
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p class=\"muted\">{esc(byline)} Everything in this "
        "file works offline: move the threshold in the Audit section, or print it (the "
        "summary comes first, the detail starts on a new page).</p></header>"
        f"{summary}<main>{''.join(detail)}</main>{data}{plotly_bundle(plotly_js)}"
        f"<script>{SCRIPT}</script></body></html>\n")
