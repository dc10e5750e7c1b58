"""Load analysis of a rota: shifts and hours per month, frequency ("every Nth weekday, every Mth weekend"), hours on
top of the ordinary week, and how many doctors are needed to keep the frequency within a limit.

Hours are hours lived in Europe/Oslo (``ShiftInstance.hours``, :mod:`legeplan.legevakt.clock`): a 23:00–08:00
natt over the spring change counts 8 hours, over the autumn change 10; nights are ``ShiftInstance.night``.

The frequency measure follows the Vefsn plan (seed 000, 5.2.4): the GPs have "legevaktturnus hvert 12. hverdag og
hver sjette helg" on top of a 47.5-hour week.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time, timedelta

from legeplan.i18n import number
from legeplan.legevakt.calendar import day_kind, days_in, expand_shifts, holidays_between
from legeplan.legevakt.clock import local_time, overlap_hours
from legeplan.legevakt.model import (
    Assignment,
    DayKind,
    DoctorLoad,
    LoadReport,
    MonthLoad,
    RotaProblem,
    ShiftInstance,
)

#: Ordinary weekday working hours; duty inside them is not "on top of" the ordinary week (e.g. daglegevakt).
ORDINARY_DAY = (time(8, 0), time(15, 30))


def _weekend_key(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return (iso.year, iso.week)


def _ordinary_overlap_hours(inst: ShiftInstance, holidays: dict[date, str]) -> float:
    """Hours of the shift that fall inside ordinary weekday hours."""
    total = 0.0
    day = inst.start.date()
    while local_time(day, time(0)) < inst.end:
        if day_kind(day, holidays) is DayKind.WEEKDAY:
            begin, finish = (local_time(day, clock) for clock in ORDINARY_DAY)
            total += overlap_hours(inst.start, inst.end, begin, finish)
        day += timedelta(days=1)
    return total


def weekdays_and_weekends(problem: RotaProblem) -> tuple[int, int]:
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    days = days_in(problem.start, problem.end)
    weekdays = sum(1 for d in days if day_kind(d, holidays) is DayKind.WEEKDAY)
    weekends = len({_weekend_key(d) for d in days if d.weekday() >= 5})
    return weekdays, weekends


def doctors_needed(
    weekday_slots: float, weekend_slots: float, *, every_nth_weekday: float, every_mth_weekend: float
) -> int:
    """Doctors needed so that nobody works more often than every Nth weekday and every Mth weekend.

    ``weekday_slots``: doctors on duty per weekday; ``weekend_slots``: distinct doctors needed per weekend. With one
    doctor a weekday and two 24-hour weekend shifts (Vefsn, seed 000), N=12 and M=6 need 12 doctors.
    """
    if every_nth_weekday <= 0 or every_mth_weekend <= 0:
        raise ValueError("frequency limits must be positive")
    return max(math.ceil(weekday_slots * every_nth_weekday - 1e-9), math.ceil(weekend_slots * every_mth_weekend - 1e-9))


def slots_of(problem: RotaProblem) -> tuple[float, float]:
    """Average doctor slots per weekday, and per weekend (each weekend slot counted as a distinct doctor)."""
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    weekdays, weekends = weekdays_and_weekends(problem)
    weekday_total = 0
    weekend_total = 0
    for inst in expand_shifts(problem):
        if day_kind(inst.date, holidays) is DayKind.WEEKDAY:
            weekday_total += inst.doctors
        elif inst.date.weekday() >= 5:
            weekend_total += inst.doctors
    return (weekday_total / weekdays if weekdays else 0.0, weekend_total / weekends if weekends else 0.0)


def analyse_load(
    problem: RotaProblem,
    assignments: Iterable[Assignment],
    *,
    every_nth_weekday: float | None = None,
    every_mth_weekend: float | None = None,
    ordinary_week_hours: float | None = None,
) -> LoadReport:
    """Per-doctor load of a rota (vakt and bakvakt), and optionally the doctors needed for given frequency limits.

    With ``ordinary_week_hours`` (Vefsn's GPs: 47.5 h, seed 000 5.2.4) the report adds the total working week.
    """
    instances = {i.key: i for i in expand_shifts(problem)}
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    weekdays, weekends = weekdays_and_weekends(problem)
    weeks = len(days_in(problem.start, problem.end)) / 7
    duties: dict[str, list[ShiftInstance]] = defaultdict(list)
    for a in assignments:
        inst = instances.get((a.date, a.shift_type))
        if inst is not None:
            duties[a.doctor].append(inst)

    loads = []
    for doctor in problem.doctors:
        items = duties.get(doctor.id, [])
        months: dict[str, list[ShiftInstance]] = defaultdict(list)
        for inst in items:
            months[inst.date.strftime("%Y-%m")].append(inst)
        hours = sum(i.hours for i in items)
        on_top = hours - sum(_ordinary_overlap_hours(i, holidays) for i in items)
        weekday_dates = {i.date for i in items if day_kind(i.date, holidays) is DayKind.WEEKDAY}
        weekend_dates = {i.date for i in items if i.date.weekday() >= 5}
        weekend_count = len({_weekend_key(d) for d in weekend_dates})
        loads.append(
            DoctorLoad(
                doctor=doctor.id,
                name=doctor.name,
                shifts=len(items),
                hours=round(hours, 2),
                on_site_hours=round(sum(i.hours for i in items if i.on_site), 2),
                nights=sum(1 for i in items if i.night),
                weekend_days=len(weekend_dates),
                holiday_shifts=sum(1 for i in items if i.holiday),
                months=tuple(
                    MonthLoad(month=m, shifts=len(v), hours=round(sum(i.hours for i in v), 2))
                    for m, v in sorted(months.items())
                ),
                every_nth_weekday=round(weekdays / len(weekday_dates), 2) if weekday_dates else None,
                every_mth_weekend=round(weekends / weekend_count, 2) if weekend_count else None,
                hours_per_week=round(hours / weeks, 2),
                hours_per_week_on_top=round(on_top / weeks, 2),
                total_hours_per_week=(
                    round(ordinary_week_hours + on_top / weeks, 2) if ordinary_week_hours is not None else None
                ),
            )
        )
    needed = None
    limits = None
    if every_nth_weekday is not None and every_mth_weekend is not None:
        weekday_slots, weekend_slots = slots_of(problem)
        needed = doctors_needed(
            weekday_slots, weekend_slots, every_nth_weekday=every_nth_weekday, every_mth_weekend=every_mth_weekend
        )
        limits = f"høyst hver {number(every_nth_weekday)}. hverdag og hver {number(every_mth_weekend)}. helg"
    return LoadReport(
        period_start=problem.start,
        period_end=problem.end,
        weekdays=weekdays,
        weekends=weekends,
        doctors=tuple(loads),
        doctors_needed=needed,
        limits=limits,
    )
