"""What each job kind does. Handlers run in the worker's child process, never in a web request.

A handler gets a `JobContext` (the job, the storage, `report(progress)` and `cancelled()`) and returns the job's result
as JSON-able data, or raises `JobFailure` with a Norwegian message.
"""

from __future__ import annotations

import base64
import io
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from legeplan.i18n import number, text
from legeplan.jobs.model import (
    MAX_COMPRESSION_RATIO,
    MAX_IMPORT_CELLS,
    MAX_IMPORT_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    JobCancelled,
    JobFailure,
)
from legeplan.storage.job_tables import JobRecord

if TYPE_CHECKING:
    from legeplan.report.document import PlanDocument
from legeplan.storage.repository import Storage


@dataclass
class JobContext:
    job: JobRecord
    storage: Storage
    report: Callable[[dict[str, Any]], None]
    cancel: threading.Event = field(default_factory=threading.Event)

    def cancelled(self) -> bool:
        return self.cancel.is_set()


Handler = Callable[[JobContext], Any]


# --- register import -------------------------------------------------------------------------------------------------


def _issue(source: str, message: str) -> dict[str, Any]:
    return {"source": source, "row": None, "column": None, "message": message}


def _count_stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, row_marker: bytes, cell_marker: bytes
) -> tuple[int, int]:
    """Rows and cells in one archive member, read in 1 MB pieces (never the whole member in memory)."""
    rows = cells = 0
    tail = b""
    with archive.open(info) as member:
        while chunk := member.read(1024 * 1024):
            block = tail + chunk
            rows += block.count(row_marker) - tail.count(row_marker)
            cells += block.count(cell_marker) - tail.count(cell_marker)
            tail = block[-16:]
    return rows, cells


def check_import_limits(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Problems with an upload's size before it is parsed: uncompressed size and ratio of zip members (zip bombs),
    and the number of rows and cells. An empty list means it may be parsed."""
    name = PurePath(filename).name
    suffix = PurePath(filename).suffix.lower()
    rows = cells = 0
    if suffix in (".xlsx", ".zip"):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            return []  # the parser reports a damaged file in its own words
        members = archive.infolist()
        total = sum(i.file_size for i in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            return [_issue(name, text("job.import.unpacked_too_large", limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024)))]
        for info in members:
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
                and (info.file_size > 1024 * 1024)
            ):
                return [_issue(f"{name}:{info.filename}", text("job.import.zip_bomb"))]
        for info in members:
            lower = info.filename.lower()
            if suffix == ".xlsx" and lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                r, c = _count_stream(archive, info, b"<row", b"<c ")
            elif suffix == ".zip" and lower.endswith(".csv"):
                r, c = _count_stream(archive, info, b"\n", b";")
                c += r
            else:
                continue
            rows, cells = rows + r, cells + c
    elif suffix == ".csv":
        rows = data.count(b"\n")
        cells = rows + max(data.count(b";"), data.count(b","))
    if rows > MAX_IMPORT_ROWS:
        return [_issue(name, text("job.import.too_many_rows", rows=number(rows), limit=number(MAX_IMPORT_ROWS)))]
    if cells > MAX_IMPORT_CELLS:
        return [_issue(name, text("job.import.too_many_cells", cells=number(cells), limit=number(MAX_IMPORT_CELLS)))]
    return []


def register_import(ctx: JobContext) -> dict[str, Any]:
    """Parse and check an uploaded register. Result: {"register": …} to preview, or {"issues": […]}. With
    payload "save" the register is stored at once (the API's one-step import) and the change audited."""
    from legeplan.register.io import RegisterImportError, parse_register

    payload = ctx.job.payload
    filename = str(payload["filename"])
    data = base64.b64decode(str(payload["data_b64"]))
    ctx.report({"percent": 5, "message": text("job.import.checking")})
    issues = check_import_limits(filename, data)
    if issues:
        return {"issues": issues}
    ctx.report({"percent": 20, "message": text("job.import.reading")})
    try:
        register = parse_register(filename, data=data)
    except RegisterImportError as error:
        return {"issues": [vars(issue) for issue in error.issues]}
    except ValueError as error:
        return {"issues": [_issue(filename, str(error))]}
    from legeplan.register.models import Register
    from legeplan.text_rules import clean_tree

    dump = register.model_dump(mode="json")
    cleaned, problems = clean_tree(dump)  # names never pass a form: the same text rules as every form field
    if problems:
        return {"issues": [{"source": filename, "row": None, "column": p, "message": m} for p, m in problems]}
    if cleaned != dump:  # text that was not NFC-normalised
        register = Register.model_validate(cleaned)
    allowed = payload.get("allowed_code")
    if allowed is not None and register.municipality.code != allowed:
        return {"issues": [_issue(filename, text("imp.out_of_scope", code=register.municipality.code))]}
    ctx.report({"percent": 90, "message": text("job.import.checked")})
    result: dict[str, Any] = {"register": register.model_dump(mode="json")}
    if payload.get("save"):
        from legeplan.storage.web_tables import WebStore

        before = None
        if register.as_of in ctx.storage.snapshot_dates(register.municipality.code):
            before = ctx.storage.load_register(register.municipality.code, register.as_of).model_dump(mode="json")
        ctx.storage.save_register(register)
        WebStore(ctx.storage).audit(
            ctx.job.owner,
            register.municipality.code,
            text("audit.action.imported"),
            f"register/{register.as_of}",
            before,
            result["register"],
        )
        result["saved"] = True
    return result


# --- rota solve ------------------------------------------------------------------------------------------------------


def rota_solve(ctx: JobContext) -> dict[str, Any]:
    """Solve a legevakt rota; progress after each better solution; the rota is stored under the job's id."""
    import time

    from legeplan.legevakt import Assignment, RotaProblem, SolveProgress, solve_rota
    from legeplan.storage.web_tables import WebStore

    payload = ctx.job.payload
    problem = RotaProblem.model_validate(payload["problem"])
    time_limit = float(payload["time_limit_s"])
    started = time.monotonic()
    last = 0.0

    def on_progress(progress: SolveProgress) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < 0.5:
            return
        last = now
        ctx.report(
            {
                "percent": min(99, int(100 * (now - started) / time_limit)),
                "tier": progress.tier,
                "tier_name": progress.tier_name,
                "solutions": progress.solutions,
                "elapsed_s": round(now - started, 1),
            }
        )

    ctx.report({"percent": 0, "elapsed_s": 0.0})
    fixed = [Assignment.model_validate(a) for a in payload.get("fixed", [])]
    solution = solve_rota(problem, time_limit_s=time_limit, progress=on_progress, cancel=ctx.cancel, fixed=fixed)
    if "period_id" in payload:
        return _store_period_solution(ctx, solution)
    WebStore(ctx.storage).save_rota(
        ctx.job.id,
        ctx.job.municipality_code or "",
        ctx.job.owner,
        solution.status,
        problem.model_dump_json(),
        solution.model_dump_json(),
    )
    return {"status": solution.status, "assignments": len(solution.assignments)}


def mail_send(ctx: JobContext) -> dict[str, Any]:
    """Send the queued (and retry the failed) e-mail of the outbox through the SMTP server of LEGEPLAN_SMTP_*."""
    from legeplan.notices import SmtpConfig, drain_outbox
    from legeplan.storage.rota_store import RotaStore

    result = drain_outbox(RotaStore(ctx.storage), SmtpConfig.from_env())
    return {"sent": result.sent, "failed": result.failed}


def _store_period_solution(ctx: JobContext, solution: Any) -> dict[str, Any]:
    """A legevakt period's solve (payload `period_id`, `expected_version`): the rota becomes the period's next
    version, unless the period changed while it was solved."""
    from legeplan.living_rota import LivingRotaError, store_solution
    from legeplan.storage.repository import VersionConflict
    from legeplan.storage.rota_store import RotaStore

    payload = ctx.job.payload
    try:
        version = store_solution(
            RotaStore(ctx.storage),
            int(payload["period_id"]),
            solution,
            ctx.job.owner,
            expected_version=int(payload["expected_version"]),
        )
    except VersionConflict as error:
        raise JobFailure(text("lv.conflict", current=error.current)) from error
    except LivingRotaError as error:
        raise JobFailure(str(error)) from error
    return {"status": solution.status, "assignments": len(solution.assignments), "version": version.number}


def rota_repair(ctx: JobContext) -> dict[str, Any]:
    """Repair a stored legevakt period after an absence (legeplan.living_rota.repair); the result lists the changes."""
    from datetime import date

    from legeplan.living_rota import LivingRotaError, repair
    from legeplan.storage.repository import VersionConflict
    from legeplan.storage.rota_store import RotaStore

    payload = ctx.job.payload
    ctx.report({"percent": 10, "message": text("lv.repairing")})
    try:
        version, result = repair(
            RotaStore(ctx.storage),
            int(payload["period_id"]),
            str(payload["doctor"]),
            date.fromisoformat(str(payload["from"])),
            date.fromisoformat(str(payload["to"])),
            ctx.job.owner,
            expected_version=int(payload["expected_version"]),
            why=str(payload.get("why", "")),
            time_limit_s=float(payload.get("time_limit_s", 20.0)),
        )
    except VersionConflict as error:
        raise JobFailure(text("lv.conflict", current=error.current)) from error
    except LivingRotaError as error:
        raise JobFailure(str(error)) from error
    return {
        "version": None if version is None else version.number,
        "changed_assignments": result.changed_assignments,
        "proven_minimal": result.proven_minimal,
        "changes": [c.model_dump(mode="json") for c in result.changes],
    }


# --- plan document ---------------------------------------------------------------------------------------------------

#: Format -> media type of the plan documents a report job makes.
REPORT_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}
#: Fixed seed so the plan's simulation gives the same figures on every run (as `legeplan report`).
REPORT_SEED = 2020


def report_file_name(code: str, fmt: str, internal: bool) -> str:
    return f"plan-for-legetjenesten-{code}-{'intern' if internal else 'offentlig'}.{fmt}"


def missing_sections(document: PlanDocument) -> dict[str, list[str]]:
    """Per chapter, the sections that got the «Mangler tekst» callout: neither the municipality's text nor data."""
    from legeplan.report.document import Callout

    return {
        chapter.id: [
            section.title
            for section in chapter.sections
            if any(isinstance(block, Callout) and block.title == "Mangler tekst" for block in section.blocks)
        ]
        for chapter in document.chapters
    }


def plan_report(ctx: JobContext) -> dict[str, Any]:
    """The municipality's Plan for legetjenesten from the database (register, stored text, høring comments) as PDF,
    DOCX or HTML, public or internal; the file is stored under the job's id (legeplan.storage.plan_texts)."""
    import tempfile
    from dataclasses import replace
    from datetime import date
    from pathlib import Path

    from legeplan.plan.text import PlanTextError
    from legeplan.report.build import build_plan
    from legeplan.report.inputs import simulate_from_register
    from legeplan.report.render import ReportRenderError, render
    from legeplan.report.stored import stored_inputs
    from legeplan.storage.plan_texts import plan_version, save_plan_document

    payload = ctx.job.payload
    code = ctx.job.municipality_code or ""
    fmt = str(payload.get("format", "pdf"))
    if fmt not in REPORT_FORMATS:
        raise JobFailure(text("job.report.bad_format", format=fmt))
    internal = bool(payload.get("internal", False))
    version = payload.get("version")
    runs = max(0, min(int(payload.get("simulation_runs", 1000)), 10_000))
    ctx.report({"percent": 2, "message": text("job.report.reading")})
    try:
        inputs = stored_inputs(
            ctx.storage, code, generated=date.today(), version=int(version) if version is not None else None
        )
    except LookupError as error:
        raise JobFailure(str(error)) from error
    if runs:
        ctx.report({"percent": 8, "message": text("job.report.simulating")})
        simulation = simulate_from_register(inputs.register, None, None, runs=runs, years=10, seed=REPORT_SEED)
        inputs = replace(inputs, simulation=simulation)
    inputs = replace(inputs, internal=internal)
    if ctx.cancelled():
        raise JobCancelled
    ctx.report({"percent": 20, "message": text("job.report.building")})
    try:
        document = build_plan(inputs)
    except PlanTextError as error:
        raise JobFailure(text("job.report.text_error", error=str(error))) from error

    def advance(step: int, total: int, message: str) -> None:
        if ctx.cancelled():
            raise JobCancelled
        ctx.report({"percent": 30 + int(65 * (step - 1) / max(total, 1)), "message": message})

    with tempfile.TemporaryDirectory(prefix="legeplan-report-") as folder:
        path = Path(folder) / f"plan.{fmt}"
        try:
            render(document, path, advance)
        except ReportRenderError as error:
            raise JobFailure(text("job.report.render_error", error=str(error))) from error
        content = path.read_bytes()
    name = report_file_name(code, fmt, internal)
    stored = plan_version(ctx.storage, code, int(version) if version is not None else None)
    text_version = stored.version if stored is not None else None
    save_plan_document(
        ctx.storage,
        ctx.job.id,
        code,
        created_by=ctx.job.owner,
        file_name=name,
        media_type=REPORT_FORMATS[fmt],
        internal=internal,
        text_version=text_version,
        content=content,
    )
    return {
        "file_name": name,
        "size": len(content),
        "missing": missing_sections(document),
        "format": fmt,
        "internal": internal,
        "chapters": len(document.chapters),
        "tables": len(document.tables()),
        "figures": len(document.figures()),
    }


HANDLERS: dict[str, Handler] = {
    "register_import": register_import,
    "rota_solve": rota_solve,
    "rota_repair": rota_repair,
    "mail_send": mail_send,
    "report": plan_report,
}


def _compute_handlers() -> dict[str, Handler]:
    from legeplan.jobs.compute import scenario_simulation, statistics_fetch

    return {"scenario_simulation": scenario_simulation, "statistics_fetch": statistics_fetch}


HANDLERS.update(_compute_handlers())


def handler_for(kind: str) -> Handler:
    try:
        return HANDLERS[kind]
    except KeyError as error:
        raise JobFailure(text("job.error.unknown_kind", kind=kind)) from error
