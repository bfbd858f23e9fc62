"""Streamlit custom components of the dashboard (plain HTML and JavaScript, no build step).

Each component is a folder here (``threshold``, ``strength``) holding its ``index.html`` and
its script. Every page also loads the shared ``control.css`` and three shared scripts:
``control.js`` (beside this file: the slider protocol, when a move is drawn and when it is let
go), ``live.js`` (the report's arithmetic, which lives in the library) and plotly.js (from the
plotly package). Streamlit
serves a component's folder only and refuses symbolic links that leave it, so the folder
served is assembled once per content in the temporary directory: copies of the small files
and a hard link (or a copy) of plotly.js.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

__all__ = ["declared", "served_folder"]

_HERE = Path(__file__).resolve().parent


def _sources(name: str) -> dict[str, Path]:
    own = _HERE / name
    plotly_js = Path(str(files("plotly").joinpath("package_data", "plotly.min.js")))
    return {**{p.name: p for p in sorted(own.iterdir()) if p.suffix in (".html", ".js")},
            "control.js": _HERE / "control.js", "control.css": _HERE / "control.css",
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
def served_folder(name: str) -> Path:
    """The folder Streamlit serves for component ``name`` (assembled once per content).

    Parameters
    ----------
    name : str
        A component folder beside this module (``"threshold"`` or ``"strength"``).

    Returns
    -------
    pathlib.Path
        A folder in the temporary directory with the component's own files, ``control.css``,
        ``control.js``, ``live.js`` and ``plotly.min.js``.
    """
    sources = _sources(name)
    folder = Path(tempfile.gettempdir()) / f"fairdash-{name}-{_fingerprint(sources)}"
    if (folder / "index.html").exists():
        return folder
    staging = Path(tempfile.mkdtemp(prefix=f"fairdash-{name}-", dir=folder.parent))
    for file, path in sources.items():
        try:
            os.link(path, staging / file)
        except OSError:
            shutil.copyfile(path, staging / file)
    try:
        staging.rename(folder)
    except OSError:  # another process assembled it first
        shutil.rmtree(staging, ignore_errors=True)
    return folder


@functools.cache
def declared(name: str):
    """The Streamlit component ``fairdash_<name>`` served from :func:`served_folder`.

    Parameters
    ----------
    name : str
        A component folder beside this module.

    Returns
    -------
    callable
        What ``streamlit.components.v1.declare_component`` returns.
    """
    import streamlit.components.v1 as components

    return components.declare_component(f"fairdash_{name}", path=str(served_folder(name)))
