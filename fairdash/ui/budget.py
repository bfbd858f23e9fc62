"""The cache for large results sessions share (datasets, scores, mitigated models), bounded
in bytes.

Streamlit's own caches bound the number of entries, not their size: one upload of a million
rows could fill the server or push everyone else's work out. Here every entry is measured
when it is stored (:func:`nbytes`) and:

- all entries together stay under :data:`BUDGET_BYTES` (``FAIRDASH_CACHE_MB``, default 2048),
  the least recently used going first;
- the entries one session added stay under :data:`SESSION_SHARE` of that budget: a session
  over its share evicts its own oldest entries, never another session's;
- an entry larger than a session's share is not shared at all: it is kept in that session's
  own memory (one per cached function), so the session still computes it once and other
  sessions keep their work.

Arguments whose name starts with ``_`` are not part of the key (as in ``st.cache_resource``):
the content fingerprint beside them is. Cached objects are shared: treat them as read-only.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import fields, is_dataclass

import numpy as np
import pandas as pd

from fairdash.ui import state

__all__ = ["BUDGET_BYTES", "SESSION_SHARE", "ByteBudget", "cached", "clear", "nbytes"]

_MB = 1024 * 1024
#: Bytes all shared entries may take together.
BUDGET_BYTES = int(float(os.environ.get("FAIRDASH_CACHE_MB", "2048")) * _MB)
#: Share of the budget the entries of one session may take.
SESSION_SHARE = 0.25


def nbytes(obj, _seen=None) -> int:
    """Approximate memory held by ``obj``: arrays, frames and the objects that hold them.

    Parameters
    ----------
    obj : object
        A value to be cached: numpy arrays and pandas objects are measured exactly (strings
        in object columns included); dataclasses, containers and objects with a ``__dict__``
        (fitted estimators) are walked, each object counted once.

    Returns
    -------
    int
        Bytes.
    """
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        size = obj.nbytes
        if obj.dtype == object:
            size += sum(sys.getsizeof(v) for v in obj.ravel()[:10_000]) * max(
                1, obj.size // 10_000)
        return size
    if isinstance(obj, (pd.DataFrame, pd.Series, pd.Index)):
        usage = obj.memory_usage(deep=True)
        return int(usage.sum() if hasattr(usage, "sum") else usage)
    if isinstance(obj, (str, bytes, bytearray, int, float, bool, type(None))):
        return sys.getsizeof(obj)
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(nbytes(k, seen) + nbytes(v, seen)
                                        for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return sys.getsizeof(obj) + sum(nbytes(v, seen) for v in obj)
    if is_dataclass(obj) and not isinstance(obj, type):
        return sys.getsizeof(obj) + sum(nbytes(getattr(obj, f.name, None), seen)
                                        for f in fields(obj))
    if hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        return sys.getsizeof(obj) + nbytes(vars(obj), seen)
    return sys.getsizeof(obj)


class ByteBudget:
    """A least-recently-used store bounded in bytes overall and per session.

    Parameters
    ----------
    max_bytes : int
        Bytes all entries may take together.
    session_share : float
        Share of ``max_bytes`` one session's entries may take.
    """

    def __init__(self, max_bytes: int, session_share: float):
        self.max_bytes, self.session_share = int(max_bytes), float(session_share)
        self._entries: OrderedDict = OrderedDict()   # key -> (value, size, owner)
        self._lock = threading.Lock()
        self._making: dict = {}                      # key -> lock while it is computed

    @property
    def session_bytes(self) -> int:
        """Bytes one session's entries may take."""
        return int(self.max_bytes * self.session_share)

    def used(self, owner=None) -> int:
        """Bytes held, by everyone or by ``owner``."""
        with self._lock:
            return sum(size for _, size, who in self._entries.values()
                       if owner is None or who == owner)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:
        return key in self._entries

    def get_or_make(self, key, make, owner, private: dict):
        """The value under ``key``: shared, this session's own, or made now by ``make()``.

        Parameters
        ----------
        key : hashable
        make : callable
            Computes the value; an exception propagates and nothing is stored.
        owner : hashable
            The session asking (charged for what it adds).
        private : dict
            The session's own store for values too large to share.
        """
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
            maker = self._making.setdefault(key, threading.Lock())
        try:
            with maker:  # a second session asking for the same key waits, not recomputes
                with self._lock:
                    if key in self._entries:
                        self._entries.move_to_end(key)
                        return self._entries[key][0]
                if key in private:
                    return private[key]
                value = make()
                self._put(key, value, nbytes(value), owner, private)
                return value
        finally:
            with self._lock:
                self._making.pop(key, None)

    def _put(self, key, value, size: int, owner, private: dict) -> None:
        if size > self.session_bytes:
            # Too large to share: the session keeps it (one per function), nobody else pays.
            for other in [k for k in private if k[0] == key[0]]:
                del private[other]
            private[key] = value
            return
        with self._lock:
            mine = sum(s for _, s, who in self._entries.values() if who == owner)
            for k in [k for k, (_, _, who) in self._entries.items() if who == owner]:
                if mine + size <= self.session_bytes:
                    break
                mine -= self._entries.pop(k)[1]
            total = sum(s for _, s, _ in self._entries.values())
            while self._entries and total + size > self.max_bytes:
                total -= self._entries.popitem(last=False)[1][1]
            self._entries[key] = (value, size, owner)

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()


_BUDGET = ByteBudget(BUDGET_BYTES, SESSION_SHARE)


def cached(fn):
    """Cache ``fn`` in the shared byte budget, keyed on its arguments not starting with ``_``.

    Parameters
    ----------
    fn : callable
        A pure function of its keyed arguments.

    Returns
    -------
    callable
        The same function, computing each key once while its entry lasts.
    """
    signature = inspect.signature(fn)
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (name,) + tuple((k, v) for k, v in bound.arguments.items()
                              if not k.startswith("_"))
        return _BUDGET.get_or_make(key, lambda: fn(*args, **kwargs), state.session_owner(),
                                   state.private_cache())

    return wrapper


def clear() -> None:
    """Drop every shared entry (this session's own entries go with its session)."""
    _BUDGET.clear()
