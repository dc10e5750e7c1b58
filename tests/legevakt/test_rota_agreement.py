"""Solver and checker agree, over random small periods that cross the clock changes and New Year (issue #17).

The reference here is an independent, deliberately simple re-implementation of the documented rules
(docs/legevakt.md): shift instants from ``zoneinfo`` in UTC, night by stepping through the shift quarter by quarter
on Oslo's clock, every pair of a doctor's duties compared. ``check_rota`` must report exactly what it reports, and
every rota the solver returns must pass both.
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from legeplan.legevakt import (
    Assignment,
    DateRange,
    Doctor,
    RotaInfeasibleError,
    RotaProblem,
    ShiftType,
    check_rota,
    solve_rota,
)
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.calendar import holidays_between
from legeplan.legevakt.model import DaySelector, Role

OSLO = ZoneInfo("Europe/Oslo")
#: Saturdays before the spring and autumn changes, New Year's Eve and a plain week, around which periods start.
ANCHORS = (date(2026, 3, 28), date(2026, 10, 24), date(2025, 12, 31), date(2027, 3, 27), date(2026, 1, 14))

Key = tuple[str, date | None, str | None, str | None]


# --- the independent reference -----------------------------------------------------------------------------------


def _utc(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=OSLO).astimezone(UTC)


def _is_night(start: datetime, end: datetime) -> bool:
    moment = start
    while moment < end:
        if moment.astimezone(OSLO).hour < 6:
            return True
        moment += timedelta(minutes=15)
    return False


def _competent(d: Doctor) -> bool:
    if d.lis1:
        return False
    return d.specialist or (d.clinical_months >= 30 and (d.legevakter >= 40 or d.municipal_gp_years >= 1))


def _unavailable(d: Doctor, day: date) -> bool:
    return any(r.start <= day <= r.end for r in d.unavailable)


def reference_violations(problem: RotaProblem, rota: list[Assignment]) -> Counter[Key]:
    holidays = holidays_between(problem.start, problem.end, problem.extra_holidays)
    shifts: dict[tuple[date, str], dict[str, object]] = {}
    day = problem.start
    while day <= problem.end:
        free_day = day in holidays or day.weekday() >= 5
        for st_ in problem.shift_types:
            runs = st_.days is DaySelector.ALL or (st_.days is DaySelector.WEEKDAYS) != free_day
            if not runs:
                continue
            end_day = day + timedelta(days=1) if st_.end <= st_.start else day
            start, end = _utc(day, st_.start), _utc(end_day, st_.end)
            night = st_.night if st_.night is not None else _is_night(start, end)
            local_end = end.astimezone(OSLO)
            shifts[(day, st_.id)] = {"start": start, "end": end, "night": night, "need": st_.doctors}
            shifts[(day, st_.id)]["end_day"] = local_end.date() if local_end.time() != time(0) else day
        day += timedelta(days=1)
    doctors = {d.id: d for d in problem.doctors}
    found: Counter[Key] = Counter()
    seen: set[tuple[date, str, str]] = set()
    on: dict[tuple[date, str], list[tuple[str, Role]]] = {k: [] for k in shifts}
    for a in rota:
        if (a.date, a.shift_type, a.doctor) in seen:
            found[("dobbel", a.date, a.doctor, a.shift_type)] += 1
            continue
        seen.add((a.date, a.shift_type, a.doctor))
        doctor, shift = doctors[a.doctor], shifts[(a.date, a.shift_type)]
        on[(a.date, a.shift_type)].append((a.doctor, a.role))
        if doctor.age >= 60 and not doctor.opt_in_60:
            found[("alder_60", a.date, a.doctor, a.shift_type)] += 1
        if doctor.night_exempt and shift["night"]:
            found[("natt_55", a.date, a.doctor, a.shift_type)] += 1
        end_day = shift["end_day"]
        assert isinstance(end_day, date)
        if _unavailable(doctor, a.date) or _unavailable(doctor, end_day):
            found[("fravær", a.date, a.doctor, a.shift_type)] += 1
        if a.role is Role.BAKVAKT and not _competent(doctor):
            found[("bakvakt_ukvalifisert", a.date, a.doctor, a.shift_type)] += 1
    for (day, shift_id), people in on.items():
        vakt = [d for d, role in people if role is Role.VAKT]
        if len(vakt) != shifts[(day, shift_id)]["need"]:
            found[("dekning", day, None, shift_id)] += 1
        if not any(_competent(doctors[d]) for d, _ in people):
            for d in vakt:
                found[("lis1_alene" if doctors[d].lis1 else "kompetanse_bakvakt", day, d, shift_id)] += 1
    for doctor_id in doctors:
        mine = sorted(
            {(shifts[(x.date, x.shift_type)]["start"], x.shift_type, x.date) for x in rota if x.doctor == doctor_id}
        )
        for i, (_start_a, id_a, day_a) in enumerate(mine):
            end_a = shifts[(day_a, id_a)]["end"]
            assert isinstance(end_a, datetime)
            night = bool(shifts[(day_a, id_a)]["night"])
            rest = timedelta(hours=max(problem.min_rest_hours, problem.rest_after_night_hours if night else 0))
            for start_b, id_b, day_b in mine[i + 1 :]:
                assert isinstance(start_b, datetime)
                if start_b < end_a:
                    found[("overlapp", day_b, doctor_id, id_b)] += 1
                elif start_b < end_a + rest:
                    found[("hviletid", day_b, doctor_id, id_b)] += 1
    return found


def checker_violations(problem: RotaProblem, rota: list[Assignment]) -> Counter[Key]:
    return Counter((v.rule, v.date, v.doctor, v.shift_type) for v in check_rota(problem, rota))


# --- random problems ---------------------------------------------------------------------------------------------


#: Shift times at the edges the issue found: ending at 00:00, 23:00 then 08:00 (9 hours on the wall clock), nights.
EDGE_TIMES = (
    (time(18), time(0)),
    (time(16), time(0)),
    (time(17, 30), time(23)),
    (time(8), time(8, 30)),
    (time(8), time(15, 30)),
    (time(23), time(8)),
    (time(22), time(0, 30)),
    (time(9), time(9)),
)


@st.composite
def shift_types(draw: st.DrawFn) -> tuple[ShiftType, ...]:
    count = draw(st.integers(1, 3))
    types = []
    for i in range(count):
        if draw(st.booleans()):
            start, end = draw(st.sampled_from(EDGE_TIMES))
        else:
            start = time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 30])))
            length = draw(st.sampled_from([1, 4, 6, 7.5, 8, 9, 12, 16.5, 24]))
            end = (datetime.combine(date(2001, 1, 1), start) + timedelta(hours=length)).time()
        types.append(
            ShiftType(
                id=f"s{i}",
                name=f"S{i}",
                start=start,
                end=end,
                days=draw(st.sampled_from(list(DaySelector))),
                doctors=draw(st.sampled_from([1, 1, 2])),
                night=draw(st.sampled_from([None, None, None, None, True, False])),
            )
        )
    return tuple(types)


@st.composite
def problems(draw: st.DrawFn) -> RotaProblem:
    start = draw(st.sampled_from(ANCHORS)) + timedelta(days=draw(st.integers(-2, 1)))
    end = start + timedelta(days=draw(st.integers(0, 3)))
    doctors = []
    for i in range(draw(st.integers(2, 5))):
        age = draw(st.sampled_from([30, 45, 56, 58, 61, 64]))
        kind = draw(st.sampled_from(["specialist", "specialist", "lis1", "young"]))
        away = draw(st.none() | st.integers(0, (end - start).days))
        doctors.append(
            Doctor(
                id=f"d{i}",
                name=f"Lege {i}",
                age=age,
                specialist=kind == "specialist",
                lis1=kind == "lis1",
                clinical_months=12 if kind != "specialist" else 60,
                night_exempt=age >= 55 and draw(st.booleans()),
                opt_in_60=age >= 60 and draw(st.booleans()),
                unavailable=()
                if away is None
                else (DateRange(start=start + timedelta(days=away), end=start + timedelta(days=away)),),
            )
        )
    return RotaProblem(
        start=start,
        end=end,
        shift_types=draw(shift_types()),
        doctors=tuple(doctors),
        min_rest_hours=draw(st.sampled_from([0, 8, 9, 10, 11])),
        rest_after_night_hours=draw(st.sampled_from([0, 8, 9, 11, 24])),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_checker_finds_exactly_what_the_reference_finds(problem: RotaProblem, data: st.DataObject) -> None:
    from legeplan.legevakt.calendar import expand_shifts

    instances = expand_shifts(problem)
    if not instances:  # e.g. only weekday shifts in a weekend period
        assert checker_violations(problem, []) == reference_violations(problem, []) == Counter()
        return
    base = round_robin_rota(problem) if data.draw(st.booleans(), label="from round robin") else []
    rota = [a for a in base if data.draw(st.integers(0, 9), label="drop") != 0]
    extra = data.draw(
        st.lists(
            st.tuples(
                st.integers(0, len(instances) - 1),
                st.integers(0, len(problem.doctors) - 1),
                st.sampled_from([Role.VAKT, Role.VAKT, Role.BAKVAKT]),
            ),
            max_size=25,
        ),
        label="added duties",
    )
    for index, doctor, role in extra:
        inst = instances[index]
        rota.append(
            Assignment(date=inst.date, shift_type=inst.shift_type, doctor=problem.doctors[doctor].id, role=role)
        )
    assert checker_violations(problem, rota) == reference_violations(problem, rota)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_solver_rota_passes_check_and_the_reference(problem: RotaProblem) -> None:
    try:
        solution = solve_rota(problem, time_limit_s=2, num_workers=1)
    except RotaInfeasibleError as error:
        assert error.reasons
        event("infeasible")
        return
    event(f"status {solution.status}")
    if not solution.assignments:
        return  # time limit without any rota (also no valid greedy one)
    rota = list(solution.assignments)
    assert check_rota(problem, rota) == []
    assert reference_violations(problem, rota) == Counter()


def test_reference_sees_the_spring_change() -> None:
    """The reference itself: 23:00 on 28 March to 08:00 on 29 March 2026 is 8 hours, not 9."""
    assert (_utc(date(2026, 3, 29), time(8)) - _utc(date(2026, 3, 28), time(23))) == timedelta(hours=8)
    assert not _is_night(_utc(date(2026, 3, 28), time(18)), _utc(date(2026, 3, 29), time(0)))
    assert _is_night(_utc(date(2026, 3, 28), time(23)), _utc(date(2026, 3, 29), time(8)))
