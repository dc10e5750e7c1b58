"""Small problem builders shared by the legevakt tests."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from hypothesis import strategies as st
from ortools.sat.python import cp_model

from legeplan.legevakt import DateRange, Doctor, RotaProblem, ShiftType

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


#: Small doctors of every kind the rules tell apart (age, experience, LIS1, part time, one day away or not), for
#: property tests that solve the full model to optimality.
doctor_strategy = st.builds(
    lambda i, age, months, lis1, frac, off: Doctor(
        id=f"d{i}",
        name=f"D{i}",
        age=age,
        clinical_months=months,
        legevakter=40 if months else 0,
        lis1=lis1,
        employment_fraction=frac,
        unavailable=(DateRange(start=date(2026, 1, 5 + off), end=date(2026, 1, 5 + off)),) if off >= 0 else (),
    ),
    st.integers(0, 99),
    st.integers(26, 58),
    st.sampled_from([0, 36]),
    st.booleans(),
    st.sampled_from([0.5, 1.0]),
    st.integers(-2, 3),
)


def exact_solver() -> cp_model.CpSolver:
    """One worker and 20 s: the tests' small models are solved to a proven optimum well within that."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    return solver


def minimum(solver: cp_model.CpSolver, model: cp_model.CpModel, objective: cp_model.LinearExprT) -> int | None:
    """The proven optimum of `objective` over `model` (None when the model is infeasible)."""
    model.minimize(objective)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return None
    assert status == cp_model.OPTIMAL
    return round(solver.objective_value)
