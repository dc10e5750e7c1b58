"""The plan's seeded simulation kept per data version (issue #15): the kept result is the computed one, a change of
any input is a new key, an unseeded simulation is never kept, and a damaged file is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from legeplan.capacity import simulate_from_register as simulate
from legeplan.economics import EconomicsAssumptions
from legeplan.register.demo import demo_register
from legeplan.report.inputs import simulate_from_register
from legeplan.report.simulation_cache import SIMULATIONS


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    SIMULATIONS.clear()
    return tmp_path / "cache" / "simulations"


def test_a_kept_simulation_is_the_computed_one(empty: Path) -> None:
    register = demo_register()
    first = simulate_from_register(register, runs=200, years=5, seed=7)
    assert first is not None and SIMULATIONS.misses == 1 and len(list(empty.glob("*.json"))) == 1
    assert simulate_from_register(register, runs=200, years=5, seed=7) == first and SIMULATIONS.hits == 1
    SIMULATIONS.clear()  # a new process: read from disk
    kept = simulate_from_register(register, runs=200, years=5, seed=7)
    assert kept == first and SIMULATIONS.disk_hits == 1
    cost = EconomicsAssumptions().locum_cost_per_vacancy
    assert kept == simulate(register, runs=200, years=5, seed=7, locum_cost_nok=cost)  # what the engine computes


def test_any_changed_input_is_computed_again(empty: Path) -> None:
    register = demo_register()
    simulate_from_register(register, runs=200, years=5, seed=7)
    simulate_from_register(register, runs=200, years=5, seed=8)
    simulate_from_register(register, runs=201, years=5, seed=7)
    fewer = register.model_copy(update={"positions": register.positions[:-1]})
    simulate_from_register(fewer, runs=200, years=5, seed=7)
    assert SIMULATIONS.misses == 4 and SIMULATIONS.hits == 0
    simulate_from_register(register, runs=200, years=5, seed=None)
    assert SIMULATIONS.misses == 4 and len(list(empty.glob("*.json"))) == 4  # unseeded: never kept


def test_a_damaged_file_is_a_miss(empty: Path) -> None:
    register = demo_register()
    first = simulate_from_register(register, runs=200, years=5, seed=7)
    (stored,) = empty.glob("*.json")
    stored.write_text('{"runs": 1')
    SIMULATIONS.clear()
    assert simulate_from_register(register, runs=200, years=5, seed=7) == first and SIMULATIONS.misses == 1
