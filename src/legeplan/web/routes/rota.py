"""«Prøv en turnus» under «Legevakter»: a one-off legevakt rota solve from the register, an example or a file, with
progress, result, downloads, delete/restore. Not a legevakt's period (those are `routes/legevakt.py`).

The pages live at `/legevakt/prov/{code}/…`; the old addresses `/m/{code}/rota/…` (bookmarks, links in sent e-mails,
the jobs list of an older version) answer with a permanent redirect (308, so a form post stays a post)."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from legeplan.i18n import text
from legeplan.legevakt import RotaProblem, RotaSolution, example_problem, rota_csv, rota_ics
from legeplan.legevakt import write_xlsx as write_rota_xlsx
from legeplan.legevakt.io import problem_from_data
from legeplan.legevakt.register import problem_from_register
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.register.models import Register
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import (
    checked_form,
    current_user,
    require_scope,
)
from legeplan.web.routes.common import (
    audit,
    jobs_of,
    load_register_or_none,
    redirect,
    render,
    web_store,
    xlsx_response,
)

router = APIRouter()


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


TRY_ROTA = "/legevakt/prov"


@router.api_route("/m/{code}/rota", methods=["GET", "POST"], include_in_schema=False)
@router.api_route("/m/{code}/rota/{rest:path}", methods=["GET", "POST"], include_in_schema=False)
def old_rota_address(request: Request, code: str, rest: str = "", user: User = Depends(current_user)) -> Response:
    """The one-off rota moved under «Legevakter»: the old address sends the browser on, query string kept."""
    require_scope(user, code)
    target = f"{TRY_ROTA}/{code}" + (f"/{rest}" if rest else "")
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(target, status_code=308)


@router.get("/legevakt/prov/{code}", response_class=HTMLResponse)
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


@router.post("/legevakt/prov/{code}", response_model=None)
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
    return redirect(f"/legevakt/prov/{code}/{job.id}")


def rota_of(
    request: Request, user: User, code: str, job_id: str
) -> tuple[Any, RotaProblem | None, RotaSolution | None]:
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


@router.get("/legevakt/prov/{code}/{job_id}", response_class=HTMLResponse)
def rota_view(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> HTMLResponse:
    job, problem, solution = rota_of(request, user, code, job_id)
    if job is not None and not job.finished:
        return render(request, "rota_job.html", code=code, job=job, problem=problem, solution=None, months=[])
    months = views.month_calendars(problem, solution.assignments) if problem and solution else []
    return render(
        request, "rota_job.html", code=code, job=job, job_id=job_id, problem=problem, solution=solution, months=months
    )


@router.get("/legevakt/prov/{code}/{job_id}/progress", response_model=None)
def rota_progress(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Polled by htmx every second; when the solve is done it sends the browser to the calendar."""
    job, _problem, _solution = rota_of(request, user, code, job_id)
    if job is None or job.finished:
        return Response(status_code=200, headers={"HX-Redirect": f"/legevakt/prov/{code}/{job_id}"})
    return render(request, "rota_progress.html", code=code, job=job)


@router.post("/legevakt/prov/{code}/{job_id}/cancel")
async def rota_cancel(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> RedirectResponse:
    await checked_form(request)
    require_scope(user, code, "editor")
    job, _p, _s = rota_of(request, user, code, job_id)
    if job is not None:
        jobs_of(request).cancel(job_id)
        jobs_of(request).wait(job_id, 5)
    return redirect(f"/legevakt/prov/{code}/{job_id}")


@router.post("/legevakt/prov/{code}/{job_id}/delete", response_model=None)
async def rota_delete(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    """Soft delete of a finished rota (editor); restorable under «Slettet»."""
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).rota(job_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is not None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).delete_rota(job_id)
    audit(request, user, code, text("audit.action.deleted"), f"rota/{job_id}", {"status": saved.status}, None)
    return redirect(f"/legevakt/prov/{code}", text("deleted.done"), request)


@router.post("/legevakt/prov/{code}/{job_id}/restore", response_model=None)
async def rota_restore(request: Request, code: str, job_id: str, user: User = Depends(current_user)) -> Response:
    await checked_form(request)
    require_scope(user, code, "editor")
    saved = web_store(request).rota(job_id)
    if saved is None or saved.municipality_code != code or saved.deleted_at is None:
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    web_store(request).restore_rota(job_id)
    audit(request, user, code, text("deleted.restore"), f"rota/{job_id}", None, {"status": saved.status})
    return redirect(f"/legevakt/prov/{code}/{job_id}", text("deleted.restored"), request)


@router.get("/legevakt/prov/{code}/{job_id}/rota.{fmt}")
def rota_download(request: Request, code: str, job_id: str, fmt: str, user: User = Depends(current_user)) -> Response:
    _job, problem, solution = rota_of(request, user, code, job_id)
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
    return xlsx_response(lambda path: write_rota_xlsx(problem, list(solution.assignments), path), f"{name}.xlsx")
