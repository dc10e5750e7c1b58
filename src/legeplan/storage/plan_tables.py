"""ORM table for the plan text: every save is a new row (append-only), so who wrote what, when, is kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
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
