"""Coverage report: hours with no doctor on duty (issue #12), with Vefsn's shift times from seed 000."""

import json
from datetime import date, datetime, time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.legevakt import RotaProblem, ShiftType, write_rota
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.coverage import coverage_report
from legeplan.legevakt.model import DaySelector

from .helpers import specialist

runner = CliRunner()


def vefsn_like(year: int = 2026) -> RotaProblem:
    """Seed 000 (Vefsn, 5.2.4): «16,5 time fra 15.30-08 neste morgen hverdager, og 24 timer fra 09-09 helger og
    helligdager»; twelve GPs."""
    return RotaProblem(
        name="Vefsn-lik",
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        shift_types=(
            ShiftType(id="hverdag", name="Hverdag", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS),
            ShiftType(id="helg", name="Helg", start=time(9), end=time(9), days=DaySelector.WEEKENDS_HOLIDAYS),
        ),
        doctors=tuple(specialist(f"fl{i:02d}") for i in range(12)),
    )


def test_vefsn_leaves_saturday_08_to_09_open() -> None:
    report = coverage_report(vefsn_like())
    top = report.recurring[0]
    assert (top.weekday, top.start, top.end, top.holiday) == ("lørdag", "08:00", "09:00", False)
    # 52 Saturdays in 2026, except 4 April, 2 May and 26 December: a holiday shift from 09 the day before covers them.
    assert top.count == 49
    # Holidays after an ordinary weekday: the weekday vakt ends 08:00 and the holiday vakt starts 09:00.
    holidays = {g.start.date() for g in report.gaps if g.start.weekday() < 5}
    assert holidays == {date(2026, 1, 1), date(2026, 4, 2), date(2026, 5, 1), date(2026, 5, 14), date(2026, 12, 25)}
    assert all(g.hours == 1 and g.reason == "ingen vakt" for g in report.gaps)
    assert report.hours_uncovered == 54
    # Across the spring DST change (Saturday 28 March) the gap is still one real hour.
    assert any(g.start.date() == date(2026, 3, 28) and g.hours == 1 for g in report.gaps)


def test_daytime_is_left_out_unless_asked_for() -> None:
    report = coverage_report(vefsn_like(), include_daytime=True)
    holidays = {date(2026, 1, 1), date(2026, 4, 2), date(2026, 5, 1), date(2026, 5, 14), date(2026, 12, 25)}
    days = [g for g in report.gaps if g.start.weekday() < 5 and g.start.date() not in holidays]
    assert days and all(g.end.strftime("%H:%M") == "15:30" for g in days)
    # Tuesday-Friday the weekday vakt ends 08:00; on Monday the Sunday vakt runs to 09:00.
    assert {g.start.strftime("%H:%M") for g in days if g.start.weekday() == 0} == {"09:00"}
    assert {g.start.strftime("%H:%M") for g in days if g.start.weekday() == 2} == {"08:00"}


def test_a_rota_with_an_unstaffed_shift() -> None:
    problem = vefsn_like()
    rota = round_robin_rota(problem)
    assert coverage_report(problem, rota).hours_uncovered == 54
    missing = next(a for a in rota if a.date == date(2026, 12, 31))
    report = coverage_report(problem, [a for a in rota if a != missing])
    unstaffed = [g for g in report.gaps if g.reason == "ubesatt"]
    assert len(unstaffed) == 1 and unstaffed[0].hours == 16.5  # through the night into 1 January


def test_coverage_cli(tmp_path: Path) -> None:
    problem = tmp_path / "vefsn.json"
    problem.write_text(vefsn_like().model_dump_json(), encoding="utf-8")
    result = runner.invoke(app, ["rota", "coverage", str(problem)])
    assert result.exit_code == 0, result.output
    assert "lørdag" in result.output and "08:00" in result.output
    rota = tmp_path / "r.csv"
    write_rota(vefsn_like(), round_robin_rota(vefsn_like()), rota)
    as_json = runner.invoke(app, ["rota", "coverage", str(problem), str(rota), "--json"])
    assert json.loads(as_json.output)["hours_uncovered"] == 54
    none = runner.invoke(app, ["rota", "coverage", "example:small"])
    assert "Ingen timer" in none.output


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 23), st.sampled_from([0, 30]), st.integers(1, 24), st.sampled_from(list(DaySelector))),
        min_size=1,
        max_size=3,
    ),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 20)),
)
def test_gaps_and_shifts_tile_the_period(shapes: list[tuple[int, int, int, DaySelector]], start: date) -> None:
    """With daytime included, the gaps are exactly the period's hours that no shift covers."""
    from datetime import timedelta

    from legeplan.legevakt.hours import OSLO, aware_interval

    types = tuple(
        ShiftType(
            id=f"s{i}",
            name=f"S{i}",
            start=time(h, m),
            end=(datetime(2000, 1, 1, h, m) + timedelta(hours=length)).time(),
            days=days,
        )
        for i, (h, m, length, days) in enumerate(shapes)
    )
    problem = RotaProblem(start=start, end=start + timedelta(days=6), shift_types=types, doctors=(specialist("a"),))
    report = coverage_report(problem, include_daytime=True)
    wider = problem.model_copy(update={"start": start - timedelta(days=1), "end": start + timedelta(days=7)})
    spans = [aware_interval(i) for i in expand_shifts(wider)]
    begin = datetime.combine(start, time(0), tzinfo=OSLO)
    finish = datetime.combine(start + timedelta(days=7), time(0), tzinfo=OSLO)
    for gap in report.gaps:
        assert not any(s < gap.end and gap.start < e for s, e in spans)
    covered = sum(
        (min(e, finish).timestamp() - max(s, begin).timestamp()) / 3600
        for s, e in _merge(spans)
        if e > begin and s < finish
    )
    total = (finish.timestamp() - begin.timestamp()) / 3600
    assert abs(report.hours_uncovered + covered - total) < 1e-6


def _merge(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged
