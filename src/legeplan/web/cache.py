"""Per-process caches of what pages compute from data that only changes when it is saved.

Keys always contain what identifies the data version (`Storage.register_key`: snapshot id, date, creation time and the
municipality's register version, raised by every save and delete), so a save in any process makes the old entry
unreachable; nothing has to be invalidated by hand, and several web processes each keep their own copy."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    """A thread-safe LRU: `get_or_compute(key, compute)`. Single flight: when many requests miss the same key at once
    (a cold process under load), one computes and the others wait for its value instead of all rendering the same
    matplotlib charts side by side."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def _get(self, key: Hashable) -> tuple[bool, V | None]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return True, self._items[key]
            return False, None

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        found, value = self._get(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            flight = self._computing.setdefault(key, threading.Lock())
        with flight:
            found, value = self._get(key)  # computed by another thread while this one waited
            if found:
                return value  # type: ignore[return-value]
            with self._lock:
                self.misses += 1
            try:
                computed = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:  # stored before the flight ends, so a late arrival finds the value
                self._items[key] = computed
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._computing.pop(key, None)
            return computed

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
