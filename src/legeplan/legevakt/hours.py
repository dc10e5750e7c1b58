"""Hours for payroll: each doctor's duty hours per month, split into day, evening, night, weekend and holiday hours,
with bakvakt hours apart — counted as lived in Europe/Oslo, so a night across the spring change is an hour shorter
and one across the autumn change an hour longer than the clock times say.

Each hour belongs to the local calendar day it falls on; the first matching class wins:

* ``helligdag`` — a public holiday (:func:`legeplan.legevakt.calendar.norwegian_holidays`) or a local extra holiday;
* ``helg`` — Saturday or Sunday;
* ``natt`` — 21:00–06:00 (arbeidsmiljøloven § 10-11 (1): «Arbeid mellom kl. 21.00 og kl. 06.00 er nattarbeid»);
* ``dag`` — ordinary weekday hours 08:00–15:30 (:data:`legeplan.legevakt.load.ORDINARY_DAY`);
* ``kveld`` — the rest of a weekday: 15:30–21:00 and 06:00–08:00.

A bakvakt's hours are counted in ``bakvakt`` only, not in the classes above (it is a different pay line).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field

from legeplan.legevakt.calendar import expand_shifts, holidays_between
from legeplan.legevakt.load import ORDINARY_DAY
from legeplan.legevakt.model import Assignment, Role, RotaModel, RotaProblem, ShiftInstance

OSLO = ZoneInfo("Europe/Oslo")
#: arbeidsmiljøloven § 10-11 (1): night work is work between 21:00 and 06:00.
NIGHT = (time(21, 0), time(6, 0))
CLASSES = ("dag", "kveld", "natt", "helg", "helligdag")
_BOUNDARIES = sorted({NIGHT[1], ORDINARY_DAY[0], ORDINARY_DAY[1], NIGHT[0]})


class MonthHours(RotaModel):
    """One doctor's hours in one month; ``total`` is the vakt hours (the classes sum to it) without bakvakt."""

    doctor: str
    name: str
    month: str = Field(description="YYYY-MM")
    shifts: int
    total: float
    dag: float
    kveld: float
    natt: float
    helg: float
    helligdag: float
    bakvakt: float


def aware_interval(inst: ShiftInstance) -> tuple[datetime, datetime]:
    """The shift's start and end as aware Europe/Oslo datetimes (naive times are read as Oslo wall-clock times)."""
    start = inst.start if inst.start.tzinfo is not None else inst.start.replace(tzinfo=OSLO)
    end = inst.end if inst.end.tzinfo is not None else inst.end.replace(tzinfo=OSLO)
    return start.astimezone(OSLO), end.astimezone(OSLO)


def hour_class(local: datetime, holidays: dict[date, str]) -> str:
    day = local.date()
    if day in holidays:
        return "helligdag"
    if day.weekday() >= 5:
        return "helg"
    clock = local.time()
    if clock >= NIGHT[0] or clock < NIGHT[1]:
        return "natt"
    if ORDINARY_DAY[0] <= clock < ORDINARY_DAY[1]:
        return "dag"
    return "kveld"


def split_interval(start: datetime, end: datetime, holidays: dict[date, str]) -> Iterator[tuple[date, str, float]]:
    """(local day, class, real hours) pieces of an aware interval, cut at local midnight and the class boundaries."""
    t = start.astimezone(UTC)
    stop = end.astimezone(UTC)
    while t < stop:
        local = t.astimezone(OSLO)
        wall = local.replace(tzinfo=None)
        nxt = datetime.combine(wall.date() + timedelta(days=1), time(0))
        for boundary in _BOUNDARIES:
            candidate = datetime.combine(wall.date(), boundary)
            if candidate > wall:
                nxt = candidate
                break
        cut = min(stop, nxt.replace(tzinfo=OSLO).astimezone(UTC))
        if cut <= t:  # a wall time inside a DST gap: move on by the minute rather than loop
            cut = min(stop, t + timedelta(minutes=1))
        yield local.date(), hour_class(local, holidays), (cut - t).total_seconds() / 3600
        t = cut


def payroll_hours(problem: RotaProblem, assignments: Iterable[Assignment]) -> list[MonthHours]:
    """Hours per doctor and month (the month of the local day each hour falls on), sorted by doctor and month."""
    instances = {i.key: i for i in expand_shifts(problem)}
    holidays = holidays_between(
        problem.start - timedelta(days=1), problem.end + timedelta(days=2), problem.extra_holidays
    )
    names = {d.id: d.name for d in problem.doctors}
    table: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    shifts: dict[tuple[str, str], int] = defaultdict(int)
    for a in assignments:
        inst = instances.get((a.date, a.shift_type))
        if inst is None or a.doctor not in names:
            continue
        start, end = aware_interval(inst)
        shifts[(a.doctor, start.strftime("%Y-%m"))] += 1
        for day, cls, hours in split_interval(start, end, holidays):
            cell = table[(a.doctor, day.strftime("%Y-%m"))]
            if a.role is Role.BAKVAKT:
                cell["bakvakt"] += hours
            else:
                cell[cls] += hours
                cell["total"] += hours
    rows = []
    for (doctor, month), cell in sorted(table.items()):
        rows.append(
            MonthHours(
                doctor=doctor,
                name=names[doctor],
                month=month,
                shifts=shifts.get((doctor, month), 0),
                total=round(cell["total"], 2),
                bakvakt=round(cell["bakvakt"], 2),
                **{cls: round(cell[cls], 2) for cls in CLASSES},
            )
        )
    return rows


HOURS_COLUMNS = ("lege", "navn", "måned", "vakter", "timer", *CLASSES, "bakvakt")


def _values(row: MonthHours) -> list[str | int | float]:
    return [
        row.doctor,
        row.name,
        row.month,
        row.shifts,
        row.total,
        row.dag,
        row.kveld,
        row.natt,
        row.helg,
        row.helligdag,
        row.bakvakt,
    ]


def month_of(row: MonthHours) -> date:
    """The first day of the row's month (``month`` is «YYYY-MM»)."""
    return date.fromisoformat(row.month + "-01")


def hours_csv(rows: Iterable[MonthHours], *, bom: bool = True) -> str:
    """The hours as CSV for a Norwegian spreadsheet (`safe_cells.spreadsheet_csv`: `;`, decimal comma, UTF-8 with
    BOM), the month as «april 2026»: the words a payroll clerk uses, and text in any spreadsheet's language («04.2026»
    would be the number 4,2026 in an English Excel and a date in some others)."""
    from legeplan.i18n import month_label
    from legeplan.safe_cells import spreadsheet_csv

    table = []
    for row in rows:
        values = _values(row)
        when = month_of(row)
        values[2] = month_label(when.year, when.month)
        table.append(values)
    return spreadsheet_csv(HOURS_COLUMNS, table, bom=bom)  # a name like «=HYPERLINK(…)» stays text


def hours_xlsx(rows: Iterable[MonthHours]) -> bytes:
    """The hours as an .xlsx workbook (sheet «Timer»): real numbers, the month a real date shown as «april 2026»
    (format «mmmm yyyy», in the reader's own language), names as text cells (never formulas)."""
    from openpyxl import Workbook

    from legeplan.safe_cells import text_cells

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Timer"
    sheet.append(list(HOURS_COLUMNS))
    for row in rows:
        values: list[str | int | float | date] = list(_values(row))
        values[2] = month_of(row)
        sheet.append(values)
        sheet.cell(row=sheet.max_row, column=3).number_format = "mmmm yyyy"
    text_cells(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_hours(rows: list[MonthHours], path: Path) -> None:
    """Write the hours as .csv or .xlsx (one row per doctor and month, real numbers in the cells)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(hours_csv(rows), encoding="utf-8")  # the BOM is the text's first character
        return
    if suffix != ".xlsx":
        raise ValueError(f"{path}: ukjent filtype «{path.suffix}»; bruk .csv eller .xlsx")
    path.write_bytes(hours_xlsx(rows))
