"""The FastAPI application factory: storage, sessions, templates, routers, error pages and the demo seed."""

from __future__ import annotations

import os
import re
import secrets
import threading
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from legeplan.capacity import example_path
from legeplan.i18n import choice_label, decimal, language, number, text, tier_label, validation_message
from legeplan.jobs import JobQueue
from legeplan.register.demo import demo_register
from legeplan.register.io import MAX_IMPORT_BYTES
from legeplan.register.models import Register
from legeplan.storage import Storage
from legeplan.storage.security_tables import SecurityStore
from legeplan.storage.web_tables import User, WebStore
from legeplan.web.auth import CSRF_HEADER, TOTP_PENDING, LoginRequired, csrf_token, hash_password, store_of
from legeplan.web.jobs import RotaJobs
from legeplan.web.routes.common import menu_links
from legeplan.web.security import (
    AuditMiddleware,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    ServerSessionMiddleware,
    SessionConfig,
    security_headers,
    session_state,
)
from legeplan.web.views import unreached_steps

WEB_DIR = Path(str(files("legeplan.web")))
DEMO_ADMIN = "admin"
#: Norwegian messages for the errors Starlette and FastAPI raise with their English reason phrase.
STATUS_MESSAGES = {
    400: "error.bad_request",
    401: "login.required",
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method_not_allowed",
    413: "error.body_too_large_plain",
    415: "error.bad_request",
    429: "login.locked",
    500: "error.internal",
}
#: English details FastAPI and Starlette raise themselves (not reason phrases): the body or multipart form parser's
#: messages, some with numbers in them («Too many fields. Maximum number of fields is 1000.»).
ENGLISH_DETAILS = re.compile(
    r"^(There was an error parsing the body|Missing boundary in multipart|Invalid multipart data|Field exceeded "
    r"maximum size|Part exceeded maximum size|Too many (fields|files)|The Content-Disposition header|Invalid HTTP)"
)


@dataclass(frozen=True)
class DemoCredentials:
    username: str
    password: str


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "application/json" in request.headers.get("accept", "")


def https_enabled(explicit: bool = False) -> bool:
    """HTTPS mode (Secure cookie, HSTS): the argument, or LEGEPLAN_HTTPS=1 in the environment."""
    return explicit or os.environ.get("LEGEPLAN_HTTPS", "").strip().lower() in ("1", "true", "ja", "yes")


def norwegian_detail(status: int, detail: Any) -> Any:
    """The error's own (Norwegian) detail, or a Norwegian sentence for Starlette's English reason phrases."""
    if isinstance(detail, str):
        try:
            english = HTTPStatus(status).phrase
        except ValueError:
            english = ""
        if detail in ("", english):
            return text(STATUS_MESSAGES.get(status, "error.bad_request"))
        if ENGLISH_DETAILS.match(detail):
            return text("error.bad_body")
    return detail


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's 422 list with each message in Norwegian (and no echo of the submitted input)."""
    return [
        {"loc": list(item.get("loc", ())), "type": item.get("type", ""), "msg": validation_message(item)}
        for item in exc.errors()
    ]


def bad_parameters(exc: RequestValidationError) -> str:
    """'Ugyldig verdi for «b»: Må være et heltall.' for each bad parameter of a request."""
    messages = []
    for item in exc.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "path", "body", "header")]
        name = ".".join(location) or "?"
        messages.append(text("error.bad_parameter", name=name, message=validation_message(item)))
    return " ".join(messages) or text("error.bad_request")


#: The demo's invented earlier register version, so a new user sees trend arrows on the dashboard.
DEMO_EARLIER_AS_OF = date(2019, 2, 1)


def demo_earlier_snapshot(register: Register) -> Register:
    """The demo register 18 months earlier, made up for the demo: 1.5 % fewer inhabitants and patients on the lists,
    the hjemler unchanged (so some key figures move, others stay)."""
    municipality = register.municipality.model_copy(
        update={"population": round(register.municipality.population * 0.985), "population_date": date(2019, 1, 1)}
    )
    positions = tuple(
        p.model_copy(update={"listed_patients": round(p.listed_patients * 0.985)}) for p in register.positions
    )
    return register.model_copy(
        update={"as_of": DEMO_EARLIER_AS_OF, "municipality": municipality, "positions": positions}
    )


def seed_demo_plan_text(storage: Storage, code: str) -> None:
    """The demo's example plan text (legeplan/plan/demo) as version 1, so the plan pages show a complete example."""
    from legeplan.plan.text import demo_text_folder, read_text_folder
    from legeplan.storage.plan_texts import plan_version, save_plan_text

    if plan_version(storage, code) is None:
        source = read_text_folder(demo_text_folder())
        save_plan_text(storage, code, {chapter_id: file.text for chapter_id, file in source.files.items()}, "demo")


def seed_demo(storage: Storage, store: WebStore, password: str | None = None) -> DemoCredentials | None:
    """The shipped demo municipality, two scenarios and a demo admin; does nothing if the admin already exists."""
    register = demo_register()
    code = register.municipality.code
    if code not in {m.code for m in storage.list_municipalities()}:
        storage.save_register(demo_earlier_snapshot(register))
        storage.save_register(register)
    if not store.scenarios(code):
        body = tomllib.loads(example_path("sandefjord").read_text(encoding="utf-8"))
        store.save_scenario(code, str(body["name"]), body)
        faster = dict(body, name="Sandefjord, mål 1 000 på lista", target_list_length=1000)
        faster.pop("target_free_share", None)
        store.save_scenario(code, str(faster["name"]), faster)
    seed_demo_plan_text(storage, code)
    if store.user_with_hash(DEMO_ADMIN) is not None:
        return None
    password = password or secrets.token_urlsafe(12)
    store.add_user(DEMO_ADMIN, hash_password(password), "admin", None)
    store.audit(
        "system", None, text("audit.action.user_created"), f"user/{DEMO_ADMIN}", None, {"role": "admin", "demo": True}
    )
    return DemoCredentials(DEMO_ADMIN, password)


def _in_process_jobs(storage: Storage, wanted: bool | None) -> bool:
    """Run jobs in this process? Default: yes on SQLite; on PostgreSQL only with LEGEPLAN_WEB_WORKER=1 (normally
    `legeplan worker` processes run them)."""
    if wanted is not None:
        return wanted
    setting = os.environ.get("LEGEPLAN_WEB_WORKER", "").strip().lower()
    if setting in ("1", "true", "yes", "ja"):
        return True
    if setting in ("0", "false", "no", "nei"):
        return False
    return storage.engine.dialect.name == "sqlite"


def create_app(
    database_url: str | None = None,
    *,
    secret_key: str | None = None,
    demo: bool = False,
    demo_password: str | None = None,
    https_only: bool = False,
    session_idle: timedelta = timedelta(hours=2),
    session_absolute: timedelta = timedelta(hours=10),
    in_process_jobs: bool | None = None,
) -> FastAPI:
    """The whole web app on `database_url` (default: LEGEPLAN_DATABASE_URL or the embedded SQLite file)."""
    from legeplan.web import api
    from legeplan.web.routes import (
        account,
        audit,
        dashboard,
        doctor,
        imports,
        jobs,
        legevakt,
        plan,
        region,
        register,
        rota,
        scenarios,
        session,
        statistics,
        users,
    )

    storage = Storage(database_url)
    store = WebStore(storage)
    app = FastAPI(
        title="legeplan",
        description="Plan for legetjenesten: register, nøkkeltall, scenarier og legevaktturnus. "
        "Logg inn med POST /api/login; skriveoperasjoner krever X-CSRF-Token.",
        version="0.1.0",
        docs_url=None,  # served below with Swagger UI from /static, so /docs works without internet
        redoc_url=None,
    )
    app.state.storage = storage
    app.state.web_store = store
    app.state.job_queue = JobQueue(storage, in_process=_in_process_jobs(storage, in_process_jobs))
    app.state.rota_jobs = RotaJobs(app.state.job_queue)
    security = SecurityStore(storage)
    app.state.security_store = security
    https = https_enabled(https_only)
    app.state.session_config = SessionConfig(idle=session_idle, absolute=session_absolute, secure=https)
    app.state.demo_credentials = seed_demo(storage, store, demo_password) if demo else None

    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.globals["t"] = text
    templates.env.globals["lang"] = language()
    templates.env.globals["choice_label"] = choice_label
    templates.env.globals["decimal"] = decimal
    templates.env.globals["number"] = number
    templates.env.globals["tier_label"] = tier_label
    templates.env.globals["unreached_steps"] = unreached_steps
    templates.env.globals["csrf_token"] = csrf_token
    templates.env.globals["csrf_header"] = CSRF_HEADER
    templates.env.globals["inbox_unread"] = doctor.unread_for
    templates.env.globals["menu_links"] = menu_links(templates)
    app.state.templates = templates

    # Outermost last: headers on every answer, then body limits, then the session, then the audit of the request.
    app.add_middleware(AuditMiddleware, store=store)
    app.add_middleware(ServerSessionMiddleware, store=security, config=app.state.session_config)
    app.add_middleware(BodyLimitMiddleware, upload_limit=MAX_IMPORT_BYTES)
    app.add_middleware(SecurityHeadersMiddleware, https=https)
    del secret_key  # sessions are server-side now; kept in the signature for callers that still pass one

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": text("login.required")}, status_code=401)
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = norwegian_detail(exc.status_code, exc.detail)
        if _wants_json(request):
            return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
        return _error_page(request, exc.status_code, detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        """Bad parameters or body: the API gets FastAPI's 422 list with Norwegian messages, pages the error page."""
        if _wants_json(request):
            return JSONResponse({"detail": validation_errors(exc)}, status_code=422)
        return _error_page(request, 422, bad_parameters(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, _exc: Exception) -> Response:
        """An unexpected error: a Norwegian message, no stack trace. This handler runs outside the middleware, so it
        sets the security headers itself."""
        headers = security_headers(https)
        if _wants_json(request):
            return JSONResponse({"detail": text("error.internal")}, status_code=500, headers=headers)
        return _error_page(request, 500, text("error.internal"), headers)

    def _error_page(request: Request, status: int, message: Any, headers: Any = None) -> Response:
        user: User | None = getattr(request.state, "user", None)
        if user is None:
            # Errors raised before the login dependency ran (bad query parameters): still show the user's menu.
            state = session_state(request.scope)
            record = state.record if state is not None else None
            live = record is not None and not record.data.get(TOTP_PENDING)
            user = store_of(request).get_user(record.user_id) if record is not None and live else None
        return templates.TemplateResponse(
            request,
            "error.html",
            {"user": user, "municipalities": [], "flash": None, "status": status, "message": message},
            status_code=status,
            headers=dict(headers) if headers else None,
        )

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> Response:
        """Swagger UI from /static; its start-up script is a static file too, so the CSP needs no inline script."""
        return HTMLResponse(
            '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
            f"<title>{app.title} – API</title>"
            '<link rel="stylesheet" href="/static/swagger/swagger-ui.css">'
            '<link rel="icon" href="/static/favicon.svg"></head><body><div id="swagger-ui"></div>'
            '<script src="/static/swagger/swagger-ui-bundle.js"></script>'
            f'<script src="/static/swagger-init.js" data-openapi="{app.openapi_url or "/openapi.json"}"></script>'
            "</body></html>"
        )

    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    for area in (
        session,
        dashboard,
        register,
        imports,
        scenarios,
        rota,
        jobs,
        users,
        account,
        audit,
        region,
        statistics,
        legevakt,
        doctor,
        plan,
    ):
        app.include_router(area.router)
    app.include_router(api.router)

    # The dashboard's charts need matplotlib, seconds to import on a busy machine: import it beside start-up (a
    # daemon thread), not inside the first user's request.
    threading.Thread(target=_import_charts, name="legeplan-preload", daemon=True).start()
    return app


def _import_charts() -> None:
    import legeplan.report.charts  # noqa: F401
