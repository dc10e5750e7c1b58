"""Duty patterns as rules of the problem (issue #12): Nordsjøturnus cycles (seed 002) and fixed weekday duties."""

from datetime import date, time, timedelta

import pytest
from pydantic import ValidationError

from legeplan.legevakt import Assignment, Doctor, RotaProblem, ShiftType, check_rota, load_problem, solve_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.candidates import RotaChange, check_change
from legeplan.legevakt.load import analyse_load
from legeplan.legevakt.model import DaySelector
from legeplan.legevakt.patterns import DutyPattern, FixedDuty, pattern_pins
from legeplan.legevakt.rules import fairness_targets

from .helpers import KVELD, problem, specialist

MONDAY = date(2026, 1, 5)
DOGN = ShiftType(id="dogn", name="Døgnvakt", start=time(8), end=time(8), days=DaySelector.ALL, on_site=False)


def nordsjo(cycles: int = 1) -> RotaProblem:
    """Seed 002, Vedlegg 1 (Lyngen): three doctors, «To uker på, fire uker av» — as patterns, not unavailability."""
    doctors = tuple(
        specialist(f"nt{i}", pattern=DutyPattern(anchor=MONDAY + timedelta(weeks=2 * i), on_days=14, off_days=28))
        for i in range(3)
    )
    return RotaProblem(
        name="Nordsjøturnus",
        start=MONDAY,
        end=MONDAY + timedelta(weeks=6 * cycles, days=-1),
        shift_types=(DOGN,),
        doctors=doctors,
        min_rest_hours=0,
        rest_after_night_hours=0,
    )


def test_nordsjo_cycle_gives_56_hours_a_week() -> None:
    p = nordsjo()
    assert p.doctors[0].pattern is not None and p.doctors[0].pattern.is_handover(MONDAY + timedelta(days=14))
    assert p.doctors[0].is_unavailable(MONDAY + timedelta(days=15))
    assert not p.doctors[0].is_unavailable(MONDAY + timedelta(days=42))  # the next cycle
    solution = solve_rota(p, time_limit_s=5)
    assert check_rota(p, solution.assignments) == []
    for a in solution.assignments:
        assert (a.date - MONDAY).days // 14 == int(a.doctor[-1])  # each doctor only in their two weeks
    report = analyse_load(p, solution.assignments)
    # «som utgjør i gjennomsnitt 56 timer i uka gjennom året» (14 × 24 h over six weeks).
    assert [round(d.hours_per_week, 1) for d in report.doctors] == [56.0, 56.0, 56.0]
    # Each doctor is available (about) a third of the time, the same for all three: a third of the days each.
    targets = fairness_targets(p, expand_shifts(p))["alle"]
    assert targets == pytest.approx({"nt0": 14, "nt1": 14, "nt2": 14})


def test_duty_in_an_off_week_is_a_violation() -> None:
    p = nordsjo()
    rota = [Assignment(date=MONDAY + timedelta(days=d), shift_type="dogn", doctor="nt0") for d in range(42)]
    rules = {(v.rule, v.date) for v in check_rota(p, rota)}
    # The last on-day's døgnvakt ends on the handover morning: allowed. Starting one that day is not (mønster);
    # the days after are off (fravær).
    assert not any(day == MONDAY + timedelta(days=13) for _, day in rules)
    assert ("mønster", MONDAY + timedelta(days=14)) in rules
    assert ("fravær", MONDAY + timedelta(days=15)) in rules


def test_fixed_weekday_duty_is_kept_by_the_solver_and_required_by_the_checker() -> None:
    tuesday = specialist("tue", pattern=DutyPattern(fixed=(FixedDuty(weekday=2, shift_type="kveld"),)))
    p = problem(tuesday, *(specialist(f"d{i}") for i in range(3)), shift_types=(KVELD,), days=14)
    pins = pattern_pins(p)
    assert [a.date for a in pins] == [MONDAY + timedelta(days=1), MONDAY + timedelta(days=8)]
    solution = solve_rota(p, time_limit_s=4)
    assert set(pins) <= set(solution.assignments)
    assert check_rota(p, solution.assignments) == []
    # Giving the fixed Tuesday away breaks the pattern rule, in the full and in the incremental check.
    tuesday_duty = pins[0]
    rota = list(solution.assignments)
    change = RotaChange(date=tuesday_duty.date, shift_type="kveld", from_doctor="tue", to_doctor="d0")
    assert {v.rule for v in check_change(p, rota, change)} == {"fast_vakt"}
    without = [a for a in rota if a != tuesday_duty] + [tuesday_duty.model_copy(update={"doctor": "d0"})]
    assert {v.rule for v in check_rota(p, without)} == {"fast_vakt"}


def test_fixed_duty_on_an_absent_day_is_not_required() -> None:
    from legeplan.legevakt.model import DateRange

    tuesday = specialist(
        "tue",
        pattern=DutyPattern(fixed=(FixedDuty(weekday=2, shift_type="kveld"),)),
        unavailable=(DateRange(start=MONDAY, end=MONDAY + timedelta(days=6)),),
    )
    p = problem(tuesday, specialist("d0"), specialist("d1"), shift_types=(KVELD,), days=14)
    assert [a.date for a in pattern_pins(p)] == [MONDAY + timedelta(days=8)]


def test_pattern_validation() -> None:
    with pytest.raises(ValidationError, match="on_days"):
        DutyPattern(anchor=MONDAY, on_days=14)
    with pytest.raises(ValidationError, match="unknown shift type"):
        problem(specialist("a", pattern=DutyPattern(fixed=(FixedDuty(weekday=1, shift_type="nope"),))))
    with pytest.raises(ValidationError):
        FixedDuty(weekday=8, shift_type="kveld")


def test_pattern_in_a_problem_file(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / "p.toml"
    path.write_text(
        """
start = 2026-01-05
end = 2026-02-15
min_rest_hours = 0
rest_after_night_hours = 0
[[shift_types]]
id = "dogn"
name = "Døgnvakt"
start = "08:00"
end = "08:00"
[[doctors]]
id = "nt1"
name = "NT 1"
age = 40
specialist = true
pattern = { anchor = 2026-01-05, on_days = 14, off_days = 28 }
[[doctors]]
id = "fast"
name = "Fast"
age = 44
specialist = true
pattern = { fixed = [{ weekday = 3, shift_type = "dogn" }] }
""",
        encoding="utf-8",
    )
    p = load_problem(path)
    assert p.doctor("nt1").is_unavailable(date(2026, 1, 20)) and not p.doctor("nt1").is_unavailable(date(2026, 1, 18))
    assert isinstance(p.doctor("fast"), Doctor) and len(pattern_pins(p)) == 6
