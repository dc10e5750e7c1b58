"""Tables for the web application: users with roles, the audit log, saved scenarios and finished rota jobs.

`WebStore` is the only code that touches them; the web layer calls it and never builds queries itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, bindparam, select, update
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.audit_diff import changes
from legeplan.storage.base import Base
from legeplan.storage.repository import Storage, VersionConflict

ROLES = ("admin", "editor", "viewer", "lege")
#: A `lege` is a physician of a register with a login: scoped to the legevakter whose member municipalities'
#: registers hold that physician (`User.physician_id`, `User.physician_municipality`), not to the other pages.


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class UserRow(Base):
    """A login. `municipality_code` None means every municipality (only sensible for an admin)."""

    __tablename__ = "web_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    #: Base32 TOTP secret when two-factor login is on (admins may turn it on under «Min konto»).
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: The register physician this login is (role `lege`): physician id in the register of `physician_municipality`.
    physician_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    physician_municipality: Mapped[str | None] = mapped_column(String(4), nullable=True)
    #: Where the app sends notices (publication, answered requests) when e-mail is configured.
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)


#: A user's columns by id, built once (read on every request through `get_user` and the session lookup).
USER_COLUMNS = (
    UserRow.id,
    UserRow.username,
    UserRow.role,
    UserRow.municipality_code,
    UserRow.physician_id,
    UserRow.physician_municipality,
    UserRow.email,
)
_USER_QUERY = select(*USER_COLUMNS).where(UserRow.id == bindparam("id"))


class AuditRow(Base):
    """Who changed what when, with the state before and after as JSON."""

    __tablename__ = "web_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    entity: Mapped[str] = mapped_column(String(200))
    before_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    after_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class ScenarioRow(Base):
    """A dimensioning scenario (legeplan.capacity.Scenario as JSON) belonging to a municipality."""

    __tablename__ = "web_scenario"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    name: Mapped[str] = mapped_column(String(200))
    body_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


#: A municipality's scenarios (False: the live ones, True: the deleted ones), statements built once.
_SCENARIOS_QUERY = {
    deleted: select(
        ScenarioRow.id,
        ScenarioRow.municipality_code,
        ScenarioRow.name,
        ScenarioRow.body_json,
        ScenarioRow.version,
        ScenarioRow.deleted_at,
    )
    .where(
        ScenarioRow.municipality_code == bindparam("code"),
        ScenarioRow.deleted_at.is_not(None) if deleted else ScenarioRow.deleted_at.is_(None),
    )
    .order_by(ScenarioRow.id)
    for deleted in (False, True)
}


class RotaJobRow(Base):
    """A finished rota solve: the problem and the solution, so the calendar and downloads survive a restart."""

    __tablename__ = "web_rota_job"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    status: Mapped[str] = mapped_column(String(20))
    problem_json: Mapped[str] = mapped_column(Text)
    solution_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    municipality_code: str | None
    physician_id: str | None = None
    physician_municipality: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str
    municipality_code: str | None
    action: str
    entity: str
    before: Any
    after: Any

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEntry:
        """One stored audit row, its JSON diff decoded."""
        return cls(
            id=row.id,
            at=row.at,
            username=row.username,
            municipality_code=row.municipality_code,
            action=row.action,
            entity=row.entity,
            before=None if row.before_json is None else json.loads(row.before_json),
            after=None if row.after_json is None else json.loads(row.after_json),
        )


@dataclass(frozen=True)
class SavedScenario:
    id: int
    municipality_code: str
    name: str
    body: dict[str, Any]
    version: int = 1
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class SavedRota:
    id: str
    municipality_code: str
    created_by: str
    created_at: datetime
    status: str
    problem_json: str
    solution_json: str | None
    deleted_at: datetime | None = None


def _scenario(r: ScenarioRow) -> SavedScenario:
    return SavedScenario(r.id, r.municipality_code, r.name, json.loads(r.body_json), r.version, r.deleted_at)


def _rota(r: RotaJobRow) -> SavedRota:
    return SavedRota(
        r.id, r.municipality_code, r.created_by, r.created_at, r.status, r.problem_json, r.solution_json, r.deleted_at
    )


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        municipality_code=row.municipality_code,
        physician_id=row.physician_id,
        physician_municipality=row.physician_municipality,
        email=row.email,
    )


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


class WebStore:
    """Users, audit log, scenarios and rota jobs on top of the shared Storage (same database, same migrations)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # --- users ---------------------------------------------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, role: str, municipality_code: str | None) -> User:
        if role not in ROLES:
            raise ValueError(f"ukjent rolle {role!r}; bruk {', '.join(ROLES)}")
        with self.storage.session() as session:
            row = UserRow(
                username=username, password_hash=password_hash, role=role, municipality_code=municipality_code
            )
            session.add(row)
            session.flush()
            return _user(row)

    def user_with_hash(self, username: str) -> tuple[User, str] | None:
        with self.storage.session() as session:
            row = session.scalars(select(UserRow).where(UserRow.username == username)).first()
            return None if row is None else (_user(row), row.password_hash)

    def get_user(self, user_id: int) -> User | None:
        rows = self.storage.fetch(_USER_QUERY, {"id": user_id})
        if not rows:
            return None
        row_id, username, role, municipality_code, physician_id, physician_municipality, email = rows[0]
        return User(row_id, username, role, municipality_code, physician_id, physician_municipality, email)

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.storage.session() as session:
            row = session.get(UserRow, user_id)
            if row is not None:
                row.password_hash = password_hash

    def set_role(self, user_id: int, role: str) -> None:
        if role not in ROLES:
            raise ValueError(f"ukjent rolle {role!r}; bruk {', '.join(ROLES)}")
        with self.storage.session() as session:
            row = session.get(UserRow, user_id)
            if row is not None:
                row.role = role

    def list_users(self) -> list[User]:
        with self.storage.session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]

    def link_physician(
        self, user_id: int, physician_municipality: str | None, physician_id: str | None, email: str | None = None
    ) -> User | None:
        """Tie a login to a register physician (both None: untie). Returns the user, or None if it does not exist."""
        if (physician_id is None) != (physician_municipality is None):
            raise ValueError("legen må oppgis med både kommunenummer og lege-id")
        with self.storage.session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return None
            row.physician_id, row.physician_municipality = physician_id, physician_municipality
            if email is not None:
                row.email = email or None
            session.flush()
            return _user(row)

    def users_of_physician(self, physician_municipality: str, physician_id: str) -> list[User]:
        """The logins tied to a register physician (normally one)."""
        with self.storage.session() as session:
            rows = session.scalars(
                select(UserRow)
                .where(UserRow.physician_municipality == physician_municipality, UserRow.physician_id == physician_id)
                .order_by(UserRow.id)
            )
            return [_user(r) for r in rows]

    def delete_user(self, user_id: int) -> bool:
        with self.storage.session() as session:
            row = session.get(UserRow, user_id)
            if row is None:
                return False
            session.delete(row)
            return True

    # --- audit ---------------------------------------------------------------------------------------------------

    def audit(
        self, username: str, municipality_code: str | None, action: str, entity: str, before: Any, after: Any
    ) -> bool:
        """Log an event. A change is stored as a field-level diff (only the fields that changed, before and after);
        a change where nothing changed is not logged (returns False)."""
        if before is not None and after is not None:
            before, after = changes(before, after)
            if before is None and after is None:
                return False
        with self.storage.session() as session:
            session.add(
                AuditRow(
                    username=username,
                    municipality_code=municipality_code,
                    action=action,
                    entity=entity,
                    before_json=_dump(before),
                    after_json=_dump(after),
                )
            )
        return True

    def audit_log(self, municipality_code: str | None = None, limit: int = 200) -> list[AuditEntry]:
        """Newest first; with a code, only that municipality's entries."""
        with self.storage.session() as session:
            query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
            if municipality_code is not None:
                query = query.where(AuditRow.municipality_code == municipality_code)
            return [AuditEntry.from_row(r) for r in session.scalars(query)]

    # --- scenarios -----------------------------------------------------------------------------------------------

    def save_scenario(
        self,
        municipality_code: str,
        name: str,
        body: dict[str, Any],
        scenario_id: int | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Create, or update `scenario_id`; with `expected_version` only if nobody saved it since (compare-and-set),
        otherwise `VersionConflict`. Every update raises the version."""
        body_json = json.dumps(body, ensure_ascii=False, default=str)
        with self.storage.session() as session:
            if scenario_id is not None and session.get(ScenarioRow, scenario_id) is not None:
                conditions = [ScenarioRow.id == scenario_id]
                if expected_version is not None:
                    conditions.append(ScenarioRow.version == expected_version)
                changed = session.execute(
                    update(ScenarioRow)
                    .where(*conditions)
                    .values(name=name, body_json=body_json, updated_at=_now(), version=ScenarioRow.version + 1)
                    .execution_options(synchronize_session=False)
                )
                if getattr(changed, "rowcount", 0) != 1:
                    current = session.scalar(select(ScenarioRow.version).where(ScenarioRow.id == scenario_id))
                    raise VersionConflict(expected_version or 0, int(current or 0))
                return scenario_id
            row = ScenarioRow(municipality_code=municipality_code, name=name, body_json=body_json, version=1)
            session.add(row)
            session.flush()
            return row.id

    def scenarios(self, municipality_code: str, *, deleted: bool = False) -> list[SavedScenario]:
        """The municipality's scenarios; with `deleted`, only the deleted ones (to restore)."""
        rows = self.storage.fetch(_SCENARIOS_QUERY[deleted], {"code": municipality_code})  # every dashboard view
        return [
            SavedScenario(row_id, code, name, json.loads(body_json), version, deleted_at)
            for row_id, code, name, body_json, version, deleted_at in rows
        ]

    def scenario(self, scenario_id: int) -> SavedScenario | None:
        """A scenario by id, deleted or not (callers check `deleted_at`)."""
        with self.storage.session() as session:
            r = session.get(ScenarioRow, scenario_id)
            return None if r is None else _scenario(r)

    def delete_scenario(self, scenario_id: int) -> bool:
        """Soft delete: hidden from lists, kept for `restore_scenario`."""
        return self._mark(ScenarioRow, scenario_id, _now())

    def restore_scenario(self, scenario_id: int) -> bool:
        return self._mark(ScenarioRow, scenario_id, None)

    def _mark(self, table: type[ScenarioRow] | type[RotaJobRow], key: int | str, when: datetime | None) -> bool:
        with self.storage.session() as session:
            row = session.get(ScenarioRow, key) if table is ScenarioRow else session.get(RotaJobRow, key)
            if row is None or (row.deleted_at is None) == (when is None):
                return False
            row.deleted_at = when
            return True

    # --- rota jobs -----------------------------------------------------------------------------------------------

    def save_rota(
        self, job_id: str, municipality_code: str, created_by: str, status: str, problem_json: str, solution_json: str
    ) -> None:
        with self.storage.session() as session:
            row = session.get(RotaJobRow, job_id)
            if row is None:
                row = RotaJobRow(id=job_id, municipality_code=municipality_code, created_by=created_by)
                session.add(row)
            row.status = status
            row.problem_json = problem_json
            row.solution_json = solution_json

    def rota(self, job_id: str) -> SavedRota | None:
        """A stored rota by id, deleted or not (callers check `deleted_at`)."""
        with self.storage.session() as session:
            r = session.get(RotaJobRow, job_id)
            return None if r is None else _rota(r)

    def rotas(self, municipality_code: str, *, deleted: bool = False) -> list[SavedRota]:
        with self.storage.session() as session:
            gone = RotaJobRow.deleted_at.is_not(None) if deleted else RotaJobRow.deleted_at.is_(None)
            rows = session.scalars(
                select(RotaJobRow)
                .where(RotaJobRow.municipality_code == municipality_code, gone)
                .order_by(RotaJobRow.created_at.desc())
            )
            return [_rota(r) for r in rows]

    def delete_rota(self, job_id: str) -> bool:
        return self._mark(RotaJobRow, job_id, _now())

    def restore_rota(self, job_id: str) -> bool:
        return self._mark(RotaJobRow, job_id, None)
