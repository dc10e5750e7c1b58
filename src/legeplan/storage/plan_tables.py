"""ORM table for the plan text: every save is a new row (append-only), so who wrote what, when, is kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.base import Base


class PlanVersionRow(Base):
    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("municipality_code", "version", name="uq_plan_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(100))
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(20))
    state_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    case_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    register_as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
    files_json: Mapped[str] = mapped_column(Text)
    period_start: Mapped[int | None] = mapped_column(Integer, nullable=True)
    period_end: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PlanCommentRow(Base):
    """A høringsuttalelse received for a municipality's plan, with the municipality's answer
    (legeplan.plan.consultation). Updated in place; `revision` guards against lost updates."""

    __tablename__ = "plan_comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    sender: Mapped[str] = mapped_column(String(200))
    received: Mapped[date] = mapped_column(Date)
    chapter_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PlanDocumentRow(Base):
    """A plan document made by a report job (HTML, PDF or DOCX), kept for download under the job's id. The bytes are
    base64 text so the row travels through backup and restore like every other row."""

    __tablename__ = "plan_document"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    text_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    size: Mapped[int] = mapped_column(Integer)
    content_b64: Mapped[str] = mapped_column(Text)
