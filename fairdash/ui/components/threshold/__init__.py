"""The Audit threshold as a Streamlit custom component that answers in the browser.

A Streamlit rerun costs about 100 ms and re-sending four plotly figures most of the rest of
the 0.3-1.3 s a slider step took under load, so the step is answered where it happens: the
page receives, once per released threshold, the per-group counts at 1,001 thresholds that the
HTML report embeds (:func:`fairdash.report._live.live_payload`) and redraws the rate bars, the
ROC operating points, the score histogram's threshold line and the gap values with the
report's own script (``fairdash/report/live.js``: the arithmetic of
:func:`fairdash.metrics.audit`, docs/methods.md §9.1-9.3). Python hears the threshold only
when the slider is let go.

The component is declared with ``streamlit.components.v1.declare_component(path=...)``. Its
page loads three scripts from that folder: ``threshold.js`` (beside this file), ``live.js``
(shared with the report, which lives in the library) and plotly.js (from the plotly package).
Streamlit serves a component's folder only and refuses symbolic links that leave it, so the
folder served is assembled once per content in the temporary directory: copies of the two
small files and a hard link (or a copy) of plotly.js.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

__all__ = ["threshold_control"]

_HERE = Path(__file__).resolve().parent
_OWN = ("index.html", "threshold.js")


def _sources() -> dict[str, Path]:
    plotly_js = Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))
    return {**{name: _HERE / name for name in _OWN},
            "live.js": Path(str(files("fairdash.report").joinpath("live.js"))),
            "plotly.min.js": plotly_js}


def _fingerprint(sources: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name, path in sorted(sources.items()):
        stat = path.stat()
        small = path.read_bytes() if name != "plotly.min.js" else b""
        digest.update(f"{name}:{stat.st_size}:{int(stat.st_mtime)}".encode() + small)
    return digest.hexdigest()[:16]


@functools.cache
def served_folder() -> Path:
    """The folder Streamlit serves for the component (assembled once per content)."""
    sources = _sources()
    folder = Path(tempfile.gettempdir()) / f"fairdash-threshold-{_fingerprint(sources)}"
    if (folder / "index.html").exists():
        return folder
    staging = Path(tempfile.mkdtemp(prefix="fairdash-threshold-", dir=folder.parent))
    for name, path in sources.items():
        try:
            os.link(path, staging / name)
        except OSError:
            shutil.copyfile(path, staging / name)
    try:
        staging.rename(folder)
    except OSError:  # another process assembled it first
        shutil.rmtree(staging, ignore_errors=True)
    return folder


@functools.cache
def _declared():
    import streamlit.components.v1 as components

    return components.declare_component("fairdash_threshold", path=str(served_folder()))


def threshold_control(payload: dict, *, key: str):
    """Draw the control and return the last released threshold.

    Parameters
    ----------
    payload : dict
        JSON-able: ``version`` (changes whenever anything else does), ``threshold`` (the
        released one), ``label``, ``moved_note``, ``live`` (``live_payload``), ``figs``
        (``bars``, ``roc`` and ``hist`` figure specs with their ``live`` parts) and ``gaps``
        (``[name, label]`` rows).
    key : str
        The widget key.

    Returns
    -------
    dict or None
        ``{"threshold": float, "id": str}`` once the user has let the slider go (``id`` is new
        for every release), else None.
    """
    return _declared()(payload=payload, key=key, default=None)
