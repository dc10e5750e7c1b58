"""One place per quantity: the figures every chapter, page and command shows, each with where it came from.

`Sourced[T]` is a value with its provenance: the kind of source (register, file, statistics, assumption, default),
a reference (which register snapshot, file or table), the date the data is from, and who gave it where known. It is
the one value-with-source type of legeplan: the statistics cache (`legeplan.statistics.figures`) gives its figures
back as `Sourced` too, with the data's date as the source states it («1.1.2024», «2023»), when it was fetched and
the region, so `.citation` reads «SSB tabell 07459 (1.1.2024)».
Engines stay pure and never see it; this module computes the shared quantities from the register (and the
scenario, for projected years) and wraps them, so a CLI `--json`, a web page or a plan chapter asks here instead of
counting again. The definitions:

* population in a year: the register's figure for its own year; other years from the (aligned) projection;
* fastleger: physicians holding a list (fastlege and ALIS) active on the register date;
* hjemler: fastlegehjemler in the register, vacant ones included;
* vacancies: hjemler that are vacant or served by a locum (ledige eller vikarbetjente);
* free capacity: free places / (listed + free), Sandefjord's definition (1 013 / 62 735 = 1,6 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from legeplan.register.keyfigures import LIST_HOLDING_ROLES
from legeplan.register.models import PositionStatus, Register

if TYPE_CHECKING:
    from legeplan.capacity.models import Projection

T = TypeVar("T")
U = TypeVar("U")


class SourceKind(StrEnum):
    REGISTER = "register"  # the municipality's stored register
    FILE = "file"  # a file the user gave (scenario, assumptions, institutions)
    STATISTICS = "statistics"  # SSB and other published statistics
    ASSUMPTION = "assumption"  # an assumption the user or the plan makes
    DEFAULT = "default"  # legeplan's built-in default


#: Norwegian names of the source kinds, for tables and the plan's source lines.
SOURCE_NAMES: dict[SourceKind, str] = {
    SourceKind.REGISTER: "registeret",
    SourceKind.FILE: "fil",
    SourceKind.STATISTICS: "statistikk",
    SourceKind.ASSUMPTION: "forutsetning",
    SourceKind.DEFAULT: "standardverdi",
}


class Sourced(BaseModel, Generic[T]):
    """A value and where it came from.

    `reference` names the source («register Vefsn (1824) per 2024-01-01», «SSB tabell 07459»); `data_date` is the
    date the data is from and `data_date_text` the same as the source states it («1.1.2024», «31.12.2023», «2023»;
    empty when the source gives none); `fetched_at` when a published figure was fetched; `region` the region code of
    a statistics figure (municipality, county or country); `who` who gave it, where known."""

    model_config = ConfigDict(frozen=True)

    value: T
    source: SourceKind
    reference: str
    data_date: date | None = None
    data_date_text: str = ""
    fetched_at: datetime | None = None
    region: str | None = None
    who: str | None = None

    def describe(self) -> str:
        """«registeret (Sandefjord (demo) 3804 per 2020-08-01)»."""
        when = f", {self.data_date.isoformat()}" if self.data_date else ""
        return f"{SOURCE_NAMES[self.source]} ({self.reference}{when})"

    @property
    def citation(self) -> str:
        """«SSB tabell 07459 (1.1.2024)», or just the reference when the source states no date."""
        return f"{self.reference} ({self.data_date_text})" if self.data_date_text else self.reference

    def with_value(self, value: U) -> Sourced[U]:
        """The same source for another value (a sum, a rounding, a reshaping of this one)."""
        return Sourced[U](
            value=value,
            source=self.source,
            reference=self.reference,
            data_date=self.data_date,
            data_date_text=self.data_date_text,
            fetched_at=self.fetched_at,
            region=self.region,
            who=self.who,
        )

    def as_dict(self) -> dict[str, object]:
        """Plain JSON: the fields with dates in ISO form, and the citation."""
        return {
            "value": self.value,
            "source": self.source.value,
            "reference": self.reference,
            "data_date": self.data_date.isoformat() if self.data_date else None,
            "data_date_text": self.data_date_text,
            "fetched_at": self.fetched_at.isoformat(timespec="seconds") if self.fetched_at else None,
            "region": self.region,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Comparison:
    """A key figure for the municipality beside its county and the country (None where the source has none), as
    the statistics cache gives it (`legeplan.statistics.figures.comparison`, `.plan_comparisons`) and the plan and
    the dashboard show it. `decimals` and `percent` say how to show the values (a share in `percent` is shown ×100
    with «%»); None decimals: whole numbers as such, else one decimal."""

    key: str
    label: str
    municipality: Sourced[float]
    county: Sourced[float] | None
    country: Sourced[float] | None
    decimals: int | None = None
    percent: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "municipality": self.municipality.as_dict(),
            "county": self.county.as_dict() if self.county else None,
            "country": self.country.as_dict() if self.country else None,
        }

    def shown_decimals(self) -> int:
        if self.decimals is not None:
            return self.decimals
        return 0 if float(self.municipality.value).is_integer() else 1

    def citations(self) -> list[str]:
        """The distinct citations of the three values, municipality first («SSB tabell 12005 (31.12.2023)»)."""
        found = [s.citation for s in (self.municipality, self.county, self.country) if s is not None]
        return list(dict.fromkeys(found))


def register_reference(register: Register) -> str:
    return f"register {register.municipality.name} ({register.municipality.code}) per {register.as_of.isoformat()}"


def _from_register(register: Register, value: T, data_date: date | None = None) -> Sourced[T]:
    return Sourced[T](
        value=value,
        source=SourceKind.REGISTER,
        reference=register_reference(register),
        data_date=data_date or register.as_of,
    )


def population(register: Register, year: int | None = None, projection: Projection | None = None) -> Sourced[float]:
    """Inhabitants in `year`: the register's figure in its own year (or with no year); another year from the
    projection (a `legeplan.capacity.Projection`), aligned to the register so the base year agrees."""
    from legeplan.capacity.from_register import aligned_projection, population_year

    municipality = register.municipality
    own_year = population_year(register)
    if year is None or year == own_year or projection is None:
        return _from_register(register, float(municipality.population), municipality.population_date)
    aligned = aligned_projection(projection, register)
    return Sourced[float](
        value=sum(aligned.interpolated(year).values()),
        source=SourceKind.STATISTICS,
        reference=f"{aligned.source} ({aligned.alternative})",
        data_date=date(year, 1, 1),
    )


def gps(register: Register) -> Sourced[int]:
    """Fastleger: list-holding physicians (fastlege and ALIS) active on the register date."""
    when = register.as_of
    return _from_register(
        register, sum(1 for p in register.physicians if p.role in LIST_HOLDING_ROLES and p.active_at(when))
    )


def hjemler(register: Register) -> Sourced[int]:
    return _from_register(register, len(register.positions))


def vacancies(register: Register) -> Sourced[int]:
    """Hjemler vacant or served by a locum on the register date."""
    return _from_register(
        register,
        sum(1 for p in register.positions if p.status in (PositionStatus.VACANT, PositionStatus.LOCUM)),
    )


def listed_patients(register: Register) -> Sourced[int]:
    return _from_register(register, sum(p.listed_patients for p in register.positions))


def free_places(register: Register) -> Sourced[int]:
    return _from_register(register, sum(p.free_places for p in register.positions))


def free_capacity(register: Register) -> Sourced[float | None]:
    listed = sum(p.listed_patients for p in register.positions)
    free = sum(p.free_places for p in register.positions)
    return _from_register(register, free / (listed + free) if listed + free > 0 else None)


def planned_hjemler(register: Register) -> Sourced[int]:
    """Decided or planned new hjemler (growth, ALIS, replacement) in the register."""
    return _from_register(register, len(register.planned_positions))


class PlanFigures(BaseModel):
    """The shared figures of one municipality at one register date, each with its source."""

    model_config = ConfigDict(frozen=True)

    municipality_code: str
    municipality_name: str
    as_of: date
    population: Sourced[float]
    gps: Sourced[int]
    hjemler: Sourced[int]
    vacancies: Sourced[int]
    listed_patients: Sourced[int]
    free_places: Sourced[int]
    free_capacity: Sourced[float | None]
    planned_hjemler: Sourced[int]


def plan_figures(register: Register) -> PlanFigures:
    """Every shared figure of the register, with provenance (what CLI `--json` carries as `figures`)."""
    return PlanFigures(
        municipality_code=register.municipality.code,
        municipality_name=register.municipality.name,
        as_of=register.as_of,
        population=population(register),
        gps=gps(register),
        hjemler=hjemler(register),
        vacancies=vacancies(register),
        listed_patients=listed_patients(register),
        free_places=free_places(register),
        free_capacity=free_capacity(register),
        planned_hjemler=planned_hjemler(register),
    )


def sourced_file(value: T, path: str, data_date: date | None = None) -> Sourced[T]:
    return Sourced[T](value=value, source=SourceKind.FILE, reference=path, data_date=data_date)


def sourced_assumption(value: T, reference: str) -> Sourced[T]:
    return Sourced[T](value=value, source=SourceKind.ASSUMPTION, reference=reference)


def sourced_default(value: T, reference: str) -> Sourced[T]:
    return Sourced[T](value=value, source=SourceKind.DEFAULT, reference=reference)
