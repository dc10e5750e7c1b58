"""Reading rota problems (TOML/JSON) and rotas (CSV/XLSX), writing rotas (CSV/XLSX/ICS/JSON).

Rota files use one row per duty with the columns ``dato, vakt, lege, rolle`` (English ``date, shift_type, doctor,
role`` are accepted too), so a rota made by hand in Excel can be checked with ``legeplan rota check``.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from legeplan.documents import read_document
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Role, RotaProblem, RotaSolution
from legeplan.safe_cells import neutralise, text_cells

ROTA_COLUMNS = ("dato", "vakt", "start", "slutt", "lege", "navn", "rolle")
_ALIASES = {
    "dato": "dato",
    "date": "dato",
    "vakt": "vakt",
    "vakttype": "vakt",
    "shift_type": "vakt",
    "shift": "vakt",
    "lege": "lege",
    "doctor": "lege",
    "lege_id": "lege",
    "rolle": "rolle",
    "role": "rolle",
}


class RotaFileError(ValueError):
    """Bad input file; the message names the file, the row and the field."""


def _format_validation(path: Path | str, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(rot)"
        lines.append(f"{path}: {where}: {item['msg']}")
    return "\n".join(lines)


def problem_from_data(data: dict[str, Any], source: str = "<data>") -> RotaProblem:
    try:
        return RotaProblem.model_validate(data)
    except ValidationError as exc:
        raise RotaFileError(_format_validation(source, exc)) from exc


def load_problem(path: Path | str) -> RotaProblem:
    """A rota problem from a .toml or .json file; errors name the file and the field."""
    data = read_document(path, RotaFileError)
    if not isinstance(data, dict):
        raise RotaFileError(f"{path}: innholdet må være et objekt/tabell, ikke {type(data).__name__}")
    return problem_from_data(data, str(path))


def example_problem(name: str = "small") -> RotaProblem:
    """A shipped example problem (``small``: 9 doctors, 4 weeks) for demos and tests."""
    resource = resources.files("legeplan.legevakt").joinpath("data", f"{name}.toml")
    if not resource.is_file():
        available = sorted(
            p.name.removesuffix(".toml")
            for p in resources.files("legeplan.legevakt").joinpath("data").iterdir()
            if p.name.endswith(".toml")
        )
        raise KeyError(f"ukjent eksempel {name!r}; finnes: {', '.join(available)}")
    return problem_from_data(tomllib.loads(resource.read_text(encoding="utf-8")), f"eksempel {name}")


def _rows(problem: RotaProblem, assignments: Iterable[Assignment]) -> list[dict[str, str]]:
    by_key = {i.key: i for i in expand_shifts(problem)}
    names = {d.id: d.name for d in problem.doctors}
    rows = []
    for a in assignments:
        inst = by_key.get((a.date, a.shift_type))
        rows.append(
            {
                "dato": a.date.isoformat(),
                "vakt": a.shift_type,
                "start": inst.start.isoformat(timespec="minutes") if inst else "",
                "slutt": inst.end.isoformat(timespec="minutes") if inst else "",
                "lege": a.doctor,
                "navn": names.get(a.doctor, ""),
                "rolle": a.role.value,
            }
        )
    return rows


def rota_csv(problem: RotaProblem, assignments: Iterable[Assignment]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ROTA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in _rows(problem, assignments))
    return buffer.getvalue()


def write_xlsx(problem: RotaProblem, assignments: Iterable[Assignment], path: Path) -> None:
    """The rota as an Excel sheet; ``dato`` holds real Excel dates and ``start``/``slutt`` date-times."""
    items = list(assignments)
    by_key = {i.key: i for i in expand_shifts(problem)}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Turnus"
    sheet.append(list(ROTA_COLUMNS))
    for a, row in zip(items, _rows(problem, items), strict=True):
        inst = by_key.get((a.date, a.shift_type))
        cells: dict[str, object] = {**row, "dato": a.date}
        if inst is not None:
            cells["start"], cells["slutt"] = inst.start, inst.end
        sheet.append([cells[c] for c in ROTA_COLUMNS])
        excel_row = sheet.max_row
        sheet.cell(excel_row, 1).number_format = "yyyy-mm-dd"
        for time_column in (3, 4):
            if inst is not None:
                sheet.cell(excel_row, time_column).number_format = "yyyy-mm-dd hh:mm"
    text_cells(sheet)
    for column, width in zip("ABCDEFG", (12, 12, 18, 18, 10, 24, 10), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(path)


def _ics_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """RFC 5545 line folding at 75 octets."""
    out: list[str] = []
    data = line.encode("utf-8")
    while len(data) > 75:
        cut = 75 if not out else 74
        while cut > 0 and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[:cut].decode("utf-8"))
        data = data[cut:]
    out.append(data.decode("utf-8"))
    return [out[0], *(" " + part for part in out[1:])]


#: RFC 5545 VTIMEZONE for Europe/Oslo (CET/CEST, EU rules since 1996: summer time from the last Sunday of March at
#: 02:00 to the last Sunday of October at 03:00 local time), so calendar clients can resolve ``TZID=Europe/Oslo``.
VTIMEZONE_EUROPE_OSLO = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Oslo",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def rota_ics(problem: RotaProblem, assignments: Iterable[Assignment]) -> str:
    """An iCalendar file with one event per duty, in local time (Europe/Oslo, defined in a VTIMEZONE)."""
    by_key = {i.key: i for i in expand_shifts(problem)}
    names = {d.id: d.name for d in problem.doctors}
    types = {s.id: s.name for s in problem.shift_types}
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//legeplan//legevakt//NO", "CALSCALE:GREGORIAN"]
    lines += VTIMEZONE_EUROPE_OSLO
    for a in assignments:
        inst = by_key.get((a.date, a.shift_type))
        if inst is None:
            continue
        role = " (bakvakt)" if a.role is Role.BAKVAKT else ""
        lines += [
            "BEGIN:VEVENT",
            f"UID:{a.date.isoformat()}-{a.shift_type}-{a.doctor}-{a.role.value}@legeplan",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID=Europe/Oslo:{inst.start.strftime('%Y%m%dT%H%M%S')}",
            f"DTEND;TZID=Europe/Oslo:{inst.end.strftime('%Y%m%dT%H%M%S')}",
            f"SUMMARY:{_ics_escape(types[a.shift_type] + role + ': ' + names.get(a.doctor, a.doctor))}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"


def solution_json(problem: RotaProblem, solution: RotaSolution) -> str:
    return solution.model_dump_json(indent=2)


def write_rota(
    problem: RotaProblem, assignments: Sequence[Assignment], path: Path, solution: RotaSolution | None = None
) -> None:
    """Write a rota as .csv, .xlsx, .ics or .json (the json holds the whole solution when given)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(rota_csv(problem, assignments), encoding="utf-8")
    elif suffix == ".xlsx":
        write_xlsx(problem, assignments, path)
    elif suffix == ".ics":
        path.write_text(rota_ics(problem, assignments), encoding="utf-8", newline="")
    elif suffix == ".json":
        payload = solution or RotaSolution(problem_name=problem.name, status="unknown", assignments=tuple(assignments))
        path.write_text(solution_json(problem, payload), encoding="utf-8")
    else:
        raise RotaFileError(f"{path}: ukjent filtype {path.suffix!r}; bruk .csv, .xlsx, .ics eller .json")


def _parse_row(source: str, row_number: int, raw: dict[str, Any]) -> Assignment:
    row = {_ALIASES.get(str(k).strip().lower(), str(k).strip().lower()): v for k, v in raw.items() if k is not None}
    for column in ("dato", "vakt", "lege"):
        if row.get(column) in (None, ""):
            raise RotaFileError(f"{source}: rad {row_number}: kolonnen '{column}' mangler eller er tom")
    value = row["dato"]
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            day = date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%d.%m.%Y").date()
        except ValueError as exc:
            raise RotaFileError(
                f"{source}: rad {row_number}: dato {text!r} er ikke en dato (ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)"
            ) from exc
    role_text = str(row.get("rolle") or "vakt").strip().lower()
    try:
        role = Role(role_text)
    except ValueError as exc:
        raise RotaFileError(f"{source}: rad {row_number}: rolle {role_text!r} må være 'vakt' eller 'bakvakt'") from exc
    try:
        return Assignment(date=day, shift_type=str(row["vakt"]).strip(), doctor=str(row["lege"]).strip(), role=role)
    except ValidationError as exc:
        raise RotaFileError(_format_validation(f"{source}: rad {row_number}", exc)) from exc


def read_rota(path: Path | str) -> list[Assignment]:
    """Duties from a .csv or .xlsx rota (first sheet); errors name the file, row and column."""
    path = Path(path)
    if not path.is_file():
        raise RotaFileError(f"{path}: finner ikke filen")
    suffix = path.suffix.lower()
    records: list[tuple[int, dict[str, Any]]]
    if suffix == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        records = [(reader.line_num, row) for row in reader if any(v not in (None, "") for v in row.values())]
    elif suffix == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        workbook.close()
        if not rows:
            raise RotaFileError(f"{path}: arket er tomt")
        header = [str(h) if h is not None else "" for h in rows[0]]
        records = [
            (number, dict(zip(header, r, strict=False)))
            for number, r in enumerate(rows[1:], start=2)
            if any(c not in (None, "") for c in r)
        ]
    else:
        raise RotaFileError(f"{path}: ukjent filtype {path.suffix!r}; bruk .csv eller .xlsx")
    return [_parse_row(str(path), number, record) for number, record in records]
