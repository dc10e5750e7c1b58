"""ORM tables for the register. Every entity row belongs to a dated snapshot, so history is kept and turnover and
stability can be computed between any two stored dates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legeplan.storage.base import Base


class MunicipalityRow(Base):
    __tablename__ = "municipality"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Raised by every register save, so a save based on an older version is detected (no lost update).
    register_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    snapshots: Mapped[list[SnapshotRow]] = relationship(back_populates="municipality", cascade="all, delete-orphan")


class SnapshotRow(Base):
    """The register of one municipality as of one date; municipality facts that change (population) live here."""

    __tablename__ = "register_snapshot"
    __table_args__ = (UniqueConstraint("municipality_code", "as_of", name="uq_snapshot_municipality_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.code", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    municipality_name: Mapped[str] = mapped_column(String(200))
    population: Mapped[int] = mapped_column(Integer)
    population_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    centrality: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    municipality: Mapped[MunicipalityRow] = relationship(back_populates="snapshots")
    offices: Mapped[list[OfficeRow]] = relationship(cascade="all, delete-orphan", order_by="OfficeRow.seq")
    positions: Mapped[list[PositionRow]] = relationship(cascade="all, delete-orphan", order_by="PositionRow.seq")
    physicians: Mapped[list[PhysicianRow]] = relationship(cascade="all, delete-orphan", order_by="PhysicianRow.seq")
    agreements: Mapped[list[AgreementRow]] = relationship(cascade="all, delete-orphan", order_by="AgreementRow.seq")
    institutions: Mapped[list[InstitutionRow]] = relationship(
        cascade="all, delete-orphan", order_by="InstitutionRow.seq"
    )
    planned_positions: Mapped[list[PlannedPositionRow]] = relationship(
        cascade="all, delete-orphan", order_by="PlannedPositionRow.seq"
    )


def _snapshot_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("register_snapshot.id", ondelete="CASCADE"), primary_key=True)


class OfficeRow(Base):
    __tablename__ = "office"

    snapshot_id: Mapped[int] = _snapshot_fk()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300), nullable=True)


class PositionRow(Base):
    __tablename__ = "position"

    snapshot_id: Mapped[int] = _snapshot_fk()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    office_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    list_ceiling: Mapped[int] = mapped_column(Integer)
    listed_patients: Mapped[int] = mapped_column(Integer)
    operating_model: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    open_list: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    planned_reduction: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reduction_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class PhysicianRow(Base):
    __tablename__ = "physician"

    snapshot_id: Mapped[int] = _snapshot_fk()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int] = mapped_column(Integer)
    sex: Mapped[str] = mapped_column(String(1))
    specialist_status: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    position_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    employment_fraction: Mapped[float] = mapped_column(Float)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    municipal_duty_hours: Mapped[float] = mapped_column(Float)
    legevakt_participation: Mapped[bool] = mapped_column(Boolean)
    legevakt_exempt: Mapped[bool] = mapped_column(Boolean)
    exemption_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    clinical_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    legevakter_done: Mapped[int | None] = mapped_column(Integer, nullable=True)
    municipal_gp_years: Mapped[float | None] = mapped_column(Float, nullable=True)
    training_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    training_end: Mapped[date | None] = mapped_column(Date, nullable=True)


class AgreementRow(Base):
    __tablename__ = "agreement"

    snapshot_id: Mapped[int] = _snapshot_fk()
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    position_id: Mapped[str] = mapped_column(String(64))
    physician_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class InstitutionRow(Base):
    __tablename__ = "institution"

    snapshot_id: Mapped[int] = _snapshot_fk()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    places: Mapped[int] = mapped_column(Integer)
    doctor_hours_per_week: Mapped[float] = mapped_column(Float)


class PlannedPositionRow(Base):
    """A decided or planned hjemmel (growth, ALIS, replacement) and the year it is to be filled."""

    __tablename__ = "planned_position"

    snapshot_id: Mapped[int] = _snapshot_fk()
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    decided: Mapped[date | None] = mapped_column(Date, nullable=True)
    replaces: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
