"""Register import with preview: the file is parsed by a job, never in the request; the user confirms."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from legeplan.i18n import text
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.register.io import write_xlsx as write_register_xlsx
from legeplan.register.models import Register
from legeplan.storage.job_tables import JobRecord
from legeplan.storage.web_tables import User
from legeplan.web import views
from legeplan.web.auth import (
    checked_form,
    current_user,
    require_role,
)
from legeplan.web.routes.common import (
    audit,
    job_queue,
    redirect,
    render,
    storage_of,
    xlsx_response,
)

router = APIRouter()
PENDING_IMPORT_TTL_S = 30 * 60


# --- import with preview (parsed by a job, never in the request) ------------------------------------------------------

IMPORT_KIND = "register_import"


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
    return xlsx_response(lambda path: write_register_xlsx(None, path), "registermal.xlsx")


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
