"""Time as lived in Europe/Oslo: nights, rest over the clock changes, overlaps and staffing (issue #17).

Clock changes used (Europe/Oslo, EU rule: last Sunday of March 02:00 → 03:00, last Sunday of October 03:00 → 02:00):
Sunday 29 March 2026 and Sunday 25 October 2026.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from legeplan.legevakt import (
    Assignment,
    Doctor,
    RotaInfeasibleError,
    RotaProblem,
    ShiftType,
    check_rota,
    expand_shifts,
    solve_rota,
)
from legeplan.legevakt.clock import hours_between, is_night, local_time, shift_times
from legeplan.legevakt.model import Role
from legeplan.legevakt.rules import conflict_pairs, duty_conflict

from .helpers import specialist

SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)


def test_the_2026_clock_changes_are_the_real_europe_oslo_ones() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    for day, before, after in ((SPRING, 1, 2), (AUTUMN, 2, 1)):
        assert day.weekday() == 6
        assert datetime.combine(day - timedelta(days=1), time(12), oslo).utcoffset() == timedelta(hours=before)
        assert datetime.combine(day, time(12), oslo).utcoffset() == timedelta(hours=after)
    # 28 March 2021 was a spring change too, but in the night Saturday 27 -> Sunday 28, not 28 -> 29.
    assert datetime(2021, 3, 28, 1, tzinfo=oslo).utcoffset() == timedelta(hours=1)
    assert datetime(2021, 3, 28, 12, tzinfo=oslo).utcoffset() == timedelta(hours=2)


def test_hours_lived_over_the_clock_changes() -> None:
    assert hours_between(*shift_times(date(2026, 3, 28), time(23), time(8))) == 8  # spring: one hour less
    assert hours_between(*shift_times(date(2026, 10, 24), time(23), time(8))) == 10  # autumn: one hour more
    assert hours_between(*shift_times(date(2026, 1, 10), time(23), time(8))) == 9
    assert hours_between(*shift_times(date(2026, 3, 28), time(9), time(9))) == 23
    assert hours_between(*shift_times(date(2026, 12, 31), time(23), time(8))) == 9  # New Year
    # 23:00 on 28 March to 08:00 on 29 March 2026: 8 hours lived (the example).
    assert hours_between(local_time(date(2026, 3, 28), time(23)), local_time(SPRING, time(8))) == 8
    assert hours_between(local_time(date(2026, 10, 24), time(23)), local_time(AUTUMN, time(7))) == 9


@pytest.mark.parametrize(
    ("start", "end", "night"),
    [
        (time(18), time(0), False),  # ends at exactly 00:00: an evening
        (time(16), time(0), False),
        (time(15, 30), time(23), False),
        (time(22), time(0, 30), True),  # covers 00:00-00:30
        (time(23), time(8), True),
        (time(5), time(12), True),  # covers 05:00-06:00
        (time(6), time(12), False),
        (time(0), time(8), True),
        (time(9), time(9), True),  # 24 hours
        (time(8), time(0), False),  # 16 hours ending at midnight
    ],
)
def test_night_means_covering_time_between_00_and_06(start: time, end: time, night: bool) -> None:
    shift = ShiftType(id="s", name="S", start=start, end=end)
    assert shift.is_night is night
    for day in (date(2026, 3, 28), SPRING, date(2026, 10, 24), AUTUMN, date(2026, 12, 31)):
        assert is_night(*shift_times(day, start, end)) is night


def _problem(
    start: date, end: date, *doctors: Doctor, shift_types: tuple[ShiftType, ...], **extra: object
) -> RotaProblem:
    return RotaProblem.model_validate(
        {"start": start, "end": end, "shift_types": shift_types, "doctors": doctors, **extra}
    )


EVENING_TO_MIDNIGHT = ShiftType(id="kveld", name="Kveld", start=time(18), end=time(0))


def test_night_exempt_57_year_old_can_take_an_evening_ending_at_midnight() -> None:
    n57 = specialist("n57", age=57, night_exempt=True)
    p = _problem(date(2026, 1, 5), date(2026, 1, 7), n57, shift_types=(EVENING_TO_MIDNIGHT,))
    assert not any(i.night for i in expand_shifts(p))
    rota = [Assignment(date=date(2026, 1, d), shift_type="kveld", doctor="n57") for d in (5, 6, 7)]
    assert check_rota(p, rota) == []
    solution = solve_rota(p, time_limit_s=3, num_workers=1)
    assert len(solution.assignments) == 3 and check_rota(p, solution.assignments) == []


def test_longer_rest_after_night_is_not_applied_after_a_shift_ending_at_midnight() -> None:
    """rest_after_night_hours = 11, min_rest_hours = 8: 16:00-00:00 then 08:00 is 8 hours, allowed; after a real
    night 23:00-07:00, 16:00 the same day is 9 hours, too little."""
    late = ShiftType(id="sen", name="Sen", start=time(16), end=time(0))
    morning = ShiftType(id="morgen", name="Morgen", start=time(8), end=time(15))
    night = ShiftType(id="natt", name="Natt", start=time(23), end=time(7))
    afternoon = ShiftType(id="ettermiddag", name="Ettermiddag", start=time(16), end=time(22))
    p = _problem(
        date(2026, 1, 5),
        date(2026, 1, 6),
        specialist("a"),
        shift_types=(late, morning, night, afternoon),
        min_rest_hours=8,
        rest_after_night_hours=11,
    )
    by_key = {i.key: i for i in expand_shifts(p)}
    first, second = by_key[(date(2026, 1, 5), "sen")], by_key[(date(2026, 1, 6), "morgen")]
    assert duty_conflict(p, first, second) is None
    night_5, afternoon_6 = by_key[(date(2026, 1, 5), "natt")], by_key[(date(2026, 1, 6), "ettermiddag")]
    assert duty_conflict(p, night_5, afternoon_6) == "hviletid"
    # The same through the checker, with the rest shifts covered by colleagues so only a's duties matter.
    others = [specialist(f"o{i}") for i in range(4)]
    q = p.model_copy(update={"doctors": (specialist("a"), *others)})
    own = [Assignment(date=date(2026, 1, 5), shift_type="sen", doctor="a")]
    own.append(Assignment(date=date(2026, 1, 6), shift_type="morgen", doctor="a"))
    assert [v for v in check_rota(q, own) if v.doctor == "a"] == []
    night_rota = [Assignment(date=date(2026, 1, 5), shift_type="natt", doctor="a")]
    night_rota.append(Assignment(date=date(2026, 1, 6), shift_type="ettermiddag", doctor="a"))
    found = [v for v in check_rota(q, night_rota) if v.doctor == "a"]
    assert [(v.rule, v.shift_type) for v in found] == [("hviletid", "ettermiddag")]
    assert "bare 9 timer fri etter natt 2026-01-05, krever 11" in found[0].message


MORNING = ShiftType(id="morgen", name="Morgen", start=time(8), end=time(8, 30))
EVENING = ShiftType(id="kveld", name="Kveld", start=time(17, 30), end=time(23))


def test_spring_change_evening_then_morning_is_8_hours_and_check_finds_it() -> None:
    """Evening ending 23:00 on Saturday 28 March 2026, morning from 08:00 on Sunday 29 March: 8 hours lived."""
    p = _problem(date(2026, 3, 28), SPRING, specialist("a"), shift_types=(MORNING, EVENING), min_rest_hours=9)
    rota = [Assignment(date=date(2026, 3, 28), shift_type="kveld", doctor="a")]
    rota.append(Assignment(date=SPRING, shift_type="morgen", doctor="a"))
    rest = [v for v in check_rota(p, rota) if v.rule == "hviletid"]
    assert [(v.date, v.doctor, v.shift_type) for v in rest] == [(SPRING, "a", "morgen")]
    assert "bare 8 timer fri" in rest[0].message and "krever 9" in rest[0].message


def test_spring_change_solver_refuses_8_hours_of_rest() -> None:
    """One doctor, every morgen (08:00-08:30) and kveld (17:30-23:00): 9 hours between them every day, but 8 over
    the night of the spring change, so no rota exists and the solver says hviletid is why."""
    p = _problem(date(2026, 3, 27), SPRING, specialist("a"), shift_types=(MORNING, EVENING), min_rest_hours=9)
    with pytest.raises(RotaInfeasibleError) as error:
        solve_rota(p, time_limit_s=3, num_workers=1)
    assert any("hviletid" in reason for reason in error.value.reasons)
    ordinary = p.model_copy(update={"start": date(2026, 3, 20), "end": date(2026, 3, 22)})
    assert check_rota(ordinary, solve_rota(ordinary, time_limit_s=3, num_workers=1).assignments) == []


def test_spring_change_wishes_do_not_buy_too_little_rest() -> None:
    """Doctor a wants both the evening of 28 March and the morning of 29 March; the solver must not grant both."""
    p = _problem(
        date(2026, 3, 28),
        SPRING,
        specialist("a"),
        specialist("b"),
        shift_types=(MORNING, EVENING),
        min_rest_hours=9,
        wishes=[
            {"doctor": "a", "date": date(2026, 3, 28), "shift_type": "kveld", "kind": "want"},
            {"doctor": "a", "date": SPRING, "shift_type": "morgen", "kind": "want"},
        ],
    )
    solution = solve_rota(p, time_limit_s=3, num_workers=1)
    assert check_rota(p, solution.assignments) == []
    mine = {(x.date, x.shift_type) for x in solution.assignments if x.doctor == "a"}
    assert not {(date(2026, 3, 28), "kveld"), (SPRING, "morgen")} <= mine


AUTUMN_MORNING = ShiftType(id="morgen", name="Morgen", start=time(7), end=time(7, 30))
AUTUMN_EVENING = ShiftType(id="kveld", name="Kveld", start=time(16, 30), end=time(23))


def test_autumn_change_rest_is_long_enough_for_check_and_solve() -> None:
    """Evening ending 23:00 on Saturday 24 October 2026, morning from 07:00 on Sunday 25 October: 9 hours lived
    (8 on the wall clock). One doctor can take every shift with 9 hours' rest."""
    p = _problem(
        date(2026, 10, 24), AUTUMN, specialist("a"), shift_types=(AUTUMN_MORNING, AUTUMN_EVENING), min_rest_hours=9
    )
    every = [Assignment(date=i.date, shift_type=i.shift_type, doctor="a") for i in expand_shifts(p)]
    assert check_rota(p, every) == []
    solution = solve_rota(p, time_limit_s=3, num_workers=1)
    assert sorted(solution.assignments, key=lambda x: (x.date, x.shift_type)) == sorted(
        every, key=lambda x: (x.date, x.shift_type)
    )
    assert conflict_pairs(p, expand_shifts(p)) == {i.index: frozenset() for i in expand_shifts(p)}


def test_three_doctors_on_a_one_doctor_shift_is_overstaffing() -> None:
    shift = ShiftType(id="dag", name="Dag", start=time(8), end=time(16))
    p = _problem(
        date(2026, 1, 5), date(2026, 1, 5), specialist("a"), specialist("b"), specialist("c"), shift_types=(shift,)
    )
    rota = [Assignment(date=date(2026, 1, 5), shift_type="dag", doctor=d) for d in "abc"]
    found = [(v.rule, v.message) for v in check_rota(p, rota)]
    assert found == [
        (
            "dekning",
            "3 leger satt opp, vakten krever 1 (alle vakter skal ha det antall leger vakten krever, verken "
            "færre eller flere)",
        )
    ]
    assert check_rota(p, rota[:1]) == []
    assert [v.message.split(" (")[0] for v in check_rota(p, [])] == ["0 av 1 lege satt opp"]
    # A bakvakt on top is not overstaffing: it is another role.
    assert (
        check_rota(p, [*rota[:1], Assignment(date=date(2026, 1, 5), shift_type="dag", doctor="b", role=Role.BAKVAKT)])
        == []
    )


def test_overlaps_are_found_however_many_duties_lie_between() -> None:
    """A 24-hour døgn and ten back-to-back one-hour shifts inside it: every one of the ten overlaps the døgn (the
    old check looked back only eight duties and missed the last ones)."""
    hours = tuple(ShiftType(id=f"t{h:02d}", name=f"Time {h}", start=time(h), end=time(h + 1)) for h in range(8, 18))
    dogn = ShiftType(id="dogn", name="Døgn", start=time(8), end=time(8))
    p = _problem(
        date(2026, 1, 5),
        date(2026, 1, 5),
        specialist("a"),
        *(specialist(f"d{h}") for h in range(8, 18)),
        shift_types=(dogn, *hours),
        min_rest_hours=0,
        rest_after_night_hours=0,
    )
    rota = [Assignment(date=date(2026, 1, 5), shift_type=s.id, doctor="a") for s in (dogn, *hours)]
    found = [(v.rule, v.shift_type) for v in check_rota(p, rota) if v.doctor == "a"]
    assert sorted(found) == sorted(("overlapp", s.id) for s in hours)
    assert len(found) == 10


def test_instance_times_are_aware_oslo_instants() -> None:
    p = _problem(date(2026, 3, 28), SPRING, specialist("a"), shift_types=(EVENING,))
    first, second = expand_shifts(p)
    assert first.start.utcoffset() == timedelta(hours=1) and second.start.utcoffset() == timedelta(hours=2)
    assert second.start - first.end == timedelta(hours=17, minutes=30)  # 23:00 CET to 17:30 CEST
    assert first.end.astimezone(UTC) == datetime(2026, 3, 28, 22, tzinfo=UTC)
