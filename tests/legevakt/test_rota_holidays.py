from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from legeplan.legevakt import norwegian_holidays
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.io import example_problem


def test_holidays_2026_follow_easter_on_5_april() -> None:
    days = norwegian_holidays(2026)
    assert days[date(2026, 4, 2)] == "Skjærtorsdag"
    assert days[date(2026, 4, 3)] == "Langfredag"
    assert days[date(2026, 4, 6)] == "2. påskedag"
    assert days[date(2026, 5, 14)] == "Kristi himmelfartsdag"
    assert days[date(2026, 5, 25)] == "2. pinsedag"
    assert days[date(2026, 5, 17)] == "Grunnlovsdag"
    assert len(days) == 12


@given(st.integers(min_value=1900, max_value=2200))
def test_holiday_weekdays_hold_every_year(year: int) -> None:
    days = norwegian_holidays(year)
    by_name = {name: day for day, names in days.items() for name in names.split(" og ")}
    assert len(by_name) == 12
    assert by_name["1. påskedag"].weekday() == 6
    assert by_name["Skjærtorsdag"].weekday() == 3
    assert by_name["Kristi himmelfartsdag"].weekday() == 3
    assert by_name["1. pinsedag"] - by_name["1. påskedag"] == timedelta(days=49)
    assert date(year, 3, 22) <= by_name["1. påskedag"] <= date(year, 4, 25)


def test_weekend_shift_types_run_on_weekday_holidays() -> None:
    problem = example_problem("small")
    dag = {s.date for s in expand_shifts(problem) if s.shift_type == "dag"}
    assert date(2026, 4, 2) in dag  # Skjærtorsdag is a Thursday
    assert date(2026, 4, 6) in dag  # 2. påskedag is a Monday
    assert date(2026, 4, 7) not in dag
    holiday_shifts = [s for s in expand_shifts(problem) if s.holiday]
    assert {s.date for s in holiday_shifts} == {date(2026, 4, d) for d in (2, 3, 5, 6)}


def test_kristi_himmelfart_on_17_may_2007_shares_the_day() -> None:
    assert norwegian_holidays(2007)[date(2007, 5, 17)] == "Grunnlovsdag og Kristi himmelfartsdag"
