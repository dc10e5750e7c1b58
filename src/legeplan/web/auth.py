"""Login, sessions, roles, municipality scope and CSRF. Used by every route, and by the region pages through the same
functions.

Passwords are hashed with argon2id (argon2-cffi). A login starts a server-side session (`legeplan.web.security`):
the cookie holds a random token, the database the user, the CSRF token and the times; logout, a password change, a
role change and deleting the user revoke it. Login attempts are throttled in the database per account, per client
address and per (account, client) pair. Roles rank viewer < editor < admin; a user with a municipality sees only
that one.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import HTTPException, Request
from starlette.datastructures import FormData

from legeplan.i18n import text
from legeplan.storage.security_tables import SecurityStore, ThrottledError, ThrottleRule
from legeplan.storage.web_tables import User, WebStore
from legeplan.text_rules import InputError, clean_field
from legeplan.web.security import SessionConfig, session_state

ROLE_RANK = {"viewer": 0, "editor": 1, "admin": 2}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"

#: One account from one client: five tries, then a block of 1 minute doubling per try up to 1 hour.
PAIR_RULE = ThrottleRule("pair", free=5, base=timedelta(minutes=1), cap=timedelta(hours=1), window=timedelta(hours=24))
#: One account from anywhere: after 10 tries a short delay, doubling up to 1 minute. A stranger can slow an account
#: down (to one try a minute) but cannot lock its owner out.
ACCOUNT_RULE = ThrottleRule(
    "account", free=10, base=timedelta(seconds=2), cap=timedelta(minutes=1), window=timedelta(hours=24)
)
#: One client across accounts (password spraying): after 30 tries, doubling from 5 seconds up to 15 minutes.
CLIENT_RULE = ThrottleRule(
    "client", free=30, base=timedelta(seconds=5), cap=timedelta(minutes=15), window=timedelta(hours=24)
)

#: Two-factor codes for one user: five wrong codes, then a block of 1 minute doubling up to 1 hour.
TOTP_RULE = ThrottleRule("totp", free=5, base=timedelta(minutes=1), cap=timedelta(hours=1), window=timedelta(hours=24))
#: Session data key of a login that passed the password but still needs the two-factor code.
TOTP_PENDING = "totp_pending"

_hasher = PasswordHasher()
# A real hash to verify against when the user does not exist, so timing does not reveal valid usernames.
_DUMMY_HASH = _hasher.hash("legeplan-dummy-password")


class LoginRequired(Exception):
    """Raised by `current_user` when nobody is logged in; HTML gets a redirect, the API a 401."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(store: WebStore, username: str, password: str) -> User | None:
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


def client_address(request: Request) -> str:
    return request.client.host if request.client is not None else "ukjent"


def throttle_keys(username: str, client: str) -> list[tuple[str, ThrottleRule]]:
    account = username.strip().lower()[:100]
    return [
        (f"pair:{account}|{client}", PAIR_RULE),
        (f"account:{account}", ACCOUNT_RULE),
        (f"client:{client}", CLIENT_RULE),
    ]


def throttled_login(request: Request, username: str, password: str) -> User | None:
    """`verify_password` behind the database throttle; raises 429 (with Retry-After) while blocked. Every outcome
    (success, wrong password, blocked) goes to the audit log."""
    store = store_of(request)
    security = security_of(request)
    client = client_address(request)
    keys = throttle_keys(username, client)
    shown = username.strip()[:100] or "?"
    try:
        security.reserve_attempt(keys)
    except ThrottledError as blocked:
        store.audit(shown, None, text("audit.action.login_blocked"), f"login/{shown}", None, {"client": client})
        minutes = max(1, round(blocked.retry_after_s / 60))
        message = (
            text("login.locked_seconds", seconds=blocked.retry_after_s)
            if blocked.retry_after_s < 120
            else text("login.locked_minutes", minutes=minutes)
        )
        raise HTTPException(
            status_code=429, detail=message, headers={"Retry-After": str(blocked.retry_after_s)}
        ) from blocked
    user = verify_password(store, username, password)
    if user is None:
        store.audit(shown, None, text("audit.action.login_failed"), f"login/{shown}", None, {"client": client})
        return None
    security.attempt_succeeded(reset=[keys[0][0]], refund=[keys[1][0], keys[2][0]])
    store.audit(
        user.username,
        user.municipality_code,
        text("audit.action.login"),
        f"user/{user.username}",
        None,
        {"client": client},
    )
    return user


def security_of(request: Request) -> SecurityStore:
    security: SecurityStore = request.app.state.security_store
    return security


def session_config(request: Request) -> SessionConfig:
    config: SessionConfig = request.app.state.session_config
    return config


def start_session(request: Request, user: User, *, pending_totp: bool = False) -> str:
    """End the current session (if any) and start a new one for `user` with a new CSRF token; returns the token.
    With `pending_totp` the session only lets the user enter the two-factor code (`current_user` refuses it)."""
    state = session_state(request.scope)
    security = security_of(request)
    if state is not None and state.token is not None:
        security.revoke_session(state.token)
    security.purge(timedelta(days=30))
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    data: dict[str, Any] = {"csrf": csrf, TOTP_PENDING: True} if pending_totp else {"csrf": csrf}
    security.create_session(
        token, user.id, user.username, session_config(request).absolute, client_address(request), data
    )
    request.session.clear()
    request.session.update(data)
    if state is not None:
        state.token = None
        state.new_token = token
        state.original = dict(data)
        state.ended = False
    if not pending_totp:
        request.state.user = user
    return csrf


def totp_step(secret: str, code: str) -> int | None:
    """The 30-second time step a six-digit code belongs to (the current one, or the one before or after, for clock
    drift), or None when the code is wrong."""
    import hmac
    from datetime import datetime

    import pyotp

    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = datetime.now()
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def totp_matches(secret: str, code: str) -> bool:
    """A six-digit code of the current 30-second step (or the one before or after, for clock drift)."""
    return totp_step(secret, code) is not None


def check_totp(request: Request, user: User, code: str) -> bool:
    """The user's two-factor code, throttled per user in the database and audited; True when it is right (or the
    user has no second factor)."""
    security = security_of(request)
    secret = security.totp_secret(user.id)
    if secret is None:
        return True
    key = f"totp:{user.id}"
    try:
        security.reserve_attempt([(key, TOTP_RULE)])
    except ThrottledError as blocked:
        raise HTTPException(
            status_code=429,
            detail=text("login.locked_seconds", seconds=blocked.retry_after_s),
            headers={"Retry-After": str(blocked.retry_after_s)},
        ) from blocked
    step = totp_step(secret, code)
    # A code works once: a replay (the same code again, or an older one of the window) is a wrong code.
    if step is not None and security.claim_totp_step(user.id, step):
        security.attempt_succeeded(reset=[key], refund=[])
        return True
    store_of(request).audit(
        user.username, user.municipality_code, text("audit.action.totp_failed"), f"user/{user.username}", None, None
    )
    return False


def pending_totp_user(request: Request) -> User | None:
    """The user of a session that passed the password step and waits for the two-factor code."""
    state = session_state(request.scope)
    record = state.record if state is not None else None
    if record is None or not record.data.get(TOTP_PENDING):
        return None
    user = store_of(request).get_user(record.user_id)
    return user if user is not None and user.username == record.username else None


def end_session(request: Request) -> None:
    """Log out: the session is revoked in the database, so a copy of the cookie is worthless too."""
    state = session_state(request.scope)
    token = state.new_token or state.token if state is not None else None
    if token is not None:
        security_of(request).revoke_session(token)
    request.session.clear()
    if state is not None:
        state.ended = True
        state.new_token = None
        state.token = None
        state.record = None


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def store_of(request: Request) -> WebStore:
    store: WebStore = request.app.state.web_store
    return store


#: The only pages a user with the role `lege` may open (their rota pages, the inbox, their account, log out).
LEGE_PREFIXES = ("/lege", "/meldinger", "/account")
LEGE_PATHS = ("/", "/logout", "/api/me", "/api/logout")


def lege_may_open(path: str) -> bool:
    return path in LEGE_PATHS or any(path == p or path.startswith(p + "/") for p in LEGE_PREFIXES)


async def current_user(request: Request) -> User:
    """FastAPI dependency: the user of the request's live session, or LoginRequired. A `lege` gets 404 for every page
    but their own (`lege_may_open`): no register, no other municipality pages, no API. Async: the session lookup
    already read the user, so this runs in the event loop without a trip through the thread pool."""
    return session_user(request)


def session_user(request: Request) -> User:
    """`current_user` for code that is not a dependency."""
    state = session_state(request.scope)
    record = state.record if state is not None else None
    # The session's lookup read the user in the same statement (role and municipality as stored now).
    user = (record.user or store_of(request).get_user(record.user_id)) if record is not None else None
    if user is None or record is None or user.username != record.username or record.data.get(TOTP_PENDING):
        raise LoginRequired()
    request.state.user = user
    if user.role == "lege" and not lege_may_open(request.url.path):
        raise HTTPException(status_code=404, detail=text("error.not_found"))
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
    """The posted form after the CSRF check, every text field through the input rules (NFC, no control characters,
    a length limit): a broken rule is a 422 naming the field, in Norwegian."""
    form = await request.form()
    check_csrf(request, form)
    cleaned: list[tuple[str, Any]] = []
    for name, value in form.multi_items():
        if isinstance(value, str):
            try:
                value = clean_field(name, value)
            except InputError as error:
                raise HTTPException(
                    status_code=422, detail=text("error.bad_parameter", name=name[:40], message=str(error))
                ) from error
        cleaned.append((name, value))
    return FormData(cleaned)
