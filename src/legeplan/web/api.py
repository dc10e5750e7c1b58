"""REST API under /api (OpenAPI at /openapi.json, docs at /docs): the same session login, roles, scope and CSRF as the
pages, and the same engines. Writes need the X-CSRF-Token header returned by POST /api/login."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from legeplan.capacity import DimensioningResult, ScenarioError
from legeplan.i18n import text
from legeplan.legevakt import example_problem
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.register.models import Municipality, Register
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.repository import VersionConflict
from legeplan.storage.security_tables import AuditFilter
from legeplan.storage.web_tables import User
from legeplan.text_rules import InputError, clean_text
from legeplan.web import views
from legeplan.web.auth import (
    can_see,
    check_csrf,
    check_totp,
    current_user,
    end_session,
    require_role,
    require_scope,
    security_of,
    start_session,
    throttled_login,
)
from legeplan.web.conflicts import entity_version
from legeplan.web.forms import ENTITY_KINDS, entity_id
from legeplan.web.routes.common import job_queue, jobs_of, municipality_register, storage_of, web_store
from legeplan.web.routes.imports import import_job, start_import
from legeplan.web.routes.register import save_entity
from legeplan.web.routes.rota import register_problem, rota_of
from legeplan.web.routes.scenarios import scenario_of, update_scenario_body


class ValidationItem(BaseModel):
    loc: list[str | int]
    type: str
    msg: str = Field(description="Norwegian message")


class ErrorOut(BaseModel):
    """Every error answer of the API: a Norwegian sentence, FastAPI's list of bad parameters (Norwegian `msg`, no echo
    of the input) or one Norwegian message per bad field; an import adds its `issues`."""

    detail: str | list[ValidationItem] | dict[str, str]
    issues: list[dict[str, Any]] | None = None


class ConflictOut(BaseModel):
    """409: the record changed since the client read it; `current` is the stored one, `yours` what was sent."""

    detail: str
    current: dict[str, Any] | None
    yours: dict[str, Any]


#: Error answers every operation may give, all with Norwegian text (`ErrorOut`).
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body could not be read (bad JSON, encoding or form)"},
    401: {"model": ErrorOut, "description": "Not logged in, or wrong user name, password or code"},
    403: {"model": ErrorOut, "description": "Missing CSRF token, or the role does not allow it"},
    404: {"model": ErrorOut, "description": "No such record, or not in the user's municipality"},
    405: {"model": ErrorOut, "description": "Method not allowed"},
    413: {"model": ErrorOut, "description": "Body too large"},
    422: {"model": ErrorOut, "description": "Bad input; each message names the field"},
    429: {"model": ErrorOut, "description": "Too many failed logins; wait (Retry-After) and try again"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": ConflictOut, "description": "Stale `version`: someone else changed it since"}
}

router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=100)
    password: str = Field(max_length=256)
    totp: str | None = Field(default=None, max_length=10, description="Two-factor code, for users who turned it on")


class UserOut(BaseModel):
    username: str
    role: str
    municipality_code: str | None


class LoginResponse(BaseModel):
    csrf_token: str
    user: UserOut


class ScenarioOut(BaseModel):
    id: int
    name: str
    body: dict[str, Any]
    version: int = Field(default=1, description="Send it back in PATCH as `version`; a stale one gives 409")


#: The rota sources an API client may name. Never a path: the value only selects a shipped example by name.
RotaSource = Literal["small", "register"]


class RotaRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    example: RotaSource = Field(
        default="small", description="The shipped example problem 'small', or 'register' for the register's doctors"
    )
    time_limit_s: float = Field(default=10.0, ge=1, le=600)


class RotaJobOut(BaseModel):
    id: str
    status: str
    percent: int
    tier: int | None = None
    solutions: int | None = None
    assignments: int | None = None
    explanation: list[str] = []


class JobOut(BaseModel):
    id: str
    kind: str
    state: str = Field(description="queued, running, done, failed or cancelled")
    progress: dict[str, Any]
    result: Any = None
    error: str | None = None
    attempts: int
    status_url: str


def _job_out(job: JobRecord) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        progress=job.progress,
        result=job.result,
        error=job.error,
        attempts=job.attempts,
        status_url=f"/api/jobs/{job.id}",
    )


def _user_out(user: User) -> UserOut:
    return UserOut(username=user.username, role=user.role, municipality_code=user.municipality_code)


@router.post("/login", response_model=LoginResponse)
def api_login(request: Request, body: LoginRequest) -> LoginResponse:
    user = throttled_login(request, body.username, body.password)
    if user is None:
        raise HTTPException(status_code=401, detail=text("login.failed"))
    if not check_totp(request, user, body.totp or ""):
        raise HTTPException(status_code=401, detail=text("totp.missing"))
    return LoginResponse(csrf_token=start_session(request, user), user=_user_out(user))


@router.post("/logout", status_code=204)
def api_logout(request: Request, user: User = Depends(current_user)) -> None:
    """End the session: the token is revoked on the server, so a saved copy of the cookie no longer works."""
    check_csrf(request)
    end_session(request)
    web_store(request).audit(
        user.username, user.municipality_code, text("audit.action.logout"), f"user/{user.username}", None, None
    )


@router.get("/me", response_model=UserOut)
def me(user: User = Depends(current_user)) -> UserOut:
    return _user_out(user)


@router.get("/municipalities", response_model=list[Municipality])
def municipalities(request: Request, user: User = Depends(current_user)) -> list[Municipality]:
    return [m for m in storage_of(request).list_municipalities() if can_see(user, m.code)]


@router.get("/municipalities/{code}/register", response_model=Register)
def register(request: Request, code: str, user: User = Depends(current_user)) -> Register:
    """The newest register, physicians included: only for users of this municipality (or all municipalities)."""
    return municipality_register(request, user, code)


@router.get("/municipalities/{code}/key-figures")
def key_figures(request: Request, code: str, user: User = Depends(current_user)) -> dict[str, Any]:
    reg = municipality_register(request, user, code)
    return views.key_figures_json(views.dashboard(reg, None)[0])


@router.post("/register/import", status_code=202, response_model=JobOut)
async def import_register(request: Request, file: UploadFile = File(...), user: User = Depends(current_user)) -> Any:
    """Queue a register file for checking and storing (a job; the file is never parsed in the request). Poll
    `GET /api/jobs/{id}`: when done its result holds the stored register and `saved`, or `issues` (source, row,
    column, message) and nothing was written. 422 at once for a file over the size limit."""
    check_csrf(request)
    require_role(user, "editor")
    data = await file.read(MAX_IMPORT_BYTES + 1)
    job_id, issues = start_import(request, user, file.filename or "register.xlsx", data, save=True)
    if job_id is None:
        return JSONResponse({"detail": text("imp.errors", count=len(issues)), "issues": issues}, status_code=422)
    job = import_job(request, user, job_id)
    return _job_out(job)


@router.get("/jobs/{job_id}", response_model=JobOut)
def job_status(request: Request, job_id: str, user: User = Depends(current_user)) -> JobOut:
    """A job's state, progress and result (or Norwegian error): the user's own jobs, and an admin's municipality's."""
    job = job_queue(request).get(job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    own = job.owner == user.username
    if not own and not (user.role == "admin" and can_see(user, job.municipality_code or "")):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return _job_out(job)


class EntityOut(BaseModel):
    kind: str
    entity: dict[str, Any]
    version: str = Field(description="Send it back in PUT as `version`; a stale one gives 409")


def _entity_kind(kind: str) -> str:
    if kind not in ENTITY_KINDS:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return kind


@router.get("/municipalities/{code}/register/{kind}/{entity}", response_model=EntityOut)
def register_entity(
    request: Request, code: str, kind: str, entity: str, user: User = Depends(current_user)
) -> EntityOut:
    """One office, position, physician or institution of the newest register, with its version."""
    reg = municipality_register(request, user, code)
    found = next((e for e in getattr(reg, _entity_kind(kind)) if entity_id(e) == entity), None)
    if found is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    return EntityOut(kind=kind, entity=found.model_dump(mode="json"), version=entity_version(found))


@router.put(
    "/municipalities/{code}/register/{kind}/{entity}",
    response_model=EntityOut,
    responses=CONFLICT,
)
def register_entity_update(
    request: Request, code: str, kind: str, entity: str, body: dict[str, Any], user: User = Depends(current_user)
) -> Any:
    """Replace one register entity (same checks as the form); with `version` (from GET) a change made by someone
    else since is not overwritten: 409 with `current` and `yours`. 422 names each bad field."""
    check_csrf(request)
    kind = _entity_kind(kind)
    body = dict(body)
    version = body.pop("version", None)
    form = {k: form_values_of(v) for k, v in body.items()}
    result = save_entity(request, user, code, kind, entity, form, None if version is None else str(version))
    if result.outcome == "invalid":
        raise HTTPException(status_code=422, detail=result.errors)
    if result.outcome == "conflict" or result.entity is None:
        current = result.current
        message = text(
            "conflict.api",
            entity=f"{kind}/{entity}",
            expected=version,
            current=entity_version(current) if current is not None else "-",
        )
        return JSONResponse(
            {
                "detail": message,
                "current": None
                if current is None
                else EntityOut(
                    kind=kind, entity=current.model_dump(mode="json"), version=entity_version(current)
                ).model_dump(),
                "yours": body,
            },
            status_code=409,
        )
    saved = result.entity
    return EntityOut(kind=kind, entity=saved.model_dump(mode="json"), version=entity_version(saved))


def form_values_of(value: Any) -> str:
    """A JSON value as the string a form field would post."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@router.get("/municipalities/{code}/scenarios", response_model=list[ScenarioOut])
def scenarios(request: Request, code: str, user: User = Depends(current_user)) -> list[ScenarioOut]:
    require_scope(user, code)
    return [
        ScenarioOut(id=s.id, name=s.name, body=s.body, version=s.version) for s in web_store(request).scenarios(code)
    ]


@router.get("/municipalities/{code}/scenarios/{scenario_id}/result", response_model=DimensioningResult)
def scenario_result(
    request: Request, code: str, scenario_id: int, user: User = Depends(current_user)
) -> DimensioningResult:
    saved = scenario_of(request, user, code, scenario_id)
    try:
        return views.run_scenario(saved.body, saved.name)[1]
    except ScenarioError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error


@router.patch(
    "/municipalities/{code}/scenarios/{scenario_id}",
    response_model=ScenarioOut,
    responses=CONFLICT,
)
def scenario_update(
    request: Request, code: str, scenario_id: int, changes: dict[str, Any], user: User = Depends(current_user)
) -> Any:
    """Change scenario fields (same fields and checks as the edit form); 422 names each bad field. With `version`
    (from GET) the change is refused with 409, and the stored scenario, if someone else saved it since."""
    check_csrf(request)
    saved = scenario_of(request, user, code, scenario_id, "editor")
    changes = dict(changes)
    version = changes.pop("version", None)
    if version is not None and not isinstance(version, int):
        raise HTTPException(status_code=422, detail={"version": text("error.integer")})
    if len(changes) > 50:
        raise HTTPException(status_code=422, detail=text("error.bad_request"))
    for name, value in changes.items():
        try:
            clean_text(name, 100)
            if isinstance(value, str):
                changes[name] = clean_text(value, 200)
        except InputError as error:
            raise HTTPException(
                status_code=422, detail=text("error.bad_parameter", name=name[:40], message=str(error))
            ) from error
    form = {k: str(v) for k, v in {**saved.body, **changes}.items() if not isinstance(v, dict | list)}
    updated, errors = update_scenario_body(saved.body, form)
    if errors:
        raise HTTPException(status_code=422, detail=errors)
    try:
        web_store(request).save_scenario(code, updated["name"], updated, scenario_id, expected_version=version)
    except VersionConflict as conflict:
        current = scenario_of(request, user, code, scenario_id)
        message = text("conflict.api", entity=f"scenario/{scenario_id}", expected=version, current=conflict.current)
        return JSONResponse(
            {
                "detail": message,
                "current": ScenarioOut(
                    id=current.id, name=current.name, body=current.body, version=current.version
                ).model_dump(),
                "yours": changes,
            },
            status_code=409,
        )
    web_store(request).audit(user.username, code, "endret", f"scenario/{scenario_id}", saved.body, updated)
    stored = scenario_of(request, user, code, scenario_id)
    return ScenarioOut(id=scenario_id, name=updated["name"], body=updated, version=stored.version)


@router.post("/municipalities/{code}/rota", response_model=RotaJobOut, status_code=202)
def rota_start(request: Request, code: str, body: RotaRequest, user: User = Depends(current_user)) -> RotaJobOut:
    """Start a solve in the background; poll GET .../rota/{id}."""
    check_csrf(request)
    require_scope(user, code, "editor")
    try:
        if body.example == "register":
            problem = register_problem(municipality_register(request, user, code, "editor"))
        else:
            problem = example_problem(body.example)
    except KeyError as error:
        raise HTTPException(status_code=422, detail=str(error)) from error
    job = jobs_of(request).start(code, user.username, problem, body.time_limit_s)
    web_store(request).audit(user.username, code, "startet turnus", f"rota/{job.id}", None, body.model_dump())
    return RotaJobOut(id=job.id, status=job.status, percent=job.percent)


@router.get("/municipalities/{code}/rota/{job_id}", response_model=RotaJobOut)
def rota_status(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> RotaJobOut:
    job, _problem, solution = rota_of(request, user, code, job_id)
    status = job.status if job is not None else (solution.status if solution else "unknown")
    progress = job.progress if job is not None else None
    return RotaJobOut(
        id=job_id,
        status=status,
        percent=job.percent if job is not None else 100,
        tier=progress.tier if progress else None,
        solutions=progress.solutions if progress else None,
        assignments=len(solution.assignments) if solution else None,
        explanation=list(solution.explanation) if solution else ([job.error] if job is not None and job.error else []),
    )


@router.get("/audit")
def audit_log(
    request: Request,
    page: int = Query(1, ge=1, le=100_000),
    who: str = Query("", alias="user", max_length=200),
    action: str = Query("", max_length=200),
    user: User = Depends(current_user),
) -> list[dict[str, Any]]:
    """The audit log, newest first, 100 entries a page; changes are field-level (only what changed)."""
    require_role(user, "admin")
    where = AuditFilter(municipality_code=user.municipality_code, username=who.strip(), action=action.strip())
    entries, _total = security_of(request).audit_page(where, (page - 1) * 100, 100)
    return [
        {
            "at": e.at.isoformat(),
            "username": e.username,
            "municipality_code": e.municipality_code,
            "action": e.action,
            "entity": e.entity,
            "before": e.before,
            "after": e.after,
        }
        for e in entries
    ]
