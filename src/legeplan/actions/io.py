"""Load and save action plans as TOML, JSON or XLSX (the format municipalities keep their tiltak in)."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from legeplan.actions.model import ActionPlan, CostKind
from legeplan.documents import check_size, read_document
from legeplan.i18n import validation_message
from legeplan.safe_cells import text_cells


class ActionPlanError(ValueError):
    """Bad action-plan file; the message names the file and, where it can, the sheet, row and field."""


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    return f"felt «{location}»: {validation_message(first)}" if location else validation_message(first)


def _validate(data: Any, origin: str) -> ActionPlan:
    try:
        return ActionPlan.model_validate(data)
    except ValidationError as error:
        raise ActionPlanError(f"{origin}: {_describe(error)}") from error


def parse_action_plan(data: Any, origin: str = "tiltaksplan") -> ActionPlan:
    """An action plan from already-decoded TOML/JSON data."""
    return _validate(data, origin)


def load_action_plan(path: Path) -> ActionPlan:
    """Read .toml, .json or .xlsx; nothing is returned on bad input, the error says where it is."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        if not path.is_file():
            raise ActionPlanError(f"{path}: filen finnes ikke")
        check_size(path, ActionPlanError)
        try:
            return _load_xlsx(path)
        except ActionPlanError:
            raise
        except Exception as error:  # a damaged sheet inside a valid zip: XML, zlib or openpyxl errors
            raise ActionPlanError(f"{path}: arbeidsboken er skadet og kan ikke leses") from error
    return _validate(read_document(path, ActionPlanError, other_suffixes=(".xlsx",)), str(path))


def _plain(plan: ActionPlan) -> dict[str, Any]:
    """JSON-mode dump without None values (TOML has no null)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if v is not None and v != []}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    result: dict[str, Any] = strip(plan.model_dump(mode="json"))
    return result


def save_action_plan(plan: ActionPlan, path: Path) -> None:
    """Write .json, .toml or .xlsx, chosen by the suffix; a missing folder or unwritable file is an ActionPlanError."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml", ".xlsx"):
        raise ActionPlanError(f"{path}: ukjent filtype «{suffix}», bruk .toml, .json eller .xlsx")
    if not path.parent.is_dir():
        raise ActionPlanError(f"{path}: mappen {path.parent} finnes ikke")
    if path.is_dir():
        raise ActionPlanError(f"{path}: er en mappe, ikke en fil")
    try:
        if suffix == ".json":
            path.write_text(json.dumps(_plain(plan), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif suffix == ".toml":
            path.write_text(_to_toml(_plain(plan)), encoding="utf-8")
        else:
            _save_xlsx(plan, path)
    except OSError as error:
        raise ActionPlanError(f"{path}: kan ikke skrives ({error.strerror})") from error


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _to_toml(data: dict[str, Any]) -> str:
    """Minimal TOML writer for the plan's shape: scalars, then arrays of tables with inline sub-tables."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, list)]
    for key in ("goals", "measures"):
        for row in data.get(key, []):
            lines.append(f"\n[[{key}]]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in row.items())
    return "\n".join(lines) + "\n"


PLAN_SHEET = "Plan"
GOAL_SHEET = "Styringsmål"
MEASURE_SHEET = "Tiltak"
PLAN_FIELDS = {"Tittel": "title", "Kommune": "municipality", "Periode": "period", "Kilde": "source", "Dato": "as_of"}
GOAL_COLUMNS = {"Nr.": "id", "Område": "area", "Styringsmål": "text"}
MEASURE_COLUMNS = {
    "Nr.": "number",
    "Styringsmål": "goal",
    "Tiltak": "title",
    "Ansvarlig": "responsible",
    "Frist": "deadline",
    "Kostnadstype": "cost.kind",
    "Beløp": "cost.amount",
    "Fra beløp": "cost.low",
    "Til beløp": "cost.high",
    "Per år": "cost.per_year",
    "Kostnad merknad": "cost.note",
    "Status": "status",
    "Oppfølging": "follow_up",
}
#: The «Kostnadstype» column in Norwegian; the English codes are accepted on import too.
COST_KIND_LABELS: dict[CostKind, str] = {
    CostKind.AMOUNT: "Beløp",
    CostKind.RANGE: "Intervall",
    CostKind.TO_BE_CALCULATED: "Må beregnes",
    CostKind.TO_BE_ASSESSED: "Utredes",
    CostKind.SELF_FINANCING: "Selvfinansierende",
    CostKind.STATE_FUNDED: "Statlig finansiering",
    CostKind.WITHIN_BUDGET: "Innarbeidet i budsjettrammen",
    CostKind.NONE: "Ingen",
    CostKind.OTHER: "Annet",
}
_COST_KIND_BY_LABEL = {label.casefold(): kind.value for kind, label in COST_KIND_LABELS.items()}


def _save_xlsx(plan: ActionPlan, path: Path) -> None:
    book = Workbook()
    info = book.active
    assert info is not None
    info.title = PLAN_SHEET
    for label, field in PLAN_FIELDS.items():
        value = getattr(plan, field)
        info.append([label, value.isoformat() if isinstance(value, date) else value])
    goals = book.create_sheet(GOAL_SHEET)
    goals.append(list(GOAL_COLUMNS))
    for goal in plan.goals:
        goals.append([goal.id, goal.area, goal.text])
    measures = book.create_sheet(MEASURE_SHEET)
    measures.append(list(MEASURE_COLUMNS))
    for m in plan.measures:
        follow = "\n".join(
            f"{f.date.isoformat()}: {f.note}" + (f" [{f.status}]" if f.status else "") for f in m.follow_up
        )
        measures.append(
            [
                m.number,
                m.goal,
                m.title,
                m.responsible,
                m.deadline,
                COST_KIND_LABELS[m.cost.kind],
                m.cost.amount,
                m.cost.low,
                m.cost.high,
                "ja" if m.cost.per_year else None,
                m.cost.note,
                str(m.status),
                follow or None,
            ]
        )
    for sheet, widths in ((goals, [6, 30, 80]), (measures, [6, 10, 70, 20, 16, 18, 12, 12, 12, 8, 30, 14, 40])):
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
    for sheet in book.worksheets:
        text_cells(sheet)
    book.save(path)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _follow_up(text: str, where: str) -> list[dict[str, Any]]:
    """Lines «YYYY-MM-DD: note [status]» from the Oppfølging cell."""
    items: list[dict[str, Any]] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        stamp, sep, note = line.partition(":")
        if not sep:
            raise ActionPlanError(f"{where}: oppfølging «{line}» mangler dato (skriv «ÅÅÅÅ-MM-DD: merknad»)")
        item: dict[str, Any] = {"date": stamp.strip(), "note": note.strip()}
        if note.rstrip().endswith("]") and "[" in note:
            body, _, status = note.rstrip()[:-1].rpartition("[")
            item.update(note=body.strip(), status=status.strip())
        items.append(item)
    return items


def _load_xlsx(path: Path) -> ActionPlan:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for broken files
        raise ActionPlanError(f"{path}: kan ikke leses som XLSX ({error})") from error
    missing = [name for name in (GOAL_SHEET, MEASURE_SHEET) if name not in book.sheetnames]
    if missing:
        raise ActionPlanError(f"{path}: mangler arket {', '.join(f'«{m}»' for m in missing)}")
    data: dict[str, Any] = {}
    if PLAN_SHEET in book.sheetnames:
        for row in book[PLAN_SHEET].iter_rows(values_only=True):
            if row and row[0] in PLAN_FIELDS and len(row) > 1 and _cell(row[1]) is not None:
                data[PLAN_FIELDS[str(row[0])]] = _cell(row[1])
    data["goals"] = _rows(path, book[GOAL_SHEET], GOAL_COLUMNS)
    measures = _rows(path, book[MEASURE_SHEET], MEASURE_COLUMNS)
    for index, measure in enumerate(measures, start=2):
        cost: dict[str, Any] = {}
        for key in [k for k in measure if k.startswith("cost.")]:
            cost[key.removeprefix("cost.")] = measure.pop(key)
        if isinstance(cost.get("kind"), str):
            cost["kind"] = _COST_KIND_BY_LABEL.get(cost["kind"].strip().casefold(), cost["kind"])
        if isinstance(cost.get("per_year"), str):
            cost["per_year"] = cost["per_year"].lower() in ("ja", "yes", "true", "x")
        measure["cost"] = {k: v for k, v in cost.items() if v is not None}
        if measure.get("follow_up"):
            measure["follow_up"] = _follow_up(str(measure["follow_up"]), f"{path}, ark «{MEASURE_SHEET}», rad {index}")
        else:
            measure.pop("follow_up", None)
        for key in ("number",):
            if isinstance(measure.get(key), float | int):
                measure[key] = str(measure[key])
    data["measures"] = measures
    try:
        return ActionPlan.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = first["loc"]
        if len(loc) >= 2 and loc[0] in ("goals", "measures") and isinstance(loc[1], int):
            sheet = GOAL_SHEET if loc[0] == "goals" else MEASURE_SHEET
            field = ".".join(str(p) for p in loc[2:])
            raise ActionPlanError(
                f"{path}: ark «{sheet}», rad {loc[1] + 2}, felt «{field}»: {validation_message(first)}"
            ) from error
        raise ActionPlanError(f"{path}: {_describe(error)}") from error


def _rows(path: Path, sheet: Any, columns: dict[str, str]) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise ActionPlanError(f"{path}: ark «{sheet.title}» har ukjente kolonner: {', '.join(unknown)}")
    result: list[dict[str, Any]] = []
    for row in rows:
        values = {columns[h]: _cell(v) for h, v in zip(header, row, strict=False) if h}
        if any(v is not None for v in values.values()):
            result.append({k: v for k, v in values.items() if v is not None or k.startswith("cost.")})
    return result


def example_action_plan() -> ActionPlan:
    """Sandefjord's section 8 «Mål og tiltak» (seed 001): 25 styringsmål and their tiltak."""
    text = resources.files("legeplan.actions").joinpath("data/sandefjord_tiltaksplan.json").read_text(encoding="utf-8")
    return parse_action_plan(json.loads(text), "sandefjord_tiltaksplan.json")
