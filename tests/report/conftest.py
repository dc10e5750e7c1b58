"""A small register built from the seeds' own numbers, so report tests do not depend on the demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from legeplan.register.models import (
    Institution,
    InstitutionKind,
    Municipality,
    Office,
    OperatingModel,
    Physician,
    PhysicianRole,
    Position,
    PositionStatus,
    Register,
    Sex,
    SpecialistStatus,
)
from legeplan.report.build import PlanInputs

AS_OF = date(2024, 1, 1)
CODE = "1804"


def small_register() -> Register:
    """Bodø-like: Stadiontunet 22.5 h/week for 56 places (seed 003); eight positions on two offices, one vacant."""
    municipality = Municipality(
        code=CODE, name="Bodø", population=53_000, population_date=date(2024, 1, 1), centrality=3
    )
    offices = (
        Office(id="sentrum", municipality_code=CODE, name="Sentrum legekontor"),
        Office(id="hunstad", municipality_code=CODE, name="Hunstad legesenter"),
    )
    lists = [(1200, 1180), (1100, 1100), (1000, 950), (1500, 1490), (900, 0), (1200, 1150), (1000, 1000), (800, 700)]
    positions = []
    physicians = []
    for number, (ceiling, listed) in enumerate(lists, start=1):
        vacant = listed == 0
        positions.append(
            Position(
                id=f"H{number:02d}",
                municipality_code=CODE,
                office_id="sentrum" if number <= 4 else "hunstad",
                list_ceiling=ceiling,
                listed_patients=listed,
                operating_model=OperatingModel.FASTLONN if number == 8 else OperatingModel.NAERINGSDRIFT,
                status=PositionStatus.VACANT if vacant else PositionStatus.FILLED,
            )
        )
        if vacant:
            continue
        physicians.append(
            Physician(
                id=f"L{number:02d}",
                municipality_code=CODE,
                name=f"Lege {number}",
                birth_year=1960 + number * 3,
                sex=Sex.FEMALE if number % 2 else Sex.MALE,
                specialist_status=SpecialistStatus.SPECIALIST if number < 6 else SpecialistStatus.IN_TRAINING,
                role=PhysicianRole.GP if number < 7 else PhysicianRole.ALIS,
                position_id=f"H{number:02d}",
                start_date=date(2015, 1, 1),
                legevakt_exempt=number == 1,
            )
        )
    physicians.append(
        Physician(
            id="LIS1A",
            municipality_code=CODE,
            name="Turnuslege",
            birth_year=1997,
            sex=Sex.FEMALE,
            role=PhysicianRole.LIS1,
            start_date=date(2023, 9, 1),
        )
    )
    institutions = (
        Institution(
            id="stadiontunet",
            municipality_code=CODE,
            name="Stadiontunet sykehjem",
            kind=InstitutionKind.NURSING_HOME_LONG_TERM,
            places=56,
            doctor_hours_per_week=22.5,
        ),
        Institution(
            id="helsestasjon",
            municipality_code=CODE,
            name="Helsestasjonen",
            kind=InstitutionKind.HEALTH_STATION,
            doctor_hours_per_week=15.0,
        ),
    )
    return Register(
        as_of=AS_OF,
        municipality=municipality,
        offices=offices,
        positions=tuple(positions),
        physicians=tuple(physicians),
        institutions=institutions,
    )


@pytest.fixture(scope="session")
def register() -> Register:
    return small_register()


@pytest.fixture(scope="session")
def plan_inputs(register: Register) -> PlanInputs:
    return PlanInputs(register=register, generated=date(2024, 3, 1))


@pytest.fixture
def no_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing kept: an empty PDF layout cache whose files go under tmp_path/cache."""
    from legeplan.report.render.pdf_parts import LAYOUT_CACHE

    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    LAYOUT_CACHE.clear()
