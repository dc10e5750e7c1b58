"""The Storage facade: opens (and migrates) the database and converts between ORM rows and domain models."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any, NamedTuple

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    make_url,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, selectinload, sessionmaker

from legeplan.register.models import (
    Agreement,
    Institution,
    Municipality,
    Office,
    Physician,
    PlannedPosition,
    Position,
    Register,
)
from legeplan.storage.tables import (
    AgreementRow,
    InstitutionRow,
    MunicipalityRow,
    OfficeRow,
    PhysicianRow,
    PlannedPositionRow,
    PositionRow,
    SnapshotRow,
)


class RegisterNotFoundError(LookupError):
    """No stored register for that municipality (at or before that date)."""


class VersionConflict(RuntimeError):
    """A save based on a version that is no longer the stored one (someone else saved in between)."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(f"versjon {expected} er utdatert; lagret versjon er {current}")
        self.expected = expected
        self.current = current


class StorageError(RuntimeError):
    """The database cannot be opened: a bad URL, a missing driver, a file that cannot be created, no server.

    The message is one Norwegian line, «kan ikke åpne databasen URL: årsak», with any password in the URL hidden."""


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as given (it cannot hold a parsed password)
        return url


def _reason(error: BaseException, *, sqlite: bool) -> str:
    """A short Norwegian reason for an error while opening the database, with the driver's own first line."""
    if isinstance(error, NoSuchModuleError):
        return f"ukjent databasetype ({error})"
    if isinstance(error, ArgumentError):
        return (
            "ugyldig database-adresse; bruk f.eks. sqlite:///legeplan.sqlite eller postgresql+psycopg://bruker@vert/db"
        )
    if isinstance(error, ModuleNotFoundError):
        return f"databasedriveren {error.name or ''} er ikke installert".replace("  ", " ")
    original = getattr(error, "orig", None) or error
    detail = " ".join(str(original).split()) or type(original).__name__
    if isinstance(error, OperationalError | InterfaceError):
        problem = "databasefilen kan ikke åpnes eller opprettes" if sqlite else "databaseserveren kan ikke nås"
        return f"{problem} ({detail})"
    return detail


def storage_error(url: str, error: BaseException) -> StorageError:
    reason = _reason(error, sqlite=url.lower().startswith("sqlite"))
    return StorageError(f"kan ikke åpne databasen {_safe_url(url)}: {reason}")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("legeplan.storage") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


#: Milliseconds a SQLite connection waits for another's write lock before giving up (also the driver's timeout).
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Registers kept decoded in memory per Storage (per process), keyed by snapshot and register version.
REGISTER_CACHE_SIZE = 8


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


def _enable_sqlite_foreign_keys(engine: Engine) -> None:
    """SQLite: foreign keys on; write-ahead log (readers never wait for a writer, a writer never waits for
    readers) with synchronous=NORMAL (safe with WAL); a busy timeout so concurrent writers queue instead of failing."""
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:") or "mode=memory" in str(engine.url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


#: A pooled server connection unused this long is checked (SELECT 1) before use; a dead one is replaced.
PING_AFTER_IDLE_S = 5.0


def _ping_after_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling for a database server (PostgreSQL), but only for connections that sat idle in
    the pool: a connection returned moments ago is used as is, one idle longer than `PING_AFTER_IDLE_S` is pinged and,
    if the server dropped it (restart, failover), replaced before the request sees an error."""
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["legeplan_returned"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("legeplan_returned")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_S:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            dbapi_connection.rollback()
        except Exception as error:  # any driver error: the connection is unusable
            record.info.pop("legeplan_returned", None)
            raise DisconnectionError() from error


def _engine_options(url: str) -> dict[str, Any]:
    """Connection pool sizing: a web process serves up to 40 requests at once in its thread pool, so the pool must
    not be the bottleneck (LEGEPLAN_DB_POOL_SIZE, LEGEPLAN_DB_MAX_OVERFLOW; PostgreSQL's max_connections must cover
    web processes x (pool + overflow) + workers)."""
    lowered = url.lower()
    if lowered.startswith("sqlite"):
        if ":memory:" in lowered or lowered.rstrip("/") in ("sqlite:", "sqlite+pysqlite:"):
            return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
        # SQLite: wait for a lock (web requests, worker and job processes share the file).
        return {
            "connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            "pool_size": _env_int("LEGEPLAN_DB_POOL_SIZE", 20),
            "max_overflow": _env_int("LEGEPLAN_DB_MAX_OVERFLOW", 20),
        }
    return {
        "pool_size": _env_int("LEGEPLAN_DB_POOL_SIZE", 10),
        "max_overflow": _env_int("LEGEPLAN_DB_MAX_OVERFLOW", 10),
        # Checked before use only after an idle spell (`_ping_after_idle`), not on every checkout: a page makes a
        # few reads, and a ping per read was a round trip each.
        "pool_pre_ping": False,
    }


class _RegisterCache:
    """A small thread-safe LRU of decoded registers. Registers are frozen models, so one copy serves every request."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[object, ...], Register] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Register | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], register: Register) -> None:
        with self._lock:
            self._items[key] = register
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class Storage:
    """All database access. Engines never see it; CLI and web call it and pass domain models on."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        from legeplan.storage import database_url

        self.url = url or database_url()
        try:
            self.engine = create_engine(self.url, future=True, **_engine_options(self.url))
        except (ArgumentError, ModuleNotFoundError, ValueError) as error:
            raise storage_error(self.url, error) from error
        _enable_sqlite_foreign_keys(self.engine)
        _ping_after_idle(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._registers = _RegisterCache(REGISTER_CACHE_SIZE)
        self._prepared: dict[object, _Prepared] = {}
        self._autocommit_reads = self.engine.dialect.name == "postgresql" and self.engine.driver == "psycopg"
        if migrate:
            try:
                self.migrate()
            except (DBAPIError, OSError) as error:
                self.engine.dispose()
                raise storage_error(self.url, error) from error

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (creates the database on first use)."""
        cfg = alembic_config(self.url)
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def fetch(
        self, statement: Select[*tuple[Any, ...]], params: Mapping[str, object] | None = None
    ) -> list[tuple[Any, ...]]:
        """The rows of a read on the hot path of every page (session, user, register key, menu, unread count),
        through the database driver directly: SQLAlchemy's execution costs about four times the statement itself.
        The statement is compiled once per Storage and its result columns converted by their types as SQLAlchemy
        does (dates and times on SQLite); bound values are passed as given, so use it only for plain text and
        integer parameters."""
        prepared = self._prepared.get(statement)
        if prepared is None:
            prepared = _prepare(statement, self.engine.dialect)
            self._prepared[statement] = prepared
        values = {**prepared.defaults, **(params or {})}
        arguments: tuple[object, ...] | dict[str, object] = (
            tuple(values[name] for name in prepared.names) if prepared.names is not None else values
        )
        connection = self.engine.raw_connection()  # back to the pool (rolled back) when closed
        # PostgreSQL: one statement needs no transaction; autocommit spares the BEGIN and ROLLBACK round trips.
        driver = connection.driver_connection if self._autocommit_reads else None
        try:
            if driver is not None:
                driver.autocommit = True
            cursor = connection.cursor()
            try:
                cursor.execute(prepared.sql, arguments)
                rows = [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()
        finally:
            if driver is not None:
                driver.autocommit = False
            connection.close()
        processors = prepared.processors
        if any(p is not None for p in processors):
            rows = [tuple(_converted(processors, row)) for row in rows]
        return rows

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A pooled connection for reads on the hot path of every page (no ORM session, no unit of work: a third of
        the CPU time per statement); rolled back when done. Writes go through `session`."""
        with self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self._registers.clear()
        self.engine.dispose()

    # --- register snapshots -------------------------------------------------------------------------------------

    def register_version(self, code: str) -> int:
        """The municipality's register version, raised by every save (0: nothing stored)."""
        with self.session() as session:
            return int(
                session.scalar(select(MunicipalityRow.register_version).where(MunicipalityRow.code == code)) or 0
            )

    def save_register(self, register: Register, expected_version: int | None = None) -> int:
        """Store `register` as the snapshot for its date, replacing one stored for the same date. All or nothing.

        With `expected_version` the save only happens if the municipality's register is still at that version
        (compare-and-set, the transaction's first statement); otherwise `VersionConflict`. Every save raises it."""
        m = register.municipality
        with self.session() as session:
            bumped = session.execute(
                update(MunicipalityRow)
                .where(
                    MunicipalityRow.code == m.code,
                    *(() if expected_version is None else (MunicipalityRow.register_version == expected_version,)),
                )
                .values(register_version=MunicipalityRow.register_version + 1, name=m.name)
                .execution_options(synchronize_session=False)
            )
            if getattr(bumped, "rowcount", 0) != 1:
                exists = session.get(MunicipalityRow, m.code)
                if exists is not None or expected_version not in (None, 0):
                    current = 0 if exists is None else exists.register_version
                    raise VersionConflict(expected_version or 0, current)
                session.add(MunicipalityRow(code=m.code, name=m.name, register_version=1))
            session.execute(
                delete(SnapshotRow).where(SnapshotRow.municipality_code == m.code, SnapshotRow.as_of == register.as_of)
            )
            session.flush()
            snapshot = SnapshotRow(
                municipality_code=m.code,
                as_of=register.as_of,
                municipality_name=m.name,
                population=m.population,
                population_date=m.population_date,
                centrality=m.centrality,
                offices=[
                    OfficeRow(seq=n, id=o.id, name=o.name, address=o.address) for n, o in enumerate(register.offices)
                ],
                positions=[
                    PositionRow(
                        seq=n,
                        id=p.id,
                        office_id=p.office_id,
                        list_ceiling=p.list_ceiling,
                        listed_patients=p.listed_patients,
                        operating_model=p.operating_model.value,
                        status=p.status.value,
                        open_list=p.open_list,
                        planned_reduction=p.planned_reduction,
                        reduction_reason=p.reduction_reason.value if p.reduction_reason else None,
                    )
                    for n, p in enumerate(register.positions)
                ],
                physicians=[
                    PhysicianRow(seq=n, **d.model_dump(exclude={"municipality_code"}, mode="python"))
                    for n, d in enumerate(register.physicians)
                ],
                agreements=[
                    AgreementRow(seq=i, **a.model_dump(mode="python")) for i, a in enumerate(register.agreements)
                ],
                institutions=[
                    InstitutionRow(
                        seq=n,
                        id=i.id,
                        name=i.name,
                        kind=i.kind.value,
                        places=i.places,
                        doctor_hours_per_week=i.doctor_hours_per_week,
                    )
                    for n, i in enumerate(register.institutions)
                ],
                planned_positions=[
                    PlannedPositionRow(seq=n, **p.model_dump(exclude={"municipality_code"}, mode="python"))
                    for n, p in enumerate(register.planned_positions)
                ],
            )
            session.add(snapshot)
            session.flush()
            return snapshot.id

    def register_key(self, code: str, as_of: date | None = None) -> tuple[object, ...] | None:
        """What identifies the content of the register `load_register(code, as_of)` returns, from one small indexed
        query: the snapshot (id, date, creation time) and the municipality's register version (raised by every save
        and delete). Use it to cache what is computed from a register; None when there is no such register."""
        if as_of is None:
            rows = self.fetch(_register_key_query(False), {"code": code})
        else:
            with self.reading() as connection:  # a date parameter: through SQLAlchemy, which converts it
                rows = [tuple(r) for r in connection.execute(_register_key_query(True), {"code": code, "as_of": as_of})]
        if not rows:
            return None
        snapshot_id, when, created, version = rows[0]
        created_text = created.isoformat() if isinstance(created, datetime) else str(created)
        return (code, int(snapshot_id), when, created_text, int(version))

    def load_register(self, code: str, as_of: date | None = None) -> Register:
        """The newest snapshot at or before `as_of` (the newest of all without it).

        Decoded registers are kept in a small per-process cache keyed by `register_key`, so a page view of an
        unchanged register costs one indexed query; a save anywhere (this or another process) changes the key."""
        return self.load_register_keyed(code, as_of)[0]

    def load_register_keyed(self, code: str, as_of: date | None = None) -> tuple[Register, tuple[object, ...]]:
        """`load_register` and the register's `register_key` from the same statement (to cache what is computed
        from it without a second query)."""
        key = self.register_key(code, as_of)
        if key is None:
            when = f" per {as_of}" if as_of else ""
            raise RegisterNotFoundError(f"ingen lagret register for kommune {code}{when}")
        cached = self._registers.get(key)
        if cached is not None:
            return cached, key
        with self.session() as session:
            query = (
                select(SnapshotRow)
                .where(SnapshotRow.id == key[1])
                .options(
                    selectinload(SnapshotRow.offices),
                    selectinload(SnapshotRow.positions),
                    selectinload(SnapshotRow.physicians),
                    selectinload(SnapshotRow.agreements),
                    selectinload(SnapshotRow.institutions),
                    selectinload(SnapshotRow.planned_positions),
                )
            )
            snapshot = session.scalars(query).first()
            if snapshot is None:  # deleted between the two statements (no snapshot isolation on every database)
                raise RegisterNotFoundError(f"ingen lagret register for kommune {code}")
            register = _to_register(snapshot)
        self._registers.put(key, register)
        return register, key

    def snapshot_dates(self, code: str) -> list[date]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(SnapshotRow.as_of).where(SnapshotRow.municipality_code == code).order_by(SnapshotRow.as_of)
                )
            )

    def history(self, code: str) -> list[Register]:
        """Every stored snapshot of a municipality, oldest first."""
        return [self.load_register(code, when) for when in self.snapshot_dates(code)]

    def list_municipalities(self) -> list[Municipality]:
        """Each stored municipality as of its newest snapshot: one query over the snapshot rows' own columns (never
        a register's offices, hjemler or physicians; every page's menu calls this)."""
        rows = self.fetch(_municipalities_query())
        return [
            Municipality(
                code=code, name=name, population=population, population_date=population_date, centrality=centrality
            )
            for code, name, population, population_date, centrality in rows
        ]

    def delete_snapshot(self, code: str, as_of: date) -> bool:
        with self.session() as session:
            deleted = session.execute(
                delete(SnapshotRow).where(SnapshotRow.municipality_code == code, SnapshotRow.as_of == as_of)
            )
            if not getattr(deleted, "rowcount", 0):
                return False
            # What is computed from the register (the dashboard's trends use the earlier snapshot) is keyed by it.
            session.execute(
                update(MunicipalityRow)
                .where(MunicipalityRow.code == code)
                .values(register_version=MunicipalityRow.register_version + 1)
                .execution_options(synchronize_session=False)
            )
            return True

    def delete_municipality(self, code: str) -> bool:
        with self.session() as session:
            row = session.get(MunicipalityRow, code)
            if row is None:
                return False
            session.delete(row)
            return True


class _Prepared(NamedTuple):
    """A statement compiled for one database: its SQL, the order of positional parameters (None: named), the values
    of parameters SQLAlchemy bound itself (LIMIT 1) and each result column's conversion."""

    sql: str
    names: tuple[str, ...] | None
    defaults: dict[str, object]
    processors: tuple[Callable[[Any], Any] | None, ...]


def _converted(processors: tuple[Callable[[Any], Any] | None, ...], row: tuple[Any, ...]) -> Iterator[Any]:
    for convert, value in zip(processors, row, strict=True):
        yield value if convert is None or value is None else convert(value)


def _prepare(statement: Select[*tuple[Any, ...]], dialect: Dialect) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ()) if compiled.positional else None
    processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None) for column in statement.selected_columns
    )
    return _Prepared(str(compiled), names, dict(compiled.params), processors)


@cache
def _register_key_query(dated: bool) -> Select[int, date, datetime, int]:
    """The newest snapshot's key columns for :code (at or before :as_of when `dated`); built once per variant."""
    query = (
        select(SnapshotRow.id, SnapshotRow.as_of, SnapshotRow.created_at, MunicipalityRow.register_version)
        .join(MunicipalityRow, MunicipalityRow.code == SnapshotRow.municipality_code)
        .where(SnapshotRow.municipality_code == bindparam("code"))
    )
    if dated:
        query = query.where(SnapshotRow.as_of <= bindparam("as_of"))
    return query.order_by(SnapshotRow.as_of.desc()).limit(1)


@cache
def _municipalities_query() -> Select[str, str, int, date | None, int]:
    """Built once: constructing the statement costs more than running it on a small table."""
    newest = (
        select(SnapshotRow.municipality_code, func.max(SnapshotRow.as_of).label("as_of"))
        .group_by(SnapshotRow.municipality_code)
        .subquery()
    )
    return (
        select(
            SnapshotRow.municipality_code,
            SnapshotRow.municipality_name,
            SnapshotRow.population,
            SnapshotRow.population_date,
            SnapshotRow.centrality,
        )
        .join(
            newest,
            (newest.c.municipality_code == SnapshotRow.municipality_code) & (newest.c.as_of == SnapshotRow.as_of),
        )
        .order_by(SnapshotRow.municipality_code)
    )


def _to_register(s: SnapshotRow) -> Register:
    code = s.municipality_code
    return Register(
        as_of=s.as_of,
        municipality=Municipality(
            code=code,
            name=s.municipality_name,
            population=s.population,
            population_date=s.population_date,
            centrality=s.centrality,
        ),
        offices=tuple(Office(id=o.id, municipality_code=code, name=o.name, address=o.address) for o in s.offices),
        positions=tuple(
            Position.model_validate(
                {
                    "id": p.id,
                    "municipality_code": code,
                    "office_id": p.office_id,
                    "list_ceiling": p.list_ceiling,
                    "listed_patients": p.listed_patients,
                    "operating_model": p.operating_model,
                    "status": p.status,
                    "open_list": p.open_list,
                    "planned_reduction": p.planned_reduction or 0,
                    "reduction_reason": p.reduction_reason,
                }
            )
            for p in s.positions
        ),
        physicians=tuple(
            Physician.model_validate(
                {
                    "id": d.id,
                    "municipality_code": code,
                    "name": d.name,
                    "birth_year": d.birth_year,
                    "sex": d.sex,
                    "specialist_status": d.specialist_status,
                    "role": d.role,
                    "position_id": d.position_id,
                    "employment_fraction": d.employment_fraction,
                    "start_date": d.start_date,
                    "end_date": d.end_date,
                    "municipal_duty_hours": d.municipal_duty_hours,
                    "legevakt_participation": d.legevakt_participation,
                    "legevakt_exempt": d.legevakt_exempt,
                    "exemption_kind": d.exemption_kind,
                    "clinical_months": d.clinical_months,
                    "legevakter_done": d.legevakter_done,
                    "municipal_gp_years": d.municipal_gp_years,
                    "training_start": d.training_start,
                    "training_end": d.training_end,
                }
            )
            for d in s.physicians
        ),
        agreements=tuple(
            Agreement(
                position_id=a.position_id, physician_id=a.physician_id, start_date=a.start_date, end_date=a.end_date
            )
            for a in s.agreements
        ),
        institutions=tuple(
            Institution.model_validate(
                {
                    "id": i.id,
                    "municipality_code": code,
                    "name": i.name,
                    "kind": i.kind,
                    "places": i.places,
                    "doctor_hours_per_week": i.doctor_hours_per_week,
                }
            )
            for i in s.institutions
        ),
        planned_positions=tuple(
            PlannedPosition.model_validate(
                {
                    "id": p.id,
                    "municipality_code": code,
                    "kind": p.kind,
                    "year": p.year,
                    "decided": p.decided,
                    "replaces": p.replaces,
                    "note": p.note,
                }
            )
            for p in s.planned_positions
        ),
    )
