"""The shared cache bounded in bytes: overall, per session, and too-large entries kept private."""

import threading

import numpy as np
import pandas as pd
import pytest

from fairdash.ui.budget import ByteBudget, nbytes

MB = 1024 * 1024


def _array(mb: float):
    return np.zeros(int(mb * MB) // 8)


def test_nbytes_measures_arrays_frames_and_what_holds_them():
    a = _array(1)
    assert nbytes(a) == MB
    frame = pd.DataFrame({"x": np.arange(100_000, dtype=np.float64),
                          "s": ["abcdefgh"] * 100_000})
    assert nbytes(frame) >= 800_000 + 100_000 * 8   # strings counted, not only pointers
    assert nbytes({"a": a, "b": (a, a)}) < 1.01 * MB  # one array held twice counts once

    class Holder:
        def __init__(self):
            self.coef_ = _array(2)
    assert 2 * MB <= nbytes(Holder()) < 2.01 * MB


def test_total_stays_under_the_budget_least_recent_first():
    cache = ByteBudget(10 * MB, session_share=1.0)
    for i in range(5):
        cache.get_or_make(("f", i), lambda: _array(3), owner="a", private={})
    assert cache.used() <= 10 * MB
    assert ("f", 4) in cache and ("f", 3) in cache and ("f", 0) not in cache


def test_a_big_session_evicts_its_own_entries_not_anothers():
    cache = ByteBudget(10 * MB, session_share=0.4)   # 4 MB per session
    cache.get_or_make(("f", "theirs"), lambda: _array(3), owner="b", private={})
    for i in range(4):   # one session adds 12 MB in all
        cache.get_or_make(("f", i), lambda: _array(3), owner="a", private={})
    assert ("f", "theirs") in cache                  # the other session's work stays
    assert cache.used("a") <= 4 * MB and ("f", 3) in cache


def test_an_entry_larger_than_a_share_stays_with_its_session():
    cache = ByteBudget(10 * MB, session_share=0.25)
    mine, calls = {}, []

    def make():
        calls.append(1)
        return _array(5)
    first = cache.get_or_make(("f", 1), make, owner="a", private=mine)
    again = cache.get_or_make(("f", 1), make, owner="a", private=mine)
    assert again is first and len(calls) == 1       # computed once for this session
    assert cache.used() == 0 and list(mine) == [("f", 1)]
    cache.get_or_make(("f", 2), make, owner="a", private=mine)
    assert list(mine) == [("f", 2)]                  # one large value per function


def test_a_failure_stores_nothing_and_can_be_retried():
    cache = ByteBudget(10 * MB, session_share=1.0)

    def boom():
        raise ValueError("no")
    with pytest.raises(ValueError):
        cache.get_or_make(("f",), boom, owner="a", private={})
    assert len(cache) == 0
    assert cache.get_or_make(("f",), lambda: 1, owner="a", private={}) == 1


def test_two_sessions_asking_at_once_compute_once():
    cache = ByteBudget(10 * MB, session_share=1.0)
    started, calls = threading.Event(), []

    def slow():
        calls.append(1)
        started.wait(2)
        return "value"
    results = []
    threads = [threading.Thread(target=lambda o=o: results.append(
        cache.get_or_make(("k",), slow, owner=o, private={}))) for o in "ab"]
    for t in threads:
        t.start()
    started.set()
    for t in threads:
        t.join()
    assert results == ["value", "value"] and len(calls) == 1
