"""What every page module shares: the stores of the app, rendering with the user's context, redirects, audit."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from legeplan.i18n import language, text
from legeplan.jobs import JobQueue
from legeplan.register.models import Register
from legeplan.storage import RegisterNotFoundError, Storage
from legeplan.storage.web_tables import User, WebStore
from legeplan.web.auth import (
    can_see,
    require_scope,
)
from legeplan.web.cache import VersionedCache
from legeplan.web.jobs import RotaJobs

#: The rendered main content (`{% block content %}`) of the busiest pages, per page, data version, municipality, role
#: and view (see `render_content_cached`). Bounded: a dashboard's content (with its SVG charts) is about 70 KB.
CONTENT_CACHE: VersionedCache[Markup] = VersionedCache(128)
#: Rendered main menus kept per app at most (see `menu_links`).
MENU_CACHE_SIZE = 2048


def storage_of(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def web_store(request: Request) -> WebStore:
    store: WebStore = request.app.state.web_store
    return store


def jobs_of(request: Request) -> RotaJobs:
    jobs: RotaJobs = request.app.state.rota_jobs
    return jobs


def menu_links(templates: Jinja2Templates) -> Callable[[str, str | None, str, bool], Markup]:
    """The layout's `menu_links(role, code, path, several)`: the main menu's links (templates/_menu.html) for a role,
    municipality and page, rendered once per those and the language and then reused (every page shows them; the
    per-user parts of the menu, name, unread count and CSRF token, stay in base.html)."""
    cache: dict[tuple[str, str | None, str, bool, str], Markup] = {}

    def links(role: str, code: str | None, path: str, several: bool) -> Markup:
        key = (role, code, path, several, language())
        found = cache.get(key)
        if found is None:
            template = templates.get_template("_menu.html")
            found = Markup(template.render(role=role, code=code, here=path, several=several))
            if len(cache) >= MENU_CACHE_SIZE:
                cache.clear()  # bounded: paths are few (ids in some make more), so start over when full
            cache[key] = found
        return found

    return links


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


def render_content_cached(
    request: Request,
    template: str,
    key: tuple[Hashable, ...],
    content: Callable[[], dict[str, Any]],
    **context: Any,
) -> HTMLResponse:
    """`render` with the page's main content (its `{% block content %}`) rendered once per `key` and reused: the
    layout around it (menu, user name, CSRF token, unread count, flash message) is rendered for every request.

    `key` must name everything the content shows that `context` and `content()` are computed from: the data version
    (e.g. `Storage.register_key`) and the view (query). The municipality, the user's role and the language are added
    here, so one municipality's or one role's content is never served to another. `content()` computes what only the
    content block needs; it runs only when the content is not cached. A save anywhere changes the data version and
    so the key; old entries are never served again and fall out of the bounded cache."""
    user: User | None = getattr(request.state, "user", None)
    role = user.role if user is not None else None
    full_key = (template, storage_of(request).url, context.get("code"), role, language(), *key)

    def compute() -> Markup:
        templates = request.app.state.templates
        page = templates.get_template(template)
        values = {"request": request, "user": user, "municipalities": [], "flash": None, **context, **content()}
        jinja_context = page.new_context(values)
        # The page's own top-level definitions (macros, sets) are made by its root function; run it, then the block.
        for _ in page.root_render_func(jinja_context):
            pass
        return Markup("".join(page.blocks["content"](jinja_context)))

    return render(request, template, cached_content=CONTENT_CACHE.get_or_compute(full_key, compute), **context)


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
    return municipality_register_keyed(request, user, code, role)[0]


def municipality_register_keyed(
    request: Request, user: User, code: str, role: str = "viewer"
) -> tuple[Register, tuple[object, ...]]:
    """`municipality_register` and its `Storage.register_key` (for `render_content_cached`)."""
    require_scope(user, code, role)
    try:
        return storage_of(request).load_register_keyed(code)
    except RegisterNotFoundError as missing:
        raise HTTPException(status_code=404, detail=text("reg.none")) from missing


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
