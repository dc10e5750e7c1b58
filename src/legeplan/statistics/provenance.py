"""Facts with provenance: a value and where it came from, so a plan or page can cite «SSB tabell 07459 (1.1.2024)».

`Sourced[T]` is the small value type of the design sketch: value, source kind (statistics, register, file,
assumption, default), reference, the data's date and when it was fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class SourceKind(StrEnum):
    STATISTICS = "statistics"
    REGISTER = "register"
    FILE = "file"
    ASSUMPTION = "assumption"
    DEFAULT = "default"


@dataclass(frozen=True)
class Sourced(Generic[T]):
    """A value with its source: `reference` names it («SSB tabell 07459»), `data_date_text` its reference date as
    the source states it («1.1.2024», «31.12.2023», «2023»)."""

    value: T
    kind: SourceKind
    reference: str
    data_date: date | None = None
    data_date_text: str = ""
    fetched_at: datetime | None = None
    region: str | None = None

    @property
    def citation(self) -> str:
        """'SSB tabell 07459 (1.1.2024)', or just the reference when the date is unknown."""
        return f"{self.reference} ({self.data_date_text})" if self.data_date_text else self.reference

    def with_value(self, value: U) -> Sourced[U]:
        return Sourced(
            value, self.kind, self.reference, self.data_date, self.data_date_text, self.fetched_at, self.region
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "kind": self.kind.value,
            "reference": self.reference,
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "data_date_text": self.data_date_text,
            "fetched_at": self.fetched_at.isoformat(timespec="seconds") if self.fetched_at else None,
            "region": self.region,
            "citation": self.citation,
        }
