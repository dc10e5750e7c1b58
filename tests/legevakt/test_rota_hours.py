"""Hours for payroll, counted in real Europe/Oslo hours (issue #12)."""

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from legeplan.legevakt import Assignment, ShiftType
from legeplan.legevakt.calendar import norwegian_holidays
from legeplan.legevakt.hours import CLASSES, OSLO, hours_xlsx, payroll_hours, split_interval, write_hours
from legeplan.legevakt.model import DaySelector, Role
from legeplan.legevakt.presets import vefsn

from .helpers import NATT, problem, specialist

HVERDAG = ShiftType(id="hverdag", name="Hverdag", start=time(15, 30), end=time(8), days=DaySelector.WEEKDAYS)
HELG = ShiftType(id="helg", name="Helg", start=time(9), end=time(9), days=DaySelector.WEEKENDS_HOLIDAYS)


def test_vefsn_weekday_shift_is_16_5_hours_split_evening_night_morning() -> None:
    # Seed 000: «16,5 time fra 15.30-08 neste morgen hverdager»; aml § 10-11: night 21-06.
    p = problem(specialist("a"), shift_types=(HVERDAG,), days=2)
    (row,) = payroll_hours(p, [Assignment(date=date(2026, 1, 6), shift_type="hverdag", doctor="a")])
    assert row.total == 16.5
    assert (row.kveld, row.natt, row.dag, row.helg, row.helligdag) == (5.5 + 2, 9, 0, 0, 0)


def test_vefsn_weekend_shift_is_24_hours_of_weekend() -> None:
    # Seed 000: «24 timer fra 09-09 helger og helligdager».
    p = problem(specialist("a"), shift_types=(HELG,), days=7)
    (row,) = payroll_hours(p, [Assignment(date=date(2026, 1, 10), shift_type="helg", doctor="a")])
    assert (row.total, row.helg) == (24, 24)


def test_real_hours_across_daylight_saving_time() -> None:
    # Spring 2026: clocks go 02:00 -> 03:00 on 29 March; autumn: 03:00 -> 02:00 on 25 October.
    spring = problem(specialist("a"), shift_types=(NATT,), days=1).model_copy(
        update={"start": date(2026, 3, 28), "end": date(2026, 3, 28)}
    )
    (row,) = payroll_hours(spring, [Assignment(date=date(2026, 3, 28), shift_type="natt", doctor="a")])
    assert row.total == 8  # 23:00-08:00 is nine clock hours but eight lived ones
    autumn = spring.model_copy(update={"start": date(2026, 10, 24), "end": date(2026, 10, 24)})
    (row,) = payroll_hours(autumn, [Assignment(date=date(2026, 10, 24), shift_type="natt", doctor="a")])
    assert row.total == 10
    assert row.helg == 10  # Saturday night into Sunday: all weekend


def test_holidays_and_bakvakt_and_months() -> None:
    # 17 May 2026 is a Sunday and Grunnlovsdag: holiday beats weekend. A night on 30 April runs into May 1.
    assert "Grunnlovsdag" in norwegian_holidays(2026)[date(2026, 5, 17)]
    p = problem(specialist("a"), specialist("b"), shift_types=(HELG, NATT), days=1).model_copy(
        update={"start": date(2026, 4, 30), "end": date(2026, 5, 17)}
    )
    rows = payroll_hours(
        p,
        [
            Assignment(date=date(2026, 5, 17), shift_type="helg", doctor="a"),
            Assignment(date=date(2026, 5, 17), shift_type="helg", doctor="b", role=Role.BAKVAKT),
            Assignment(date=date(2026, 4, 30), shift_type="natt", doctor="a"),
        ],
    )
    by = {(r.doctor, r.month): r for r in rows}
    may = by[("a", "2026-05")]
    assert may.helligdag == 15 + 8  # 17 May 09-24, and 1 May (Offentlig høytidsdag) 00-08
    assert by[("a", "2026-04")].natt == 1  # 30 April 23-24 is night, in April's pay
    # Monday 18 May is an ordinary weekday: 00-06 night, 06-08 evening/morning, 08-09 day.
    assert (may.natt, may.kveld, may.dag, may.helg) == (6, 2, 1, 0)
    assert by[("a", "2026-05")].total + by[("a", "2026-04")].total == 24 + 9
    assert by[("b", "2026-05")].bakvakt == 24 and by[("b", "2026-05")].total == 0


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 30)),
    st.integers(min_value=1, max_value=48 * 4),
)
def test_split_adds_up_to_the_real_duration(start: datetime, quarters: int) -> None:
    begin = start.replace(second=0, microsecond=0, tzinfo=OSLO)
    end = begin + timedelta(minutes=15 * quarters)  # aware arithmetic in Python is wall-clock; compare in UTC
    pieces = list(split_interval(begin, end, norwegian_holidays(2026) | norwegian_holidays(2027)))
    real = (end.astimezone(OSLO).timestamp() - begin.timestamp()) / 3600
    assert abs(sum(h for _, _, h in pieces) - real) < 1e-9
    assert all(h > 0 for _, _, h in pieces)


def test_vefsn_year_and_files(tmp_path: Path) -> None:
    p, rota = vefsn(2026)
    rows = payroll_hours(p, rota)
    assert {r.month for r in rows} >= {f"2026-{m:02d}" for m in range(1, 13)}
    for r in rows:
        assert abs(r.total - (r.dag + r.kveld + r.natt + r.helg + r.helligdag)) < 0.05
    # Every weekday vakt is 16.5 h and every weekend/holiday vakt 24 h except across the DST changes (±1 h).
    instances = {(a.date, a.shift_type) for a in rota}
    weekday = sum(1 for _, s in instances if s == "hverdag")
    weekend = sum(1 for _, s in instances if s == "helg")
    assert abs(sum(r.total for r in rows) - (16.5 * weekday + 24 * weekend)) < 1e-6
    write_hours(rows, tmp_path / "t.xlsx")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet is not None and sheet.max_row == len(rows) + 1
    write_hours(rows, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("\ufefflege;navn;måned")


def test_csv_opens_in_a_norwegian_spreadsheet_and_xlsx_stays_typed(tmp_path: Path) -> None:
    """Seed 000's weekday vakt (16,5 t = 7,5 t kveld + 9 t natt) as a Norwegian Excel reads it: `;` between fields,
    decimal comma, UTF-8 with BOM (so «Åse» is not «Ã…se»), the month as «januar 2026»; a name that looks like a
    formula stays text. The XLSX keeps numbers as numbers and the month as a date."""
    import csv

    doctors = (
        specialist("a").model_copy(update={"name": "Åse Ødegård; lege"}),
        specialist("b").model_copy(update={"name": '=HYPERLINK("http://x","y")'}),
    )
    p = problem(*doctors, shift_types=(HVERDAG,), days=3)
    rota = [
        Assignment(date=date(2026, 1, 6), shift_type="hverdag", doctor="a"),
        Assignment(date=date(2026, 1, 7), shift_type="hverdag", doctor="b"),
    ]
    rows = payroll_hours(p, rota)
    path = tmp_path / "timer.csv"
    write_hours(rows, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, first, second = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert header == ["lege", "navn", "måned", "vakter", "timer", *CLASSES, "bakvakt"]
    assert first == ["a", "Åse Ødegård; lege", "januar 2026", "1", "16,5", "0", "7,5", "9", "0", "0", "0"]
    assert second[1] == "'" + doctors[1].name and second[4] == "16,5"
    assert not any("." in cell for cell in first[3:])
    sheet = load_workbook(io.BytesIO(hours_xlsx(rows))).active
    assert sheet is not None
    cells = [c for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert cells[2].is_date and cells[2].value.date() == date(2026, 1, 1) and cells[2].number_format == "mmmm yyyy"
    assert [c.value for c in cells[3:5]] == [1, 16.5] and cells[6].data_type == "n"
    assert next(sheet.iter_rows(min_row=3, max_row=3))[1].data_type == "s"  # the formula-like name is a text cell
