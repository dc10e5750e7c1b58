"""The dimensioning scenario a register implies: every fact about today comes from the register, the scenario file
holds only what differs (projection, targets, assumptions).

From the register: hjemler, listed patients and free places, the list-holding GPs' ages, the planned list reductions
(and the list length they imply), and the decided and planned hjemler by kind (growth, ALIS, replacement). From the
scenario, when one is given: the population projection, the targets (list length, free capacity), the retirement age,
age weights, residents listed elsewhere and the rounding rule. Without a scenario the population is held at the
register's figure (an assumption the result states).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from legeplan.capacity.models import AgeGroupPopulation, Projection, Scenario
from legeplan.register.models import PhysicianRole, PlannedPositionKind, Register

#: Years the dimensioning covers when no scenario gives a projection (a plan period).
DEFAULT_YEARS = 4
#: Physicians that hold a list: fastleger and ALIS (the plans count both as the municipality's fastleger).
LIST_HOLDERS = (PhysicianRole.GP, PhysicianRole.ALIS)
FLAT_SOURCE = "Registeret; folketallet holdt uendret (forutsetning: ingen framskriving oppgitt)"


def population_year(register: Register) -> int:
    """The year the register's population figure belongs to (its date, else the register date)."""
    when = register.municipality.population_date or register.as_of
    return when.year


def aligned_projection(projection: Projection, register: Register) -> Projection:
    """The projection with its base year moved to the register's population when both are for the same year.

    Each age group gets a constant offset (the difference spread by the base year's age shares), so the growth the
    projection gives (persons per group from the base year) is unchanged and one year has one population."""
    base = projection.years[0]
    if base.year != population_year(register) or base.total <= 0:
        return projection
    difference = register.municipality.population - base.total
    if abs(difference) < 0.5:
        return projection
    offsets = {group: difference * persons / base.total for group, persons in base.by_age.items()}
    return projection.model_copy(
        update={
            "years": [
                AgeGroupPopulation(
                    year=row.year,
                    by_age={group: max(0.0, persons + offsets[group]) for group, persons in row.by_age.items()},
                )
                for row in projection.years
            ],
            "source": f"{projection.source}; grunnåret {base.year} satt til registerets folketall",
        }
    )


def flat_projection(register: Register, years: int = DEFAULT_YEARS) -> Projection:
    start = population_year(register)
    population = float(register.municipality.population)
    return Projection(
        region=register.municipality.code,
        source=FLAT_SOURCE,
        years=[
            AgeGroupPopulation(year=start, by_age={"alle": population}),
            AgeGroupPopulation(year=start + years, by_age={"alle": population}),
        ],
    )


def implied_list_length(register: Register) -> float | None:
    """Average list after the planned list reductions (Σ planned lists / hjemler); None without reductions."""
    if not register.positions or not any(p.planned_reduction for p in register.positions):
        return None
    return sum(p.planned_list for p in register.positions) / len(register.positions)


def gp_ages_at(register: Register, year: int) -> list[int]:
    """Ages in `year` (from birth year) of the list-holding physicians active on the register date, leaving out
    those whose hjemmel has a planned replacement (their leaving is counted there, once)."""
    replaced = {p.replaces for p in register.planned_positions if p.replaces is not None}
    return [
        year - p.birth_year
        for p in register.physicians
        if p.role in LIST_HOLDERS and p.active_at(register.as_of) and p.position_id not in replaced
    ]


def planned_by_year(register: Register, kind: PlannedPositionKind, first: int, last: int) -> dict[int, int]:
    counts = Counter(p.year for p in register.planned_positions if p.kind is kind and first <= p.year <= last)
    return dict(sorted(counts.items()))


def scenario_from_register(
    register: Register, scenario: Scenario | None = None, *, as_of: date | None = None
) -> Scenario:
    """The scenario the register implies, with `scenario`'s projection and targets where given."""
    projection = (
        aligned_projection(scenario.projection, register) if scenario is not None else flat_projection(register)
    )
    first, last = projection.years[0].year, projection.years[-1].year
    positions = register.positions
    listed = sum(p.listed_patients for p in positions)
    free = sum(p.free_places for p in positions)
    alis = planned_by_year(register, PlannedPositionKind.ALIS, first, last)
    if scenario is not None:
        for year, count in scenario.alis_planned.items():
            alis[year] = max(alis.get(year, 0), count)  # the register's plan wins; a scenario cannot double it
    target_list = scenario.target_list_length if scenario is not None else None
    if target_list is None:
        target_list = implied_list_length(register)
    base: dict[str, object] = (
        scenario.model_dump(exclude={"projection"})
        if scenario is not None
        else {"name": register.municipality.name, "source": FLAT_SOURCE}
    )
    ages = [age for age in gp_ages_at(register, first) if 24 <= age <= 90]
    data = {
        **base,
        "municipality": register.municipality.code,
        "as_of": as_of or register.as_of,
        "projection": projection,
        "positions": max(1, len(positions)),
        "listed_patients": listed if listed > 0 else None,
        "average_list_length": None,
        "free_places": free,
        "gp_ages": ages,
        "alis_planned": alis,
        "growth_planned": planned_by_year(register, PlannedPositionKind.GROWTH, first, last),
        "replacements_planned": planned_by_year(register, PlannedPositionKind.REPLACEMENT, first, last),
        "target_list_length": target_list,
    }
    return Scenario.model_validate(data)


#: The name the design sketch uses beside each engine.
from_register = scenario_from_register
