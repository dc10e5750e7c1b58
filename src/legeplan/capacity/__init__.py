"""GP capacity: how many fastlegehjemler the municipality needs, when, and why; SSB projections; workforce simulation.

Pure engine: takes and returns Pydantic models, never touches the web or the database.
"""

from legeplan.capacity.dimension import dimension, retirements_by_year, round_positions, years_per_new_position
from legeplan.capacity.from_register import (
    aligned_projection,
    from_register,
    implied_list_length,
    scenario_from_register,
)
from legeplan.capacity.models import (
    AgeGroupGrowth,
    AgeGroupPopulation,
    DimensioningResult,
    Projection,
    RoundingRule,
    Scenario,
    YearRow,
)
from legeplan.capacity.register_start import is_nord_norge, simulate_from_register, workforce_from_register
from legeplan.capacity.scenario_io import (
    EXAMPLES,
    ScenarioError,
    example_path,
    example_scenario,
    load_scenario,
    parse_scenario,
)
from legeplan.capacity.simulation import (
    LOCUM_COST_PER_VACANCY_NOK,
    TURNOVER_NATIONAL,
    TURNOVER_NORD_NORGE,
    SimulationResult,
    WorkforceParameters,
    YearBand,
    simulate_batch,
    simulate_percentiles,
    simulate_workforce,
    workforce_from_scenario,
)
from legeplan.capacity.ssb import JsonStatError, read_jsonstat, read_projection_14288

__all__ = [
    "EXAMPLES",
    "LOCUM_COST_PER_VACANCY_NOK",
    "TURNOVER_NATIONAL",
    "TURNOVER_NORD_NORGE",
    "AgeGroupGrowth",
    "AgeGroupPopulation",
    "DimensioningResult",
    "JsonStatError",
    "Projection",
    "RoundingRule",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "WorkforceParameters",
    "YearBand",
    "YearRow",
    "aligned_projection",
    "dimension",
    "example_path",
    "example_scenario",
    "from_register",
    "implied_list_length",
    "is_nord_norge",
    "load_scenario",
    "parse_scenario",
    "read_jsonstat",
    "read_projection_14288",
    "retirements_by_year",
    "round_positions",
    "scenario_from_register",
    "simulate_batch",
    "simulate_from_register",
    "simulate_percentiles",
    "simulate_workforce",
    "workforce_from_register",
    "workforce_from_scenario",
    "years_per_new_position",
]
