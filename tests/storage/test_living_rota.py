"""The legevaktsjef's actions on a stored period (legeplan.living_rota): solve, publish, repair after illness with
every change recorded, manual edits checked by the rules, pins, candidates, hours, coverage, fairness over periods."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from legeplan import living_rota as live
from legeplan.legevakt import example_problem
from legeplan.legevakt.candidates import RotaChange
from legeplan.legevakt.hours import payroll_hours
from legeplan.legevakt.living import AvailabilityInput
from legeplan.legevakt.model import Assignment, DaySelector, Role, RotaProblem, ShiftType
from legeplan.legevakt.repair import duties_in_absence
from legeplan.legevakt.rules import check_rota
from legeplan.storage.repository import Storage, VersionConflict
from legeplan.storage.rota_store import RotaStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RotaStore]:
    storage = Storage(f"sqlite:///{tmp_path / 'rota.sqlite'}")
    yield RotaStore(storage)
    storage.dispose()


def _solved(store: RotaStore, problem: RotaProblem | None = None) -> int:
    legevakt = store.create_legevakt("Testby legevakt", ["1824"], "sjef")
    period = store.create_period(legevakt.id, problem or example_problem("small"), "sjef")
    live.solve_now(store, period.id, "sjef", time_limit_s=3)
    return period.id


def test_solve_publish_and_repair_changes_only_what_must(store: RotaStore) -> None:
    period_id = _solved(store)
    period = live.require_period(store, period_id)
    store.publish(period_id, "sjef", expected_version=period.version)
    before = live.require_rota(store, period_id).assignments
    ill = "moe"
    start = period.start + timedelta(days=7)
    end = start + timedelta(days=6)
    # His duties in the week, and a night running into its first day (the `fravær` rule).
    his = duties_in_absence(period.problem, before, ill, start, end)
    assert his, "the example rota gives moe duties that week"

    current = live.require_period(store, period_id)
    version, result = live.repair(
        store, period_id, ill, start, end, "sjef", expected_version=current.version, why="syk"
    )
    assert version is not None and version.number == 2 and version.source == "repair"
    after = version.assignments
    assert not [a for a in after if a.doctor == ill and start <= a.date <= end]
    assert check_rota(live.require_period(store, period_id).problem, after) == []
    # Minimal: every assignment not of the ill doctor that week is kept, except what the repair lists as changed.
    removed = set(before) - set(after)
    added = set(after) - set(before)
    assert len(removed) + len(added) == result.changed_assignments
    assert set(his) <= removed
    # The published version stays readable; the events list every changed assignment.
    assert (store.published_version(period_id) or version).assignments == before
    repair_event = store.events(period_id, kind="repair")[0]
    listed = repair_event.detail["changes"]
    assert len(listed) == len(result.changes) and repair_event.why == "syk"
    assert {(c["date"], c["shift_type"], c["from_doctor"]) for c in listed if c["from_doctor"] == ill} == {
        (a.date.isoformat(), a.shift_type, ill) for a in his
    }
    assert store.events(period_id, kind="absence")[0].detail == {"doctor": ill, "from": str(start), "to": str(end)}
    # The absence stays in the period's problem: a later edit giving moe a shift that week is refused.
    stored = live.require_period(store, period_id)
    assert any(
        r.start == start and r.end == end for r in next(d for d in stored.problem.doctors if d.id == ill).unavailable
    )
    # A repair computed from the old version is refused.
    with pytest.raises(VersionConflict):
        live.repair(store, period_id, "aas", start, start, "sjef", expected_version=current.version)


def test_a_manual_edit_is_checked_by_the_rules_and_names_the_rule(store: RotaStore) -> None:
    period_id = _solved(store)
    rota = live.require_rota(store, period_id)
    duties = [a for a in rota.assignments if a.role is Role.VAKT]  # a manual edit here moves a vakt, not a bakvakt
    night = next(a for a in duties if a.shift_type == "natt")
    # The same doctor on the following day's kveld needs rest after the night: give him that kveld.
    evening = next(
        a
        for a in duties
        if a.shift_type == "kveld" and a.date == night.date + timedelta(days=1) and a.doctor != night.doctor
    )
    version = live.require_period(store, period_id).version
    change = RotaChange(date=evening.date, shift_type="kveld", from_doctor=evening.doctor, to_doctor=night.doctor)
    with pytest.raises(live.RuleRefusal) as refused:
        live.edit(store, period_id, change, "sjef", expected_version=version)
    assert refused.value.violations and "regel:" in str(refused.value)
    assert live.require_rota(store, period_id).number == 1  # nothing stored

    report = live.shift_candidates(store, period_id, evening.date, "kveld", replacing=evening.doctor)
    assert report.candidates and night.doctor not in {c.doctor for c in report.candidates}
    best = report.candidates[0].doctor
    ok = RotaChange(date=evening.date, shift_type="kveld", from_doctor=evening.doctor, to_doctor=best)
    edited = live.edit(store, period_id, ok, "sjef", expected_version=version, why="ønske")
    assert edited.number == 2 and Assignment(date=evening.date, shift_type="kveld", doctor=best) in edited.assignments
    assert store.events(period_id, kind="manual_edit")[0].detail["changes"][0]["to_doctor"] == best


def test_pins_are_kept_and_must_be_unlocked_before_moving(store: RotaStore) -> None:
    period_id = _solved(store)
    rota = live.require_rota(store, period_id)
    target = rota.assignments[0]
    version = live.require_period(store, period_id).version
    assert live.pin(store, period_id, target, "sjef", expected_version=version) is None
    assert live.pins(store, period_id) == [target]
    version = live.require_period(store, period_id).version
    other = next(d.id for d in live.require_period(store, period_id).problem.doctors if d.id != target.doctor)
    change = RotaChange(
        date=target.date, shift_type=target.shift_type, from_doctor=target.doctor, to_doctor=other, role=target.role
    )
    with pytest.raises(live.LivingRotaError, match="låst"):
        live.edit(store, period_id, change, "sjef", expected_version=version)
    live.pin(store, period_id, target, "sjef", expected_version=version, pinned=False)
    assert live.pins(store, period_id) == []


def test_hours_coverage_and_availability(store: RotaStore) -> None:
    vefsn = RotaProblem(
        name="Vefsn-lik",
        start=date(2026, 3, 2),
        end=date(2026, 3, 29),
        shift_types=(
            ShiftType(id="hverdag", name="Hverdag", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS),
            ShiftType(id="helg", name="Helg", start=time(9), end=time(9), days=DaySelector.WEEKENDS_HOLIDAYS),
        ),
        doctors=example_problem("small").doctors,
    )
    legevakt = store.create_legevakt("Vefsn legevakt", ["1824"], "sjef")
    period = store.create_period(legevakt.id, vefsn, "sjef")
    # Seed 000: Vefsn's shift times leave Saturday 08–09 open, before and after solving.
    gaps = live.period_coverage(store, period.id)
    assert (gaps.recurring[0].weekday, gaps.recurring[0].start, gaps.recurring[0].end) == ("lørdag", "08:00", "09:00")
    assert gaps.recurring[0].count == 4 and gaps.hours_uncovered == 4
    store.add_availability(
        period.id,
        AvailabilityInput(physician_id="moe", start=date(2026, 3, 9), end=date(2026, 3, 15), kind="unavailable"),
        "moe",
    )
    version = live.solve_now(store, period.id, "sjef", time_limit_s=3)
    assert not [a for a in version.assignments if a.doctor == "moe" and date(2026, 3, 9) <= a.date <= date(2026, 3, 15)]
    assert live.period_coverage(store, period.id).hours_uncovered == 4
    hours = live.period_hours(store, period.id)
    assert hours == payroll_hours(vefsn, version.assignments)
    # 20 weekday vakter of 16,5 h and 8 weekend vakter of 24 h in the four weeks, less the hour lost to summer
    # time in the Saturday vakt 28–29 March.
    assert sum(h.total for h in hours) == pytest.approx(20 * 16.5 + 8 * 24 - 1)


def test_fairness_carries_over_published_periods(store: RotaStore) -> None:
    first = example_problem("small")
    period_id = _solved(store, first)
    period = live.require_period(store, period_id)
    store.publish(period_id, "sjef", expected_version=period.version)
    report = live.fairness_report(store, period.legevakt_id)
    assert report.periods == ((first.start, first.end),)
    total = sum(r.load["alle"] for r in report.doctors)
    assert total == pytest.approx(sum(r.share["alle"] for r in report.doctors), abs=0.01)
    # The next period gets each doctor's balance from the first one.
    second = RotaProblem.model_validate(
        {
            **first.model_dump(mode="json"),
            "start": first.end + timedelta(days=1),
            "end": first.end + timedelta(days=28),
            "wishes": [],
            "extra_holidays": [],
            "doctors": [{**d.model_dump(mode="json"), "unavailable": []} for d in first.doctors],
        }
    )
    nxt = store.create_period(period.legevakt_id, second, "sjef")
    problem = live.solve_problem(store, nxt)
    balances = {d.id: d.balance.alle for d in problem.doctors}
    assert balances == {r.doctor: r.balance["alle"] for r in report.doctors}
    # Calendar: only published periods, only the doctor's own duties, in Oslo time.
    ics = live.doctor_calendar(store, period.legevakt_id, "moe")
    mine = [a for a in live.require_rota(store, period_id).assignments if a.doctor == "moe"]
    assert ics.count("BEGIN:VEVENT") == len(mine) and "TZID=Europe/Oslo" in ics
    assert live.doctor_calendar(store, period.legevakt_id, "ingen").count("BEGIN:VEVENT") == 0


def test_a_lege_sees_the_legevakter_whose_member_registers_hold_the_physician(store: RotaStore) -> None:
    from legeplan.register.demo import demo_register

    register = demo_register()
    store.storage.save_register(register)
    physician = register.physicians[0].id
    alone = store.create_legevakt("Sandefjord legevakt", ["3804"], "sjef")
    shared = store.create_legevakt("Interkommunal legevakt", ["3804", "3805"], "sjef")
    store.create_legevakt("Annen legevakt", ["1804"], "sjef")
    seen = live.legevakter_of_doctor(store.storage, store, "3804", physician)
    assert {(lv.id, doctor) for lv, doctor in seen} == {(alone.id, physician), (shared.id, f"3804:{physician}")}
    assert live.legevakter_of_doctor(store.storage, store, "3804", "ikke-i-registeret") == []
    assert live.legevakter_of_doctor(store.storage, store, "1804", physician) == []


def test_solve_publish_repair_on_each_database(storage: Storage) -> None:
    """The same journey on SQLite and PostgreSQL (the `storage` fixture runs both)."""
    store = RotaStore(storage)
    period_id = _solved(store)
    period = live.require_period(store, period_id)
    published = store.publish(period_id, "sjef", expected_version=period.version)
    start = period.start + timedelta(days=7)
    version, result = live.repair(
        store, period_id, "moe", start, start + timedelta(days=6), "sjef", expected_version=published.version
    )
    assert version is not None and version.number == 2
    assert store.events(period_id, kind="repair")[0].detail["changed_assignments"] == result.changed_assignments
    assert (store.published_version(period_id) or version).number == 1


def test_a_period_from_the_registers_keeps_the_legevakts_shift_types(store: RotaStore) -> None:
    from legeplan.register.demo import demo_register

    store.storage.save_register(demo_register())
    legevakt = store.create_legevakt("Sandefjord legevakt", ["3804"], "sjef")
    assert [s.id for s in live.default_shift_types(store, legevakt.id)] == ["dag", "kveld", "natt"]
    own = ShiftType(id="hverdag", name="Hverdag", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS)
    first = live.period_problem(store.storage, legevakt, date(2020, 9, 7), date(2020, 10, 4), shift_types=[own])
    store.create_period(legevakt.id, first, "sjef")
    second = live.period_problem(
        store.storage,
        legevakt,
        date(2020, 10, 5),
        date(2020, 11, 1),
        shift_types=live.default_shift_types(store, legevakt.id),
    )
    assert second.shift_types == (own,)
    assert [d.id for d in second.doctors] == [d.id for d in first.doctors]
