"""Small problem builders shared by the legevakt tests."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from legeplan.legevakt import Doctor, RotaProblem, ShiftType

KVELD = ShiftType(id="kveld", name="Kveld", start=time(15, 30), end=time(23))
NATT = ShiftType(id="natt", name="Natt", start=time(23), end=time(8), on_site=False)


def specialist(doctor_id: str, age: int = 45, **extra: Any) -> Doctor:
    return Doctor(id=doctor_id, name=doctor_id.upper(), age=age, specialist=True, **extra)


def problem(
    *doctors: Doctor, shift_types: tuple[ShiftType, ...] = (KVELD, NATT), days: int = 7, **extra: Any
) -> RotaProblem:
    start = date(2026, 1, 5)  # a Monday without holidays
    return RotaProblem(
        start=start,
        end=date(2026, 1, 4 + days),
        shift_types=shift_types,
        doctors=doctors,
        **extra,
    )
