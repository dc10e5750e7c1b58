from datetime import date

from legeplan.legevakt.register import doctors_from_register
from legeplan.register.models import Municipality, Physician, PhysicianRole, Register, Sex, SpecialistStatus


def _physician(pid: str, **fields: object) -> Physician:
    base: dict[str, object] = {
        "id": pid,
        "municipality_code": "1824",
        "name": pid.title(),
        "birth_year": 1980,
        "sex": Sex.FEMALE,
        "start_date": date(2020, 1, 1),
    }
    return Physician.model_validate(base | fields)


def test_register_physicians_become_rota_doctors() -> None:
    register = Register(
        as_of=date(2026, 1, 1),
        municipality=Municipality(code="1824", name="Vefsn", population=13000, centrality=5),
        physicians=(
            _physician("spes", specialist_status=SpecialistStatus.SPECIALIST),
            _physician("ny", start_date=date(2025, 6, 1)),  # 7 months: not § 7 competent
            _physician("erfaren", start_date=date(2023, 6, 1)),  # 31 months and > 1 year as GP: competent
            _physician("lis", role=PhysicianRole.LIS1, start_date=date(2025, 9, 1), birth_year=1999),
            _physician("gammel", birth_year=1964, specialist_status=SpecialistStatus.SPECIALIST),
            _physician("fritatt", legevakt_exempt=True),
            _physician("sluttet", end_date=date(2025, 12, 31)),
        ),
    )
    doctors = {d.id: d for d in doctors_from_register(register, date(2026, 1, 15))}
    assert set(doctors) == {"spes", "ny", "erfaren", "lis", "gammel"}
    assert doctors["spes"].meets_section7 and doctors["erfaren"].meets_section7
    assert not doctors["ny"].meets_section7 and not doctors["lis"].meets_section7
    assert doctors["gammel"].age == 62 and doctors["gammel"].opt_in_60 and not doctors["gammel"].age_exempt
    assert doctors["erfaren"].clinical_months == 31
