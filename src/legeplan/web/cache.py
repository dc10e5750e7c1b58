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
    """A thread-safe LRU: `get_or_compute(key, compute)`. Two threads missing the same key may both compute it
    (the values are equal); nothing is held locked while computing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
