"""A living rota: repair after illness, swap/give-away checks and «who can take it» (issue #12)."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legeplan.legevakt import Assignment, check_rota
from legeplan.legevakt.baseline import pro_rata_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.candidates import ChangeError, RotaChange, apply_change, candidates, check_change
from legeplan.legevakt.model import Doctor, Role
from legeplan.legevakt.repair import RepairError, diff_rotas, repair_rota, with_absence
from legeplan.legevakt.rules import blocking_rules

from .helpers import KVELD, NATT, problem, specialist

MONDAY = date(2026, 1, 5)


def _team(n: int = 6, **extra: object) -> list[Doctor]:
    return [specialist(f"d{i}", **extra) for i in range(n)]  # type: ignore[arg-type]


def _valid_rota(p: object) -> list[Assignment]:
    from legeplan.legevakt.model import RotaProblem

    assert isinstance(p, RotaProblem)
    rota = pro_rata_rota(p)
    assert check_rota(p, rota) == []
    return rota


# --- repair -------------------------------------------------------------------------------------------------------


def test_repair_changes_only_the_absent_doctors_duties_and_proves_the_minimum() -> None:
    p = problem(*_team(7), days=21, rest_after_night_hours=11)
    rota = _valid_rota(p)
    ill = next(a.doctor for a in rota if a.date == MONDAY + timedelta(days=8))
    result = repair_rota(p, rota, ill, MONDAY + timedelta(days=7), MONDAY + timedelta(days=13), time_limit_s=10)
    # The ill doctor's duties that touch the week, including a night that ends on its first morning (fravær).
    by_key = {i.key: i for i in expand_shifts(result.problem)}
    own = [
        a
        for a in rota
        if a.doctor == ill and blocking_rules(result.problem.doctor(ill), by_key[(a.date, a.shift_type)])
    ]
    assert own, "the ill doctor must have duties in the week for the test to mean anything"
    # Every one of the ill doctor's duties needs one removal and one addition: nothing cheaper exists.
    assert result.lower_bound == 2 * len(own)
    assert result.changed_assignments == 2 * len(own)
    assert result.proven_minimal
    assert check_rota(result.problem, result.assignments) == []
    assert all(c.from_doctor == ill and c.to_doctor not in (None, ill) for c in result.changes)
    assert len(result.changes) == len(own)
    untouched = {(a.date, a.shift_type, a.doctor) for a in rota if a.doctor != ill}
    assert untouched <= {(a.date, a.shift_type, a.doctor) for a in result.assignments}


def test_repair_with_nobody_left_is_no_legal_repair() -> None:
    # Two doctors, evening and night every day: one cannot take both (overlap), so one absent leaves no rota.
    p = problem(*_team(2), days=4)
    rota = _valid_rota(p)
    with pytest.raises(RepairError) as err:
        repair_rota(p, rota, "d0", MONDAY + timedelta(days=1), MONDAY + timedelta(days=1), time_limit_s=5)
    assert "d0" in err.value.reasons[0]


def test_repair_bad_input() -> None:
    p = problem(*_team(3), days=3)
    rota = _valid_rota(p)
    with pytest.raises(KeyError):
        repair_rota(p, rota, "nobody", MONDAY, MONDAY)
    with pytest.raises(ValueError, match="før"):
        repair_rota(p, rota, "d0", MONDAY + timedelta(days=2), MONDAY)


def test_repair_replaces_a_lost_bakvakt_for_a_lis1() -> None:
    lis1 = Doctor(id="lis", name="LIS", age=28, lis1=True, clinical_months=6)
    p = problem(lis1, *_team(5), days=14, shift_types=(KVELD,))
    rota = _valid_rota(p)
    backup = next(a for a in rota if a.role is Role.BAKVAKT)
    result = repair_rota(p, rota, backup.doctor, backup.date, backup.date, time_limit_s=10)
    # Losing the bakvakt of a LIS1 shift costs one removal and at least one addition (lis1_alene, seed 001).
    assert result.lower_bound >= 2
    assert result.proven_minimal
    assert check_rota(result.problem, result.assignments) == []


def test_diff_rotas_pairs_slots() -> None:
    a = Assignment(date=MONDAY, shift_type="kveld", doctor="a")
    b = Assignment(date=MONDAY, shift_type="kveld", doctor="b")
    c = Assignment(date=MONDAY, shift_type="natt", doctor="c")
    rows = diff_rotas([a, c], [b])
    assert [(r.shift_type, r.from_doctor, r.to_doctor) for r in rows] == [("kveld", "a", "b"), ("natt", "c", None)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_repair_property(data: st.DataObject) -> None:
    """Any absence: the repair is valid for the new problem, never below the lower bound, and its change count is the
    number of assignments that differ."""
    lis1 = Doctor(id="lis", name="LIS", age=29, lis1=True, clinical_months=8)
    p = problem(lis1, *_team(6), specialist("n55", age=57, night_exempt=True), days=14, rest_after_night_hours=11)
    rota = _valid_rota(p)
    ill = data.draw(st.sampled_from([d.id for d in p.doctors]))
    first = MONDAY + timedelta(days=data.draw(st.integers(0, 13)))
    last = min(p.end, first + timedelta(days=data.draw(st.integers(0, 6))))
    try:
        result = repair_rota(p, rota, ill, first, last, time_limit_s=10, workers=1)
    except RepairError:
        return
    assert check_rota(result.problem, result.assignments) == []
    assert result.changed_assignments >= result.lower_bound
    before = {(a.date, a.shift_type, a.doctor, a.role) for a in rota}
    after = {(a.date, a.shift_type, a.doctor, a.role) for a in result.assignments}
    assert len(before ^ after) == result.changed_assignments
    assert not any(a.doctor == ill and first <= a.date <= last for a in result.assignments)


# --- swap / give-away ------------------------------------------------------------------------------------------------


def test_give_away_breaking_night_rest_is_reported() -> None:
    # rest_after_night_hours = 11: a night ending 08:00 followed by an evening at 15:30 leaves 7.5 hours.
    p = problem(*_team(4), days=3, rest_after_night_hours=11)
    rota = [
        Assignment(date=MONDAY, shift_type="kveld", doctor="d0"),
        Assignment(date=MONDAY, shift_type="natt", doctor="d1"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="kveld", doctor="d2"),
    ]
    change = RotaChange(date=MONDAY + timedelta(days=1), shift_type="kveld", from_doctor="d2", to_doctor="d1")
    rules = {v.rule for v in check_change(p, rota, change)}
    assert rules == {"hviletid"}
    # The same give-away to a rested doctor is legal; coverage gaps that were already there are not blamed on it.
    legal = RotaChange(date=MONDAY + timedelta(days=1), shift_type="kveld", from_doctor="d2", to_doctor="d3")
    assert check_change(p, rota, legal) == []


def test_swap_checks_exemptions_and_competence() -> None:
    old = specialist("old", age=63)  # SFS 2305 § 7.2: 60+ without opting in
    night_free = specialist("n55", age=57, night_exempt=True)
    lis1 = Doctor(id="lis", name="LIS", age=29, lis1=True, clinical_months=8)
    p = problem(old, night_free, lis1, *_team(3), days=2)
    rota = [
        Assignment(date=MONDAY, shift_type="kveld", doctor="n55"),
        Assignment(date=MONDAY, shift_type="natt", doctor="d0"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="kveld", doctor="d1"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="natt", doctor="d2"),
    ]

    def rules_of(**kw: object) -> set[str]:
        return {v.rule for v in check_change(p, rota, RotaChange.model_validate(kw))}

    assert rules_of(date=MONDAY, shift_type="natt", from_doctor="d0", to_doctor="old") == {"alder_60"}
    swap = {"kind": "swap", "date": MONDAY, "shift_type": "kveld", "from_doctor": "n55", "to_doctor": "d0"}
    # n55 takes d0's night in return: night exemption from 55 (seed 000).
    assert "natt_55" in rules_of(**swap, with_date=MONDAY, with_shift="natt")
    assert rules_of(date=MONDAY, shift_type="natt", from_doctor="d0", to_doctor="lis") == {"lis1_alene"}
    legal = {"kind": "swap", "date": MONDAY, "shift_type": "kveld", "from_doctor": "n55", "to_doctor": "d1"}
    assert rules_of(**legal, with_date=MONDAY + timedelta(days=1), with_shift="kveld") == set()
    assert rules_of(date=MONDAY, shift_type="kveld", from_doctor="n55", to_doctor="d1") == set()


def test_change_that_does_not_fit_the_rota() -> None:
    p = problem(*_team(3), days=2)
    rota = [Assignment(date=MONDAY, shift_type="kveld", doctor="d0")]
    with pytest.raises(ChangeError):
        check_change(p, rota, RotaChange(date=MONDAY, shift_type="kveld", from_doctor="d1", to_doctor="d2"))
    with pytest.raises(ChangeError):
        check_change(p, rota, RotaChange(date=MONDAY, shift_type="kveld", from_doctor="d0", to_doctor="zz"))
    with pytest.raises(ValueError):
        RotaChange(kind="swap", date=MONDAY, shift_type="kveld", from_doctor="d0", to_doctor="d1")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_check_agrees_with_the_full_checker(data: st.DataObject) -> None:
    """The window check finds exactly the violations the full checker finds in the new rota and not in the old."""
    lis1 = Doctor(id="lis", name="LIS", age=29, lis1=True, clinical_months=8)
    doctors = [*_team(4), specialist("n55", age=57, night_exempt=True), specialist("old", age=62), lis1]
    p = problem(*doctors, days=10, rest_after_night_hours=data.draw(st.sampled_from([8.0, 11.0])))
    rota = pro_rata_rota(p)
    duty = data.draw(st.sampled_from(rota))
    taker = data.draw(st.sampled_from([d.id for d in doctors if d.id != duty.doctor]))
    change = RotaChange(
        date=duty.date, shift_type=duty.shift_type, from_doctor=duty.doctor, to_doctor=taker, role=duty.role
    )
    full_before = {(v.rule, v.date, v.doctor, v.shift_type, v.message) for v in check_rota(p, rota)}
    new = check_rota(p, apply_change(p, rota, change))
    full_after = {(v.rule, v.date, v.doctor, v.shift_type, v.message) for v in new}
    incremental = {(v.rule, v.date, v.doctor, v.shift_type, v.message) for v in check_change(p, rota, change)}
    assert incremental == full_after - full_before


# --- candidates ----------------------------------------------------------------------------------------------------


def test_candidates_rank_by_fairness_and_explain_exclusions() -> None:
    night_free = specialist("n55", age=58, night_exempt=True)
    old = specialist("old", age=61)
    p = problem(night_free, old, *_team(4), days=7)
    rota = _valid_rota(p)
    night = next(a for a in rota if a.shift_type == "natt" and a.date == MONDAY + timedelta(days=3))
    open_rota = [a for a in rota if a != night]
    report = candidates(p, open_rota, night.date, "natt")
    excluded = {e.doctor: e.rules for e in report.excluded}
    assert "natt_55" in excluded["n55"] and "alder_60" in excluded["old"]
    assert report.open_slots == 1
    assert night.doctor in {c.doctor for c in report.candidates}
    changes = [c.fairness_change for c in report.candidates]
    assert changes == sorted(changes)
    # Everyone listed really can take it: the full checker agrees.
    for c in report.candidates:
        new = [*open_rota, Assignment(date=night.date, shift_type="natt", doctor=c.doctor)]
        assert check_rota(p, new) == [], c.doctor
    for e in report.excluded:
        new = [*open_rota, Assignment(date=night.date, shift_type="natt", doctor=e.doctor)]
        assert check_rota(p, new) != [], e.doctor
    with pytest.raises(ChangeError, match="fullt besatt"):
        candidates(p, rota, night.date, "natt")


def test_candidate_most_behind_their_share_comes_first() -> None:
    p = problem(*_team(3), days=6, shift_types=(KVELD,))
    # d0 has 3 of 5, d1 2, d2 none: d2 (share 2) gains most from the open evening.
    rota = [Assignment(date=MONDAY + timedelta(days=i), shift_type="kveld", doctor=d) for i, d in enumerate("00011")]
    rota = [a.model_copy(update={"doctor": f"d{a.doctor}"}) for a in rota]
    report = candidates(p, rota, MONDAY + timedelta(days=5), "kveld")
    assert report.candidates[0].doctor == "d2"
    assert report.candidates[0].fairness_change < 0
    assert report.candidates[-1].doctor == "d0"


def test_with_absence_adds_an_unavailable_range() -> None:
    p = problem(*_team(2), days=3, shift_types=(NATT,))
    q = with_absence(p, "d1", MONDAY, MONDAY)
    assert q.doctor("d1").is_unavailable(MONDAY) and not p.doctor("d1").is_unavailable(MONDAY)


@pytest.mark.slow
def test_year_rota_repair_is_proven_minimal() -> None:
    """The benchmark's one-year problem (60 doctors): a doctor ill for a week is repaired with the fewest changes."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
    from rota_year import year_problem

    p = year_problem(60, 2026, 7)
    rota = _valid_rota(p)
    week = (date(2026, 3, 9), date(2026, 3, 15))
    busy = [a for a in rota if week[0] <= a.date <= week[1] and a.role is Role.VAKT]
    ill = max({a.doctor for a in busy}, key=lambda d: sum(a.doctor == d for a in busy))
    result = repair_rota(p, rota, ill, *week, time_limit_s=30)
    assert result.proven_minimal and result.changed_assignments == result.lower_bound > 0
    assert check_rota(result.problem, result.assignments) == []
    assert (
        len(
            {(a.date, a.shift_type, a.doctor, a.role) for a in rota}
            ^ set((a.date, a.shift_type, a.doctor, a.role) for a in result.assignments)
        )
        == result.changed_assignments
    )


def test_swap_checks_section7_competence_and_bakvakt() -> None:
    # akuttmedisinforskriften § 7 (seed 001): 30 months of clinical service and 40 legevakter to be on duty alone.
    junior = Doctor(id="jr", name="JR", age=33, clinical_months=29, legevakter=40)
    senior = Doctor(id="sr", name="SR", age=40, clinical_months=30, legevakter=40)
    p = problem(junior, senior, *_team(3), days=2, shift_types=(KVELD,))
    rota = [
        Assignment(date=MONDAY, shift_type="kveld", doctor="d0"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="kveld", doctor="d1"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="kveld", doctor="d2", role=Role.BAKVAKT),
    ]

    def rules_of(**kw: object) -> set[str]:
        return {v.rule for v in check_change(p, rota, RotaChange.model_validate(kw))}

    assert rules_of(date=MONDAY, shift_type="kveld", from_doctor="d0", to_doctor="jr") == {"kompetanse_bakvakt"}
    assert rules_of(date=MONDAY, shift_type="kveld", from_doctor="d0", to_doctor="sr") == set()
    # With a competent bakvakt on the shift the junior may take it; the bakvakt itself must meet § 7.
    tuesday = MONDAY + timedelta(days=1)
    assert rules_of(date=tuesday, shift_type="kveld", from_doctor="d1", to_doctor="jr") == set()
    bakvakt = {"date": tuesday, "shift_type": "kveld", "from_doctor": "d2", "role": "bakvakt"}
    assert rules_of(**bakvakt, to_doctor="jr") == {"bakvakt_ukvalifisert"}


def test_vefsn_repair_keeps_every_12th_weekday_and_6th_weekend() -> None:
    """Vefsn (seed 000, 5.2.4): twelve GPs, «hvert 12. hverdag og hver sjette helg». One GP ill for a week in March:
    only that GP's duties move, and everyone stays close to the seed's frequency."""
    from legeplan.legevakt.load import analyse_load
    from legeplan.legevakt.presets import vefsn

    p, rota = vefsn(2026)
    before = {d.doctor: d for d in analyse_load(p, rota).doctors}
    assert all(11 <= (d.every_nth_weekday or 0) <= 14 for d in before.values())  # round robin: 11.5-13.3
    week = (date(2026, 3, 9), date(2026, 3, 15))
    ill = next(a.doctor for a in rota if a.date == date(2026, 3, 10))
    result = repair_rota(p, rota, ill, *week, time_limit_s=20)
    assert result.proven_minimal and check_rota(result.problem, result.assignments) == []
    assert {c.from_doctor for c in result.changes} == {ill}
    after = analyse_load(result.problem, result.assignments).doctors
    for d in after:
        assert d.every_nth_weekday is not None and 10.5 <= d.every_nth_weekday <= 14.5, d
        assert d.every_mth_weekend is not None and 5 <= d.every_mth_weekend <= 7.5, d


def test_repair_never_moves_a_pinned_duty() -> None:
    """Pins and manual edits are the legevaktsjef's: a repair works around them, and refuses when the absent doctor is
    pinned inside the absence (the lock must be lifted first)."""
    p = problem(*_team(7), days=21, rest_after_night_hours=11)
    rota = _valid_rota(p)
    start, end = MONDAY + timedelta(days=7), MONDAY + timedelta(days=13)
    ill = next(a.doctor for a in rota if a.date == MONDAY + timedelta(days=8))
    pinned = [a for a in rota if a.doctor != ill and start - timedelta(days=2) <= a.date <= end + timedelta(days=2)]
    result = repair_rota(p, rota, ill, start, end, time_limit_s=10, fixed=pinned)
    assert set(pinned) <= set(result.assignments)
    assert check_rota(result.problem, result.assignments) == []
    own = next(a for a in rota if a.doctor == ill and start <= a.date <= end)
    with pytest.raises(RepairError) as err:
        repair_rota(p, rota, ill, start, end, time_limit_s=5, fixed=[own])
    assert "låst" in err.value.reasons[0]
