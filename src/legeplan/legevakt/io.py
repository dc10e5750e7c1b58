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
from legeplan.i18n import decimal, json_kind, number, validation_message
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Role, RotaProblem, RotaSolution
from legeplan.safe_cells import neutralise, restore, text_cells

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


def _format_validation(
    path: Path | str, error: ValidationError, *, columns: dict[str, str] | None = None, limit: int = 10
) -> str:
    """One Norwegian line per error, naming the file (and row) and the field; at most ``limit`` lines."""
    lines = []
    items = error.errors()
    for item in items[:limit]:
        where = ".".join(str(p) for p in item["loc"]) or "(rot)"
        if columns is not None:
            where = columns.get(where, where)
        lines.append(f"{path}: {where}: {validation_message(item)}")
    if len(items) > limit:
        lines.append(f"{path}: … og {len(items) - limit} feil til")
    return "\n".join(lines)


def problem_from_data(data: dict[str, Any], source: str = "<data>") -> RotaProblem:
    try:
        return RotaProblem.model_validate(data)
    except ValidationError as exc:
        raise RotaFileError(_format_validation(source, exc)) from exc


def load_problem(path: Path | str) -> RotaProblem:
    """A rota problem from a .toml or .json file; errors name the file and the field."""
    if Path(path).is_file():
        _check_size(Path(path), MAX_PROBLEM_BYTES)
    try:
        data = read_document(path, RotaFileError)
    except RecursionError as exc:  # json and tomllib recurse per nesting level
        raise RotaFileError(f"{path}: er nøstet for dypt til å leses") from exc
    if not isinstance(data, dict):
        raise RotaFileError(f"{path}: innholdet må være et objekt/tabell, ikke {json_kind(data)}")
    try:
        return problem_from_data(data, str(path))
    except RecursionError as exc:
        raise RotaFileError(f"{path}: er nøstet for dypt til å leses") from exc


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
        if inst is not None:  # Excel has no time zones: Oslo wall time
            cells["start"], cells["slutt"] = inst.start.replace(tzinfo=None), inst.end.replace(tzinfo=None)
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
        raise RotaFileError(f"{path}: ukjent filtype «{path.suffix}»; bruk .csv, .xlsx, .ics eller .json")


def _shorten(value: object, limit: int = 40) -> str:
    """A value as it may appear in a message: at most ``limit`` characters."""
    text = str(value)
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f" … ({len(text)} tegn)"


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
                f"{source}: rad {row_number}, kolonne 'dato': {_shorten(text)} er ikke en dato "
                "(ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ)"
            ) from exc
    role_text = str(row.get("rolle") or "vakt").strip().lower()
    try:
        role = Role(role_text)
    except ValueError as exc:
        raise RotaFileError(
            f"{source}: rad {row_number}, kolonne 'rolle': {_shorten(role_text)} må være 'vakt' eller 'bakvakt'"
        ) from exc
    try:
        return Assignment(date=day, shift_type=str(row["vakt"]).strip(), doctor=str(row["lege"]).strip(), role=role)
    except ValidationError as exc:
        raise RotaFileError(_format_validation(f"{source}: rad {row_number}", exc, columns=_COLUMN_OF)) from exc


#: Assignment fields and the rota file's column names, for messages.
_COLUMN_OF = {"shift_type": "kolonne 'vakt'", "doctor": "kolonne 'lege'", "date": "kolonne 'dato'"}
#: A rota file larger than this is refused before it is read (a one-year rota of 60 doctors is ≈ 100 kB).
MAX_ROTA_BYTES = 5_000_000
#: A rota with more rows than this is refused (one year, 20 shifts a day, 3 doctors each: ≈ 22 000).
MAX_ROTA_ROWS = 100_000
#: A problem file larger than this is refused before it is read (the one-year benchmark problem is ≈ 60 kB).
MAX_PROBLEM_BYTES = 2_000_000


def _check_size(path: Path, limit: int) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RotaFileError(f"{path}: kan ikke leses ({exc.strerror})") from exc
    if size > limit:
        raise RotaFileError(f"{path}: filen er {decimal(size / 1e6)} MB; største tillatte er {number(limit / 1e6)} MB")


def _header_columns(source: str, header: Sequence[object]) -> None:
    """Refuse a header without the required columns, naming what was found."""
    found = {_ALIASES.get(str(h).strip().lower(), str(h).strip().lower()) for h in header if h is not None}
    missing = [c for c in ("dato", "vakt", "lege") if c not in found]
    if missing:
        shown = ", ".join(_shorten(h, 20) for h in list(header)[:8] if h not in (None, "")) or "ingen"
        raise RotaFileError(
            f"{source}: rad 1: mangler kolonnene {', '.join(missing)} (fant {shown}); "
            "turnusen trenger kolonnene dato, vakt og lege (også date, shift, doctor), skilt med komma, semikolon "
            "eller tab"
        )


def _csv_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RotaFileError(f"{path}: kan ikke leses ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise RotaFileError(
            f"{path}: rad {line}: er ikke UTF-8-tekst (byte {exc.start}); lagre filen som «CSV UTF-8»"
        ) from exc
    if "\x00" in text:
        raise RotaFileError(f"{path}: inneholder NUL-tegn; er dette en CSV-fil?")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise RotaFileError(f"{path}: rad 1: filen er tom eller mangler overskriftsrad (dato, vakt, lege)")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or no delimiter found: the header check names what is missing
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    records: list[tuple[int, dict[str, Any]]] = []
    try:
        _header_columns(str(path), reader.fieldnames or [])
        for row in reader:
            if len(records) >= MAX_ROTA_ROWS:
                raise RotaFileError(f"{path}: mer enn {MAX_ROTA_ROWS} rader")
            if any(v not in (None, "") for v in row.values()):
                records.append((reader.line_num, {k: restore(v) if isinstance(v, str) else v for k, v in row.items()}))
    except csv.Error as exc:
        raise RotaFileError(
            f"{path}: rad {reader.line_num}: ugyldig CSV (feltet er for langt eller har feil anførselstegn)"
        ) from exc
    return records


def _xlsx_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (BadZipFile, KeyError, XML errors) for a broken file
        raise RotaFileError(f"{path}: er ikke en gyldig Excel-fil (.xlsx): kan ikke åpnes") from exc
    try:
        if not workbook.worksheets:
            raise RotaFileError(f"{path}: arbeidsboken har ingen ark")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise RotaFileError(f"{path}: arket er tomt")
        header = [str(h) if h is not None else "" for h in first]
        _header_columns(str(path), header)
        for number, r in enumerate(rows, start=2):
            if number > MAX_ROTA_ROWS + 1:
                raise RotaFileError(f"{path}: mer enn {MAX_ROTA_ROWS} rader")
            if any(c not in (None, "") for c in r):
                records.append((number, dict(zip(header, r, strict=False))))
    except RotaFileError:
        raise
    except Exception as exc:  # a sheet that opens but cannot be read (broken XML inside the zip)
        raise RotaFileError(f"{path}: er ikke en gyldig Excel-fil (.xlsx): arket kan ikke leses") from exc
    finally:
        workbook.close()
    return records


def _json_rota(path: Path) -> list[Assignment]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RotaFileError(f"{path}: kan ikke leses ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise RotaFileError(f"{path}: er ikke UTF-8-tekst (byte {exc.start})") from exc
    try:
        return list(RotaSolution.model_validate_json(text).assignments)
    except ValidationError as exc:
        raise RotaFileError(_format_validation(path, exc)) from exc
    except RecursionError as exc:
        raise RotaFileError(f"{path}: er nøstet for dypt til å leses") from exc


def read_rota(path: Path | str) -> list[Assignment]:
    """Duties from a .csv, .xlsx (first sheet) or .json (a saved solution) rota.

    Any problem with the file is a :class:`RotaFileError` whose Norwegian message names the file, and the row and
    column where there is one: missing file, too large (``MAX_ROTA_BYTES``), not UTF-8, one column or missing
    columns, broken CSV or Excel, bad dates, roles, ids.
    """
    path = Path(path)
    if not path.is_file():
        raise RotaFileError(f"{path}: finner ikke filen")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".json"):
        raise RotaFileError(f"{path}: ukjent filtype {_shorten(path.suffix)}; bruk .csv, .xlsx eller .json")
    _check_size(path, MAX_ROTA_BYTES)
    if suffix == ".json":
        return _json_rota(path)
    records = _csv_records(path) if suffix == ".csv" else _xlsx_records(path)
    return [_parse_row(str(path), number, record) for number, record in records]
