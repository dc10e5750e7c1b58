"""The living legevakt rota in the database (issue #12): the typed API over `legeplan.storage.rota_tables`.

Rules of the store:
- Records the users edit carry a `version`; an update names the version it is based on and fails with
  `VersionConflict` if someone saved in between (no lost update). A period's version is raised by every change of the
  period *or its rota*, so a repair or manual edit computed from an older rota cannot overwrite a newer one.
- Rota versions are append-only: a change stores the whole rota as the next number, with events describing it. The
  published version stays readable after later changes; `current_version` is the newest.
- Legevakter, periods and availability entries are soft-deleted (`deleted_at`) and can be restored.
- Calendar tokens are stored as SHA-256 only; the secret is returned once by `create_calendar_token`.
- Bad input raises `RotaStoreError` with one Norwegian sentence and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from pydantic import TypeAdapter
from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from legeplan.legevakt.living import (
    AVAILABILITY_KINDS,
    EVENT_KINDS,
    MAIL_STATES,
    REQUEST_KINDS,
    REQUEST_STATES,
    VERSION_SOURCES,
    Availability,
    AvailabilityInput,
    CalendarToken,
    EventKind,
    InboxMessage,
    Legevakt,
    OutboxMail,
    RequestState,
    RotaEvent,
    RotaPeriod,
    RotaRequest,
    RotaVersion,
    ShiftRef,
    VersionSource,
)
from legeplan.legevakt.model import Assignment, RotaProblem
from legeplan.storage.repository import Storage, VersionConflict
from legeplan.storage.rota_tables import (
    CalendarTokenRow,
    InboxMessageRow,
    LegevaktMemberRow,
    LegevaktRow,
    OutboxMailRow,
    RotaAvailabilityRow,
    RotaEventRow,
    RotaPeriodRow,
    RotaRequestRow,
    RotaVersionRow,
)
from legeplan.text_rules import InputError, clean_text

_ASSIGNMENTS = TypeAdapter(tuple[Assignment, ...])
_SHIFTS = TypeAdapter(tuple[ShiftRef, ...])


class Approval(NamedTuple):
    """A pending request approved together with the rota version it makes (compare-and-set on its version)."""

    request_id: int
    expected_version: int
    to_physician: str | None = None


class RotaStoreError(ValueError):
    """Bad input to the rota store (unknown record, dates outside the period, wrong state); Norwegian message."""


class NotFound(RotaStoreError):
    """The record does not exist (or is deleted where a live one is needed)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- row → model -----------------------------------------------------------------------------------------------------


def _legevakt(row: LegevaktRow, members: Sequence[str]) -> Legevakt:
    return Legevakt(
        id=row.id,
        name=row.name,
        members=tuple(members),
        wish_deadline_days=row.wish_deadline_days,
        auto_approve=row.auto_approve,
        version=row.version,
        created_by=row.created_by,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
    )


def _period(row: RotaPeriodRow) -> RotaPeriod:
    return RotaPeriod(
        id=row.id,
        legevakt_id=row.legevakt_id,
        name=row.name,
        start=row.start,
        end=row.end,
        state="publisert" if row.state == "publisert" else "utkast",
        problem=RotaProblem.model_validate_json(row.problem_json),
        wish_deadline=row.wish_deadline,
        version=row.version,
        published_version=row.published_version,
        published_by=row.published_by,
        published_at=row.published_at,
        created_by=row.created_by,
        created_at=row.created_at,
        deleted_at=row.deleted_at,
    )


def _version(row: RotaVersionRow) -> RotaVersion:
    return RotaVersion.model_validate(
        {
            "period_id": row.period_id,
            "number": row.number,
            "assignments": _ASSIGNMENTS.validate_json(row.assignments_json),
            "status": row.status,
            "source": row.source,
            "note": row.note,
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


def _event(row: RotaEventRow) -> RotaEvent:
    return RotaEvent.model_validate(
        {
            "id": row.id,
            "period_id": row.period_id,
            "version": row.version,
            "at": row.at,
            "who": row.who,
            "kind": row.kind,
            "detail": json.loads(row.detail_json),
            "why": row.why,
        }
    )


def _availability(row: RotaAvailabilityRow) -> Availability:
    return Availability.model_validate(
        {
            "id": row.id,
            "period_id": row.period_id,
            "physician_id": row.physician_id,
            "start": row.start,
            "end": row.end,
            "kind": row.kind,
            "shift_type": row.shift_type,
            "note": row.note,
            "created_by": row.created_by,
            "created_at": row.created_at,
            "deleted_at": row.deleted_at,
        }
    )


def _request(row: RotaRequestRow) -> RotaRequest:
    return RotaRequest.model_validate(
        {
            "id": row.id,
            "period_id": row.period_id,
            "kind": row.kind,
            "from_physician": row.from_physician,
            "to_physician": row.to_physician,
            "shifts": _SHIFTS.validate_json(row.shifts_json),
            "return_shifts": _SHIFTS.validate_json(row.return_shifts_json or "[]"),
            "state": row.state,
            "refusal": row.refusal,
            "note": row.note,
            "created_by": row.created_by,
            "created_at": row.created_at,
            "decided_by": row.decided_by,
            "decided_at": row.decided_at,
            "version": row.version,
        }
    )


#: Unread messages to one login (the header badge of every page): built once.
_UNREAD_BY_USERNAME = (
    select(func.count())
    .select_from(InboxMessageRow)
    .where(InboxMessageRow.username == bindparam("username"), InboxMessageRow.read.is_(False))
)


def _message(row: InboxMessageRow) -> InboxMessage:
    return InboxMessage(
        id=row.id,
        username=row.username,
        municipality_code=row.municipality_code,
        physician_id=row.physician_id,
        legevakt_id=row.legevakt_id,
        at=row.at,
        subject=row.subject,
        body=row.body,
        read=row.read,
    )


def _mail(row: OutboxMailRow) -> OutboxMail:
    return OutboxMail.model_validate(
        {
            "id": row.id,
            "to_address": row.to_address,
            "subject": row.subject,
            "body": row.body,
            "state": row.state,
            "attempts": row.attempts,
            "error": row.error,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
            "retry_at": row.retry_at,
        }
    )


def _token(row: CalendarTokenRow) -> CalendarToken:
    return CalendarToken(
        id=row.id,
        legevakt_id=row.legevakt_id,
        physician_id=row.physician_id,
        created_by=row.created_by,
        created_at=row.created_at,
        revoked_by=row.revoked_by,
        revoked_at=row.revoked_at,
    )


def check_members(members: Iterable[str]) -> list[str]:
    """The member codes, stripped and without repeats; RotaStoreError on a code that is not four digits."""
    codes: list[str] = []
    for code in members:
        code = code.strip()
        if len(code) != 4 or not code.isdigit():
            raise RotaStoreError(f"kommunenummer «{code}» er ugyldig; bruk fire sifre, f.eks. 1824")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise RotaStoreError("en legevakt må ha minst én medlemskommune")
    return codes


def _check_name(name: str) -> str:
    """A legevakt's or a period's name under the same text rules as every form field (NFC, no control characters)."""
    try:
        name = " ".join(clean_text(name, 10_000).split())
    except InputError as error:
        raise RotaStoreError(str(error)) from error
    if not name or len(name) > 200:
        raise RotaStoreError("navnet må ha 1–200 tegn")
    return name


class RotaStore:
    """Legevakter, periods, rota versions and events, availability, requests, inbox, outbox and calendar tokens."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    # --- legevakter ----------------------------------------------------------------------------------------------

    @staticmethod
    def _members(session: Session, legevakt_id: int) -> list[str]:
        return list(
            session.scalars(
                select(LegevaktMemberRow.municipality_code)
                .where(LegevaktMemberRow.legevakt_id == legevakt_id)
                .order_by(LegevaktMemberRow.seq)
            )
        )

    def create_legevakt(
        self,
        name: str,
        members: Iterable[str],
        created_by: str,
        *,
        wish_deadline_days: int = 14,
        auto_approve: bool = False,
    ) -> Legevakt:
        codes = check_members(members)
        if not 0 <= wish_deadline_days <= 365:
            raise RotaStoreError("fristen for ønsker må være 0–365 dager før periodestart")
        with self.storage.session() as session:
            row = LegevaktRow(
                name=_check_name(name),
                wish_deadline_days=wish_deadline_days,
                auto_approve=auto_approve,
                version=1,
                created_by=created_by,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            session.add_all(
                LegevaktMemberRow(legevakt_id=row.id, municipality_code=c, seq=i) for i, c in enumerate(codes)
            )
            return _legevakt(row, codes)

    def legevakt(self, legevakt_id: int) -> Legevakt | None:
        """A legevakt by id, deleted or not (callers check `deleted_at`)."""
        with self.storage.session() as session:
            row = session.get(LegevaktRow, legevakt_id)
            return None if row is None else _legevakt(row, self._members(session, row.id))

    def legevakter(self, municipality_codes: Collection[str] | None = None, *, deleted: bool = False) -> list[Legevakt]:
        """Legevakter with at least one member among `municipality_codes` (None: all); with `deleted`, only the
        deleted ones."""
        with self.storage.session() as session:
            gone = LegevaktRow.deleted_at.is_not(None) if deleted else LegevaktRow.deleted_at.is_(None)
            query = select(LegevaktRow).where(gone).order_by(LegevaktRow.name, LegevaktRow.id)
            if municipality_codes is not None:
                members = select(LegevaktMemberRow.legevakt_id).where(
                    LegevaktMemberRow.municipality_code.in_(list(municipality_codes))
                )
                query = query.where(LegevaktRow.id.in_(members))
            return [_legevakt(r, self._members(session, r.id)) for r in session.scalars(query)]

    def update_legevakt(
        self,
        legevakt_id: int,
        expected_version: int,
        *,
        name: str | None = None,
        members: Iterable[str] | None = None,
        wish_deadline_days: int | None = None,
        auto_approve: bool | None = None,
    ) -> Legevakt:
        """Change a legevakt's name, members or settings; `VersionConflict` if it changed since `expected_version`."""
        values: dict[str, Any] = {"version": LegevaktRow.version + 1}
        if name is not None:
            values["name"] = _check_name(name)
        if wish_deadline_days is not None:
            if not 0 <= wish_deadline_days <= 365:
                raise RotaStoreError("fristen for ønsker må være 0–365 dager før periodestart")
            values["wish_deadline_days"] = wish_deadline_days
        if auto_approve is not None:
            values["auto_approve"] = auto_approve
        codes = None if members is None else check_members(members)
        with self.storage.session() as session:
            if session.get(LegevaktRow, legevakt_id) is None:
                raise NotFound(f"legevakt {legevakt_id} finnes ikke")
            changed = session.execute(
                update(LegevaktRow)
                .where(LegevaktRow.id == legevakt_id, LegevaktRow.version == expected_version)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if getattr(changed, "rowcount", 0) != 1:
                current = session.scalar(select(LegevaktRow.version).where(LegevaktRow.id == legevakt_id))
                raise VersionConflict(expected_version, int(current or 0))
            if codes is not None:
                session.execute(delete(LegevaktMemberRow).where(LegevaktMemberRow.legevakt_id == legevakt_id))
                session.add_all(
                    LegevaktMemberRow(legevakt_id=legevakt_id, municipality_code=c, seq=i) for i, c in enumerate(codes)
                )
            session.flush()
            row = session.get(LegevaktRow, legevakt_id, populate_existing=True)
            assert row is not None
            return _legevakt(row, self._members(session, legevakt_id))

    def delete_legevakt(self, legevakt_id: int) -> bool:
        """Soft delete: hidden from lists, kept for `restore_legevakt`."""
        return self._mark_legevakt(legevakt_id, _now())

    def restore_legevakt(self, legevakt_id: int) -> bool:
        return self._mark_legevakt(legevakt_id, None)

    def _mark_legevakt(self, legevakt_id: int, when: datetime | None) -> bool:
        with self.storage.session() as session:
            row = session.get(LegevaktRow, legevakt_id)
            if row is None or (row.deleted_at is None) == (when is None):
                return False
            row.deleted_at = when
            row.version += 1
            return True

    def legevakter_of_physician(self, municipality_code: str, physician_id: str) -> list[Legevakt]:
        """The live legevakter a register physician serves: those with the physician's municipality as member.
        (Whether the register still holds the physician is the caller's check against the register.)"""
        del physician_id  # membership is by municipality; kept in the signature for the caller's intent
        return self.legevakter([municipality_code])

    # --- periods -------------------------------------------------------------------------------------------------

    def create_period(
        self,
        legevakt_id: int,
        problem: RotaProblem,
        created_by: str,
        *,
        name: str | None = None,
        wish_deadline: date | None = None,
    ) -> RotaPeriod:
        """A new period in state utkast, solved later from `problem` (its dates are the period's). Without a
        deadline, wishes close the legevakt's `wish_deadline_days` before the start."""
        with self.storage.session() as session:
            legevakt = session.get(LegevaktRow, legevakt_id)
            if legevakt is None or legevakt.deleted_at is not None:
                raise NotFound(f"legevakt {legevakt_id} finnes ikke")
            row = RotaPeriodRow(
                legevakt_id=legevakt_id,
                name=_check_name(name or problem.name),
                start=problem.start,
                end=problem.end,
                state="utkast",
                problem_json=problem.model_dump_json(),
                wish_deadline=wish_deadline or problem.start - timedelta(days=legevakt.wish_deadline_days),
                version=1,
                created_by=created_by,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            session.add(
                RotaEventRow(
                    period_id=row.id,
                    version=None,
                    at=_now(),
                    who=created_by,
                    kind="created",
                    detail_json=_dump({"start": row.start, "end": row.end, "doctors": len(problem.doctors)}),
                    why="",
                )
            )
            return _period(row)

    def period(self, period_id: int) -> RotaPeriod | None:
        """A period by id, deleted or not (callers check `deleted_at`)."""
        with self.storage.session() as session:
            row = session.get(RotaPeriodRow, period_id)
            return None if row is None else _period(row)

    def periods(
        self, legevakt_id: int, *, deleted: bool = False, state: str | None = None, before: date | None = None
    ) -> list[RotaPeriod]:
        """The legevakt's periods by start date; `state` filters, `before` keeps those that end before that date."""
        with self.storage.session() as session:
            gone = RotaPeriodRow.deleted_at.is_not(None) if deleted else RotaPeriodRow.deleted_at.is_(None)
            query = select(RotaPeriodRow).where(RotaPeriodRow.legevakt_id == legevakt_id, gone)
            if state is not None:
                query = query.where(RotaPeriodRow.state == state)
            if before is not None:
                query = query.where(RotaPeriodRow.end < before)
            return [_period(r) for r in session.scalars(query.order_by(RotaPeriodRow.start, RotaPeriodRow.id))]

    def _bump_period(self, session: Session, period_id: int, expected_version: int | None, **values: Any) -> None:
        """Raise the period's version (compare-and-set on `expected_version` if given) and set `values`."""
        row = session.get(RotaPeriodRow, period_id)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"periode {period_id} finnes ikke")
        conditions = [RotaPeriodRow.id == period_id]
        if expected_version is not None:
            conditions.append(RotaPeriodRow.version == expected_version)
        changed = session.execute(
            update(RotaPeriodRow)
            .where(*conditions)
            .values(version=RotaPeriodRow.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) != 1:
            current = session.scalar(select(RotaPeriodRow.version).where(RotaPeriodRow.id == period_id))
            raise VersionConflict(expected_version or 0, int(current or 0))

    def update_period(
        self,
        period_id: int,
        expected_version: int,
        who: str,
        *,
        problem: RotaProblem | None = None,
        name: str | None = None,
        wish_deadline: date | None = None,
        why: str = "",
    ) -> RotaPeriod:
        """Change the period's problem (only while utkast), name or wish deadline."""
        values: dict[str, Any] = {}
        detail: dict[str, Any] = {}
        if name is not None:
            values["name"] = detail["name"] = _check_name(name)
        if wish_deadline is not None:
            values["wish_deadline"] = detail["wish_deadline"] = wish_deadline
        with self.storage.session() as session:
            row = session.get(RotaPeriodRow, period_id)
            if row is None or row.deleted_at is not None:
                raise NotFound(f"periode {period_id} finnes ikke")
            if problem is not None:
                if row.state == "publisert" and (problem.start, problem.end) != (row.start, row.end):
                    raise RotaStoreError("datoene til en publisert periode kan ikke endres")
                values.update(problem_json=problem.model_dump_json(), start=problem.start, end=problem.end)
                detail["problem"] = {"doctors": len(problem.doctors), "start": problem.start, "end": problem.end}
            self._bump_period(session, period_id, expected_version, **values)
            if detail:
                self._add_event(session, period_id, None, who, "note", detail, why)
            session.flush()
            fresh = session.get(RotaPeriodRow, period_id, populate_existing=True)
            assert fresh is not None
            return _period(fresh)

    def delete_period(self, period_id: int) -> bool:
        return self._mark_period(period_id, _now())

    def restore_period(self, period_id: int) -> bool:
        return self._mark_period(period_id, None)

    def _mark_period(self, period_id: int, when: datetime | None) -> bool:
        with self.storage.session() as session:
            row = session.get(RotaPeriodRow, period_id)
            if row is None or (row.deleted_at is None) == (when is None):
                return False
            row.deleted_at = when
            row.version += 1
            return True

    # --- rota versions and events --------------------------------------------------------------------------------

    @staticmethod
    def _add_event(
        session: Session,
        period_id: int,
        version: int | None,
        who: str,
        kind: EventKind,
        detail: dict[str, Any],
        why: str,
    ) -> RotaEventRow:
        if kind not in EVENT_KINDS:
            raise RotaStoreError(f"ukjent hendelsestype «{kind}»")
        row = RotaEventRow(
            period_id=period_id, version=version, at=_now(), who=who, kind=kind, detail_json=_dump(detail), why=why
        )
        session.add(row)
        return row

    def add_version(
        self,
        period_id: int,
        assignments: Sequence[Assignment],
        created_by: str,
        *,
        expected_version: int,
        source: VersionSource,
        status: str = "manuell",
        note: str = "",
        events: Sequence[tuple[EventKind, dict[str, Any], str]] = (),
        problem: RotaProblem | None = None,
        approves: Approval | None = None,
    ) -> RotaVersion:
        """Store `assignments` as the period's next rota version, with `events` (kind, detail, why) recorded against
        it, in one transaction. `expected_version` is the period version the change was computed from: if the period
        or its rota changed since, `VersionConflict` and nothing is stored. `problem` (same dates) replaces the
        period's problem in the same transaction (e.g. a repair keeps the absence). `approves` marks a swap or
        give-away request approved in the same transaction, so a new version never exists without its decision."""
        if source not in VERSION_SOURCES:
            raise RotaStoreError(f"ukjent kilde «{source}»")
        with self.storage.session() as session:
            row = session.get(RotaPeriodRow, period_id)
            if row is None or row.deleted_at is not None:
                raise NotFound(f"periode {period_id} finnes ikke")
            outside = [a for a in assignments if not row.start <= a.date <= row.end]
            if outside:
                raise RotaStoreError(
                    f"vakten {outside[0].date:%d.%m.%Y} er utenfor perioden {row.start:%d.%m.%Y}–{row.end:%d.%m.%Y}"
                )
            values: dict[str, Any] = {}
            if problem is not None:
                if (problem.start, problem.end) != (row.start, row.end):
                    raise RotaStoreError("en ny turnusversjon kan ikke endre periodens datoer")
                values["problem_json"] = problem.model_dump_json()
            self._bump_period(session, period_id, expected_version, **values)
            number = int(
                session.scalar(select(func.max(RotaVersionRow.number)).where(RotaVersionRow.period_id == period_id))
                or 0
            )
            version = RotaVersionRow(
                period_id=period_id,
                number=number + 1,
                assignments_json=_ASSIGNMENTS.dump_json(tuple(assignments)).decode("utf-8"),
                status=status[:20],
                source=source,
                note=note,
                created_by=created_by,
                created_at=_now(),
            )
            session.add(version)
            for kind, detail, why in events:
                self._add_event(session, period_id, number + 1, created_by, kind, detail, why)
            if approves is not None:
                self._decide(
                    session,
                    approves.request_id,
                    "approved",
                    created_by,
                    approves.expected_version,
                    None,
                    approves.to_physician,
                )
            session.flush()
            return _version(version)

    def versions(self, period_id: int) -> list[RotaVersion]:
        """Every rota version of the period, oldest first."""
        with self.storage.session() as session:
            rows = session.scalars(
                select(RotaVersionRow).where(RotaVersionRow.period_id == period_id).order_by(RotaVersionRow.number)
            )
            return [_version(r) for r in rows]

    def version(self, period_id: int, number: int) -> RotaVersion | None:
        with self.storage.session() as session:
            row = session.scalars(
                select(RotaVersionRow).where(RotaVersionRow.period_id == period_id, RotaVersionRow.number == number)
            ).first()
            return None if row is None else _version(row)

    def current_version(self, period_id: int) -> RotaVersion | None:
        """The newest rota of the period (after publishing: the live rota, with every later change)."""
        with self.storage.session() as session:
            row = session.scalars(
                select(RotaVersionRow)
                .where(RotaVersionRow.period_id == period_id)
                .order_by(RotaVersionRow.number.desc())
                .limit(1)
            ).first()
            return None if row is None else _version(row)

    def published_version(self, period_id: int) -> RotaVersion | None:
        """The version that was published (None while utkast)."""
        period = self.period(period_id)
        if period is None or period.published_version is None:
            return None
        return self.version(period_id, period.published_version)

    def publish(self, period_id: int, who: str, *, expected_version: int, why: str = "") -> RotaPeriod:
        """utkast → publisert with the current rota version (publishing again records the newer version)."""
        with self.storage.session() as session:
            number = session.scalar(
                select(func.max(RotaVersionRow.number)).where(RotaVersionRow.period_id == period_id)
            )
            if number is None:
                raise RotaStoreError("perioden har ingen turnus ennå; løs den før publisering")
            now = _now()
            self._bump_period(
                session,
                period_id,
                expected_version,
                state="publisert",
                published_version=int(number),
                published_by=who,
                published_at=now,
            )
            self._add_event(session, period_id, int(number), who, "published", {"version": int(number)}, why)
            session.flush()
            row = session.get(RotaPeriodRow, period_id, populate_existing=True)
            assert row is not None
            return _period(row)

    def add_event(
        self,
        period_id: int,
        who: str,
        kind: EventKind,
        detail: dict[str, Any],
        why: str = "",
        *,
        version: int | None = None,
    ) -> RotaEvent:
        """Record an event that stores no new rota (e.g. a note, or an absence before it is repaired)."""
        with self.storage.session() as session:
            if session.get(RotaPeriodRow, period_id) is None:
                raise NotFound(f"periode {period_id} finnes ikke")
            row = self._add_event(session, period_id, version, who, kind, detail, why)
            session.flush()
            return _event(row)

    def events(self, period_id: int, *, kind: str | None = None, limit: int = 1000) -> list[RotaEvent]:
        """The period's events, newest first."""
        with self.storage.session() as session:
            query = select(RotaEventRow).where(RotaEventRow.period_id == period_id)
            if kind is not None:
                query = query.where(RotaEventRow.kind == kind)
            rows = session.scalars(query.order_by(RotaEventRow.id.desc()).limit(limit))
            return [_event(r) for r in rows]

    # --- availability --------------------------------------------------------------------------------------------

    def add_availability(self, period_id: int, entry: AvailabilityInput, created_by: str) -> Availability:
        """A doctor's unavailability or wish; its dates must lie within the period."""
        if entry.kind not in AVAILABILITY_KINDS:
            raise RotaStoreError(f"ukjent type «{entry.kind}»")
        with self.storage.session() as session:
            period = session.get(RotaPeriodRow, period_id)
            if period is None or period.deleted_at is not None:
                raise NotFound(f"periode {period_id} finnes ikke")
            if entry.start < period.start or entry.end > period.end:
                raise RotaStoreError(
                    f"datoene {entry.start}–{entry.end} må ligge i perioden {period.start}–{period.end}"
                )
            row = RotaAvailabilityRow(
                period_id=period_id,
                physician_id=entry.physician_id,
                start=entry.start,
                end=entry.end,
                kind=entry.kind,
                shift_type=entry.shift_type,
                note=entry.note,
                created_by=created_by,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            return _availability(row)

    def availability(
        self, period_id: int, physician_id: str | None = None, *, deleted: bool = False
    ) -> list[Availability]:
        with self.storage.session() as session:
            gone = RotaAvailabilityRow.deleted_at.is_not(None) if deleted else RotaAvailabilityRow.deleted_at.is_(None)
            query = select(RotaAvailabilityRow).where(RotaAvailabilityRow.period_id == period_id, gone)
            if physician_id is not None:
                query = query.where(RotaAvailabilityRow.physician_id == physician_id)
            rows = session.scalars(query.order_by(RotaAvailabilityRow.start, RotaAvailabilityRow.id))
            return [_availability(r) for r in rows]

    def availability_entry(self, entry_id: int) -> Availability | None:
        with self.storage.session() as session:
            row = session.get(RotaAvailabilityRow, entry_id)
            return None if row is None else _availability(row)

    def delete_availability(self, entry_id: int) -> bool:
        """Soft delete (the entry stays visible to the legevaktsjef as withdrawn)."""
        with self.storage.session() as session:
            row = session.get(RotaAvailabilityRow, entry_id)
            if row is None or row.deleted_at is not None:
                return False
            row.deleted_at = _now()
            return True

    # --- requests ------------------------------------------------------------------------------------------------

    def create_request(
        self,
        period_id: int,
        kind: str,
        from_physician: str,
        shifts: Sequence[ShiftRef],
        created_by: str,
        *,
        to_physician: str | None = None,
        return_shifts: Sequence[ShiftRef] = (),
        note: str = "",
        refusal: str | None = None,
    ) -> RotaRequest:
        """A swap or give-away, pending; with `refusal` (a rule broke) it is stored as rejected at once."""
        if kind not in REQUEST_KINDS:
            raise RotaStoreError(f"ukjent forespørsel «{kind}»; bruk bytte (swap) eller gi bort (giveaway)")
        if not shifts:
            raise RotaStoreError("forespørselen må gjelde minst én vakt")
        if kind == "swap" and to_physician is None:
            raise RotaStoreError("et bytte må ha en navngitt kollega")
        if to_physician == from_physician:
            raise RotaStoreError("en lege kan ikke bytte med seg selv")
        with self.storage.session() as session:
            period = session.get(RotaPeriodRow, period_id)
            if period is None or period.deleted_at is not None:
                raise NotFound(f"periode {period_id} finnes ikke")
            for ref in (*shifts, *return_shifts):
                if not period.start <= ref.date <= period.end:
                    raise RotaStoreError(
                        f"vakten {ref.date:%d.%m.%Y} er utenfor perioden {period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"
                    )
            now = _now()
            row = RotaRequestRow(
                period_id=period_id,
                kind=kind,
                from_physician=from_physician,
                to_physician=to_physician,
                shifts_json=_SHIFTS.dump_json(tuple(shifts)).decode("utf-8"),
                return_shifts_json=_SHIFTS.dump_json(tuple(return_shifts)).decode("utf-8"),
                state="rejected" if refusal else "pending",
                refusal=refusal,
                note=note,
                created_by=created_by,
                created_at=now,
                decided_by="system" if refusal else None,
                decided_at=now if refusal else None,
                version=1,
            )
            session.add(row)
            session.flush()
            return _request(row)

    def request(self, request_id: int) -> RotaRequest | None:
        with self.storage.session() as session:
            row = session.get(RotaRequestRow, request_id)
            return None if row is None else _request(row)

    def requests(
        self, period_id: int, *, state: str | None = None, physician_id: str | None = None
    ) -> list[RotaRequest]:
        """The period's requests, newest first; `physician_id` keeps those from or to that doctor."""
        with self.storage.session() as session:
            query = select(RotaRequestRow).where(RotaRequestRow.period_id == period_id)
            if state is not None:
                query = query.where(RotaRequestRow.state == state)
            if physician_id is not None:
                query = query.where(
                    (RotaRequestRow.from_physician == physician_id) | (RotaRequestRow.to_physician == physician_id)
                )
            return [_request(r) for r in session.scalars(query.order_by(RotaRequestRow.id.desc()))]

    def decide_request(
        self,
        request_id: int,
        state: RequestState,
        who: str,
        *,
        expected_version: int,
        refusal: str | None = None,
        to_physician: str | None = None,
    ) -> RotaRequest:
        """pending → approved, rejected or withdrawn (compare-and-set on the request's version). A give-away to anyone
        may name who takes it (`to_physician`) when approved."""
        if state not in REQUEST_STATES or state == "pending":
            raise RotaStoreError(f"ugyldig ny tilstand «{state}»")
        with self.storage.session() as session:
            return self._decide(session, request_id, state, who, expected_version, refusal, to_physician)

    @staticmethod
    def _decide(
        session: Session,
        request_id: int,
        state: RequestState,
        who: str,
        expected_version: int,
        refusal: str | None,
        to_physician: str | None,
    ) -> RotaRequest:
        row = session.get(RotaRequestRow, request_id)
        if row is None:
            raise NotFound(f"forespørsel {request_id} finnes ikke")
        if row.state != "pending":
            raise RotaStoreError(f"forespørselen er allerede {row.state}")
        values: dict[str, Any] = {
            "state": state,
            "refusal": refusal,
            "decided_by": who,
            "decided_at": _now(),
            "version": RotaRequestRow.version + 1,
        }
        if to_physician is not None:
            values["to_physician"] = to_physician
        changed = session.execute(
            update(RotaRequestRow)
            .where(
                RotaRequestRow.id == request_id,
                RotaRequestRow.version == expected_version,
                RotaRequestRow.state == "pending",
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(changed, "rowcount", 0) != 1:
            current = session.scalar(select(RotaRequestRow.version).where(RotaRequestRow.id == request_id))
            raise VersionConflict(expected_version, int(current or 0))
        session.flush()
        fresh = session.get(RotaRequestRow, request_id, populate_existing=True)
        assert fresh is not None
        return _request(fresh)

    # --- inbox and outbox ----------------------------------------------------------------------------------------

    def send_message(
        self,
        subject: str,
        body: str,
        *,
        username: str | None = None,
        municipality_code: str | None = None,
        physician_id: str | None = None,
        legevakt_id: int | None = None,
    ) -> InboxMessage:
        """Put a message in an inbox: a login's (`username`) or a register doctor's (code + physician id)."""
        if username is None and physician_id is None:
            raise RotaStoreError("en melding må ha en mottaker")
        with self.storage.session() as session:
            row = InboxMessageRow(
                username=username,
                municipality_code=municipality_code,
                physician_id=physician_id,
                legevakt_id=legevakt_id,
                at=_now(),
                subject=subject[:300],
                body=body,
                read=False,
            )
            session.add(row)
            session.flush()
            return _message(row)

    def _inbox_query(self, username: str | None, municipality_code: str | None, physician_id: str | None) -> Any:
        mine = []
        if username is not None:
            mine.append(InboxMessageRow.username == username)
        if physician_id is not None:
            doctor = InboxMessageRow.physician_id == physician_id
            if municipality_code is not None:
                doctor = doctor & (InboxMessageRow.municipality_code == municipality_code)
            mine.append(doctor)
        if not mine:
            return None
        condition = mine[0]
        for extra in mine[1:]:
            condition = condition | extra
        return condition

    def inbox(
        self,
        *,
        username: str | None = None,
        municipality_code: str | None = None,
        physician_id: str | None = None,
        unread_only: bool = False,
        limit: int = 200,
    ) -> list[InboxMessage]:
        """Messages to the login or to the doctor it is, newest first."""
        condition = self._inbox_query(username, municipality_code, physician_id)
        if condition is None:
            return []
        with self.storage.session() as session:
            query = select(InboxMessageRow).where(condition)
            if unread_only:
                query = query.where(InboxMessageRow.read.is_(False))
            rows = session.scalars(query.order_by(InboxMessageRow.id.desc()).limit(limit))
            return [_message(r) for r in rows]

    def unread_count(
        self, *, username: str | None = None, municipality_code: str | None = None, physician_id: str | None = None
    ) -> int:
        if physician_id is None and username is not None:  # every page's header: a statement built once
            return int(self.storage.fetch(_UNREAD_BY_USERNAME, {"username": username})[0][0] or 0)
        condition = self._inbox_query(username, municipality_code, physician_id)
        if condition is None:
            return 0
        with self.storage.reading() as connection:
            return int(
                connection.scalar(
                    select(func.count()).select_from(InboxMessageRow).where(condition, InboxMessageRow.read.is_(False))
                )
                or 0
            )

    def mark_read(self, message_id: int, read: bool = True) -> bool:
        with self.storage.session() as session:
            row = session.get(InboxMessageRow, message_id)
            if row is None:
                return False
            row.read = read
            return True

    def message(self, message_id: int) -> InboxMessage | None:
        with self.storage.session() as session:
            row = session.get(InboxMessageRow, message_id)
            return None if row is None else _message(row)

    def queue_mail(self, to_address: str, subject: str, body: str, *, enabled: bool = True) -> OutboxMail:
        """Log an e-mail: queued for sending, or `off` (kept in the log only) when e-mail is not configured."""
        if "@" not in to_address or len(to_address) > 320:
            raise RotaStoreError(f"e-postadressen «{to_address}» er ugyldig")
        with self.storage.session() as session:
            row = OutboxMailRow(
                to_address=to_address,
                subject=subject[:300],
                body=body,
                state="queued" if enabled else "off",
                attempts=0,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            return _mail(row)

    def outbox(self, *, state: str | None = None, limit: int = 200) -> list[OutboxMail]:
        """The e-mail log, oldest first (so `state="queued"` gives the sending order)."""
        with self.storage.session() as session:
            query = select(OutboxMailRow)
            if state is not None:
                query = query.where(OutboxMailRow.state == state)
            return [_mail(r) for r in session.scalars(query.order_by(OutboxMailRow.id).limit(limit))]

    def mark_mail(
        self, mail_id: int, state: str, error: str | None = None, *, retry_at: datetime | None = None
    ) -> bool:
        """Record a sending attempt: `sent` (with the time) or `failed`/`queued` (with the error, and for a failed
        mail with attempts left the time it is due again, `retry_at`)."""
        if state not in MAIL_STATES:
            raise RotaStoreError(f"ukjent e-posttilstand «{state}»")
        with self.storage.session() as session:
            row = session.get(OutboxMailRow, mail_id)
            if row is None:
                return False
            row.state, row.error = state, error
            row.attempts += 1
            row.retry_at = retry_at if state == "failed" else None
            if state == "sent":
                row.sent_at = _now()
            return True

    def claim_mail(self, mail: OutboxMail, lease_until: datetime) -> bool:
        """Take `mail` for sending, if it is still as it was read (state and attempts): one conditional UPDATE, so of
        two senders (the web app's timer and a `legeplan worker`) exactly one gets it. The claim is a lease: a sender
        that dies leaves the mail `sending` until `lease_until`, after which `mails_to_retry` offers it again."""
        with self.storage.session() as session:
            claimed = session.execute(
                update(OutboxMailRow)
                .where(
                    OutboxMailRow.id == mail.id,
                    OutboxMailRow.state == mail.state,
                    OutboxMailRow.attempts == mail.attempts,
                )
                .values(state="sending", retry_at=lease_until)
            )
            return bool(getattr(claimed, "rowcount", 0) == 1)

    def mails_to_retry(self, now: datetime, max_attempts: int, *, limit: int = 200) -> list[OutboxMail]:
        """Failed mails with attempts left whose back-off has passed (`retry_at` at or before `now`), and mails whose
        sender died while sending (lease passed), oldest first."""
        with self.storage.session() as session:
            query = (
                select(OutboxMailRow)
                .where(
                    OutboxMailRow.state.in_(("failed", "sending")),
                    OutboxMailRow.attempts < max_attempts,
                    or_(OutboxMailRow.retry_at.is_(None), OutboxMailRow.retry_at <= now),
                )
                .order_by(OutboxMailRow.id)
                .limit(limit)
            )
            return [_mail(r) for r in session.scalars(query)]

    def mail_waiting(self, max_attempts: int) -> bool:
        """Is any mail queued, or failed with attempts left (due now or later)? One small query."""
        with self.storage.session() as session:
            waiting = or_(
                OutboxMailRow.state == "queued",
                OutboxMailRow.state.in_(("failed", "sending")) & (OutboxMailRow.attempts < max_attempts),
            )
            return session.scalar(select(OutboxMailRow.id).where(waiting).limit(1)) is not None

    # --- calendar tokens -----------------------------------------------------------------------------------------

    def create_calendar_token(self, legevakt_id: int, physician_id: str, created_by: str) -> tuple[CalendarToken, str]:
        """A new subscription secret for a doctor's shifts at a legevakt; returns the record and the secret, which is
        not stored (only its SHA-256)."""
        secret = secrets.token_urlsafe(32)
        with self.storage.session() as session:
            legevakt = session.get(LegevaktRow, legevakt_id)
            if legevakt is None or legevakt.deleted_at is not None:
                raise NotFound(f"legevakt {legevakt_id} finnes ikke")
            row = CalendarTokenRow(
                legevakt_id=legevakt_id,
                physician_id=physician_id,
                token_hash=token_hash(secret),
                created_by=created_by,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            return _token(row), secret

    def calendar_token(self, secret: str) -> CalendarToken | None:
        """The active token for a secret (None if unknown or revoked)."""
        with self.storage.session() as session:
            row = session.scalars(
                select(CalendarTokenRow).where(
                    CalendarTokenRow.token_hash == token_hash(secret), CalendarTokenRow.revoked_at.is_(None)
                )
            ).first()
            return None if row is None else _token(row)

    def calendar_token_by_id(self, token_id: int) -> CalendarToken | None:
        with self.storage.session() as session:
            row = session.get(CalendarTokenRow, token_id)
            return None if row is None else _token(row)

    def calendar_tokens(
        self, legevakt_id: int, physician_id: str | None = None, *, include_revoked: bool = False
    ) -> list[CalendarToken]:
        with self.storage.session() as session:
            query = select(CalendarTokenRow).where(CalendarTokenRow.legevakt_id == legevakt_id)
            if physician_id is not None:
                query = query.where(CalendarTokenRow.physician_id == physician_id)
            if not include_revoked:
                query = query.where(CalendarTokenRow.revoked_at.is_(None))
            return [_token(r) for r in session.scalars(query.order_by(CalendarTokenRow.id))]

    def revoke_calendar_token(self, token_id: int, who: str) -> bool:
        """After this the token's URL answers 404. False if unknown or already revoked."""
        with self.storage.session() as session:
            row = session.get(CalendarTokenRow, token_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at, row.revoked_by = _now(), who
            return True


__all__ = ["NotFound", "RotaStore", "RotaStoreError", "token_hash"]
