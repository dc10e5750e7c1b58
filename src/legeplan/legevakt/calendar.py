"""Norwegian public holidays (helligdager) and expansion of shift types into concrete shifts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateutil.easter import easter  # type: ignore[import-untyped]

from legeplan.legevakt.clock import hours_between, is_night, shift_times
from legeplan.legevakt.model import DayKind, RotaProblem, ShiftInstance


def norwegian_holidays(year: int) -> dict[date, str]:
    """Public holidays (lov om helligdager og helligdagsfred; lov om 1. og 17. mai); coinciding days share one entry."""
    easter_sunday: date = easter(year)
    named = [
        (date(year, 1, 1), "1. nyttårsdag"),
        (easter_sunday - timedelta(days=3), "Skjærtorsdag"),
        (easter_sunday - timedelta(days=2), "Langfredag"),
        (easter_sunday, "1. påskedag"),
        (easter_sunday + timedelta(days=1), "2. påskedag"),
        (date(year, 5, 1), "Offentlig høytidsdag"),
        (date(year, 5, 17), "Grunnlovsdag"),
        (easter_sunday + timedelta(days=39), "Kristi himmelfartsdag"),
        (easter_sunday + timedelta(days=49), "1. pinsedag"),
        (easter_sunday + timedelta(days=50), "2. pinsedag"),
        (date(year, 12, 25), "1. juledag"),
        (date(year, 12, 26), "2. juledag"),
    ]
    days: dict[date, str] = {}
    for day, name in named:  # Kristi himmelfart can fall on 1 or 17 May (e.g. 2008, 2007)
        days[day] = f"{days[day]} og {name}" if day in days else name
    return dict(sorted(days.items()))


def holidays_between(start: date, end: date, extra: tuple[date, ...] = ()) -> dict[date, str]:
    found: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        found.update({d: n for d, n in norwegian_holidays(year).items() if start <= d <= end})
    found.update({d: "Lokal fridag" for d in extra if start <= d <= end})
    return found


def day_kind(day: date, holidays: dict[date, str]) -> DayKind:
    if day in holidays:
        return DayKind.HOLIDAY
    return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WEEKDAY


def days_in(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@lru_cache(maxsize=100_000)
def _lived(day: date, start: time, end: time) -> tuple[datetime, datetime, float, bool]:
    """Start and end instants, hours lived and night status of a shift from ``start`` to ``end`` on ``day``
    (cached: the solver, the checker and the baselines expand the same period several times)."""
    first, last = shift_times(day, start, end)
    return first, last, hours_between(first, last), is_night(first, last)


def expand_shifts(problem: RotaProblem) -> list[ShiftInstance]:
    """All concrete shifts of the period, ordered by start time, with times as lived in Europe/Oslo
    (:mod:`legeplan.legevakt.clock`)."""
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    instances: list[ShiftInstance] = []
    for day in days_in(problem.start, problem.end):
        kind = day_kind(day, holidays)
        for st in problem.shift_types:
            if not st.runs_on(kind):
                continue
            start, end, hours, night = _lived(day, st.start, st.end)
            instances.append(
                ShiftInstance(
                    index=0,
                    shift_type=st.id,
                    date=day,
                    start=start,
                    end=end,
                    hours=hours,
                    doctors=st.doctors,
                    on_site=st.on_site,
                    night=st.night if st.night is not None else night,
                    weekend=day.weekday() >= 5,
                    holiday=kind is DayKind.HOLIDAY,
                )
            )
    instances.sort(key=lambda s: (s.start, s.shift_type))
    return [s.model_copy(update={"index": i}) for i, s in enumerate(instances)]
