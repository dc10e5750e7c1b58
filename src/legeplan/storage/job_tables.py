"""The job table and `JobStore`, the only code that reads or writes it (see `legeplan.jobs` for the model and runner).

A job is claimed atomically: a compare-and-set `UPDATE job SET state='running' … WHERE id=:id AND state='queued'`
that only one worker can win, with candidates read `FOR UPDATE SKIP LOCKED` on PostgreSQL. Every write a running job
makes (progress, result, error) is fenced by its attempt number, so a worker that was given up on (stale heartbeat)
and comes back cannot overwrite the retry's work.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.base import Base
from legeplan.storage.repository import Storage

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")
FINISHED_STATES = frozenset({"done", "failed", "cancelled"})
#: Jobs started within this window count against their municipality when the next job is picked.
FAIRNESS_WINDOW = timedelta(minutes=10)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class JobRow(Base):
    """One background job: a rota solve, a register import, … (kind), whose and for which municipality."""

    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True, index=True)
    payload_json: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), index=True)
    progress_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=2)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    worker: Mapped[str | None] = mapped_column(String(100), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class JobRecord:
    """A job as stored (payload, progress and result decoded from JSON)."""

    id: str
    kind: str
    owner: str
    municipality_code: str | None
    payload: dict[str, Any]
    state: str
    progress: dict[str, Any]
    result: Any
    error: str | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    worker: str | None
    heartbeat_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


def _record(row: JobRow) -> JobRecord:
    return JobRecord(
        id=row.id,
        kind=row.kind,
        owner=row.owner,
        municipality_code=row.municipality_code,
        payload=json.loads(row.payload_json),
        state=row.state,
        progress=json.loads(row.progress_json) if row.progress_json else {},
        result=json.loads(row.result_json) if row.result_json else None,
        error=row.error,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        cancel_requested=row.cancel_requested,
        worker=row.worker,
        heartbeat_at=row.heartbeat_at,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class StaleOutcome:
    """What `JobStore.reap_stale` did with one job whose worker stopped sending heartbeats."""

    job_id: str
    requeued: bool


class JobStore:
    """Enqueue, claim, report and finish jobs in the shared database (SQLite or PostgreSQL)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    @property
    def is_postgresql(self) -> bool:
        return self.storage.engine.dialect.name == "postgresql"

    def enqueue(
        self,
        kind: str,
        owner: str,
        municipality_code: str | None,
        payload: dict[str, Any],
        *,
        max_attempts: int = 2,
        job_id: str | None = None,
    ) -> str:
        job_id = job_id or uuid.uuid4().hex
        with self.storage.session() as session:
            session.add(
                JobRow(
                    id=job_id,
                    kind=kind,
                    owner=owner,
                    municipality_code=municipality_code,
                    payload_json=_dump(payload),
                    state="queued",
                    attempts=0,
                    max_attempts=max(1, max_attempts),
                    cancel_requested=False,
                    created_at=_now(),
                )
            )
        return job_id

    def get(self, job_id: str) -> JobRecord | None:
        with self.storage.session() as session:
            row = session.get(JobRow, job_id)
            return None if row is None else _record(row)

    def recent(
        self, municipality_code: str | None = None, kind: str | None = None, limit: int = 100
    ) -> list[JobRecord]:
        with self.storage.session() as session:
            query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
            if municipality_code is not None:
                query = query.where(JobRow.municipality_code == municipality_code)
            if kind is not None:
                query = query.where(JobRow.kind == kind)
            return [_record(r) for r in session.scalars(query)]

    def has_pending(self, kind: str | None = None) -> bool:
        """Is any job (of `kind`, if given) queued or running?"""
        with self.storage.session() as session:
            query = select(func.count()).where(JobRow.state.in_(("queued", "running")))
            if kind is not None:
                query = query.where(JobRow.kind == kind)
            return bool(session.scalar(query))

    # --- claiming -------------------------------------------------------------------------------------------------

    def _next_municipality(self, kinds: tuple[str, ...] | None) -> list[str | None]:
        """Municipalities with queued jobs, the least busy first: fewest running jobs, then fewest started in the
        fairness window, then the oldest waiting job (round-robin over municipalities)."""
        since = _now() - FAIRNESS_WINDOW
        with self.storage.session() as session:
            queued = select(JobRow.municipality_code, func.min(JobRow.created_at)).where(JobRow.state == "queued")
            if kinds:
                queued = queued.where(JobRow.kind.in_(kinds))
            waiting: dict[str | None, datetime] = {
                code: first for code, first in session.execute(queued.group_by(JobRow.municipality_code))
            }
            if not waiting:
                return []
            counts = select(JobRow.municipality_code, func.count()).group_by(JobRow.municipality_code)
            running: dict[str | None, int] = {
                code: n for code, n in session.execute(counts.where(JobRow.state == "running"))
            }
            recent: dict[str | None, int] = {
                code: n for code, n in session.execute(counts.where(JobRow.started_at >= since))
            }
        return sorted(waiting, key=lambda code: (running.get(code, 0), recent.get(code, 0), waiting[code]))

    def claim(self, worker: str, kinds: tuple[str, ...] | None = None) -> JobRecord | None:
        """Take the next job for `worker` (fair over municipalities), or None when nothing is queued."""
        for code in self._next_municipality(kinds):
            for _attempt in range(5):
                with self.storage.session() as session:
                    query = select(JobRow.id).where(JobRow.state == "queued")
                    query = query.where(
                        JobRow.municipality_code.is_(None) if code is None else JobRow.municipality_code == code
                    )
                    if kinds:
                        query = query.where(JobRow.kind.in_(kinds))
                    query = query.order_by(JobRow.created_at, JobRow.id).limit(1)
                    if self.is_postgresql:
                        query = query.with_for_update(skip_locked=True)
                    job_id = session.scalar(query)
                    if job_id is None:
                        break
                    now = _now()
                    claimed = session.execute(
                        update(JobRow)
                        .where(JobRow.id == job_id, JobRow.state == "queued")
                        .values(
                            state="running",
                            attempts=JobRow.attempts + 1,
                            worker=worker,
                            heartbeat_at=now,
                            started_at=now,
                            error=None,
                        )
                    )
                    if getattr(claimed, "rowcount", 0) == 1:
                        row = session.get(JobRow, job_id, populate_existing=True)
                        assert row is not None
                        return _record(row)
        return None

    # --- reports from a running job (fenced by attempt) -----------------------------------------------------------

    def heartbeat(self, job_id: str, attempt: int, progress: dict[str, Any] | None = None) -> bool:
        """Refresh the heartbeat (and progress); False if this attempt no longer owns the job."""
        values: dict[str, Any] = {"heartbeat_at": _now()}
        if progress is not None:
            values["progress_json"] = _dump(progress)
        with self.storage.session() as session:
            result = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.attempts == attempt, JobRow.state == "running")
                .values(**values)
            )
            return getattr(result, "rowcount", 0) == 1

    def finish(
        self,
        job_id: str,
        attempt: int,
        state: str,
        result: Any = None,
        error: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> bool:
        """End this attempt of a job; `payload` replaces the stored input (e.g. without an uploaded file's bytes)."""
        if state not in FINISHED_STATES:
            raise ValueError(f"ukjent slutttilstand {state!r}")
        values: dict[str, Any] = {
            "state": state,
            "result_json": None if result is None else _dump(result),
            "error": error,
            "finished_at": _now(),
            "heartbeat_at": _now(),
        }
        if payload is not None:
            values["payload_json"] = _dump(payload)
        with self.storage.session() as session:
            done = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.attempts == attempt, JobRow.state == "running")
                .values(**values)
            )
            return getattr(done, "rowcount", 0) == 1

    def retry_or_fail(self, job_id: str, attempt: int, reason: str) -> bool:
        """After a worker lost its job (crash, kill, limit): queue it again if attempts remain, else fail with
        `reason`. Returns True when it was queued again."""
        with self.storage.session() as session:
            row = session.get(JobRow, job_id, with_for_update=self.is_postgresql)
            if row is None or row.state != "running" or row.attempts != attempt:
                return False
            if row.cancel_requested:
                row.state, row.error, row.finished_at = "cancelled", reason, _now()
                return False
            if row.attempts < row.max_attempts:
                row.state, row.error, row.worker = "queued", reason, None
                return True
            row.state, row.error, row.finished_at = "failed", reason, _now()
            return False

    def reap_stale(self, older_than: timedelta, reason: str) -> list[StaleOutcome]:
        """Running jobs whose heartbeat is older than `older_than`: their worker is gone; retry or fail them."""
        limit = _now() - older_than
        with self.storage.session() as session:
            stale = session.execute(
                select(JobRow.id, JobRow.attempts).where(JobRow.state == "running", JobRow.heartbeat_at < limit)
            ).all()
        return [StaleOutcome(job_id, self.retry_or_fail(job_id, attempts, reason)) for job_id, attempts in stale]

    def amend_result(self, job_id: str, result: Any, unless_key: str | None = None) -> bool:
        """Replace a finished job's result (e.g. mark an import as saved), compare-and-set on the old result so two
        concurrent callers cannot both succeed; False if `unless_key` is already in the result or it changed."""
        with self.storage.session() as session:
            row = session.get(JobRow, job_id)
            if row is None or row.state != "done":
                return False
            old = row.result_json
            if unless_key is not None and old and unless_key in json.loads(old):
                return False
            changed = session.execute(
                update(JobRow)
                .where(
                    JobRow.id == job_id, JobRow.result_json == old if old is not None else JobRow.result_json.is_(None)
                )
                .values(result_json=_dump(result))
                .execution_options(synchronize_session=False)
            )
            return getattr(changed, "rowcount", 0) == 1

    def purge(self, older_than: timedelta) -> int:
        """Delete finished jobs that ended more than `older_than` ago (stored rotas are kept in their own table)."""
        limit = _now() - older_than
        with self.storage.session() as session:
            gone = session.execute(
                delete(JobRow).where(JobRow.state.in_(tuple(FINISHED_STATES)), JobRow.finished_at < limit)
            )
            return int(getattr(gone, "rowcount", 0) or 0)

    # --- cancelling -----------------------------------------------------------------------------------------------

    def request_cancel(self, job_id: str) -> str | None:
        """A queued job is cancelled at once; a running one is asked to stop. Returns the new state."""
        with self.storage.session() as session:
            row = session.get(JobRow, job_id, with_for_update=self.is_postgresql)
            if row is None:
                return None
            if row.state == "queued":
                row.state, row.finished_at = "cancelled", _now()
            elif row.state == "running":
                row.cancel_requested = True
            return row.state

    def cancel_requested(self, job_id: str) -> bool:
        with self.storage.session() as session:
            return bool(session.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id)))


__all__ = ["FINISHED_STATES", "JOB_STATES", "JobRecord", "JobRow", "JobStore", "StaleOutcome"]
