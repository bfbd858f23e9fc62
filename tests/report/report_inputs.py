"""Inputs of the report tests shared with the browser test: a small table whose group label,
column names, file and model name are markup."""

import numpy as np
import pandas as pd

from fairdash.data import ColumnRoles, build_dataset
from fairdash.provenance import provenance
from fairdash.report import build_report

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_COLUMN = '<b onmouseover="alert(2)">group</b>'
HOSTILE_FILE = "</script><script>alert(3)</script>.csv"
#: a label that is a plotly template and an HTML line break
HOSTILE_OTHER = "%{y} & <br>"


def hostile_dataset(n: int = 600):
    """A small synthetic table whose group label, column names and file name are markup."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=n),
                          HOSTILE_COLUMN: rng.choice([HOSTILE, HOSTILE_OTHER], n),
                          "y<i>": rng.integers(0, 2, n)})
    ds = build_dataset(frame, ColumnRoles("y<i>", 1, (HOSTILE_COLUMN,), ("x",)))
    scores = 1 / (1 + np.exp(-(frame["x"].to_numpy() + rng.normal(size=n))))
    return ds, scores


def hostile_report(**kw):
    ds, scores = hostile_dataset()
    prov = provenance(ds, source=HOSTILE_FILE, model=HOSTILE, threshold=0.5,
                      command=f"python -m fairdash report --data '{HOSTILE_FILE}'")
    return build_report(ds, scores, threshold=0.5, provenance=prov, model_name=HOSTILE,
                        title=HOSTILE, n_resamples=50, **kw)


def decisions_dataset(n: int = 2000):
    """Given 0/1 decisions in a column: no threshold to move."""
    rng = np.random.default_rng(3)
    g = rng.choice(["a", "b"], n)
    y = rng.integers(0, 2, n)
    decided = ((y + rng.normal(size=n) + (g == "a") * 0.4) > 0.8).astype(int)
    frame = pd.DataFrame({"g": g, "x": rng.normal(size=n), "y": y, "decided": decided})
    ds = build_dataset(frame, ColumnRoles("y", 1, ("g",), ("x",), "decided"))
    return ds, np.asarray(ds.scores, dtype=float)
