"""Property tests: any valid register gives a complete plan whose totals add up."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legeplan.register.models import (
    Institution,
    InstitutionKind,
    Municipality,
    Office,
    OperatingModel,
    Position,
    PositionStatus,
    Register,
)
from legeplan.report.build import CHAPTERS, PlanInputs, build_plan

CODE = "1804"


@st.composite
def registers(draw: st.DrawFn) -> Register:
    office_count = draw(st.integers(0, 3))
    offices = tuple(Office(id=f"K{n}", municipality_code=CODE, name=f"Kontor {n}") for n in range(office_count))
    positions = []
    for n in range(draw(st.integers(0, 12))):
        ceiling = draw(st.integers(0, 2500))
        positions.append(
            Position(
                id=f"H{n}",
                municipality_code=CODE,
                office_id=draw(st.sampled_from([None, *(office.id for office in offices)])),
                list_ceiling=ceiling,
                listed_patients=draw(st.integers(0, ceiling)),
                operating_model=draw(st.sampled_from(list(OperatingModel))),
                status=draw(st.sampled_from(list(PositionStatus))),
            )
        )
    institutions = tuple(
        Institution(
            id=f"I{n}",
            municipality_code=CODE,
            name=f"Enhet {n}",
            kind=draw(st.sampled_from(list(InstitutionKind))),
            places=draw(st.integers(0, 200)),
            doctor_hours_per_week=draw(st.floats(0, 200, allow_nan=False)),
        )
        for n in range(draw(st.integers(0, 4)))
    )
    return Register(
        as_of=date(2024, 1, 1),
        municipality=Municipality(code=CODE, name="Prøve", population=draw(st.integers(0, 100_000)), centrality=6),
        offices=offices,
        positions=tuple(positions),
        institutions=institutions,
    )


def _int(cell: str) -> int:
    return int(cell.replace(" ", ""))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers())
def test_any_register_gives_all_chapters_and_consistent_totals(register: Register) -> None:
    doc = build_plan(PlanInputs(register=register, generated=date(2024, 2, 1)))
    assert [chapter.id for chapter in doc.chapters] == [chapter_id for chapter_id, _title in CHAPTERS]
    for table in doc.tables():
        assert table.source and table.as_of
    by_caption = {table.caption: table for table in doc.tables()}
    offices = by_caption.get("Hjemler og listeplasser per legekontor")
    if register.positions:
        assert offices is not None
        for column in range(1, 5):
            assert sum(_int(row[column]) for row in offices.rows) == _int(offices.total_rows[0][column])
        assert _int(offices.total_rows[0][3]) == sum(p.listed_patients for p in register.positions)
        models = by_caption["Fastlegehjemler etter driftsform og status"]
        assert sum(_int(cell) for cell in models.total_rows[0][1:]) == len(register.positions)
    else:
        assert offices is None
    not_filled = by_caption.get("Hjemler som ikke er besatt av fast lege")
    expected = [p.id for p in register.positions if p.status is not PositionStatus.FILLED]
    assert ([row[0] for row in not_filled.rows] if not_filled else []) == expected
