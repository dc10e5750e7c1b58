"""What every page module shares: the stores of the app, rendering with the user's context, redirects, audit."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from legeplan.i18n import text
from legeplan.jobs import JobQueue
from legeplan.register.models import Register
from legeplan.storage import RegisterNotFoundError, Storage
from legeplan.storage.web_tables import User, WebStore
from legeplan.web.auth import (
    can_see,
    require_scope,
)
from legeplan.web.jobs import RotaJobs


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


def job_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.job_queue
    return queue


def xlsx_response(write: Any, filename: str) -> Response:
    """An XLSX written by `write` to a temporary file, sent as a download."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        write(path)
        data = path.read_bytes()
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
