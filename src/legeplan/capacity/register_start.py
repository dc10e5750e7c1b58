"""The workforce simulation started from a register's actual state rather than from a scenario's assumptions.

The plan document needs this: its vacancy figures must begin where its register tables are (the hjemler vacant or
served by locums on the register date, the GPs' ages, the ALIS in training).
"""

from __future__ import annotations

from legeplan.capacity.dimension import dimension
from legeplan.capacity.models import Scenario
from legeplan.capacity.simulation import (
    LOCUM_COST_PER_VACANCY_NOK,
    TURNOVER_NATIONAL,
    TURNOVER_NORD_NORGE,
    SimulationResult,
    WorkforceParameters,
    simulate_workforce,
)
from legeplan.register.models import PhysicianRole, PositionStatus, Register

#: County prefixes of municipality numbers in Nord-Norge (Nordland, Troms, Finnmark; before and after 2020 and 2024),
#: where the Helse Nord report's higher GP turnover applies.
NORD_NORGE_COUNTIES = ("18", "19", "20", "54", "55", "56")
ALIS_TRAINING_YEARS = 5


def is_nord_norge(code: str) -> bool:
    return code[:2] in NORD_NORGE_COUNTIES


def workforce_from_register(
    register: Register,
    scenario: Scenario | None = None,
    *,
    years: int = 10,
    locum_cost_nok: float = LOCUM_COST_PER_VACANCY_NOK,
) -> WorkforceParameters:
    """Simulation parameters from the register on its date: its hjemler, the vacant or locum-served ones, the GPs'
    ages and the ALIS in training. New hjemler come from the dimensioning scenario (if any) and open from the year
    after the register date; turnover is Helse Nord's rate for Nord-Norge and the national rate elsewhere."""
    when = register.as_of
    holders = {
        p.position_id: p
        for p in register.physicians
        if p.position_id is not None and p.active_at(when) and p.role in (PhysicianRole.GP, PhysicianRole.ALIS)
    }
    gp_ages: list[int] = []
    alis = [0] * ALIS_TRAINING_YEARS
    vacant = 0
    for position in register.positions:
        if position.status is not PositionStatus.FILLED:
            vacant += 1
            continue
        doctor = holders.get(position.id)
        if doctor is None:
            continue  # filled, doctor not in the register: counted as a specialist without age
        if doctor.role is PhysicianRole.ALIS:
            alis[min(ALIS_TRAINING_YEARS - 1, max(0, when.year - doctor.start_date.year))] += 1
        else:
            gp_ages.append(doctor.age_at(when))
    growth: list[int] = []
    opened = len(register.positions)
    if scenario is not None and opened:
        rows = dimension(scenario).rows
        for year in range(when.year + 1, when.year + 1 + years):
            # The need, or the decided and planned hjemler (ALIS, growth) where they are more.
            required = max(
                (max(row.positions_required, row.positions_existing) for row in rows if row.year <= year), default=0
            )
            target = max(opened, required)
            growth.append(target - opened)
            opened = target
    while alis and alis[-1] == 0:
        alis.pop()
    return WorkforceParameters(
        positions=max(1, len(register.positions)),
        gp_ages=gp_ages,
        alis_in_training=alis,
        vacant=vacant,
        turnover_rate=TURNOVER_NORD_NORGE if is_nord_norge(register.municipality.code) else TURNOVER_NATIONAL,
        locum_cost_nok=locum_cost_nok,
        new_positions_per_year=growth,
    )


def simulate_from_register(
    register: Register,
    scenario: Scenario | None = None,
    *,
    runs: int = 1000,
    years: int = 10,
    seed: int | None = None,
    locum_cost_nok: float = LOCUM_COST_PER_VACANCY_NOK,
) -> SimulationResult | None:
    """From the year after the register date, starting in its state; None for a register without hjemler."""
    if not register.positions:
        return None
    params = workforce_from_register(register, scenario, years=years, locum_cost_nok=locum_cost_nok)
    return simulate_workforce(params, runs=runs, years=years, start_year=register.as_of.year + 1, seed=seed)
