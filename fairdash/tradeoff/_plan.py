"""Which methods a sweep runs and at which strengths (every line starts at strength 0)."""

from __future__ import annotations

import numpy as np

from fairdash.mitigation import get_method, methods_for

__all__ = ["DEFAULT_POINTS", "default_strengths", "resolve_methods", "strengths_for"]

#: default number of strengths: fronts fitted once, and methods refitted per strength
DEFAULT_POINTS = {"front": 51, "refit": 4}


def default_strengths(method, points: int | None = None) -> list[float]:
    """The strengths a sweep visits for ``method`` by default, 0 first.

    Parameters
    ----------
    method : str or Method
    points : int, optional
        Single-fit fronts (``Method.single_fit_front``): the number of strengths, default
        51 (a step of 0.02). Methods refitted at each strength: the number of fitted
        strengths, default 4; strength 0 comes on top.

    Returns
    -------
    list of float
        Single-fit fronts: ``points`` evenly spaced strengths from 0 to 1. Refitted methods:
        0 and ``points`` evenly spaced strengths in (0, 1]. Strength 0 is the base model as it
        is (no fit), so every method's line starts at the base model's point.
    """
    m = get_method(method) if isinstance(method, str) else method
    fast = m.single_fit_front
    n = int(points) if points is not None else DEFAULT_POINTS["front" if fast else "refit"]
    if n < 1 or (fast and n < 2):
        raise ValueError(f"A sweep needs at least {2 if fast else 1} strengths; got {n}.")
    grid = np.linspace(0.0, 1.0, n if fast else n + 1)
    return [round(float(v), 6) for v in grid]


def strengths_for(method, strengths) -> list[float]:
    """The strengths of one method: a given list, a number of points, or the defaults."""
    if strengths is None or isinstance(strengths, (int, np.integer)):
        return default_strengths(method, strengths)
    levels = [float(s) for s in strengths]
    bad = [s for s in levels if not 0.0 <= s <= 1.0]
    if bad:
        raise ValueError(f"Strengths must lie in [0, 1]; got {bad}.")
    return levels


def resolve_methods(dataset, methods):
    """The Method objects a sweep runs, in registry order for ``"all"``.

    Parameters
    ----------
    dataset : fairdash.data.Dataset
    methods : "all" or sequence of str or Method
        ``"all"``: every method valid for the dataset's task, features and number of
        sensitive columns.

    Returns
    -------
    list of Method
    """
    if isinstance(methods, str):
        if methods != "all":
            raise ValueError(f"methods must be a list of method names or 'all'; got "
                             f"'{methods}'.")
        return methods_for(getattr(dataset, "task", "classification"),
                           has_features=bool(dataset.roles.features),
                           n_sensitive=len(dataset.roles.sensitive))
    return [get_method(name) if isinstance(name, str) else name for name in methods]
