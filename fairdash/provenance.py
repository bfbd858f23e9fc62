"""Where a result comes from: the data, roles, split, model, versions, date and the command
that reproduces it. Every JSON the command line writes and every report carries this block, so
a number can be traced back and recomputed.
"""

from __future__ import annotations

import datetime as _dt
import shlex
from importlib import metadata

import numpy as np

import fairdash
from fairdash.data import table_fingerprint

__all__ = ["cli_command", "model_params", "provenance", "versions"]

_LIBRARIES = ("numpy", "pandas", "scikit-learn", "scipy", "POT", "plotly")


def versions() -> dict:
    """FairDash's version and those of the libraries its numbers depend on."""
    found = {"fairdash": fairdash.__version__}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def model_params(model) -> dict:
    """The plain settings of a fitted model (the last step of a pipeline), JSON-able.

    Parameters
    ----------
    model : estimator or None

    Returns
    -------
    dict
        Parameter name -> number, text, bool or None; nested estimators and arrays left out.
    """
    if model is None or not hasattr(model, "get_params"):
        return {}
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    return {k: v for k, v in sorted(final.get_params(deep=False).items())
            if v is None or isinstance(v, (bool, int, float, str))} | {
        "estimator": type(final).__name__}


def cli_command(source: str, roles, *, model: str | None = None, threshold: float | None = None,
                rescale_scores: bool = False, seed: int = 0, command: str = "audit",
                extra: tuple = ()) -> str:
    """The ``python -m fairdash`` command that recomputes a view.

    Parameters
    ----------
    source : str
        ``sample:NAME`` for a bundled sample, otherwise a file name (``--data``).
    roles : fairdash.data.ColumnRoles
    model : str, optional
        A built-in model name (``--model``); ignored with a score column.
    threshold : float, optional
    rescale_scores : bool, default False
    seed : int, default 0
    command : str, default "audit"
    extra : tuple of str
        Further arguments, appended as given.

    Returns
    -------
    str
        A shell-quoted command line.
    """
    args = ["python", "-m", "fairdash", command]
    args += (["--sample", source.split(":", 1)[1]] if source.startswith("sample:")
             else ["--data", source])
    args += ["--target", roles.target]
    if roles.positive_label is not None:
        args += ["--positive-label", str(roles.positive_label)]
    args += ["--sensitive", ",".join(roles.sensitive)]
    if roles.score_column:
        args += ["--score-column", roles.score_column]
        if rescale_scores:
            args.append("--rescale-scores")
    else:
        args += ["--features", ",".join(roles.features)]
        if model:
            args += ["--model", model]
    if threshold is not None:
        args += ["--threshold", f"{float(threshold):g}"]
    args += ["--seed", str(int(seed)), *map(str, extra)]
    return shlex.join(args)


def provenance(ds, *, source: str, model: str, model_params: dict | None = None,
               threshold: float | None = None, seed: int = 0,
               command: str | None = None) -> dict:
    """The provenance block of a result on dataset ``ds``.

    Parameters
    ----------
    ds : fairdash.data.Dataset
    source : str
        What the data is: ``sample:NAME``, a file name or a synthetic description.
    model : str
        The model's name as the result shows it.
    model_params : dict, optional
        See :func:`model_params`.
    threshold : float, optional
        The decision threshold (None for a regression audit).
    seed : int, default 0
        The seed of the split and of the resampling.
    command : str, optional
        The command that reproduces the result (see :func:`cli_command`).

    Returns
    -------
    dict
        JSON-able: ``data`` (source, fingerprint of the table's values and column names, rows,
        columns, target, positive label, sensitive, features, score column, rows per split and
        seed), ``model``, ``threshold``, ``versions``, ``created`` (UTC, ISO 8601) and
        ``command``.
    """
    roles = ds.roles
    splits = {name: int(np.sum(ds.split == name)) for name in ("train", "calibration", "test")}
    return {
        "data": {"source": source, "fingerprint": table_fingerprint(ds.frame),
                 "rows": len(ds.frame), "columns": int(ds.frame.shape[1]),
                 "task": ds.task, "target": roles.target,
                 "positive_label": None if ds.task == "regression" else roles.positive_label,
                 "sensitive": list(roles.sensitive), "features": list(roles.features),
                 "score_column": roles.score_column, "split": splits, "seed": int(seed)},
        "model": {"name": model, "params": dict(model_params or {})},
        "threshold": None if threshold is None else float(threshold),
        "versions": versions(),
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "command": command,
    }
