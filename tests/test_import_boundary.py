"""Layering and safety rules of docs/architecture.md, checked on the real source tree.

* ``import fairdash`` and every library subpackage work without importing streamlit;
* only ``fairdash/ui/`` imports streamlit;
* nothing in the library, the pages or app.py unpickles (pickle/joblib/dill loads).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fairdash"
LIBRARY_MODULES = ("fairdash", "fairdash.data", "fairdash.metrics", "fairdash.models",
                   "fairdash.viz", "fairdash.cli")
#: Modules whose load functions unpickle.
UNPICKLERS = {"pickle", "_pickle", "cPickle", "joblib", "dill", "cloudpickle"}
UNPICKLING_FUNCTIONS = {"load", "loads", "Unpickler"}


def python_files(*paths: Path) -> list[Path]:
    files = []
    for path in paths:
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of ``import streamlit...`` / ``from streamlit... import`` statements."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def unpickling_calls(source: str) -> list[int]:
    """Line numbers of calls that unpickle: ``pickle.load(s)``, ``joblib.load``, a ``load``
    imported from such a module, ``pandas.read_pickle`` and ``allow_pickle=True``."""
    tree = ast.parse(source)
    imported = {alias.asname or alias.name
                for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and (node.module or "").split(".")[0] in UNPICKLERS
                for alias in node.names if alias.name in UNPICKLING_FUNCTIONS}
    aliases = {alias.asname or alias.name for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names
               if alias.name.split(".")[0] in UNPICKLERS}
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else None
            bad = (func.attr in UNPICKLING_FUNCTIONS and owner in UNPICKLERS | aliases) \
                or func.attr == "read_pickle"
        else:
            bad = isinstance(func, ast.Name) and func.id in imported | {"read_pickle"}
        bad = bad or any(k.arg == "allow_pickle" and isinstance(k.value, ast.Constant)
                         and k.value.value is True for k in node.keywords)
        if bad:
            lines.append(node.lineno)
    return lines


def test_library_imports_without_streamlit():
    code = (f"import sys\nimport {', '.join(LIBRARY_MODULES)}\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit')\n"
            "print(len(loaded), loaded[:5])\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0 []", run.stdout


@pytest.mark.parametrize("path", [p for p in python_files(PACKAGE)
                                  if PACKAGE / "ui" not in p.parents],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_ui_package_imports_streamlit(path):
    lines = streamlit_imports(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)} imports streamlit on line(s) {lines}"


def test_the_ui_package_is_where_streamlit_lives():
    # the check above must look at real files: the UI does import streamlit
    assert any(streamlit_imports(p.read_text(encoding="utf-8"))
               for p in python_files(PACKAGE / "ui"))


@pytest.mark.parametrize("path", python_files(PACKAGE, ROOT / "app_pages", ROOT / "app.py"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_unpickles(path):
    lines = unpickling_calls(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)} unpickles on line(s) {lines}"


@pytest.mark.parametrize("source, found", [
    ("import streamlit as st", True),
    ("from streamlit.testing.v1 import AppTest", True),
    ("import streamlit_extras", False),
    ('"""we never import streamlit here"""', False),
])
def test_streamlit_detector(source, found):
    assert bool(streamlit_imports(source)) is found


@pytest.mark.parametrize("source, found", [
    ("import pickle\npickle.loads(b'')", True),
    ("import pickle as pk\npk.load(f)", True),
    ("import joblib\njoblib.load('m.joblib')", True),
    ("from pickle import loads as l\nl(b'')", True),
    ("import pandas as pd\npd.read_pickle('x')", True),
    ("import numpy as np\nnp.load('a.npy', allow_pickle=True)", True),
    ("import pickle\npickle.dumps(1)", False),
    ("import json\njson.loads('1')", False),
    ("import skops.io as sio\nsio.loads(data, trusted=[])", False),
    ("# pickle.load(f) is never called", False),
])
def test_unpickling_detector(source, found):
    assert bool(unpickling_calls(source)) is found
