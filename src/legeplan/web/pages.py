"""Server-rendered pages (Jinja2 + htmx): dashboard, register CRUD and import, scenarios, legevakt, users, audit."""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import json
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from legeplan.capacity import EXAMPLES, ScenarioError, example_path, parse_scenario
from legeplan.figures import Comparison
from legeplan.i18n import text, validation_message
from legeplan.jobs import JobQueue
from legeplan.legevakt import RotaProblem, RotaSolution, example_problem, rota_csv, rota_ics
from legeplan.legevakt import write_xlsx as write_rota_xlsx
from legeplan.legevakt.io import problem_from_data
from legeplan.legevakt.register import problem_from_register
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.register.io import write_xlsx as write_register_xlsx
from legeplan.register.models import Register
from legeplan.safe_cells import neutralise
from legeplan.storage import RegisterNotFoundError, Storage
from legeplan.storage.audit_diff import flatten
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.repository import VersionConflict
from legeplan.storage.security_tables import AuditFilter
from legeplan.storage.web_tables import ROLES, AuditEntry, User, WebStore
from legeplan.web import views
from legeplan.web.auth import (
    LoginRequired,
    can_see,
    check_totp,
    checked_form,
    current_user,
    end_session,
    hash_password,
    pending_totp_user,
    require_role,
    require_scope,
    security_of,
    start_session,
    throttled_login,
    totp_matches,
    verify_password,
)
from legeplan.web.conflicts import SAVE_RETRIES, ConflictRow, conflict_rows, entity_version
from legeplan.web.forms import (
    ENTITY_KINDS,
    entity_id,
    error_field,
    form_fields,
    form_values,
    parse_entity,
    reference_errors,
    replace_entity,
    sentence,
)
from legeplan.web.inputs import InputError, clean_text, password_problem, username_problem
from legeplan.web.jobs import RotaJobs
from legeplan.web.listing import form_number, list_page, next_id, parse_query, read_form_number, reference_choices

router = APIRouter()
PENDING_IMPORT_TTL_S = 30 * 60
SCENARIO_FIELDS = (
    "positions",
    "average_list_length",
    "listed_patients",
    "free_places",
    "residents_listed_elsewhere",
    "guest_patients",
    "target_list_length",
    "target_free_share",
    "retirement_age",
)
INT_SCENARIO_FIELDS = frozenset(
    {"positions", "listed_patients", "free_places", "residents_listed_elsewhere", "guest_patients", "retirement_age"}
)


def storage_of(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def web_store(request: Request) -> WebStore:
    store: WebStore = request.app.state.web_store
    return store


def jobs_of(request: Request) -> RotaJobs:
    jobs: RotaJobs = request.app.state.rota_jobs
    return jobs


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Every page gets the user, the CSRF token, the string catalogue and the municipalities the user may see."""
    user: User | None = getattr(request.state, "user", None)
    municipalities = []
    if user is not None:
        municipalities = [m for m in storage_of(request).list_municipalities() if can_see(user, m.code)]
    named = next((m.name for m in municipalities if m.code == context.get("code")), "")
    if len(municipalities) == 1:
        named = municipalities[0].name  # e.g. /import for a user of one municipality
    if not context.get("code") and municipalities:
        context["code"] = municipalities[0].code  # keeps the municipality menu on pages like /import
    context.setdefault("title_place", named)
    flash = request.session.pop("flash", None)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request,
        template,
        {"user": user, "municipalities": municipalities, "flash": flash, **context},
        status_code=status_code,
    )
    return response


def redirect(url: str, flash: str | None = None, request: Request | None = None) -> RedirectResponse:
    if flash and request is not None:
        request.session["flash"] = flash
    return RedirectResponse(url, status_code=303)


def load_register_or_none(request: Request, code: str) -> Register | None:
    try:
        return storage_of(request).load_register(code)
    except RegisterNotFoundError:
        return None


def municipality_register(request: Request, user: User, code: str, role: str = "viewer") -> Register:
    require_scope(user, code, role)
    register = load_register_or_none(request, code)
    if register is None:
        raise HTTPException(status_code=404, detail=text("reg.none"))
    return register


def audit(request: Request, user: User, code: str | None, action: str, entity: str, before: Any, after: Any) -> None:
    web_store(request).audit(user.username, code, action, entity, before, after)


# --- login and home --------------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", error=None, username="")


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))
    try:
        user = throttled_login(request, username, str(form.get("password", "")))
    except HTTPException as error:
        return render(request, "login.html", status_code=error.status_code, error=error.detail, username=username)
    if user is None:
        return render(request, "login.html", status_code=400, error=text("login.failed"), username=username)
    if security_of(request).totp_secret(user.id) is not None:
        start_session(request, user, pending_totp=True)
        return redirect("/login/totp")
    start_session(request, user)
    return redirect("/")


@router.get("/login/totp", response_model=None)
def login_totp_page(request: Request) -> Response:
    if pending_totp_user(request) is None:
        return redirect("/login")
    return render(request, "login_totp.html", error=None)


@router.post("/login/totp", response_model=None)
async def login_totp(request: Request) -> Response:
    """The second step for users with two-factor login: the code from the authenticator app."""
    form = await checked_form(request)
    user = pending_totp_user(request)
    if user is None:
        return redirect("/login")
    try:
        right = check_totp(request, user, str(form.get("code", "")))
    except HTTPException as error:
        return render(request, "login_totp.html", status_code=error.status_code, error=error.detail)
    if not right:
        return render(request, "login_totp.html", status_code=400, error=text("totp.wrong"))
    start_session(request, user)
    return redirect("/")


@router.post("/logout")
async def logout(request: Request) -> RedirectResponse:
    await checked_form(request)
    user: User | None = None
    with contextlib.suppress(LoginRequired):
        user = current_user(request)
    end_session(request)
    if user is not None:
        audit(request, user, user.municipality_code, text("audit.action.logout"), f"user/{user.username}", None, None)
    return redirect("/login")


@router.get("/", response_model=None)
def home(request: Request, user: User = Depends(current_user)) -> Response:
    visible = [m for m in storage_of(request).list_municipalities() if can_see(user, m.code)]
    if len(visible) == 1:
        return redirect(f"/m/{visible[0].code}")
    return render(request, "home.html", visible=visible)


# --- dashboard -------------------------------------------------------------------------------------------------------


def _published_comparisons(storage: Storage, code: str) -> tuple[Comparison, ...]:
    """The municipality beside the county and the country from the statistics cache; empty when nothing is
    fetched (the database only, never the network)."""
    from legeplan.statistics.figures import plan_comparisons
    from legeplan.storage.statistics_tables import StatisticsStore

    return plan_comparisons(StatisticsStore(storage), code)


@router.get("/m/{code}", response_class=HTMLResponse)
def dashboard(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    storage = storage_of(request)
    register = load_register_or_none(request, code)
    if register is None:
        return render(request, "empty.html", code=code)
    dates = storage.snapshot_dates(code)
    earlier = [d for d in dates if d < register.as_of]
    previous = storage.load_register(code, earlier[-1]) if earlier else None
    figures, figure_views = views.dashboard(register, previous)
    capacity_svg, pyramid_svg = views.register_charts(register)
    projection_svg = None
    scenarios = web_store(request).scenarios(code)
    if scenarios:
        try:
            projection_svg = views.scenario_chart(scenarios[0].body, scenarios[0].name)
        except (ScenarioError, ValueError):
            projection_svg = None
    age_years = (date.today() - register.as_of).days // 365
    return render(
        request,
        "dashboard.html",
        comparisons=views.comparison_views(_published_comparisons(storage, code)),
        code=code,
        register=register,
        figures=figures,
        figure_views=figure_views,
        headline_views=[f for f in figure_views if f.headline],
        other_views=[f for f in figure_views if not f.headline],
        data_age_years=age_years,
        capacity_rows=views.capacity_table(register),
        pyramid_rows=views.pyramid_table(register),
        has_previous=previous is not None,
        capacity_svg=capacity_svg,
        pyramid_svg=pyramid_svg,
        projection_svg=projection_svg,
    )


# --- register CRUD ---------------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in ENTITY_KINDS:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return kind


@router.get("/m/{code}/register", response_class=HTMLResponse)
def register_page(
    request: Request, code: str, kind: str = "positions", user: User = Depends(current_user)
) -> HTMLResponse:
    register = municipality_register(request, user, code)
    kind = _kind(kind)
    fields = form_fields(kind)
    query = parse_query(request.query_params, fields)
    listing = list_page(register, kind, fields, query)
    return render(
        request,
        "register.html",
        code=code,
        register=register,
        kind=kind,
        kinds=list(ENTITY_KINDS),
        fields=fields,
        query=query,
        listing=listing,
        rows=listing.rows,
    )


@router.get("/m/{code}/register.xlsx")
def register_download(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    register = municipality_register(request, user, code)
    return _xlsx_response(lambda path: write_register_xlsx(register, path), f"register-{code}-{register.as_of}.xlsx")


def _xlsx_response(write: Any, filename: str) -> Response:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        write(path)
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _entity_form(
    request: Request,
    code: str,
    kind: str,
    old_id: str | None,
    values: dict[str, str],
    errors: dict[str, str],
    register: Register | None = None,
    status_code: int = 200,
    version: str | None = None,
    conflict: list[ConflictRow] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "entity_form.html",
        status_code=status_code,
        code=code,
        kind=kind,
        old_id=old_id,
        fields=form_fields(kind),
        values=values,
        errors=errors,
        references=reference_choices(register) if register is not None else {},
        new_id=next_id(register, kind) if old_id is None and register is not None else None,
        version=version,
        conflict=conflict or [],
    )


@router.get("/m/{code}/register/{kind}/new", response_class=HTMLResponse)
def entity_new(request: Request, code: str, kind: str, user: User = Depends(current_user)) -> HTMLResponse:
    register = municipality_register(request, user, code, "editor")
    return _entity_form(request, code, _kind(kind), None, {}, {}, register)


@router.get("/m/{code}/register/{kind}/{entity}/edit", response_class=HTMLResponse)
def entity_edit(
    request: Request, code: str, kind: str, entity: str, user: User = Depends(current_user)
) -> HTMLResponse:
    register = municipality_register(request, user, code, "editor")
    found = next((e for e in getattr(register, _kind(kind)) if entity_id(e) == entity), None)
    if found is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return _entity_form(request, code, kind, entity, form_values(found), {}, register, version=entity_version(found))


@dataclass(frozen=True)
class EntitySave:
    """What became of a register entity save: saved, invalid (errors by field) or conflict (the stored entity)."""

    outcome: str
    entity: BaseModel | None = None
    before: BaseModel | None = None
    errors: dict[str, str] = dataclass_field(default_factory=dict)
    current: BaseModel | None = None


def save_entity(
    request: Request, user: User, code: str, kind: str, old_id: str | None, form: Any, form_version: str | None
) -> EntitySave:
    """Validate and store one register entity, without losing anyone's update: the stored entity must still be at
    `form_version` (when given) and the register is written with a compare-and-set on its version; a save that came
    in between makes it check again against what is stored now."""
    storage = storage_of(request)
    existing: dict[str, BaseModel] = {}
    for _attempt in range(SAVE_RETRIES):
        # The version first, then the register: a save in between makes the compare-and-set fail, never pass.
        register_version = storage.register_version(code)
        register = municipality_register(request, user, code, "editor")
        entity, errors = parse_entity(kind, form, code)
        existing = {entity_id(e): e for e in getattr(register, kind)}
        if old_id is not None and old_id not in existing:
            raise HTTPException(status_code=404, detail=text("error.not_found"))
        if old_id is not None and form_version is not None and entity_version(existing[old_id]) != form_version:
            return EntitySave("conflict", current=existing[old_id])
        if entity is not None and entity_id(entity) != old_id and entity_id(entity) in existing:
            errors["id"] = text("error.exists")
        if entity is None or errors:
            return EntitySave("invalid", errors=errors)
        updated = replace_entity(register, kind, old_id, entity)
        if old_id is not None and updated == register:
            return EntitySave("unchanged", entity=entity)  # a save that changes nothing is not a change
        problems = reference_errors(updated)
        if problems:
            own = [p for p in problems if p.kind == kind and p.id == entity_id(entity)]
            field_errors = {p.field: p.message for p in own}
            others = [str(p) for p in problems if p not in own]
            if others:
                field_errors["__all__"] = "; ".join(others)
            return EntitySave("invalid", errors=field_errors)
        try:
            storage.save_register(updated, expected_version=register_version)
        except VersionConflict:
            continue  # another save came in between: check again against what is stored now
        before = existing[old_id] if old_id else None
        audit(
            request,
            user,
            code,
            text("audit.action.changed" if old_id else "audit.action.created"),
            f"{kind}/{entity_id(entity)}",
            before.model_dump(mode="json") if before is not None else None,
            entity.model_dump(mode="json"),
        )
        return EntitySave("saved", entity=entity, before=before)
    return EntitySave("conflict", current=existing.get(old_id) if old_id else None)


@router.post("/m/{code}/register/{kind}/save", response_model=None)
async def entity_save(request: Request, code: str, kind: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    kind = _kind(kind)
    old_id = str(form.get("old_id", "")) or None
    form_version = str(form.get("version", "")) or None
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    register = municipality_register(request, user, code, "editor")
    if old_id is None and not values.get("id", "").strip():
        values["id"] = next_id(register, kind)  # a new row gets the next free id; nobody has to invent one
    result = save_entity(request, user, code, kind, old_id, values, form_version)
    if result.outcome == "conflict":
        return _conflict(request, code, kind, old_id, result.current, values)
    if result.outcome == "invalid":
        return _entity_form(
            request, code, kind, old_id, values, result.errors, register, status_code=400, version=form_version
        )
    if result.outcome == "unchanged":
        return redirect(f"/m/{code}/register?kind={kind}", text("error.no_change"), request)
    shown = urlencode({"kind": kind, "q": entity_id(result.entity) if result.entity else "", "status": "all"})
    return redirect(f"/m/{code}/register?{shown}", text("reg.saved"), request)  # the saved row, found


def _conflict(
    request: Request, code: str, kind: str, old_id: str | None, theirs: Any, yours: dict[str, str]
) -> HTMLResponse:
    """409: the user's values stay in the form, beside what is stored now; saving again overwrites deliberately."""
    labels = {f.name: f.label for f in form_fields(kind)}
    stored = form_values(theirs) if theirs is not None else {}
    rows = [row for row in conflict_rows(labels, stored, yours) if row.differs]
    return _entity_form(
        request,
        code,
        kind,
        old_id,
        yours,
        {"__all__": text("conflict.help")},
        status_code=409,
        version=entity_version(theirs) if theirs is not None else None,
        conflict=rows,
    )


@router.post("/m/{code}/register/{kind}/{entity}/delete", response_model=None)
async def entity_delete(
    request: Request, code: str, kind: str, entity: str, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    kind = _kind(kind)
    storage = storage_of(request)
    for _attempt in range(SAVE_RETRIES):
        register_version = storage.register_version(code)
        register = municipality_register(request, user, code, "editor")
        existing = {entity_id(e): e for e in getattr(register, kind)}
        if entity not in existing:
            raise HTTPException(status_code=404, detail=text("error.not_found"))
        updated = replace_entity(register, kind, entity, None)
        problems = reference_errors(updated)
        if problems:
            request.session["flash"] = text("error.in_use", users=", ".join(p.id for p in problems))
            return redirect(f"/m/{code}/register?kind={kind}")
        try:
            storage.save_register(updated, expected_version=register_version)
        except VersionConflict:
            continue
        break
    else:
        return redirect(f"/m/{code}/register?kind={kind}", text("conflict.title"), request)
    audit(
        request,
        user,
        code,
        text("audit.action.deleted"),
        f"{kind}/{entity}",
        existing[entity].model_dump(mode="json"),
        None,
    )
    return redirect(f"/m/{code}/register?kind={kind}", text("reg.deleted"), request)


# --- import with preview (parsed by a job, never in the request) ------------------------------------------------------

IMPORT_KIND = "register_import"


def job_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.job_queue
    return queue


def _issue(source: str, message: str) -> dict[str, Any]:
    return {"source": source, "row": None, "column": None, "message": message}


def start_import(
    request: Request, user: User, filename: str, data: bytes, *, save: bool = False
) -> tuple[str | None, list[dict[str, Any]]]:
    """Queue the parsing of an upload as a job (nothing is parsed or written here); (job id, []) or (None, issues)."""
    if len(data) > MAX_IMPORT_BYTES:
        return None, [_issue(filename, text("error.too_large", limit=MAX_IMPORT_BYTES // 1024 // 1024))]
    payload = {
        "filename": filename,
        "data_b64": base64.b64encode(data).decode("ascii"),
        "allowed_code": user.municipality_code,
        "save": save,
    }
    job = job_queue(request).enqueue(IMPORT_KIND, user.username, user.municipality_code, payload)
    return job.id, []


def import_job(request: Request, user: User, job_id: str) -> JobRecord:
    """The user's own import job; 404 for anyone else's (its file may hold another municipality's physicians)."""
    job = job_queue(request).get(job_id)
    if job is None or job.kind != IMPORT_KIND or job.owner != user.username:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return job


def import_outcome(job: JobRecord) -> tuple[Register | None, list[dict[str, Any]]]:
    """(register to preview, []) or (None, issues) of a finished import job."""
    filename = str(job.payload.get("filename", ""))
    if job.state == "done" and isinstance(job.result, dict):
        if "register" in job.result:
            return Register.model_validate(job.result["register"]), []
        return None, list(job.result.get("issues", []))
    if job.state in ("failed", "cancelled"):
        return None, [_issue(filename, job.error or text(f"job.state.{job.state}"))]
    return None, []


def confirm_import(request: Request, user: User, token: str) -> Register | None:
    """Store the register a finished import job previewed (token = job id); None if expired or already saved."""
    job = job_queue(request).get(token)
    if job is None or job.kind != IMPORT_KIND or job.owner != user.username or job.state != "done":
        return None
    if not isinstance(job.result, dict) or job.result.get("saved") or "register" not in job.result:
        return None
    finished = job.finished_at or job.created_at
    if (datetime.now(UTC).replace(tzinfo=None) - finished).total_seconds() > PENDING_IMPORT_TTL_S:
        return None
    if not job_queue(request).store.amend_result(token, {**job.result, "saved": True}, unless_key="saved"):
        return None  # confirmed twice at once: only the first stores
    register = Register.model_validate(job.result["register"])
    storage = storage_of(request)
    before = None
    if register.as_of in storage.snapshot_dates(register.municipality.code):
        before = storage.load_register(register.municipality.code, register.as_of).model_dump(mode="json")
    storage.save_register(register)
    audit(
        request,
        user,
        register.municipality.code,
        text("audit.action.imported"),
        f"register/{register.as_of}",
        before,
        register.model_dump(mode="json"),
    )
    return register


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    require_role(user, "editor")
    return render(request, "import.html", issues=[], preview=None, token=None, error=None, job=None)


@router.get("/import/template.xlsx")
def import_template(request: Request, user: User = Depends(current_user)) -> Response:
    return _xlsx_response(lambda path: write_register_xlsx(None, path), "registermal.xlsx")


@router.post("/import", response_model=None)
async def import_upload(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "editor")
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return render(
            request,
            "import.html",
            status_code=400,
            issues=[],
            preview=None,
            token=None,
            error=text("imp.no_file"),
            job=None,
        )
    data = await upload.read(MAX_IMPORT_BYTES + 1)
    job_id, issues = start_import(request, user, upload.filename, data)
    if job_id is None:
        return render(
            request, "import.html", status_code=400, issues=issues, preview=None, token=None, error=None, job=None
        )
    return redirect(f"/import/{job_id}")


@router.get("/import/{job_id}", response_class=HTMLResponse)
def import_result(request: Request, job_id: str, user: User = Depends(current_user)) -> HTMLResponse:
    """The import's progress while the job runs; then its preview, or every problem found."""
    require_role(user, "editor")
    job = import_job(request, user, job_id)
    if not job.finished:
        return render(request, "import.html", issues=[], preview=None, token=None, error=None, job=job)
    register, issues = import_outcome(job)
    if register is None:
        return render(
            request, "import.html", status_code=400, issues=issues, preview=None, token=None, error=None, job=None
        )
    replaces = register.as_of in storage_of(request).snapshot_dates(register.municipality.code)
    return render(
        request,
        "import.html",
        issues=[],
        preview=register,
        token=job.id,
        replaces=replaces,
        figure_views=views.dashboard(register, None)[1],
        error=text("imp.expired") if isinstance(job.result, dict) and job.result.get("saved") else None,
        job=None,
    )


@router.get("/import/{job_id}/progress", response_model=None)
def import_progress(request: Request, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; sends the browser to the preview when the job is done."""
    job = import_job(request, user, job_id)
    if job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/import/{job_id}"})
    return render(request, "job_progress.html", job=job, poll_url=f"/import/{job_id}/progress")


@router.post("/import/confirm", response_model=None)
async def import_confirm(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "editor")
    register = confirm_import(request, user, str(form.get("token", "")))
    if register is None:
        return render(
            request,
            "import.html",
            status_code=400,
            issues=[],
            preview=None,
            token=None,
            error=text("imp.expired"),
            job=None,
        )
    return redirect(f"/m/{register.municipality.code}", text("imp.saved"), request)


# --- scenarios -------------------------------------------------------------------------------------------------------


def _scenario(request: Request, user: User, code: str, scenario_id: int, role: str = "viewer") -> Any:
    require_scope(user, code, role)
    # An id beyond the database's integer range is simply not found (SQLite would raise OverflowError).
    saved = web_store(request).scenario(scenario_id) if 0 < scenario_id < 2**63 else None
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return saved


@router.get("/m/{code}/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return render(
        request,
        "scenarios.html",
        code=code,
        scenarios=web_store(request).scenarios(code),
        deleted=web_store(request).scenarios(code, deleted=True) if user.role in ("editor", "admin") else [],
        examples=EXAMPLES,
        error=None,
    )


@router.post("/m/{code}/scenarios", response_model=None)
async def scenario_create(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_scope(user, code, "editor")
    example = str(form.get("example", ""))
    name = str(form.get("name", "")).strip()
    if example not in EXAMPLES or not name:
        error = text("error.choice") if example not in EXAMPLES else text("error.required")
        return render(
            request,
            "scenarios.html",
            status_code=400,
            code=code,
            scenarios=web_store(request).scenarios(code),
            examples=EXAMPLES,
            error=error,
        )
    body = tomllib.loads(example_path(example).read_text(encoding="utf-8"))
    register = load_register_or_none(request, code)
    if register is not None and form.get("from_register") == "1":
        # The register's hjemler, lists, ages and planned hjemler; the example gives projection and targets.
        from legeplan.capacity import scenario_from_register

        scenario = scenario_from_register(register, parse_scenario(body, source=example))
        body = scenario.model_dump(mode="json", exclude_none=True)
    body["name"] = name
    scenario_id = web_store(request).save_scenario(code, name, body)
    audit(request, user, code, text("audit.action.created"), f"scenario/{scenario_id}", None, body)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("scn.saved"), request)


@router.get("/m/{code}/scenarios/compare", response_class=HTMLResponse)
def scenario_compare(request: Request, code: str, a: int, b: int, user: User = Depends(current_user)) -> HTMLResponse:
    if a == b:
        require_scope(user, code)
        return render(
            request,
            "scenarios.html",
            status_code=400,
            code=code,
            scenarios=web_store(request).scenarios(code),
            examples=EXAMPLES,
            error=text("scn.same"),
        )
    runs = []
    for scenario_id in (a, b):
        saved = _scenario(request, user, code, scenario_id)
        scenario, result = views.run_scenario(saved.body, saved.name)
        runs.append((saved, scenario, result))
    rows_b = {r.year: r for r in runs[1][2].rows}
    pairs = [(r, rows_b[r.year]) for r in runs[0][2].rows if r.year in rows_b]
    (saved_a, _, result_a), (saved_b, _, result_b) = runs
    return render(
        request,
        "compare.html",
        code=code,
        runs=runs,
        pairs=pairs,
        chart=views.compare_chart(saved_a.name, result_a, saved_b.name, result_b),
        conclusion=views.compare_conclusion(saved_a.name, result_a, saved_b.name, result_b),
    )


@router.get("/m/{code}/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_result(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    saved = _scenario(request, user, code, scenario_id)
    try:
        scenario, result = views.run_scenario(saved.body, saved.name)
    except ScenarioError as error:
        return render(
            request,
            "scenario_edit.html",
            status_code=400,
            code=code,
            saved=saved,
            fields=SCENARIO_FIELDS,
            values=_scenario_values(saved.body),
            errors=scenario_errors(error),
        )
    return render(
        request,
        "scenario_result.html",
        code=code,
        saved=saved,
        scenario=scenario,
        result=result,
        chart=views.scenario_chart(saved.body, saved.name),
    )


def _form_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return form_number(value)
    return str(value)


def _scenario_values(body: dict[str, Any]) -> dict[str, str]:
    values = {f: _form_text(body.get(f)) for f in SCENARIO_FIELDS}
    values["name"] = str(body.get("name", ""))
    values["rounding"] = str(body.get("rounding", "nearest"))
    return values


def update_scenario_body(body: dict[str, Any], form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario with the posted fields; errors keyed by field, checked by the capacity engine's own model."""
    errors: dict[str, str] = {}
    updated = dict(body)
    name = str(form.get("name", "")).strip()
    if not name:
        errors["name"] = text("error.required")
    updated["name"] = name
    for field in SCENARIO_FIELDS:
        raw = read_form_number(str(form.get(field, "")))
        if raw == "":
            updated.pop(field, None)
            continue
        try:
            updated[field] = int(raw) if field in INT_SCENARIO_FIELDS else float(raw)
        except ValueError:
            errors[field] = text("error.integer" if field in INT_SCENARIO_FIELDS else "error.number")
    rounding = str(form.get("rounding", "nearest"))
    updated["rounding"] = rounding
    if not errors:
        try:
            parse_scenario(updated, source="skjema")
        except ScenarioError as error:
            errors.update(scenario_errors(error))
    return updated, errors


def scenario_errors(error: ScenarioError) -> dict[str, str]:
    """The capacity engine's complaint as Norwegian messages under the scenario form's fields."""
    names = {*SCENARIO_FIELDS, "rounding", "name"}
    cause = error.__cause__
    if not isinstance(cause, ValidationError):
        message = str(error).removeprefix("skjema: ")
        field = next((f for f in names if f in message), "__all__")
        return {field: sentence(message)}
    errors: dict[str, str] = {}
    for item in cause.errors():
        errors.setdefault(error_field(item, names), sentence(validation_message(item)))
    return errors


@router.get("/m/{code}/scenarios/{scenario_id}/edit", response_class=HTMLResponse)
def scenario_edit(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> HTMLResponse:
    saved = _scenario(request, user, code, scenario_id, "editor")
    return render(
        request,
        "scenario_edit.html",
        code=code,
        saved=saved,
        fields=SCENARIO_FIELDS,
        values={**_scenario_values(saved.body), "version": str(saved.version)},
        errors={},
    )


@router.post("/m/{code}/scenarios/{scenario_id}/edit", response_model=None)
async def scenario_save(request: Request, code: str, scenario_id: int, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    saved = _scenario(request, user, code, scenario_id, "editor")
    updated, errors = update_scenario_body(saved.body, form)
    if errors:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(
            request,
            "scenario_edit.html",
            status_code=400,
            code=code,
            saved=saved,
            fields=SCENARIO_FIELDS,
            values=values,
            errors=errors,
        )
    raw_version = str(form.get("version", "")).strip()
    expected = int(raw_version) if raw_version.isdigit() else None
    try:
        web_store(request).save_scenario(code, updated["name"], updated, scenario_id, expected_version=expected)
    except VersionConflict:
        current = _scenario(request, user, code, scenario_id, "editor")
        yours = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        theirs = _scenario_values(current.body)
        labels = {"name": text("scn.name"), **{f: text(f"scn.field.{f}") for f in SCENARIO_FIELDS}}
        return render(
            request,
            "scenario_edit.html",
            status_code=409,
            code=code,
            saved=current,
            fields=SCENARIO_FIELDS,
            values={**yours, "version": str(current.version)},
            errors={"__all__": text("conflict.help")},
            conflict=[row for row in conflict_rows(labels, theirs, yours) if row.differs],
        )
    audit(request, user, code, text("audit.action.changed"), f"scenario/{scenario_id}", saved.body, updated)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("scn.saved"), request)


@router.post("/m/{code}/scenarios/{scenario_id}/delete", response_model=None)
async def scenario_delete(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> Response:
    """Soft delete (editor): the scenario leaves the lists and can be restored under «Slettet»."""
    await checked_form(request)
    saved = _scenario(request, user, code, scenario_id, "editor")
    web_store(request).delete_scenario(scenario_id)
    audit(request, user, code, text("audit.action.deleted"), f"scenario/{scenario_id}", saved.body, None)
    return redirect(f"/m/{code}/scenarios", text("deleted.done"), request)


@router.post("/m/{code}/scenarios/{scenario_id}/restore", response_model=None)
async def scenario_restore(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> Response:
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).scenario(scenario_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).restore_scenario(scenario_id)
    audit(request, user, code, text("deleted.restore"), f"scenario/{scenario_id}", None, saved.body)
    return redirect(f"/m/{code}/scenarios/{scenario_id}", text("deleted.restored"), request)


# --- legevakt rota ---------------------------------------------------------------------------------------------------


def parse_problem_upload(filename: str, data: bytes) -> RotaProblem:
    """A rota problem from an uploaded TOML or JSON file; raises ValueError with a Norwegian message."""
    try:
        raw = json.loads(data) if filename.lower().endswith(".json") else tomllib.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{filename}: {error}") from error
    return problem_from_data(raw, filename)


def register_problem(register: Register) -> RotaProblem:
    """The shipped example's period and shift types, staffed by the register's legevakt doctors with their § 7
    facts: the same `legevakt.register.problem_from_register` the CLI's `legeplan rota problem -m` uses."""
    example = example_problem("small")
    return problem_from_register(
        register,
        example.start,
        example.end,
        shift_types=example.shift_types,
        name=text("rota.register_problem", name=register.municipality.name),
    )


def parse_time_limit(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if 1 <= value <= 600 else None


@router.get("/m/{code}/rota", response_class=HTMLResponse)
def rota_page(request: Request, code: str, user: User = Depends(current_user)) -> HTMLResponse:
    require_scope(user, code)
    return render(
        request,
        "rota.html",
        code=code,
        rotas=web_store(request).rotas(code),
        deleted=web_store(request).rotas(code, deleted=True) if user.role in ("editor", "admin") else [],
        errors={},
        values={"time_limit": "10", "source": "example"},
    )


@router.post("/m/{code}/rota", response_model=None)
async def rota_start(request: Request, code: str, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_scope(user, code, "editor")
    errors: dict[str, str] = {}
    time_limit = parse_time_limit(str(form.get("time_limit", "")))
    if time_limit is None:
        errors["time_limit"] = text("rota.time_limit_error")
    problem: RotaProblem | None = None
    if str(form.get("source", "example")) == "file":
        upload = form.get("problem_file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            errors["problem_file"] = text("imp.no_file")
        else:
            try:
                problem = parse_problem_upload(upload.filename, await upload.read(MAX_IMPORT_BYTES))
            except (ValueError, ValidationError) as error:
                errors["problem_file"] = text("rota.file_error", error=str(error))
    elif str(form.get("source")) == "register":
        register = load_register_or_none(request, code)
        if register is None:
            errors["source"] = text("reg.none")
        else:
            try:
                problem = register_problem(register)
            except ValidationError as error:
                errors["source"] = str(error)
    else:
        problem = example_problem("small")
    if errors or problem is None or time_limit is None:
        values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        return render(
            request,
            "rota.html",
            status_code=400,
            code=code,
            rotas=web_store(request).rotas(code),
            errors=errors,
            values=values,
        )
    job = jobs_of(request).start(code, user.username, problem, time_limit)
    audit(
        request,
        user,
        code,
        text("audit.action.rota_started"),
        f"rota/{job.id}",
        None,
        {"problem": problem.name, "time_limit_s": time_limit},
    )
    return redirect(f"/m/{code}/rota/{job.id}")


def _rota(request: Request, user: User, code: str, job_id: str) -> tuple[Any, RotaProblem | None, RotaSolution | None]:
    """(running job or None, problem, solution) from memory or, after a restart, from the database."""
    require_scope(user, code)
    job = jobs_of(request).get(job_id)
    if job is not None and job.municipality_code != code:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    saved = web_store(request).rota(job_id)
    if job is not None and (saved is None or not job.finished):
        return job, job.problem, None
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    problem = RotaProblem.model_validate_json(saved.problem_json)
    solution = RotaSolution.model_validate_json(saved.solution_json) if saved.solution_json else None
    return job, problem, solution


@router.get("/m/{code}/rota/{job_id}", response_class=HTMLResponse)
def rota_view(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> HTMLResponse:
    job, problem, solution = _rota(request, user, code, job_id)
    if job is not None and not job.finished:
        return render(request, "rota_job.html", code=code, job=job, problem=problem, solution=None, months=[])
    months = views.month_calendars(problem, solution.assignments) if problem and solution else []
    return render(
        request, "rota_job.html", code=code, job=job, job_id=job_id, problem=problem, solution=solution, months=months
    )


@router.get("/m/{code}/rota/{job_id}/progress", response_model=None)
def rota_progress(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; when the solve is done it sends the browser to the calendar."""
    job, _problem, _solution = _rota(request, user, code, job_id)
    if job is None or job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/m/{code}/rota/{job_id}"})
    return render(request, "rota_progress.html", code=code, job=job)


@router.post("/m/{code}/rota/{job_id}/cancel")
async def rota_cancel(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> RedirectResponse:
    await checked_form(request)
    require_scope(user, code, "editor")
    job, _p, _s = _rota(request, user, code, job_id)
    if job is not None:
        jobs_of(request).cancel(job_id)
        jobs_of(request).wait(job_id, 5)
    return redirect(f"/m/{code}/rota/{job_id}")


@router.post("/m/{code}/rota/{job_id}/delete", response_model=None)
async def rota_delete(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Soft delete of a finished rota (editor); restorable under «Slettet»."""
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).rota(job_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).delete_rota(job_id)
    audit(request, user, code, text("audit.action.deleted"), f"rota/{job_id}", {"status": saved.status}, None)
    return redirect(f"/m/{code}/rota", text("deleted.done"), request)


@router.post("/m/{code}/rota/{job_id}/restore", response_model=None)
async def rota_restore(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).rota(job_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).restore_rota(job_id)
    audit(request, user, code, text("deleted.restore"), f"rota/{job_id}", None, {"status": saved.status})
    return redirect(f"/m/{code}/rota/{job_id}", text("deleted.restored"), request)


@router.get("/m/{code}/rota/{job_id}/rota.{fmt}")
def rota_download(request: Request, code: str, job_id: str, fmt: str, user: User = Depends(current_user)) -> Response:
    _job, problem, solution = _rota(request, user, code, job_id)
    if problem is None or solution is None or fmt not in ("csv", "xlsx", "ics"):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    name = f"legevakt-{code}-{problem.start}"
    if fmt == "csv":
        return Response(
            rota_csv(problem, solution.assignments),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "ics":
        return Response(
            rota_ics(problem, solution.assignments),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.ics"'},
        )
    return _xlsx_response(lambda path: write_rota_xlsx(problem, list(solution.assignments), path), f"{name}.xlsx")


# --- jobs ----------------------------------------------------------------------------------------------------------


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Background jobs of the user's municipality (all for a user without one): state, progress, attempts, errors."""
    require_role(user, "editor")
    jobs = job_queue(request).store.recent(user.municipality_code, limit=100)
    return render(request, "jobs.html", jobs=jobs)


# --- users and audit -------------------------------------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    require_role(user, "admin")
    return render(request, "users.html", users=_visible_users(request, user), roles=ROLES, errors={}, values={})


def _visible_users(request: Request, admin: User) -> list[User]:
    return [
        u
        for u in web_store(request).list_users()
        if can_see(admin, u.municipality_code or "") or admin.municipality_code is None
    ]


def validate_new_user(request: Request, admin: User, form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    role = str(form.get("role", ""))
    code = str(form.get("municipality_code", "")).strip() or None
    problem = username_problem(username, [u.username for u in web_store(request).list_users()])
    if problem is not None:
        errors["username"] = problem
    weak = password_problem(password, username)
    if weak is not None:
        errors["password"] = weak
    if role not in ROLES:
        errors["role"] = text("error.choice")
    if admin.municipality_code is not None and code != admin.municipality_code:
        errors["municipality_code"] = text("error.forbidden")
    elif code is not None and code not in {m.code for m in storage_of(request).list_municipalities()}:
        errors["municipality_code"] = text("users.municipality_unknown")
    return {"username": username, "password": password, "role": role, "municipality_code": code}, errors


@router.post("/admin/users", response_model=None)
async def user_create(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "admin")
    values, errors = validate_new_user(request, user, form)
    if errors:
        shown = {k: str(v or "") for k, v in values.items() if k != "password"}
        return render(
            request,
            "users.html",
            status_code=400,
            users=_visible_users(request, user),
            roles=ROLES,
            errors=errors,
            values=shown,
        )
    created = web_store(request).add_user(
        values["username"], hash_password(values["password"]), values["role"], values["municipality_code"]
    )
    audit(
        request,
        user,
        created.municipality_code,
        text("audit.action.user_created"),
        f"user/{created.username}",
        None,
        {"username": created.username, "role": created.role, "municipality_code": created.municipality_code},
    )
    return redirect("/admin/users", text("users.created"), request)


def _managed_user(request: Request, admin: User, user_id: int) -> User:
    """A user the admin may manage; anyone else (or an id out of range) is not found."""
    target = web_store(request).get_user(user_id) if 0 < user_id < 2**31 else None
    if target is None or target not in _visible_users(request, admin):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return target


@router.post("/admin/users/{user_id}/delete", response_model=None)
async def user_delete(request: Request, user_id: int, user: User = Depends(current_user)) -> Response:
    await checked_form(request)
    require_role(user, "admin")
    target = _managed_user(request, user, user_id)
    if target.id == user.id:
        return redirect("/admin/users", text("users.not_self"), request)
    security_of(request).revoke_user_sessions(target.id)
    web_store(request).delete_user(user_id)
    audit(
        request,
        user,
        target.municipality_code,
        text("audit.action.user_deleted"),
        f"user/{target.username}",
        {"username": target.username, "role": target.role, "municipality_code": target.municipality_code},
        None,
    )
    return redirect("/admin/users", text("users.deleted"), request)


@router.post("/admin/users/{user_id}/role", response_model=None)
async def user_role(request: Request, user_id: int, user: User = Depends(current_user)) -> Response:
    """Change a user's role; the user's sessions end, so the new role applies from the next login."""
    form = await checked_form(request)
    require_role(user, "admin")
    target = _managed_user(request, user, user_id)
    role = str(form.get("role", ""))
    if target.id == user.id:
        return redirect("/admin/users", text("users.not_self_role"), request)
    if role not in ROLES:
        raise HTTPException(status_code=422, detail=text("error.choice"))
    if role == target.role:
        return redirect("/admin/users", text("error.no_change"), request)
    web_store(request).set_role(target.id, role)
    security_of(request).revoke_user_sessions(target.id)
    audit(
        request,
        user,
        target.municipality_code,
        text("audit.action.role_changed"),
        f"user/{target.username}",
        {"role": target.role},
        {"role": role},
    )
    return redirect("/admin/users", text("users.role_changed"), request)


def _account(request: Request, user: User, status_code: int = 200, **context: Any) -> HTMLResponse:
    enabled = security_of(request).totp_secret(user.id) is not None
    new_secret = request.session.get("totp_new")
    uri = None
    if new_secret and not enabled:
        import pyotp

        uri = pyotp.TOTP(str(new_secret)).provisioning_uri(name=user.username, issuer_name="legeplan")
    context.setdefault("errors", {})
    return render(
        request,
        "account.html",
        status_code=status_code,
        totp_enabled=enabled,
        totp_secret=new_secret,
        totp_uri=uri,
        **context,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    return _account(request, user)


@router.post("/account/totp/start", response_class=HTMLResponse)
async def account_totp_start(request: Request, user: User = Depends(current_user)) -> HTMLResponse:
    """Admins: a new TOTP secret, kept in the session until a code from the app confirms it."""
    import pyotp

    await checked_form(request)
    require_role(user, "admin")
    request.session["totp_new"] = pyotp.random_base32()
    return _account(request, user)


@router.post("/account/totp/confirm", response_model=None)
async def account_totp_confirm(request: Request, user: User = Depends(current_user)) -> Response:
    form = await checked_form(request)
    require_role(user, "admin")
    secret = request.session.get("totp_new")
    if not secret or not totp_matches(str(secret), str(form.get("code", ""))):
        return _account(request, user, status_code=400, errors={"code": text("totp.wrong")})
    security_of(request).set_totp_secret(user.id, str(secret))
    request.session.pop("totp_new", None)
    audit(request, user, user.municipality_code, text("audit.action.totp_enabled"), f"user/{user.username}", None, None)
    return redirect("/account", text("totp.enabled"), request)


@router.post("/account/totp/off", response_model=None)
async def account_totp_off(request: Request, user: User = Depends(current_user)) -> Response:
    """Turning two-factor login off needs the password."""
    form = await checked_form(request)
    if verify_password(web_store(request), user.username, str(form.get("current_password", ""))) is None:
        return _account(request, user, status_code=400, errors={"totp_password": text("account.wrong_password")})
    security_of(request).set_totp_secret(user.id, None)
    audit(
        request, user, user.municipality_code, text("audit.action.totp_disabled"), f"user/{user.username}", None, None
    )
    return redirect("/account", text("totp.disabled"), request)


@router.post("/account/password", response_model=None)
async def account_password(request: Request, user: User = Depends(current_user)) -> Response:
    """Change one's own password: the current one is required; every session of the user ends and this browser
    gets a new one."""
    form = await checked_form(request)
    errors: dict[str, str] = {}
    if verify_password(web_store(request), user.username, str(form.get("current_password", ""))) is None:
        errors["current_password"] = text("account.wrong_password")
    weak = password_problem(str(form.get("new_password", "")), user.username)
    if weak is not None:
        errors["new_password"] = weak
    if errors:
        return _account(request, user, status_code=400, errors=errors)
    web_store(request).set_password_hash(user.id, hash_password(str(form.get("new_password", ""))))
    security_of(request).revoke_user_sessions(user.id)
    start_session(request, user)
    audit(
        request,
        user,
        user.municipality_code,
        text("audit.action.password_changed"),
        f"user/{user.username}",
        None,
        None,
    )
    return redirect("/account", text("account.password_changed"), request)


AUDIT_PAGE_SIZE = 50


def _audit_filter(
    request: Request, user: User, who: str, action: str, q: str, since: date | None, until: date | None
) -> AuditFilter:
    for name, value in (("user", who), ("action", action), ("q", q)):
        try:
            clean_text(value, 200)
        except InputError as error:
            raise HTTPException(
                status_code=422, detail=text("error.bad_parameter", name=name, message=str(error))
            ) from error
    return AuditFilter(
        municipality_code=user.municipality_code,
        username=who.strip(),
        action=action.strip(),
        text=q.strip(),
        since=datetime.combine(since, datetime.min.time()) if since else None,
        until=datetime.combine(until + timedelta(days=1), datetime.min.time()) if until else None,
    )


def audit_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """An entry's changes as (field, before, after) rows with Norwegian field labels where the catalogue has them."""
    rows = []
    for path, before, after in flatten(entry.before, entry.after):
        prefix, _dot, last = path.rpartition(".")
        label = text(f"field.{last}")
        label = last if label == f"field.{last}" else label
        rows.append((f"{prefix} · {label}" if prefix else label, _audit_value(before), _audit_value(after)))
    return rows


def _audit_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: str = Query("", alias="user", max_length=200),
    action: str = Query("", max_length=200),
    q: str = Query("", max_length=200),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    page: int = Query(1, ge=1, le=100_000),
    user: User = Depends(current_user),
) -> HTMLResponse:
    """The audit log, newest first, 50 a page, filtered by user, action, text in «what» and date."""
    require_role(user, "admin")
    where = _audit_filter(request, user, who, action, q, since, until)
    entries, total = security_of(request).audit_page(where, (page - 1) * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE)
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    names = {m.code: m.name for m in storage_of(request).list_municipalities()}
    query = {"user": who, "action": action, "q": q, "from": since or "", "to": until or ""}
    return render(
        request,
        "audit.html",
        entries=[(e, audit_rows(e)) for e in entries],
        total=total,
        page=page,
        pages=pages,
        actions=security_of(request).audit_actions(),
        names=names,
        filters=query,
        query=urlencode({k: v for k, v in query.items() if v}),
    )


@router.get("/audit.csv")
def audit_download(
    request: Request,
    who: str = Query("", alias="user", max_length=200),
    action: str = Query("", max_length=200),
    q: str = Query("", max_length=200),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    user: User = Depends(current_user),
) -> Response:
    """The filtered audit log as CSV (at most 10 000 entries), formulas neutralised."""
    require_role(user, "admin")
    where = _audit_filter(request, user, who, action, q, since, until)
    entries, _total = security_of(request).audit_page(where, 0, 10_000)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["tidspunkt", "bruker", "kommune", "handling", "hva", "felt", "før", "etter"])
    for e in entries:
        for field, before, after in audit_rows(e) or [("", "", "")]:
            row = [e.at.isoformat(timespec="seconds"), e.username, e.municipality_code or "", e.action, e.entity]
            writer.writerow([neutralise(v) for v in [*row, field, before, after]])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="endringslogg.csv"'},
    )
