"""Tables of the living legevakt rota (issue #12): legevakter and their member municipalities, periods, rota versions,
events, doctors' availability and requests, inbox, e-mail outbox and calendar tokens.

`legeplan.storage.rota_store.RotaStore` is the only code that touches them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.base import Base


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class LegevaktRow(Base):
    __tablename__ = "legevakt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    wish_deadline_days: Mapped[int] = mapped_column(Integer, default=14, server_default="14")
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class LegevaktMemberRow(Base):
    """A member municipality of a legevakt (whose register supplies doctors)."""

    __tablename__ = "legevakt_member"

    legevakt_id: Mapped[int] = mapped_column(ForeignKey("legevakt.id", ondelete="CASCADE"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True, index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)


class RotaPeriodRow(Base):
    __tablename__ = "rota_period"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    legevakt_id: Mapped[int] = mapped_column(ForeignKey("legevakt.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="utkast")
    problem_json: Mapped[str] = mapped_column(Text)
    wish_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RotaVersionRow(Base):
    """One rota of a period; append-only (a change is a new row with the next number)."""

    __tablename__ = "rota_version"
    __table_args__ = (UniqueConstraint("period_id", "number", name="uq_rota_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rota_period.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    assignments_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class RotaEventRow(Base):
    __tablename__ = "rota_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rota_period.id", ondelete="CASCADE"), index=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    who: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    detail_json: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")


class RotaAvailabilityRow(Base):
    __tablename__ = "rota_availability"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rota_period.id", ondelete="CASCADE"), index=True)
    physician_id: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    shift_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RotaRequestRow(Base):
    __tablename__ = "rota_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("rota_period.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    from_physician: Mapped[str] = mapped_column(String(64), index=True)
    to_physician: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    shifts_json: Mapped[str] = mapped_column(Text)
    return_shifts_json: Mapped[str] = mapped_column(Text, default="[]")
    state: Mapped[str] = mapped_column(String(12), index=True)
    refusal: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class InboxMessageRow(Base):
    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    municipality_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    physician_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    legevakt_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    read: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class OutboxMailRow(Base):
    __tablename__ = "email_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: When a failed mail with attempts left is due to be tried again (back-off); None: not to be retried.
    retry_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)


class CalendarTokenRow(Base):
    """A doctor's calendar subscription; only the SHA-256 of the secret is stored."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    legevakt_id: Mapped[int] = mapped_column(ForeignKey("legevakt.id", ondelete="CASCADE"), index=True)
    physician_id: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    revoked_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
