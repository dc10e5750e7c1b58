"""Rota doctors from the shared register (legeplan.register.models), so a plan's physicians feed the rota engine."""

from __future__ import annotations

from datetime import date

from legeplan.legevakt.model import AGE_EXEMPT, Doctor
from legeplan.register.models import PhysicianRole, Register, SpecialistStatus


def _months_between(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day))


def doctors_from_register(register: Register, on: date) -> tuple[Doctor, ...]:
    """Physicians active on ``on`` who take part in legevakt and are not exempted.

    The register has no clinical history, so ``clinical_months`` and ``municipal_gp_years`` count only the time since
    ``start_date`` in the municipality: a lower bound that never overstates competence under akuttmedisinforskriften
    § 7. Physicians aged 60+ who are still marked as taking part count as having opted in (SFS 2305 § 7.2).
    """
    doctors = []
    for physician in register.physicians:
        if not physician.active_at(on) or not physician.legevakt_participation or physician.legevakt_exempt:
            continue
        months = _months_between(physician.start_date, on)
        age = physician.age_at(on)
        municipal = physician.role in (PhysicianRole.GP, PhysicianRole.ALIS, PhysicianRole.MUNICIPAL)
        doctors.append(
            Doctor(
                id=physician.id,
                name=physician.name,
                age=age,
                employment_fraction=physician.employment_fraction,
                specialist=physician.specialist_status is SpecialistStatus.SPECIALIST,
                clinical_months=months,
                municipal_gp_years=months / 12 if municipal else 0.0,
                lis1=physician.role is PhysicianRole.LIS1,
                opt_in_60=age >= AGE_EXEMPT,
            )
        )
    return tuple(doctors)
