"""Numbers and user strings as report text: every user string goes through :func:`esc` (HTML)
or arrives escaped for plotly (figures); every number is formatted here."""

from __future__ import annotations

import base64
import html
import json
import math

import numpy as np

__all__ = ["ci", "esc", "figure_json", "num", "p_text", "pct", "script_json", "signed_pct"]


def esc(value) -> str:
    """A user string (group label, column, file, model or method name) as inert HTML text."""
    return html.escape(str(value), quote=True)


def _finite(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def pct(v, digits: int = 1) -> str:
    """A share as a percentage (``"19.4 %"``); ``undefined`` for a missing value."""
    f = _finite(v)
    return "undefined" if f is None else f"{100 * f:.{digits}f} %"


def signed_pct(v) -> str:
    """A change of a share in percentage points (``"+1.2 points"``)."""
    f = _finite(v)
    return "n/a" if f is None else f"{100 * f:+.1f} points"


def num(v, digits: int = 3) -> str:
    """A gap or ratio (``"0.195"``); ``n/a`` when it cannot be measured."""
    f = _finite(v)
    return "n/a" if f is None else f"{f:.{digits}f}"


def ci(low, high, *, percent: bool = False) -> str:
    """A 95 % interval as ``[low, high]`` (empty when undefined)."""
    lo, hi = _finite(low), _finite(high)
    if lo is None or hi is None:
        return ""
    if percent:
        return f"[{100 * lo:.1f}, {100 * hi:.1f}]"
    return f"[{lo:.3f}, {hi:.3f}]"


def p_text(p, n_resamples: int) -> str:
    """A permutation p-value as text; the smallest one a test can give reads ``< 1/B``."""
    f = _finite(p)
    if f is None:
        return "n/a"
    if f <= 1 / (n_resamples + 1) + 1e-12:
        return f"< {1 / n_resamples:.3g}"
    return f"{f:.3f}"


def script_json(obj) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` become
    ``\\u`` escapes, so no string can close the element or start markup."""
    text = json.dumps(obj, separators=(",", ":"), allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _plain(obj, digits: int):
    """Figure JSON with typed arrays decoded, floats rounded and NaN as null."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype(obj["dtype"]))
            if "shape" in obj:
                arr = arr.reshape([int(s) for s in str(obj["shape"]).split(",")])
            return _plain(arr.tolist(), digits)
        return {k: _plain(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v, digits) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist(), digits)
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() and abs(f) < 2**53 else round(f, digits)
    return obj


def figure_json(fig, digits: int = 5) -> dict:
    """A plotly figure as a compact ``{"data", "layout"}`` dict for the page's script: plain
    arrays, floats rounded to ``digits`` decimals, without python-side template (plotly.js's
    own plain look prints better and is smaller)."""
    spec = fig.to_plotly_json()
    layout = dict(spec.get("layout", {}))
    layout.pop("template", None)
    layout.setdefault("paper_bgcolor", "white")
    layout.setdefault("plot_bgcolor", "white")
    layout.setdefault("font", {"family": "system-ui, sans-serif", "size": 12})
    return {"data": _plain(spec.get("data", []), digits), "layout": _plain(layout, digits)}
