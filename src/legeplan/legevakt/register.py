"""Rota doctors and rota problems from the shared register (legeplan.register.models), so a plan's physicians feed
the rota engine without being typed again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from legeplan.legevakt.model import AGE_EXEMPT, Doctor, RotaProblem, ShiftType
from legeplan.register.models import Physician, PhysicianRole, Register, SpecialistStatus


def _months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def _section7_facts(physician: Physician, as_of: date, on: date) -> tuple[int, int, float]:
    """(clinical months, legevakter, years as GP in the municipality) on `on`.

    The register's own § 7 facts are as of the register date, so the time from it to `on` is added. Where the
    register has none, only the time since ``start_date`` in the municipality counts: a lower bound that never
    overstates competence under akuttmedisinforskriften § 7."""
    since_start = _months_between(physician.start_date, on)
    since_register = _months_between(as_of, on) if on > as_of else 0
    months = physician.clinical_months + since_register if physician.clinical_months is not None else since_start
    legevakter = physician.legevakter_done or 0
    municipal = physician.role in (PhysicianRole.GP, PhysicianRole.ALIS, PhysicianRole.MUNICIPAL)
    if physician.municipal_gp_years is not None:
        years = physician.municipal_gp_years + since_register / 12
    else:
        years = since_start / 12 if municipal else 0.0
    return months, legevakter, years


def _is_lis1(physician: Physician, on: date) -> bool:
    """LIS1 by role; a LIS1 whose training ended before `on` (training_end) is no longer one."""
    if physician.role is not PhysicianRole.LIS1:
        return False
    return physician.training_end is None or physician.training_end >= on


def doctors_from_register(register: Register, on: date) -> tuple[Doctor, ...]:
    """Physicians active on ``on`` who take part in legevakt and are not exempted.

    Physicians aged 60+ who are still marked as taking part count as having opted in (SFS 2305 § 7.2)."""
    doctors = []
    for physician in register.physicians:
        if not physician.active_at(on) or not physician.legevakt_participation or physician.legevakt_exempt:
            continue
        months, legevakter, years = _section7_facts(physician, register.as_of, on)
        age = physician.age_at(on)
        doctors.append(
            Doctor(
                id=physician.id,
                name=physician.name,
                age=age,
                employment_fraction=physician.employment_fraction,
                specialist=physician.specialist_status is SpecialistStatus.SPECIALIST,
                clinical_months=months,
                legevakter=legevakter,
                municipal_gp_years=round(years, 2),
                lis1=_is_lis1(physician, on),
                opt_in_60=age >= AGE_EXEMPT,
            )
        )
    return tuple(doctors)


def default_shift_types() -> tuple[ShiftType, ...]:
    """The shift pattern of the shipped example (seed 001: dag 08.00-15.30 on weekends and holidays, kveld and
    natt every day); a municipality's own pattern comes from an existing problem file."""
    from legeplan.legevakt.io import example_problem

    return example_problem("small").shift_types


def problem_from_register(
    register: Register,
    start: date,
    end: date,
    *,
    shift_types: Sequence[ShiftType] | None = None,
    name: str | None = None,
) -> RotaProblem:
    """The rota problem the register implies for `start`–`end`: its legevakt doctors with their § 7 facts."""
    doctors = doctors_from_register(register, start)
    if not doctors:
        raise ValueError(
            f"ingen leger i registeret per {register.as_of} deltar i legevakt i perioden fra {start}; "
            "sjekk kolonnene «legevakt» og «fritak_legevakt»"
        )
    return RotaProblem(
        name=name or f"Legevaktturnus {register.municipality.name} {start:%d.%m.%Y}–{end:%d.%m.%Y}",
        start=start,
        end=end,
        shift_types=tuple(shift_types) if shift_types else default_shift_types(),
        doctors=doctors,
    )


#: The name the design sketch uses beside each engine.
from_register = problem_from_register
