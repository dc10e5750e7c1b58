from datetime import date
from statistics import mean

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legeplan.legevakt import check_rota, example_problem
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.load import analyse_load, doctors_needed, slots_of
from legeplan.legevakt.presets import luster, nordsjoturnus, preset, vefsn


def test_vefsn_every_12th_weekday_and_6th_weekend() -> None:
    """Vefsn (seed 000, 5.2.4): 12 GPs in the rota give "hvert 12. hverdag og hver sjette helg"."""
    problem, rota = vefsn(2026)
    assert check_rota(problem, rota) == []
    report = analyse_load(problem, rota, every_nth_weekday=12, every_mth_weekend=6)
    weekday_freq = [d.every_nth_weekday for d in report.doctors if d.every_nth_weekday]
    weekend_freq = [d.every_mth_weekend for d in report.doctors if d.every_mth_weekend]
    assert mean(weekday_freq) == pytest.approx(12, abs=0.5)
    assert mean(weekend_freq) == pytest.approx(6, abs=0.5)
    assert report.doctors_needed == 12
    # 47.5-hour ordinary week (seed 000) plus about 11 legevakt hours a week on top.
    with_week = analyse_load(problem, rota, ordinary_week_hours=47.5)
    totals = [d.total_hours_per_week for d in with_week.doctors if d.total_hours_per_week is not None]
    assert len(totals) == 12 and all(57 < t < 60 for t in totals)
    # Weekday vakt is 16.5 h (15:30-08:00) and weekend/holiday vakt 24 h (09-09).
    assert {s.id: s.hours for s in problem.shift_types} == {"hverdag": 16.5, "helg": 24.0}


def test_doctors_needed_vefsn_numbers() -> None:
    assert doctors_needed(1, 2, every_nth_weekday=12, every_mth_weekend=6) == 12
    assert doctors_needed(1, 2, every_nth_weekday=12, every_mth_weekend=8) == 16
    assert doctors_needed(2, 2, every_nth_weekday=12, every_mth_weekend=6) == 24
    with pytest.raises(ValueError, match="positive"):
        doctors_needed(1, 2, every_nth_weekday=0, every_mth_weekend=6)


@given(
    st.floats(0.5, 4),
    st.floats(0.5, 6),
    st.floats(2, 20),
    st.floats(2, 12),
    st.floats(0, 5),
)
def test_doctors_needed_grows_with_looser_frequency(
    weekday: float, weekend: float, n: float, m: float, extra: float
) -> None:
    base = doctors_needed(weekday, weekend, every_nth_weekday=n, every_mth_weekend=m)
    assert doctors_needed(weekday, weekend, every_nth_weekday=n + extra, every_mth_weekend=m) >= base
    assert base * 1 >= weekday * n - 1e-6 and base >= weekend * m - 1e-6


def test_nordsjoturnus_averages_56_hours_a_week() -> None:
    """Seed 002 Vedlegg 1 (Lyngen): 3 doctors, two weeks on and four off, 56 h/week on average."""
    problem, rota = nordsjoturnus(date(2026, 4, 6), cycles=2)  # 12 weeks without a clock change
    assert check_rota(problem, rota) == []
    report = analyse_load(problem, rota)
    assert [d.hours_per_week for d in report.doctors] == [56.0, 56.0, 56.0]
    assert sum(d.hours_per_week for d in report.doctors) == 168.0


def test_nordsjoturnus_over_the_spring_change_counts_hours_lived() -> None:
    """From 5 January 2026, NT-lege 3's fortnight (23 March - 5 April) holds the døgn of Saturday 28 March, which
    lasts 23 hours: clocks go from 02:00 to 03:00 on Sunday 29 March 2026 in Europe/Oslo."""
    problem, rota = nordsjoturnus(date(2026, 1, 5), cycles=2)
    report = analyse_load(problem, rota)
    assert [d.hours for d in report.doctors] == [14 * 24 * 2, 14 * 24 * 2, 14 * 24 * 2 - 1]
    autumn_problem, autumn_rota = nordsjoturnus(date(2026, 10, 12), cycles=1)  # 25 October 2026: 25-hour døgn
    autumn = analyse_load(autumn_problem, autumn_rota)
    assert [d.hours for d in autumn.doctors] == [14 * 24 + 1, 14 * 24, 14 * 24]


def test_luster_locum_ten_days_and_one_in_three() -> None:
    """Seed 002 Vedlegg 1 (Luster): locum ten days a month from a Friday, otherwise tredelt vakt."""
    problem, rota = luster(2026, 3)
    assert check_rota(problem, rota) == []
    locum = sorted(a.date for a in rota if a.doctor == "vikar")
    assert len(locum) == 10 and locum[0].weekday() == 4 and locum[-1].weekday() == 6
    others = [a for a in rota if a.doctor != "vikar" and a.role.value == "vakt"]
    assert len(others) == 31 - 10
    counts = {d: sum(1 for a in others if a.doctor == d) for d in ("lege1", "lege2", "lis1")}
    assert max(counts.values()) - min(counts.values()) <= 1


def test_unknown_preset() -> None:
    with pytest.raises(KeyError, match="ukjent modell"):
        preset("tromso", 2026)


def test_load_counts_months_and_hours_on_top() -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    report = analyse_load(problem, rota)
    total = sum(d.shifts for d in report.doctors)
    assert total == len(rota)
    for d in report.doctors:
        assert sum(m.shifts for m in d.months) == d.shifts
        assert d.hours_per_week_on_top <= d.hours_per_week
    assert {m.month for d in report.doctors for m in d.months} == {"2026-03", "2026-04"}
    weekday_slots, weekend_slots = slots_of(problem)
    assert weekday_slots == 2 and weekend_slots == 6
