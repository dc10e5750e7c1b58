"""ASGI middleware for the web app's security: server-side sessions, security headers, request body limits and the
audit of reads, downloads, denials and rejected input.

* Sessions: the cookie ``legeplan_session`` holds only a random token (``secrets.token_urlsafe(32)``); the session
  (user, CSRF token, flash message, times) lives in the ``web_session`` table. `request.session` is that session's
  data, so routes use it as before; `legeplan.web.auth.start_session`/`end_session` log in and out.
* Headers: a Content-Security-Policy without ``'unsafe-inline'`` for scripts (every script is a static file),
  ``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``Cache-Control: no-store``
  for everything but static files, and HSTS when the app runs behind HTTPS (``LEGEPLAN_HTTPS=1``).
* Bodies: JSON and form bodies above 1 MB, uploads above the import limit and JSON nested deeper than 20 levels are
  refused with a Norwegian message before any route parses them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection

from legeplan.i18n import text
from legeplan.storage.security_tables import SecurityStore, SessionRecord
from legeplan.storage.web_tables import User, WebStore
from legeplan.web.inputs import MAX_JSON_DEPTH

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "legeplan_session"
STATE_KEY = "legeplan.session"
MAX_BODY_BYTES = 1024 * 1024
#: Longest token accepted from a cookie (token_urlsafe(32) is 43 characters).
MAX_TOKEN_LENGTH = 100

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Inline SVG charts from matplotlib carry style attributes and <style> elements; no scripts run from them.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


@dataclass(frozen=True)
class SessionConfig:
    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=10)
    secure: bool = False
    #: last_seen is written at most this often, so polling pages do not write on every request.
    touch_after: timedelta = timedelta(seconds=30)


@dataclass
class SessionState:
    """The request's session: the live record (None when not logged in) and what login/logout did to it."""

    token: str | None
    record: SessionRecord | None
    original: dict[str, Any] = field(default_factory=dict)
    new_token: str | None = None
    ended: bool = False


def session_state(scope: Scope) -> SessionState | None:
    state = scope.get(STATE_KEY)
    return state if isinstance(state, SessionState) else None


def _cookie(name: str, value: str, max_age: int, secure: bool) -> str:
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class ServerSessionMiddleware:
    """Loads the session named by the cookie from the database and saves its data after the route ran."""

    def __init__(self, app: ASGIApp, store: SecurityStore, config: SessionConfig) -> None:
        self.app = app
        self.store = store
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
        record = None
        if token and len(token) <= MAX_TOKEN_LENGTH:
            record = await run_in_threadpool(self.store.load_session, token, self.config.idle, self.config.touch_after)
        data = dict(record.data) if record is not None else {}
        state = SessionState(token if record is not None else None, record, dict(data))
        scope["session"] = data
        scope[STATE_KEY] = state
        stale_cookie = token is not None and record is None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                current = scope["session"]
                if state.new_token is not None:
                    if current != state.original:
                        await run_in_threadpool(self.store.save_session_data, state.new_token, dict(current))
                    max_age = int(self.config.absolute.total_seconds())
                    headers.append("Set-Cookie", _cookie(SESSION_COOKIE, state.new_token, max_age, self.config.secure))
                elif state.ended or stale_cookie:
                    headers.append("Set-Cookie", _cookie(SESSION_COOKIE, "", 0, self.config.secure))
                elif state.token is not None and current != state.original:
                    await run_in_threadpool(self.store.save_session_data, state.token, dict(current))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def security_headers(https: bool, *, static: bool = False) -> dict[str, str]:
    """The headers every answer carries (static files may be cached; everything else may not)."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if not static:
        headers["Cache-Control"] = "no-store"
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(self.https, static=static).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def json_depth(body: bytes) -> int:
    """How deeply a JSON document nests arrays and objects, counted without parsing (brackets in strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
    path = str(scope.get("path", ""))
    accept = HTTPConnection(scope).headers.get("accept", "")
    if path.startswith("/api") or "application/json" in accept:
        body = json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8")
        content_type = b"application/json"
    else:
        escaped = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = (
            f'<!doctype html><html lang="nb"><meta charset="utf-8"><title>{status}</title>'
            f"<h1>{status}</h1><p>{escaped}</p></html>"
        ).encode()
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuses over-large bodies (413) and deeply nested JSON (422) before a route reads them."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = HTTPConnection(scope).headers
        content_type = headers.get("content-type", "")
        multipart = content_type.startswith("multipart/")
        limit = self.upload_limit + 64 * 1024 if multipart else MAX_BODY_BYTES
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _refuse(scope, send, 413, text("error.body_too_large", limit=_megabytes(limit)))
            return
        if multipart:
            await self.app(scope, _counting(receive, limit), send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _refuse(scope, send, 413, text("error.body_too_large", limit=_megabytes(limit)))
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if "json" in content_type and json_depth(body) > MAX_JSON_DEPTH:
            await _refuse(scope, send, 422, text("error.json_too_deep", limit=MAX_JSON_DEPTH))
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _megabytes(limit: int) -> str:
    return f"{limit / 1024 / 1024:.0f}"


def _counting(receive: Receive, limit: int) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            from fastapi import HTTPException

            raise HTTPException(status_code=413, detail=text("error.body_too_large", limit=_megabytes(limit)))
        return message

    return counted


# --- audit of reads, downloads, denials and rejected input -----------------------------------------------------------

_CODE = r"(?P<code>\d{4})"
#: (method, path pattern, query condition, action key): successful requests that read or export personal data.
PERSONAL_DATA_READS: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("GET", re.compile(rf"^/m/{_CODE}/register$"), "kind=physicians", "audit.action.read_physicians"),
    ("GET", re.compile(rf"^/m/{_CODE}/register\.xlsx$"), "", "audit.action.download"),
    ("GET", re.compile(rf"^/legevakt/prov/{_CODE}/[^/]+/rota\.(csv|xlsx|ics)$"), "", "audit.action.download"),
    ("GET", re.compile(rf"^/api/municipalities/{_CODE}/register$"), "", "audit.action.api_read"),
    ("GET", re.compile(r"^/audit\.csv$"), "", "audit.action.download"),
)
_ANY_CODE = re.compile(rf"^/(?:m|api/municipalities|legevakt/prov)/{_CODE}(?:/|$)")


def _user_of(scope: Scope) -> User | None:
    state = scope.get("state")
    user = state.get("user") if isinstance(state, dict) else None
    return user if isinstance(user, User) else None


def audit_event(scope: Scope, status: int, user: User | None) -> tuple[str, str | None, str, Any] | None:
    """(action, municipality, entity, details) to log for a finished request, or None."""
    if user is None:
        return None
    path = str(scope.get("path", ""))
    method = str(scope.get("method", ""))
    query = scope.get("query_string", b"").decode("latin-1")
    code_match = _ANY_CODE.match(path)
    code = code_match.group("code") if code_match else user.municipality_code
    entity = f"{method} {path}"[:200]
    if status in (403, 404):
        return text("audit.action.denied"), code, entity, {"status": status}
    if status in (400, 413, 422):
        return text("audit.action.rejected"), code, entity, {"status": status}
    if 200 <= status < 300:
        for want_method, pattern, condition, action in PERSONAL_DATA_READS:
            match = pattern.match(path)
            if method == want_method and match and (not condition or condition in query.split("&")):
                found = match.groupdict().get("code") or code
                return text(action), found, entity, None
    return None


class AuditMiddleware:
    """Writes audit entries for denied requests, rejected input and reads/downloads of personal data."""

    def __init__(self, app: ASGIApp, store: WebStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            event = audit_event(scope, status, _user_of(scope))
            if event is not None:
                user = _user_of(scope)
                assert user is not None
                action, code, entity, details = event
                await run_in_threadpool(self.store.audit, user.username, code, action, entity, None, details)
