"""Tables for the web app's security: server-side login sessions and login throttling counters.

`SecurityStore` is the only code that touches them. A session cookie holds only a random token; the database keeps
its SHA-256 (so a copy of the database gives no live sessions), the user, the username and the times. The throttle
counters are updated with single atomic statements, so parallel requests and several server processes share them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, bindparam, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.base import Base
from legeplan.storage.repository import Storage
from legeplan.storage.web_tables import AuditEntry, AuditRow, User, UserRow, _now


class SessionRow(Base):
    """A login session. `id` is the SHA-256 of the cookie token; `revoked_at` is set at logout, password or role
    change and when the user is deleted."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)
    data_json: Mapped[str] = mapped_column(Text, default="{}")


class LoginAttemptRow(Base):
    """Counted login attempts for one key (an account, a client address, or an account from one client)."""

    __tablename__ = "web_login_attempt"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt: Mapped[datetime] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class SessionRecord:
    id: str
    user_id: int
    username: str
    created_at: datetime
    last_seen: datetime
    expires_at: datetime
    data: dict[str, Any]
    #: The session's user as stored when the session was loaded (same statement), so a request needs no second query.
    user: User | None = None


#: The live (not revoked) session by token hash, with its user's columns: one indexed statement, built once.
_SESSION_QUERY = (
    select(
        SessionRow.id,
        SessionRow.user_id,
        SessionRow.username,
        SessionRow.created_at,
        SessionRow.last_seen,
        SessionRow.expires_at,
        SessionRow.data_json,
        UserRow.username.label("user_username"),
        UserRow.created_at.label("user_created_at"),
        UserRow.role,
        UserRow.municipality_code,
        UserRow.physician_id,
        UserRow.physician_municipality,
        UserRow.email,
    )
    .join(UserRow, UserRow.id == SessionRow.user_id)
    .where(SessionRow.id == bindparam("key"), SessionRow.revoked_at.is_(None))
)


@dataclass(frozen=True)
class ThrottleRule:
    """After `free` counted attempts within `window`, each further attempt blocks the key for `base` doubled per
    attempt, at most `cap`."""

    prefix: str
    free: int
    base: timedelta
    cap: timedelta
    window: timedelta

    def delays(self) -> list[tuple[int, timedelta]]:
        """(attempt number, block) for every attempt number whose block is below the cap; later ones get the cap."""
        out: list[tuple[int, timedelta]] = []
        n = self.free
        delay = self.base
        while delay < self.cap:
            out.append((n, delay))
            n += 1
            delay = delay * 2
        return out


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ThrottledError(Exception):
    """A key is blocked; `retry_after_s` says for how long."""

    def __init__(self, key: str, retry_after_s: int) -> None:
        super().__init__(key)
        self.key = key
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class AuditFilter:
    municipality_code: str | None = None
    username: str = ""
    action: str = ""
    text: str = ""
    since: datetime | None = None
    until: datetime | None = None


class SecurityStore:
    """Sessions, login throttling and audit queries on top of the shared Storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # --- sessions ------------------------------------------------------------------------------------------------

    def create_session(
        self, token: str, user_id: int, username: str, lifetime: timedelta, client: str | None, data: dict[str, Any]
    ) -> None:
        now = _now()
        with self.storage.session() as session:
            session.add(
                SessionRow(
                    id=token_hash(token),
                    user_id=user_id,
                    username=username,
                    created_at=now,
                    last_seen=now,
                    expires_at=now + lifetime,
                    client=(client or "")[:64] or None,
                    data_json=json.dumps(data),
                )
            )

    def load_session(self, token: str, idle: timedelta, touch_after: timedelta) -> SessionRecord | None:
        """The live session for `token`: not revoked, not past its absolute expiry, not idle longer than `idle`,
        and its user still the same user (same id and name, created before the session). Refreshes `last_seen`."""
        now = _now()
        key = token_hash(token)
        rows = self.storage.fetch(_SESSION_QUERY, {"key": key})  # one statement on every request
        if not rows:
            return None
        (
            session_id,
            user_id,
            username,
            created_at,
            seen,
            expires_at,
            data_json,
            user_username,
            user_created_at,
            role,
            municipality_code,
            physician_id,
            physician_municipality,
            email,
        ) = rows[0]
        if expires_at <= now or now - seen > idle or user_username != username or user_created_at > created_at:
            with self.storage.session() as session:
                session.execute(update(SessionRow).where(SessionRow.id == key).values(revoked_at=now))
            return None
        last_seen = seen
        if now - last_seen >= touch_after:
            last_seen = now
            with self.storage.session() as session:
                session.execute(update(SessionRow).where(SessionRow.id == key).values(last_seen=now))
        data = json.loads(data_json or "{}")
        user = User(
            id=user_id,
            username=user_username,
            role=role,
            municipality_code=municipality_code,
            physician_id=physician_id,
            physician_municipality=physician_municipality,
            email=email,
        )
        return SessionRecord(
            session_id,
            user_id,
            username,
            created_at,
            last_seen,
            expires_at,
            data if isinstance(data, dict) else {},
            user,
        )

    def save_session_data(self, token: str, data: dict[str, Any]) -> None:
        with self.storage.session() as session:
            session.execute(
                update(SessionRow)
                .where(SessionRow.id == token_hash(token), SessionRow.revoked_at.is_(None))
                .values(data_json=json.dumps(data))
            )

    def revoke_session(self, token: str) -> None:
        with self.storage.session() as session:
            session.execute(
                update(SessionRow)
                .where(SessionRow.id == token_hash(token), SessionRow.revoked_at.is_(None))
                .values(revoked_at=_now())
            )

    def revoke_user_sessions(self, user_id: int, keep_token: str | None = None) -> int:
        """End every session of a user (except `keep_token`'s); returns how many were live."""
        with self.storage.session() as session:
            query = update(SessionRow).where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
            if keep_token is not None:
                query = query.where(SessionRow.id != token_hash(keep_token))
            result = session.execute(query.values(revoked_at=_now()))
            return int(getattr(result, "rowcount", 0) or 0)

    def live_sessions(self, user_id: int) -> int:
        now = _now()
        with self.storage.session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(SessionRow)
                    .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None), SessionRow.expires_at > now)
                )
                or 0
            )

    def purge(self, older_than: timedelta) -> None:
        """Forget sessions that ended (expired or revoked) and login counters untouched for `older_than`."""
        cutoff = _now() - older_than
        with self.storage.session() as session:
            session.execute(
                delete(SessionRow).where(or_(SessionRow.expires_at < cutoff, SessionRow.revoked_at < cutoff))
            )
            session.execute(
                delete(LoginAttemptRow).where(
                    LoginAttemptRow.last_attempt < cutoff,
                    or_(LoginAttemptRow.blocked_until.is_(None), LoginAttemptRow.blocked_until < cutoff),
                )
            )

    # --- two-factor secrets ----------------------------------------------------------------------------------------

    def totp_secret(self, user_id: int) -> str | None:
        with self.storage.session() as session:
            return session.scalar(select(UserRow.totp_secret).where(UserRow.id == user_id))

    def set_totp_secret(self, user_id: int, secret: str | None) -> None:
        with self.storage.session() as session:
            session.execute(update(UserRow).where(UserRow.id == user_id).values(totp_secret=secret))

    # --- login throttling ----------------------------------------------------------------------------------------

    def reserve_attempt(self, keys: Sequence[tuple[str, ThrottleRule]]) -> None:
        """Count one login attempt against every key, in one transaction, before the password is checked.

        Each key's counter is raised by a single UPDATE that only matches while the key is not blocked and that sets
        the next block in the same statement, so parallel requests (threads or processes) cannot slip past the limit.
        Raises ThrottledError (and counts nothing) when any key is blocked."""
        now = _now()
        with self.storage.session() as session:
            for key, rule in keys:
                self._ensure_row(session, key, now)
                fresh = LoginAttemptRow.last_attempt < now - rule.window
                next_count = case((fresh, 1), else_=LoginAttemptRow.failures + 1)
                blocks = [(next_count == n, now + delay) for n, delay in rule.delays()]
                blocked_until = case(*blocks, (next_count >= rule.free + len(blocks), now + rule.cap), else_=None)
                result = session.execute(
                    update(LoginAttemptRow)
                    .where(
                        LoginAttemptRow.key == key,
                        or_(LoginAttemptRow.blocked_until.is_(None), LoginAttemptRow.blocked_until <= now),
                    )
                    .values(failures=next_count, last_attempt=now, blocked_until=blocked_until)
                    .execution_options(synchronize_session=False)
                )
                if not getattr(result, "rowcount", 0):
                    until = session.scalar(select(LoginAttemptRow.blocked_until).where(LoginAttemptRow.key == key))
                    seconds = max(1, int(((until or now) - now).total_seconds()) + 1)
                    raise ThrottledError(key, seconds)

    def _ensure_row(self, session: Any, key: str, now: datetime) -> None:
        values = {"key": key, "failures": 0, "last_attempt": now, "blocked_until": None}
        dialect = session.get_bind().dialect.name
        if dialect == "sqlite":
            session.execute(sqlite.insert(LoginAttemptRow).values(**values).on_conflict_do_nothing())
        elif dialect == "postgresql":
            session.execute(postgresql.insert(LoginAttemptRow).values(**values).on_conflict_do_nothing())
        elif session.get(LoginAttemptRow, key) is None:
            session.add(LoginAttemptRow(**values))
            session.flush()

    def attempt_succeeded(self, reset: Sequence[str], refund: Sequence[str]) -> None:
        """A right password: forget the `reset` keys' counts and take back the reserved attempt from `refund`."""
        with self.storage.session() as session:
            if reset:
                session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.key.in_(list(reset))))
            for key in refund:
                session.execute(
                    update(LoginAttemptRow)
                    .where(LoginAttemptRow.key == key, LoginAttemptRow.failures > 0)
                    .values(failures=LoginAttemptRow.failures - 1, blocked_until=None)
                )

    def claim_totp_step(self, user_id: int, step: int) -> bool:
        """Use up a two-factor code: True when `step` (the code's 30-second time step) is later than any the user has
        logged in with, False for a replay. One conditional UPDATE, so two requests with the same code cannot both
        win. The last used step is kept in the throttle table under ``totp-used:<user id>`` (``failures`` holds it)."""
        key = f"totp-used:{user_id}"
        now = _now()
        with self.storage.session() as session:
            self._ensure_row(session, key, now)
            result = session.execute(
                update(LoginAttemptRow)
                .where(LoginAttemptRow.key == key, LoginAttemptRow.failures < step)
                .values(failures=step, last_attempt=now)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(result, "rowcount", 0))

    def attempts(self, key: str) -> int:
        with self.storage.session() as session:
            return int(session.scalar(select(LoginAttemptRow.failures).where(LoginAttemptRow.key == key)) or 0)

    # --- audit log -----------------------------------------------------------------------------------------------

    def audit_page(self, where: AuditFilter, offset: int = 0, limit: int = 50) -> tuple[list[AuditEntry], int]:
        """One page of the audit log, newest first, and the number of matching entries."""
        conditions: list[Any] = []
        if where.municipality_code is not None:
            conditions.append(AuditRow.municipality_code == where.municipality_code)
        if where.username:
            conditions.append(func.lower(AuditRow.username) == where.username.lower())
        if where.action:
            conditions.append(AuditRow.action == where.action)
        if where.text:
            conditions.append(func.lower(AuditRow.entity).contains(where.text.lower(), autoescape=True))
        if where.since is not None:
            conditions.append(AuditRow.at >= where.since)
        if where.until is not None:
            conditions.append(AuditRow.at < where.until)
        with self.storage.session() as session:
            total = int(session.scalar(select(func.count()).select_from(AuditRow).where(*conditions)) or 0)
            rows = session.scalars(
                select(AuditRow).where(*conditions).order_by(AuditRow.id.desc()).offset(offset).limit(limit)
            )
            entries = [AuditEntry.from_row(r) for r in rows]
        return entries, total

    def audit_actions(self) -> list[str]:
        with self.storage.session() as session:
            return sorted(a for a in session.scalars(select(AuditRow.action).distinct()) if a)
