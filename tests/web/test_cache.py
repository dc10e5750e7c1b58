"""The per-version page cache: least recently used entries go, and a cold key is computed once however many requests
miss it at the same moment (no thundering herd of chart renderings)."""

from __future__ import annotations

import threading
import time

import pytest

from legeplan.web.cache import VersionedCache


def test_lru_keeps_the_newest_entries() -> None:
    cache: VersionedCache[int] = VersionedCache(2)
    assert cache.get_or_compute("a", lambda: 1) == 1
    assert cache.get_or_compute("b", lambda: 2) == 2
    assert cache.get_or_compute("a", lambda: 99) == 1  # hit: "a" is now the newest
    assert cache.get_or_compute("c", lambda: 3) == 3  # "b" goes
    assert cache.get_or_compute("b", lambda: 22) == 22
    assert cache.get_or_compute("a", lambda: 111) == 111  # "a" went when "b" came back
    assert cache.misses == 5 and cache.hits == 1


def test_concurrent_misses_compute_once() -> None:
    cache: VersionedCache[str] = VersionedCache(4)
    calls = []
    start = threading.Barrier(8)

    def compute() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "svg"

    results: list[str] = []

    def request() -> None:
        start.wait()
        results.append(cache.get_or_compute(("dashboard", 1), compute))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["svg"] * 8
    assert len(calls) == 1


def test_a_failed_computation_is_not_cached() -> None:
    cache: VersionedCache[int] = VersionedCache(4)

    def broken() -> int:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("k", broken)
    assert cache.get_or_compute("k", lambda: 7) == 7
