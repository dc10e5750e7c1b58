"""Results kept per data version, in two levels: a bounded in-memory LRU (per process, thread-safe: the web app
renders from worker threads) in front of files under a folder of the user's cache (`LEGEPLAN_CACHE_DIR`), so the next
process does not compute them again. Used by the charts (`chart_cache`) and the simulation (`simulation_cache`).

A file is written whole or not at all (a temporary file, then an atomic rename), and one that cannot be read or
written, or does not decode, is a miss: the cache only saves time, never a reason for a report to fail.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

Value = TypeVar("Value")

#: Files are pruned (the least recently written beyond the limit removed) after this many writes.
PRUNE_EVERY = 50


def write_atomic(path: Path, data: bytes) -> None:
    """`data` as the file `path`, whole or not at all: a concurrent reader sees the old file or the whole new one."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


class KeptResults(Generic[Value]):
    """The two levels for one kind of result; `hits`, `disk_hits` and `misses` count lookups (tests, benchmarks).
    A subclass says where a key's file is, which files are its own, and how a value is stored."""

    def __init__(self, memory_entries: int, disk_entries: int) -> None:
        self._entries = memory_entries
        self._disk_entries = disk_entries
        self._memory: OrderedDict[str, Value] = OrderedDict()
        self._lock = threading.Lock()
        self._writes = 0
        self.hits = self.disk_hits = self.misses = 0

    def folder(self) -> Path | None:
        """The disk level's folder, or None when it is off (asked on every miss, so tests can point it away)."""
        raise NotImplementedError

    def path(self, folder: Path, key: str) -> Path:
        return folder / key

    def stored_files(self, folder: Path) -> list[Path]:
        raise NotImplementedError

    def encode(self, value: Value) -> bytes:
        raise NotImplementedError

    def decode(self, key: str, data: bytes) -> Value | None:
        """The value of a file's bytes; None when they are not a whole, valid value (a truncated or foreign file)."""
        raise NotImplementedError

    def _in_memory(self, key: str) -> Value | None:
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
            return found

    def _remember(self, key: str, value: Value) -> None:
        with self._lock:
            self._memory[key] = value
            while len(self._memory) > self._entries:
                self._memory.popitem(last=False)

    def get(self, key: str) -> Value | None:
        """The kept value, from memory or disk (then remembered), or None; nothing is made nor counted."""
        found = self._in_memory(key)
        if found is None:
            found = self._read(key)
            if found is not None:
                self._remember(key, found)
        return found

    def get_or_make(self, key: str, make: Callable[[], Value]) -> Value:
        found = self._in_memory(key)
        if found is not None:
            self.hits += 1
            return found
        value = self._read(key)
        if value is not None:
            self.disk_hits += 1
        else:
            self.misses += 1
            value = make()
            self._write(key, value)
        self._remember(key, value)
        return value

    def clear(self) -> None:
        """Empties the memory level and the counters (the files stay: their keys stay valid)."""
        with self._lock:
            self._memory.clear()
            self.hits = self.disk_hits = self.misses = 0

    def _read(self, key: str) -> Value | None:
        folder = self.folder()
        if folder is None:
            return None
        try:
            data = self.path(folder, key).read_bytes()
        except OSError:
            return None
        return self.decode(key, data)

    def _write(self, key: str, value: Value) -> None:
        folder = self.folder()
        if folder is None:
            return
        target = self.path(folder, key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, self.encode(value))
        except OSError:
            return
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self._prune(folder)

    def _prune(self, folder: Path) -> None:
        """Removes the least recently written files beyond the disk limit."""
        try:
            files = self.stored_files(folder)
            if len(files) <= self._disk_entries:
                return
            files.sort(key=lambda path: path.stat().st_mtime)
            for path in files[: len(files) - self._disk_entries]:
                path.unlink(missing_ok=True)
        except OSError:
            return


__all__ = ["PRUNE_EVERY", "KeptResults", "write_atomic"]
