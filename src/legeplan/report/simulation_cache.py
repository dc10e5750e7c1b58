"""The plan's workforce simulation kept per data version, as its charts are (`legeplan.report.chart_cache`).

A seeded simulation gives the same result for the same inputs, but its first call in a process loads the compiled
kernels (0,6–0,8 s), which was the largest part of «Lag plan» once the layout was kept (issue #15). The result is kept
by SHA-256 over the simulation's inputs as JSON (register, scenario, runs, years, seed, locum cost) and the engine's
version (the source of `legeplan.capacity`'s simulation modules and the numba and NumPy versions), in memory and as
JSON in `simulations/` beside the chart cache's folder (`LEGEPLAN_CACHE_DIR`). An unseeded simulation is never kept.
A file that cannot be read, written or parsed is a miss: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError

from legeplan.capacity import Scenario, SimulationResult
from legeplan.register.models import Register
from legeplan.report.chart_cache import cache_folder

#: Results kept in memory (a few kilobytes each) and on disk.
MEMORY_ENTRIES = 32
DISK_ENTRIES = 500


@cache
def engine_version() -> str:
    """What a result depends on besides its inputs: the simulation's source and its numerical libraries."""
    from legeplan.capacity import register_start, simulation, simulation_kernel

    digest = hashlib.sha256(f"{version('numba')}\0{version('numpy')}\0".encode())
    for module in (register_start, simulation, simulation_kernel):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def simulation_key(
    register: Register, scenario: Scenario | None, *, runs: int, years: int, seed: int, locum_cost_nok: float
) -> str:
    digest = hashlib.sha256(engine_version().encode())
    digest.update(json.dumps([runs, years, seed, locum_cost_nok]).encode())
    digest.update(register.model_dump_json().encode())
    digest.update(b"\0" + (scenario.model_dump_json().encode() if scenario is not None else b"-"))
    return digest.hexdigest()


class SimulationCache:
    """Memory and disk; `hits`, `disk_hits` and `misses` count lookups (for tests)."""

    def __init__(self) -> None:
        self._memory: OrderedDict[str, SimulationResult] = OrderedDict()
        self._lock = threading.Lock()
        self._writes = 0
        self.hits = self.disk_hits = self.misses = 0

    @staticmethod
    def folder() -> Path | None:
        charts = cache_folder()
        return None if charts is None else charts.parent / "simulations"

    def get_or_run(self, key: str, run: Callable[[], SimulationResult]) -> SimulationResult:
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                self.hits += 1
                return found
        result = self._read(key)
        if result is not None:
            self.disk_hits += 1
        else:
            self.misses += 1
            result = run()
            self._write(key, result)
        with self._lock:
            self._memory[key] = result
            while len(self._memory) > MEMORY_ENTRIES:
                self._memory.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            self.hits = self.disk_hits = self.misses = 0

    def _read(self, key: str) -> SimulationResult | None:
        folder = self.folder()
        if folder is None:
            return None
        try:
            return SimulationResult.model_validate_json((folder / f"{key}.json").read_bytes())
        except (OSError, ValueError, ValidationError):
            return None

    def _write(self, key: str, result: SimulationResult) -> None:
        folder = self.folder()
        if folder is None:
            return
        target = folder / f"{key}.json"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
            partial.write_text(result.model_dump_json(), encoding="utf-8")
            os.replace(partial, target)
        except OSError:
            return
        self._writes += 1
        if self._writes % 50 == 0:
            self._prune(folder)

    @staticmethod
    def _prune(folder: Path) -> None:
        try:
            files = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime)
            for path in files[: max(0, len(files) - DISK_ENTRIES)]:
                path.unlink(missing_ok=True)
        except OSError:
            return


#: The process's simulation cache (used by `legeplan.report.inputs.simulate_from_register`).
SIMULATIONS = SimulationCache()

__all__ = ["SIMULATIONS", "SimulationCache", "engine_version", "simulation_key"]
