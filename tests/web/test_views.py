"""The rota month calendar: every day of the period in a Monday-first grid, Easter 2026 marked by name."""

from __future__ import annotations

from datetime import date

from legeplan.legevakt.io import example_problem
from legeplan.web.views import month_calendars


def test_easter_2026_is_marked_in_the_month_calendar() -> None:
    problem = example_problem("small")
    assert problem.start <= date(2026, 4, 2) and date(2026, 4, 6) <= problem.end, "the example no longer spans Easter"
    days = [day for month in month_calendars(problem, ()) for week in month.weeks for day in week if day.in_period]
    marked = {day.day: day.holiday for day in days if day.holiday}
    assert marked == {
        date(2026, 4, 2): "Skjærtorsdag",
        date(2026, 4, 3): "Langfredag",
        date(2026, 4, 5): "1. påskedag",
        date(2026, 4, 6): "2. påskedag",
    }
    assert [day.day for day in days] == [
        date.fromordinal(n) for n in range(problem.start.toordinal(), problem.end.toordinal() + 1)
    ]
    assert all(
        len(week) == 7 and week[0].day.weekday() == 0 for month in month_calendars(problem, ()) for week in month.weeks
    )
