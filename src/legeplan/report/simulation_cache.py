"""The plan's workforce simulation kept per data version, as its charts are (`legeplan.report.chart_cache`).

A seeded simulation gives the same result for the same inputs, but its first call in a process loads the compiled
kernels (0,6–0,8 s), which was the largest part of «Lag plan» once the layout was kept (issue #15). The result is kept
by SHA-256 over the simulation's inputs as JSON (register, scenario, runs, years, seed, locum cost) and the engine's
version (the source of `legeplan.capacity` and `legeplan.register` and the numba and NumPy versions), in memory and as
JSON in `simulations/` beside the chart cache's folder (`LEGEPLAN_CACHE_DIR`). An unseeded simulation is never kept.
A file that cannot be read, written or parsed is a miss: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path

from pydantic import ValidationError

from legeplan.capacity import Scenario, SimulationResult
from legeplan.register.models import Register
from legeplan.report.chart_cache import cache_folder
from legeplan.report.kept import KeptResults

#: Results kept in memory (a few kilobytes each) and on disk.
MEMORY_ENTRIES = 32
DISK_ENTRIES = 500


@cache
def engine_version() -> str:
    """What a result depends on besides its inputs: the source of everything the simulation runs (the capacity
    engine: parameters, dimensioning, kernels; the register's models: who is active, ages) and its numerical
    libraries."""
    import legeplan.capacity
    import legeplan.register

    digest = hashlib.sha256(f"{version('numba')}\0{version('numpy')}\0".encode())
    for package in (legeplan.capacity, legeplan.register):
        folder = Path(str(package.__file__)).parent
        for source in sorted(folder.rglob("*.py")):
            digest.update(source.relative_to(folder).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def simulation_key(
    register: Register, scenario: Scenario | None, *, runs: int, years: int, seed: int, locum_cost_nok: float
) -> str:
    digest = hashlib.sha256(engine_version().encode())
    digest.update(json.dumps([runs, years, seed, locum_cost_nok]).encode())
    digest.update(register.model_dump_json().encode())
    digest.update(b"\0" + (scenario.model_dump_json().encode() if scenario is not None else b"-"))
    return digest.hexdigest()


class SimulationCache(KeptResults[SimulationResult]):
    """The two levels for simulations (`legeplan.report.kept`): JSON files in `simulations/`."""

    def __init__(self) -> None:
        super().__init__(MEMORY_ENTRIES, DISK_ENTRIES)

    def folder(self) -> Path | None:
        charts = cache_folder()
        return None if charts is None else charts.parent / "simulations"

    def path(self, folder: Path, key: str) -> Path:
        return folder / f"{key}.json"

    def stored_files(self, folder: Path) -> list[Path]:
        return list(folder.glob("*.json"))

    def encode(self, value: SimulationResult) -> bytes:
        return value.model_dump_json().encode()

    def decode(self, key: str, data: bytes) -> SimulationResult | None:
        try:
            return SimulationResult.model_validate_json(data)
        except (ValueError, ValidationError):
            return None


#: The process's simulation cache (used by `legeplan.report.inputs.simulate_from_register`).
SIMULATIONS = SimulationCache()

__all__ = ["SIMULATIONS", "SimulationCache", "engine_version", "simulation_key"]
