"""Register import and export as XLSX (one sheet per entity) or CSV (one file per entity, in a folder or a zip).

Import is two steps so nothing is written on bad input: `parse_register` reads and validates everything and either
returns a `Register` or raises `RegisterImportError` with *every* problem found, each naming file, row and column;
only a valid register is then handed to storage, which saves it in one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from pydantic import BaseModel, ValidationError

from legeplan.i18n import text, validation_message
from legeplan.register.models import (
    MAX_GP_MUNICIPAL_HOURS,
    Agreement,
    ExemptionKind,
    FieldError,
    Institution,
    InstitutionKind,
    Municipality,
    Office,
    OperatingModel,
    Physician,
    PhysicianRole,
    PlannedPosition,
    PlannedPositionKind,
    Position,
    PositionStatus,
    ReductionReason,
    Register,
    Sex,
    SpecialistStatus,
)
from legeplan.safe_cells import neutralise, restore, text_cells

#: Uploads larger than this are refused before parsing (the web app and the CLI share the limit).
MAX_IMPORT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str  # Norwegian column name in the file
    field: str  # model field
    description: str
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    model: type[BaseModel]
    columns: tuple[Column, ...]
    title: str

    def column_for_field(self, field: str) -> str | None:
        return next((c.header for c in self.columns if c.field == field), None)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "kommune",
        Municipality,
        (
            Column("kommunenummer", "code", "SSBs kommunenummer, fire siffer", True),
            Column("navn", "name", "Kommunens navn", True),
            Column("innbyggere", "population", "Folketall", True),
            Column("innbyggere_dato", "population_date", "Dato for folketallet (ÅÅÅÅ-MM-DD)"),
            Column("sentralitet", "centrality", "SSBs sentralitetsklasse 1-6", True),
            Column("registerdato", "as_of", "Datoen registeret gjelder for (ÅÅÅÅ-MM-DD)", True),
        ),
        "Kommunen (én rad)",
    ),
    Sheet(
        "legekontor",
        Office,
        (
            Column("id", "id", "Entydig id for legekontoret", True),
            Column("navn", "name", "Navn", True),
            Column("adresse", "address", "Adresse"),
        ),
        "Legekontor",
    ),
    Sheet(
        "hjemler",
        Position,
        (
            Column("id", "id", "Entydig id for fastlegehjemmelen", True),
            Column("legekontor", "office_id", "Id for legekontoret"),
            Column("listetak", "list_ceiling", "Listetak (antall plasser)", True),
            Column("listeinnbyggere", "listed_patients", "Antall på listen", True),
            Column("driftsform", "operating_model", "næringsdrift, 8.2, fastlønn eller fastlønn med bonus"),
            Column("status", "status", "besatt, ledig eller vikar"),
            Column("apen_liste", "open_list", "ja/nei (tom: åpen når det er ledige plasser)"),
            Column("listereduksjon", "planned_reduction", "Planlagt listereduksjon (antall plasser, tom: ingen)"),
            Column("reduksjon_grunn", "reduction_reason", "kommunale oppgaver, alis eller eget ønske"),
        ),
        "Fastlegehjemler",
    ),
    Sheet(
        "leger",
        Physician,
        (
            Column("id", "id", "Entydig id for legen", True),
            Column("navn", "name", "Navn", True),
            Column("fodselsar", "birth_year", "Fødselsår", True),
            Column("kjonn", "sex", "K eller M", True),
            Column(
                "spesialist", "specialist_status", "ja (spesialist i allmennmedisin), under (i spesialisering), nei"
            ),
            Column("rolle", "role", "fastlege, alis, lis1, kommunelege eller vikar"),
            Column("hjemmel", "position_id", "Id for hjemmelen legen har"),
            Column("stillingsandel", "employment_fraction", "Stillingsandel 0-1 (1 = hel stilling)"),
            Column("startdato", "start_date", "Startdato (ÅÅÅÅ-MM-DD)", True),
            Column("sluttdato", "end_date", "Sluttdato (tom: fortsatt aktiv)"),
            Column(
                "kommunale_timer",
                "municipal_duty_hours",
                "Offentlige allmennlegeoppgaver, timer/uke som avtalt (7,5 kan pålegges; mer kan avtales)",
            ),
            Column("legevakt", "legevakt_participation", "Deltar i legevakt: ja/nei"),
            Column("fritak_legevakt", "legevakt_exempt", "Fritatt for legevakt: ja/nei"),
            Column("fritak_type", "exemption_kind", "alder, helse, avtale eller annet"),
            Column("kliniske_maaneder", "clinical_months", "Måneder klinisk tjeneste (akuttmedisinforskriften § 7)"),
            Column("legevakter_gjort", "legevakter_done", "Antall legevakter gjort (§ 7)"),
            Column("ar_fastlege_i_kommunen", "municipal_gp_years", "År som fastlege i kommunen (§ 7)"),
            Column("utdanning_start", "training_start", "Start LIS1/ALIS (ÅÅÅÅ-MM-DD)"),
            Column("utdanning_slutt", "training_end", "Slutt LIS1/ALIS, planlagt eller fullført (ÅÅÅÅ-MM-DD)"),
        ),
        "Leger",
    ),
    Sheet(
        "avtaler",
        Agreement,
        (
            Column("hjemmel", "position_id", "Id for hjemmelen", True),
            Column("lege", "physician_id", "Id for legen (tom: hjemmelen stod ledig)"),
            Column("startdato", "start_date", "Startdato (ÅÅÅÅ-MM-DD)", True),
            Column("sluttdato", "end_date", "Sluttdato (tom: pågår)"),
        ),
        "Fastlegeavtaler (historikk)",
    ),
    Sheet(
        "institusjoner",
        Institution,
        (
            Column("id", "id", "Entydig id", True),
            Column("navn", "name", "Navn", True),
            Column(
                "type", "kind", "sykehjem langtid, sykehjem korttid, øhd, helsestasjon, skolehelse, fengsel, mottak"
            ),
            Column("plasser", "places", "Antall plasser"),
            Column("legetimer_per_uke", "doctor_hours_per_week", "Legetimer per uke"),
        ),
        "Institusjoner med legeoppgaver",
    ),
    Sheet(
        "planlagte_hjemler",
        PlannedPosition,
        (
            Column("id", "id", "Entydig id for den planlagte hjemmelen", True),
            Column("type", "kind", "vekst, alis eller erstatning", True),
            Column("ar", "year", "Året hjemmelen skal besettes", True),
            Column("vedtatt", "decided", "Dato for vedtaket (tom: bare planlagt)"),
            Column("erstatter", "replaces", "Id for hjemmelen legen slutter i (for erstatning)"),
            Column("merknad", "note", "Fritekst, f.eks. vedtak i kommunestyret"),
        ),
        "Vedtatte og planlagte hjemler",
    ),
)
SHEETS_BY_NAME = {s.name: s for s in SHEETS}

_TRUE = {"ja", "j", "yes", "y", "true", "sann", "1", "x"}
_FALSE = {"nei", "n", "no", "false", "usann", "0", ""}
_ENUM_ALIASES: dict[str, dict[str, str]] = {
    "operating_model": {
        "næringsdrift": OperatingModel.NAERINGSDRIFT,
        "hovedmodell": OperatingModel.NAERINGSDRIFT,
        "8.2-avtale": OperatingModel.SUBSIDISED_8_2,
        "fastlønn": OperatingModel.FASTLONN,
        "fastlønn med bonus": OperatingModel.FASTLONN_BONUS,
    },
    "status": {"besatt": PositionStatus.FILLED, "ledig": PositionStatus.VACANT, "vikar": PositionStatus.LOCUM},
    "sex": {"k": Sex.FEMALE, "kvinne": Sex.FEMALE, "f": Sex.FEMALE, "m": Sex.MALE, "mann": Sex.MALE},
    "specialist_status": {
        "ja": SpecialistStatus.SPECIALIST,
        "spesialist": SpecialistStatus.SPECIALIST,
        "under": SpecialistStatus.IN_TRAINING,
        "i spesialisering": SpecialistStatus.IN_TRAINING,
        "nei": SpecialistStatus.NONE,
    },
    "role": {
        "fastlege": PhysicianRole.GP,
        "kommunelege": PhysicianRole.MUNICIPAL,
        "vikar": PhysicianRole.LOCUM,
        "lis1": PhysicianRole.LIS1,
        "lis-1": PhysicianRole.LIS1,
        "alis": PhysicianRole.ALIS,
    },
    "kind": {
        "sykehjem langtid": InstitutionKind.NURSING_HOME_LONG_TERM,
        "sykehjem korttid": InstitutionKind.NURSING_HOME_SHORT_TERM,
        "øhd": InstitutionKind.EMERGENCY_BEDS,
        "helsestasjon": InstitutionKind.HEALTH_STATION,
        "skolehelse": InstitutionKind.SCHOOL_HEALTH,
        "fengsel": InstitutionKind.PRISON,
        "mottak": InstitutionKind.RECEPTION_CENTRE,
        "annet": InstitutionKind.OTHER,
    },
    "exemption_kind": {
        "alder": ExemptionKind.AGE,
        "helse": ExemptionKind.HEALTH,
        "avtale": ExemptionKind.AGREEMENT,
        "annet": ExemptionKind.OTHER,
    },
    "reduction_reason": {
        "kommunale oppgaver": ReductionReason.MUNICIPAL_DUTIES,
        "alis": ReductionReason.ALIS,
        "eget ønske": ReductionReason.OWN_WISH,
    },
}
#: The planned hjemler's `kind` column shares its header ("type") with the institutions' sheet: aliases per sheet.
_PLANNED_KIND: dict[str, str] = {
    "vekst": PlannedPositionKind.GROWTH,
    "alis": PlannedPositionKind.ALIS,
    "erstatning": PlannedPositionKind.REPLACEMENT,
}
_SHEET_ALIASES: dict[str, dict[str, dict[str, str]]] = {"planlagte_hjemler": {"kind": _PLANNED_KIND}}
_BOOL_FIELDS = {"open_list", "legevakt_participation", "legevakt_exempt"}
_INT_FIELDS = {
    "population",
    "list_ceiling",
    "listed_patients",
    "planned_reduction",
    "clinical_months",
    "legevakter_done",
    "year",
    "birth_year",
    "places",
    "centrality",
}
_DECIMAL_FIELDS = {"employment_fraction", "municipal_duty_hours", "doctor_hours_per_week", "municipal_gp_years"}


def _display(aliases: Mapping[str, str]) -> dict[str, str]:
    return {str(v): k for k, v in reversed(list(aliases.items()))}


_DISPLAY: dict[str, dict[str, str]] = {  # enum value -> Norwegian text in exported files
    field: _display(aliases) for field, aliases in _ENUM_ALIASES.items()
}
_SHEET_DISPLAY = {
    sheet: {field: _display(aliases) for field, aliases in fields.items()} for sheet, fields in _SHEET_ALIASES.items()
}


@dataclass(frozen=True)
class ImportIssue:
    source: str  # file name, or "fil.xlsx:ark"
    row: int | None  # 1-based row in the sheet/file (header is row 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", rad {self.row}"
        if self.column:
            where += f", kolonne «{self.column}»"
        return f"{where}: {self.message}"


class RegisterImportError(ValueError):
    """Every problem found in an import; nothing was imported."""

    def __init__(self, issues: list[ImportIssue]) -> None:
        self.issues = issues
        lines = "\n".join(f"  {issue}" for issue in issues[:50])
        more = f"\n  … og {len(issues) - 50} til" if len(issues) > 50 else ""
        super().__init__(f"{len(issues)} feil i importen, ingenting ble importert:\n{lines}{more}")


RawRow = tuple[int, dict[str, Any]]  # (row number, header -> cell value)


# --- reading ---------------------------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, label: str) -> dict[str, tuple[str, list[str], list[RawRow]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-xlsx file
        raise RegisterImportError(
            [ImportIssue(label, None, None, "filen er ikke en gyldig Excel-fil (.xlsx)")]
        ) from exc
    tables: dict[str, tuple[str, list[str], list[RawRow]]] = {}
    for worksheet in workbook.worksheets:
        try:
            rows = list(worksheet.iter_rows(values_only=True))
        except Exception as exc:  # a damaged sheet inside a valid zip: XML, zlib or openpyxl errors
            raise RegisterImportError(
                [ImportIssue(f"{label}:{worksheet.title}", None, None, "arket er skadet og kan ikke leses")]
            ) from exc
        name = worksheet.title.strip().lower()
        if name == "veiledning":
            continue
        headers = [str(h).strip().lower() if h is not None else "" for h in (rows[0] if rows else ())]
        body = [
            (i + 2, {h: v for h, v in zip(headers, r, strict=False) if h})
            for i, r in enumerate(rows[1:])
            if any(v not in (None, "") for v in r)
        ]
        tables[name] = (f"{label}:{worksheet.title}", headers, body)
    workbook.close()
    return tables


def _read_csv_text(text: str, label: str) -> tuple[str, list[str], list[RawRow]]:
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)  # universal newlines: \r, \r\n, \n
    try:
        rows = list(reader)
    except csv.Error as exc:
        issue = ImportIssue(
            label,
            reader.line_num or None,
            None,
            "kan ikke lese CSV-filen (et felt er for langt eller har feil anførselstegn)",
        )
        raise RegisterImportError([issue]) from exc
    headers = [h.strip().lower().lstrip("\ufeff") for h in (rows[0] if rows else [])]
    body = [
        (i + 2, {h: restore(v) for h, v in zip(headers, r, strict=False) if h})
        for i, r in enumerate(rows[1:])
        if any(v.strip() for v in r)
    ]
    return label, headers, body


def _decode(data: bytes, label: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegisterImportError([ImportIssue(label, None, None, "ukjent tegnkoding (bruk UTF-8)")])


def read_tables(path: Path | str, data: bytes | None = None) -> dict[str, tuple[str, list[str], list[RawRow]]]:
    """Raw tables by sheet name from an .xlsx file, a .zip of CSV files, or a folder of CSV files."""
    issues: list[ImportIssue] = []
    tables = collect_tables(path, data, issues)
    if issues:
        raise RegisterImportError(issues)
    return tables


def _read_member(
    label: str, size: int, read: Callable[[], bytes], issues: list[ImportIssue]
) -> tuple[str, list[str], list[RawRow]] | None:
    """One CSV file of a folder or zip; its problems go to `issues` so the other files are still read."""
    try:
        _check_size(size, label)
        return _read_csv_text(_decode(read(), label), label)
    except RegisterImportError as error:
        issues.extend(error.issues)
        return None


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    """A member's bytes, reading at most one byte past the limit: the size in the zip directory may lie (a zip
    bomb). Damaged data, an unknown compression method or a password is a Norwegian error, not a traceback."""
    try:
        with archive.open(info) as member:
            content = member.read(MAX_IMPORT_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise RegisterImportError([ImportIssue(label, None, None, "filen i zip-arkivet er skadet")]) from exc
    _check_size(len(content), label)
    return content


def collect_tables(
    path: Path | str, data: bytes | None, issues: list[ImportIssue]
) -> dict[str, tuple[str, list[str], list[RawRow]]]:
    """Raw tables by sheet name; a file of a folder or zip that cannot be read goes to `issues` and the rest are
    read. Raises RegisterImportError only when the container itself cannot be read."""
    path = Path(path)
    tables: dict[str, tuple[str, list[str], list[RawRow]]] = {}
    if data is None and path.is_dir():
        for csv_path in sorted(path.glob("*.csv")):
            table = _read_member(csv_path.name, csv_path.stat().st_size, csv_path.read_bytes, issues)
            if table is not None:
                tables[csv_path.stem.lower()] = table
        return tables
    if data is None:
        if not path.exists():
            raise RegisterImportError([ImportIssue(str(path), None, None, "filen finnes ikke")])
        _check_size(path.stat().st_size, path.name)
        data = path.read_bytes()
    _check_size(len(data), path.name)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(data, path.name)
    if suffix == ".zip":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise RegisterImportError([ImportIssue(path.name, None, None, "ikke en gyldig zip-fil")]) from exc
        total = 0
        for info in archive.infolist():
            if info.filename.lower().endswith(".csv") and not info.is_dir():
                total += info.file_size
                _check_size(total, path.name)
                label = f"{path.name}:{info.filename}"
                table = _read_member(label, info.file_size, partial(_read_zip_member, archive, info, label), issues)
                if table is not None:
                    tables[Path(info.filename).stem.lower()] = table
        return tables
    if suffix == ".csv":
        return {path.stem.lower(): _read_csv_text(_decode(data, path.name), path.name)}
    raise RegisterImportError(
        [ImportIssue(path.name, None, None, "ukjent filtype: bruk .xlsx, .zip med CSV-filer, eller en mappe")]
    )


def _check_size(size: int, label: str) -> None:
    if size > MAX_IMPORT_BYTES:
        limit = MAX_IMPORT_BYTES // (1024 * 1024)
        message = text("error.too_large", limit=limit)
        raise RegisterImportError([ImportIssue(label, None, None, message[0].lower() + message[1:].rstrip("."))])


# --- validating ------------------------------------------------------------------------------------------------------


def _clean(field: str, value: Any, sheet: str = "") -> Any:
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if field in _BOOL_FIELDS:
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return value  # let validation name the bad value
    aliases = _SHEET_ALIASES.get(sheet, {}).get(field) or _ENUM_ALIASES.get(field)
    if aliases is not None and isinstance(value, str):
        return aliases.get(value.lower(), value.lower() if field != "sex" else value.upper())
    if isinstance(value, str) and (field.endswith("date") or field == "as_of"):
        text = str(value)
        if len(text) == 10 and text[2] == "." and text[5] == ".":  # 31.12.2020
            return f"{text[6:]}-{text[3:5]}-{text[:2]}"
    if isinstance(value, float) and value.is_integer() and field in _INT_FIELDS:
        return int(value)
    if isinstance(value, str) and field in _DECIMAL_FIELDS:
        return value.replace(",", ".")
    return value


def _column_of(sheet: Sheet, error: Mapping[str, Any]) -> str | None:
    loc = error.get("loc") or ()
    if loc:
        return sheet.column_for_field(str(loc[0])) or str(loc[0])
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):  # a model validator naming the field it is about
        return sheet.column_for_field(cause.field) or cause.field
    return None


def _message(sheet: Sheet, error: Mapping[str, Any]) -> str:
    """A Norwegian message (shared with the web forms); for a choice column it lists what the file may say."""
    loc = error.get("loc") or ()
    column = next((c for c in sheet.columns if loc and c.field == str(loc[0])), None)
    if error.get("type") in ("enum", "literal_error") and column is not None:
        message = f"ugyldig verdi; tillatt: {column.description}"
    else:
        message = validation_message(error).rstrip(".")
        message = message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message
    value = error.get("input")
    if loc and not isinstance(value, dict) and value is not None:
        message += f" (verdi: {value!r})"
    return message


def _validate_rows(
    sheet: Sheet, source: str, headers: list[str], rows: list[RawRow], extra: dict[str, Any], issues: list[ImportIssue]
) -> list[tuple[int, Any, dict[str, Any]]]:
    """Validated (row number, model, cleaned cell values) per row; problems go to `issues`."""
    known = {c.header for c in sheet.columns}
    for header in headers:
        if header and header not in known:
            issues.append(
                ImportIssue(source, 1, header, f"ukjent kolonne; gyldige kolonner: {', '.join(sorted(known))}")
            )
    for column in sheet.columns:
        if column.required and column.header not in headers:
            issues.append(ImportIssue(source, 1, column.header, "påkrevd kolonne mangler"))
    if any(i.source == source and i.row == 1 and i.message.startswith("påkrevd") for i in issues):
        return []
    models: list[tuple[int, Any, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for row_number, raw in rows:
        data = dict(extra)
        for column in sheet.columns:
            value = _clean(column.field, raw.get(column.header), sheet.name)
            if value is not None:
                data[column.field] = value
        model_fields = {k: v for k, v in data.items() if k != "as_of"}
        try:
            model = sheet.model.model_validate(model_fields)
        except ValidationError as exc:
            for error in exc.errors():
                issues.append(ImportIssue(source, row_number, _column_of(sheet, error), _message(sheet, error)))
            continue
        identifier = getattr(model, "id", None)
        if isinstance(identifier, str):
            if identifier in seen:
                issues.append(
                    ImportIssue(
                        source, row_number, "id", f"id {identifier!r} finnes allerede på rad {seen[identifier]}"
                    )
                )
                continue
            seen[identifier] = row_number
        models.append((row_number, model, data))
    return models


def _check_reference(
    rows: Iterable[tuple[int, Any]],
    attr: str,
    known: set[str],
    source: str,
    column: str,
    what: str,
    issues: list[ImportIssue],
) -> None:
    for row_number, model in rows:
        value = getattr(model, attr)
        if value is not None and value not in known:
            issues.append(ImportIssue(source, row_number, column, f"ukjent {what} {value!r}"))


def _raw_ids(table: tuple[str, list[str], list[RawRow]] | None) -> set[str]:
    if table is None:
        return set()
    return {str(raw.get("id")).strip() for _, raw in table[2] if raw.get("id") not in (None, "")}


def _check_overlaps(rows: list[tuple[int, Any]], source: str, issues: list[ImportIssue]) -> None:
    """Agreements on one hjemmel may not overlap; dates are end-inclusive (sluttdato is the last day)."""
    by_position: dict[str, list[tuple[int, Agreement]]] = {}
    for row_number, agreement in rows:
        by_position.setdefault(agreement.position_id, []).append((row_number, agreement))
    for position, items in by_position.items():
        items.sort(key=lambda item: item[1].start_date)
        for index in range(1, len(items)):
            (row_a, a), (row_b, b) = items[index - 1], items[index]
            if a.end_date is None or b.start_date <= a.end_date:
                until = "pågår" if a.end_date is None else f"til og med {a.end_date}"
                message = (
                    f"avtalen overlapper med rad {row_a} på samme hjemmel {position!r} ({a.start_date}, {until}); "
                    "neste avtale må starte dagen etter sluttdatoen"
                )
                issues.append(ImportIssue(source, row_b, "startdato", message))


#: Municipality code used to check the other sheets when the kommune sheet itself is invalid, so one pass reports
#: every problem (the register is refused anyway).
_PLACEHOLDER_CODE = "0000"


def parse_register(path: Path | str, data: bytes | None = None) -> Register:
    """Read and validate a whole register; raises RegisterImportError listing every problem (file, sheet, row,
    column), found in one pass: a bad kommune sheet does not hide the errors of the other sheets."""
    issues: list[ImportIssue] = []
    tables = collect_tables(path, data, issues)
    label = Path(path).name
    for name in tables:
        if name not in SHEETS_BY_NAME:
            issues.append(
                ImportIssue(
                    tables[name][0], None, None, f"ukjent ark/fil «{name}»; gyldige: {', '.join(SHEETS_BY_NAME)}"
                )
            )
    municipality: Municipality | None = None
    as_of: date | None = None
    if "kommune" not in tables:
        issues.append(ImportIssue(label, None, None, "arket/filen «kommune» mangler"))
    else:
        source, headers, rows = tables["kommune"]
        municipality_rows = _validate_rows(SHEETS_BY_NAME["kommune"], source, headers, rows, {}, issues)
        if len(rows) != 1:
            issues.append(ImportIssue(source, None, None, f"skal ha nøyaktig én rad, har {len(rows)}"))
        if municipality_rows:
            _, municipality, municipality_data = municipality_rows[0]
            as_of_raw = municipality_data.get("as_of")
            try:
                as_of = as_of_raw if isinstance(as_of_raw, date) else date.fromisoformat(str(as_of_raw))
            except ValueError:
                issues.append(ImportIssue(source, 2, "registerdato", f"ugyldig dato {as_of_raw!r} (bruk ÅÅÅÅ-MM-DD)"))
        elif rows:
            as_of_raw = _clean("as_of", rows[0][1].get("registerdato"))
            try:
                as_of = as_of_raw if isinstance(as_of_raw, date) else date.fromisoformat(str(as_of_raw))
            except ValueError:
                as_of = None  # the row's own validation has reported it
    code = municipality.code if municipality is not None else _PLACEHOLDER_CODE
    extra = {"municipality_code": code}
    parsed: dict[str, list[tuple[int, Any]]] = {}
    for sheet in SHEETS[1:]:
        if sheet.name not in tables:
            parsed[sheet.name] = []
            continue
        sheet_source, sheet_headers, sheet_rows = tables[sheet.name]
        sheet_extra = extra if "municipality_code" in sheet.model.model_fields else {}
        validated = _validate_rows(sheet, sheet_source, sheet_headers, sheet_rows, sheet_extra, issues)
        parsed[sheet.name] = [(row_number, model) for row_number, model, _ in validated]
    source_of = {name: tables[name][0] for name in tables}
    # References are checked against every id present, valid row or not, so one bad row gives one error.
    office_ids, position_ids, physician_ids = (
        _raw_ids(tables.get(name)) for name in ("legekontor", "hjemler", "leger")
    )
    if "hjemler" in tables and "legekontor" in tables:
        _check_reference(
            parsed["hjemler"], "office_id", office_ids, source_of["hjemler"], "legekontor", "legekontor", issues
        )
    if "leger" in tables:
        _check_reference(parsed["leger"], "position_id", position_ids, source_of["leger"], "hjemmel", "hjemmel", issues)
    if "avtaler" in tables:
        _check_reference(
            parsed["avtaler"], "position_id", position_ids, source_of["avtaler"], "hjemmel", "hjemmel", issues
        )
        _check_reference(parsed["avtaler"], "physician_id", physician_ids, source_of["avtaler"], "lege", "lege", issues)
        _check_overlaps(parsed["avtaler"], source_of["avtaler"], issues)
    if "planlagte_hjemler" in tables:
        _check_reference(
            parsed["planlagte_hjemler"],
            "replaces",
            position_ids,
            source_of["planlagte_hjemler"],
            "erstatter",
            "hjemmel",
            issues,
        )
    if issues or municipality is None or as_of is None:
        raise RegisterImportError(issues or [ImportIssue(label, 2, None, "ugyldig kommune")])
    return Register(
        as_of=as_of,
        municipality=municipality,
        offices=tuple(m for _, m in parsed["legekontor"]),
        positions=tuple(m for _, m in parsed["hjemler"]),
        physicians=tuple(m for _, m in parsed["leger"]),
        agreements=tuple(m for _, m in parsed["avtaler"]),
        institutions=tuple(m for _, m in parsed["institusjoner"]),
        planned_positions=tuple(m for _, m in parsed["planlagte_hjemler"]),
    )


def register_warnings(register: Register) -> list[ImportIssue]:
    """What is allowed but worth a second look, per sheet and row: municipal hours above what a GP can be required
    to do (ASA 4310 § 10.1: 7,5 hours; more can be agreed)."""
    warnings = []
    limit = f"{MAX_GP_MUNICIPAL_HOURS:g}".replace(".", ",")
    for row, physician in enumerate(register.physicians, start=2):
        if physician.municipal_hours_above_duty:
            hours = f"{physician.municipal_duty_hours:g}".replace(".", ",")
            warnings.append(
                ImportIssue(
                    "leger",
                    row,
                    "kommunale_timer",
                    f"{physician.name}: {hours} timer per uke er mer enn de {limit} en fastlege kan pålegges "
                    "(ASA 4310 § 10.1); godtatt som avtalt",
                )
            )
    return warnings


# --- writing ---------------------------------------------------------------------------------------------------------


def _cell(field: str, value: Any, sheet: str = "") -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nei"
    display = _SHEET_DISPLAY.get(sheet, {}).get(field) or _DISPLAY.get(field)
    if display is not None:
        return display.get(str(value), str(value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def register_rows(register: Register) -> dict[str, list[list[Any]]]:
    """Rows (header first) for every sheet; the one table layout both writers share."""
    municipality = {**register.municipality.model_dump(), "as_of": register.as_of}
    sources: dict[str, list[Mapping[str, Any]]] = {
        "kommune": [municipality],
        "legekontor": [o.model_dump() for o in register.offices],
        "hjemler": [p.model_dump() for p in register.positions],
        "leger": [p.model_dump() for p in register.physicians],
        "avtaler": [a.model_dump() for a in register.agreements],
        "institusjoner": [i.model_dump() for i in register.institutions],
        "planlagte_hjemler": [p.model_dump() for p in register.planned_positions],
    }
    return {
        sheet.name: [
            [c.header for c in sheet.columns],
            *([_cell(c.field, row.get(c.field), sheet.name) for c in sheet.columns] for row in sources[sheet.name]),
        ]
        for sheet in SHEETS
    }


def _style_header(worksheet: Any) -> None:
    for cell in worksheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    worksheet.freeze_panes = "A2"
    for column in worksheet.columns:
        width = max(len(str(c.value or "")) for c in column) + 2
        worksheet.column_dimensions[column[0].column_letter].width = min(max(width, 10), 40)


def _add_guide(workbook: Workbook) -> None:
    guide = workbook.create_sheet("veiledning", 0)
    guide.append(["ark", "kolonne", "påkrevd", "beskrivelse"])
    for sheet in SHEETS:
        for column in sheet.columns:
            guide.append([sheet.name, column.header, "ja" if column.required else "", column.description])
    _style_header(guide)


def write_xlsx(register: Register | None, path: Path | str) -> Path:
    """The register as XLSX; with `register=None` an empty template with a guide sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    rows = register_rows(register) if register else {s.name: [[c.header for c in s.columns]] for s in SHEETS}
    if register is None:
        _add_guide(workbook)
    for name, table in rows.items():
        worksheet = workbook.create_sheet(name)
        for row in table:
            worksheet.append(row)
        text_cells(worksheet)
        _style_header(worksheet)
    path = Path(path)
    workbook.save(path)
    return path


def write_csv(register: Register, path: Path | str) -> Path:
    """The register as CSV files: into a .zip if `path` ends in .zip, else into the folder `path`."""
    path = Path(path)
    texts: dict[str, str] = {}
    for name, table in register_rows(register).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerows([["" if v is None else neutralise(v) for v in row] for row in table])
        texts[f"{name}.csv"] = buffer.getvalue()
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in texts.items():
                archive.writestr(name, text.encode("utf-8"))
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (path / name).write_text(text, encoding="utf-8")
    return path


WRITERS: dict[str, Callable[[Register, Path], Path]] = {".xlsx": write_xlsx, ".zip": write_csv}
