"""Login, roles, municipality scope and CSRF. Used by every route, and by region_routes through the same functions.

Passwords are hashed with argon2 (argon2-cffi); the session is Starlette's signed cookie (itsdangerous) holding only
the user id and a CSRF token. Roles rank viewer < editor < admin; a user with a municipality sees only that one.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import threading
import time
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException, Request

from legeplan.i18n import text
from legeplan.storage.web_tables import User, WebStore

ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MIN_PASSWORD_LENGTH = 10
MAX_LOGIN_FAILURES = 5
LOCKOUT_S = 300.0

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal valid usernames.
_DUMMY_HASH = _hasher.hash("legeplan-dummy-password")


class LoginRequired(Exception):
    """Raised by `current_user` when nobody is logged in; HTML gets a redirect, the API a 401."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(store: WebStore, username: str, password: str) -> User | None:
    found = store.user_with_hash(username.strip())
    if found is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    user, password_hash = found
    try:
        _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(password_hash):
        store.set_password_hash(user.id, _hasher.hash(password))
    return user


class LoginThrottle:
    """Locks a username for a while after repeated wrong passwords, so passwords cannot be guessed at speed."""

    def __init__(self, max_failures: int = MAX_LOGIN_FAILURES, lockout_s: float = LOCKOUT_S) -> None:
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._failures.get(key, []) if now - t < self.lockout_s]

    def locked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username.strip().lower(), time.monotonic())) >= self.max_failures

    def failed(self, username: str) -> None:
        key, now = username.strip().lower(), time.monotonic()
        with self._lock:
            self._failures[key] = [*self._recent(key, now), now]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.strip().lower(), None)


def throttled_login(request: Request, username: str, password: str) -> User | None:
    """`authenticate` behind the app's LoginThrottle; raises 429 while the username is locked."""
    throttle: LoginThrottle = request.app.state.login_throttle
    if throttle.locked(username):
        raise HTTPException(status_code=429, detail=text("login.locked"))
    user = authenticate(store_of(request), username, password)
    if user is None:
        throttle.failed(username)
    else:
        throttle.succeeded(username)
    return user


def login_session(request: Request, user: User) -> str:
    """Start a fresh session (new CSRF token) for `user`; returns the token."""
    request.session.clear()
    request.session["user_id"] = user.id
    token = secrets.token_urlsafe(32)
    request.session["csrf"] = token
    return token


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def store_of(request: Request) -> WebStore:
    store: WebStore = request.app.state.web_store
    return store


def current_user(request: Request) -> User:
    """FastAPI dependency: the logged-in user, or LoginRequired."""
    user_id = request.session.get("user_id")
    user = store_of(request).get_user(int(user_id)) if isinstance(user_id, int) else None
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


def has_role(user: User, role: str) -> bool:
    return ROLE_RANK.get(user.role, -1) >= ROLE_RANK[role]


def require_role(user: User, role: str) -> None:
    if not has_role(user, role):
        raise HTTPException(status_code=403, detail=text("error.forbidden"))


def can_see(user: User, municipality_code: str) -> bool:
    return user.municipality_code is None or user.municipality_code == municipality_code


def require_scope(user: User, municipality_code: str, role: str = "viewer") -> None:
    """Another municipality's data is not found at all (404), so its existence is not revealed either."""
    if not can_see(user, municipality_code):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
    require_role(user, role)


def check_csrf(request: Request, form: Any | None = None) -> None:
    """A write must carry the session's token, in the X-CSRF-Token header or the csrf_token form field."""
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if not given and form is not None:
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise HTTPException(status_code=403, detail=text("error.csrf"))


async def checked_form(request: Request) -> Any:
    """The posted form after the CSRF check."""
    form = await request.form()
    check_csrf(request, form)
    return form
