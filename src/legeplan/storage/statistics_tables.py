"""The statistics cache: every table fetched from SSB or KUHR, with the query, the data's reference date, when it was
fetched and the payload. Each fetch adds a row (history is kept, so a later fetch can tell what changed); reads take
the newest. `StatisticsStore` is the only code that touches the table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from legeplan.storage.base import Base
from legeplan.storage.repository import Storage


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class StatisticsCacheRow(Base):
    __tablename__ = "statistics_cache"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(16), index=True)
    table_id: Mapped[str] = mapped_column(String(32), index=True)
    municipality_code: Mapped[str] = mapped_column(String(8), index=True)
    query_key: Mapped[str] = mapped_column(String(64), index=True)
    query_json: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    data_period: Mapped[str | None] = mapped_column(String(40), nullable=True)
    data_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    data_date_text: Mapped[str] = mapped_column(String(40))
    fetched_at: Mapped[datetime] = mapped_column(DateTime, default=_now, index=True)
    payload_json: Mapped[str] = mapped_column(Text)


#: The cache's version statement, built once (every dashboard view runs it).
_VERSION_QUERY = select(func.count(StatisticsCacheRow.id), func.max(StatisticsCacheRow.id))


@dataclass(frozen=True)
class CachedTable:
    """One cached fetch. `table_id` is the real table (e.g. 14288 even when 14746 was asked for first)."""

    id: int
    source: str
    table_id: str
    municipality_code: str
    query: dict[str, object]
    url: str
    data_period: str | None
    data_date: date | None
    data_date_text: str
    fetched_at: datetime
    payload: object


def query_key(query: object) -> str:
    return hashlib.sha256(json.dumps(query, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _cached(row: StatisticsCacheRow) -> CachedTable:
    return CachedTable(
        id=row.id,
        source=row.source,
        table_id=row.table_id,
        municipality_code=row.municipality_code,
        query=json.loads(row.query_json),
        url=row.url,
        data_period=row.data_period,
        data_date=row.data_date,
        data_date_text=row.data_date_text,
        fetched_at=row.fetched_at,
        payload=json.loads(row.payload_json),
    )


class StatisticsStore:
    """Read and write the statistics cache through the one `Storage` (SQLite or PostgreSQL)."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def save(
        self,
        *,
        source: str,
        table_id: str,
        municipality_code: str,
        query: dict[str, object],
        url: str,
        data_period: str | None,
        data_date: date | None,
        data_date_text: str,
        payload: object,
        fetched_at: datetime | None = None,
    ) -> CachedTable:
        row = StatisticsCacheRow(
            source=source,
            table_id=table_id,
            municipality_code=municipality_code,
            query_key=query_key(query),
            query_json=json.dumps(query, sort_keys=True, ensure_ascii=False),
            url=url,
            data_period=data_period,
            data_date=data_date,
            data_date_text=data_date_text,
            fetched_at=fetched_at or _now(),
            payload_json=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        )
        with self.storage.session() as session:
            session.add(row)
            session.flush()
            return _cached(row)

    def version(self) -> tuple[int, int]:
        """(rows, newest id) of the whole cache: changes with every stored fetch (and any deletion), so what is
        computed from cached statistics can be cached under it. One aggregate query over the primary key."""
        count, newest = self.storage.fetch(_VERSION_QUERY)[0]
        return int(count or 0), int(newest or 0)

    def latest(self, source: str, table_ids: str | tuple[str, ...], municipality_code: str) -> CachedTable | None:
        """The newest cached fetch of any of `table_ids` for a municipality."""
        ids = (table_ids,) if isinstance(table_ids, str) else table_ids
        with self.storage.session() as session:
            row = session.scalars(
                select(StatisticsCacheRow)
                .where(
                    StatisticsCacheRow.source == source,
                    StatisticsCacheRow.table_id.in_(ids),
                    StatisticsCacheRow.municipality_code == municipality_code,
                )
                .order_by(StatisticsCacheRow.fetched_at.desc(), StatisticsCacheRow.id.desc())
                .limit(1)
            ).first()
            return _cached(row) if row is not None else None

    def history(self, municipality_code: str) -> list[CachedTable]:
        """Every cached fetch for a municipality, newest first (without reading the payloads' meaning)."""
        with self.storage.session() as session:
            rows = session.scalars(
                select(StatisticsCacheRow)
                .where(StatisticsCacheRow.municipality_code == municipality_code)
                .order_by(StatisticsCacheRow.fetched_at.desc(), StatisticsCacheRow.id.desc())
            ).all()
            return [_cached(row) for row in rows]
