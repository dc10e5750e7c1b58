"""The regional view's data: many municipalities, the groups they belong to, and the records Helse Nord's report
(seed 004) analyses — agreements, vacancy surveys, operating models, competence and where departing GPs went."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.register.models import Identifier, Municipality, MunicipalityCode, OperatingModel


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionKind(StrEnum):
    COUNTY = "county"  # fylke
    HEALTH_TRUST = "health_trust"  # helseforetaksområde
    LEGEVAKT_DISTRICT = "legevakt_district"  # interkommunalt legevaktdistrikt
    REGIONAL_COUNCIL = "regional_council"  # regionråd


REGION_KIND_LABELS = {
    RegionKind.COUNTY: "Fylke",
    RegionKind.HEALTH_TRUST: "Helseforetaksområde",
    RegionKind.LEGEVAKT_DISTRICT: "Legevaktdistrikt",
    RegionKind.REGIONAL_COUNCIL: "Regionråd",
}


class Region(_Model):
    id: Identifier
    name: str = Field(min_length=1)
    kind: RegionKind
    municipality_codes: tuple[MunicipalityCode, ...] = Field(min_length=1)


class PopulationBand(_Model):
    label: str
    low: int
    high: int | None  # exclusive; None = no upper bound

    def contains(self, population: int) -> bool:
        return population >= self.low and (self.high is None or population < self.high)


#: The population bands of the issue and Helse Nord tables 8.3 and 10.11, largest first as the report lists them.
POPULATION_BANDS: tuple[PopulationBand, ...] = (
    PopulationBand(label="20 000 innb. eller mer", low=20_000, high=None),
    PopulationBand(label="10 000 – 19 999 innb.", low=10_000, high=20_000),
    PopulationBand(label="5 000 – 9 999 innb.", low=5_000, high=10_000),
    PopulationBand(label="2 000 – 4 999 innb.", low=2_000, high=5_000),
    PopulationBand(label="Under 2 000 innb.", low=0, high=2_000),
)
#: The finer bands of Helse Nord table 9.2 (mobility), which split off 50 000+.
MOBILITY_BANDS: tuple[PopulationBand, ...] = (
    PopulationBand(label="50 000 +", low=50_000, high=None),
    PopulationBand(label="20 000 – 49 999", low=20_000, high=50_000),
    PopulationBand(label="10 000 – 19 999", low=10_000, high=20_000),
    PopulationBand(label="5 000 – 9 999", low=5_000, high=10_000),
    PopulationBand(label="2 000 – 4 999", low=2_000, high=5_000),
    PopulationBand(label="Under 2 000", low=0, high=2_000),
)


def band_of(population: int, bands: tuple[PopulationBand, ...] = POPULATION_BANDS) -> PopulationBand:
    return next(band for band in bands if band.contains(population))


class MunicipalAgreement(_Model):
    """A fastlegeavtale in one municipality (the register's Agreement plus where it is)."""

    municipality_code: MunicipalityCode
    position_id: Identifier
    physician_id: Identifier | None = None
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class VacancySurvey(_Model):
    """Hjemler and vacant hjemler in a municipality at a survey date (Helse Nord table 10.1: per 1.1.)."""

    municipality_code: MunicipalityCode
    survey_date: date
    positions: int = Field(ge=0)
    vacant: int = Field(ge=0)

    @model_validator(mode="after")
    def _vacant_within_positions(self) -> Self:
        if self.vacant > self.positions:
            raise ValueError(f"vacant ({self.vacant}) exceeds positions ({self.positions})")
        return self


class OperatingModelCount(_Model):
    """Number of hjemler per operating model in a municipality at a date (Helse Nord table 10.6).

    Table 10.6 splits næringsdrift into the pure hovedmodell and næringsdrift with a municipal lease of premises or
    staff, which in legeplan's operating models is the 8.2-subsidised model."""

    municipality_code: MunicipalityCode
    count_date: date
    model: OperatingModel
    positions: int = Field(ge=0)


class CompetenceCount(_Model):
    """GP competence in a municipality (Helse Nord table 10.11)."""

    municipality_code: MunicipalityCode
    positions: int = Field(ge=0)
    specialists: int = Field(ge=0)
    in_training: int = Field(ge=0)
    without_lis1: int = Field(ge=0)

    @model_validator(mode="after")
    def _within_positions(self) -> Self:
        if self.specialists + self.in_training > self.positions:
            raise ValueError("specialists + in_training exceed positions")
        return self


class Place(_Model):
    """Where a physician lives/works: size and centrality of the municipality (it may lie outside the region)."""

    population: int = Field(ge=0)
    centrality: int = Field(ge=1, le=6)


class LeftServiceReason(StrEnum):
    """Why a departed GP is no longer in Norwegian health services (Helse Nord section 9.2: 10, 2 and 8 of 90)."""

    RETIRED = "retired"
    LONG_TERM_SICK = "long_term_sick"
    ABROAD = "abroad"


LEFT_SERVICE_LABELS = {
    LeftServiceReason.RETIRED: "pensjonist",
    LeftServiceReason.LONG_TERM_SICK: "langtidssykmeldt",
    LeftServiceReason.ABROAD: "i utlandet",
}


class Departure(_Model):
    """A GP who ended a fastlegeavtale, and where they are now (Helse Nord tables 9.2 and 9.3).

    `now` is None when the physician no longer works in Norwegian health services (`left_reason` may say why).
    `same_municipality` marks a GP who still lives in the municipality they left the agreement in (Helse Nord: 13 of
    90, most of them now LIS at the local hospital); `now` is then that municipality's size and centrality."""

    physician_id: Identifier
    from_municipality: MunicipalityCode
    before: Place
    now: Place | None = None
    same_municipality: bool = False
    left_reason: LeftServiceReason | None = None

    @model_validator(mode="after")
    def _consistent_destination(self) -> Self:
        if self.same_municipality and (self.now is None or self.now.centrality != self.before.centrality):
            raise ValueError("same_municipality needs `now` with the same centrality as `before`")
        if self.left_reason is not None and self.now is not None:
            raise ValueError("left_reason is only for a physician no longer in Norwegian health services (now=None)")
        return self


class GpListStatistic(_Model):
    """SSB table 12005 for one municipality and year: fastlegelister, average list length, reserve capacity."""

    municipality_code: str
    year: int
    lists: float | None = None
    average_list_length: float | None = None
    reserve_capacity_percent: float | None = None
    open_lists: float | None = None


class RegionalDataset(_Model):
    """Everything the regional analyses read; validated so every record names a known municipality."""

    name: str
    as_of: date
    municipalities: tuple[Municipality, ...]
    regions: tuple[Region, ...] = ()
    agreements: tuple[MunicipalAgreement, ...] = ()
    vacancy_surveys: tuple[VacancySurvey, ...] = ()
    operating_models: tuple[OperatingModelCount, ...] = ()
    competence: tuple[CompetenceCount, ...] = ()
    departures: tuple[Departure, ...] = ()
    #: Imported public statistics (SSB 12005) for municipalities in the dataset, and which files were applied.
    list_statistics: tuple[GpListStatistic, ...] = ()
    statistics_sources: tuple[str, ...] = ()
    #: Municipalities whose population comes from an imported SSB 07459 file.
    imported_population: tuple[MunicipalityCode, ...] = ()
    #: True for a generated record set: municipality names are then examples, not findings about those places.
    generated: bool = False

    @model_validator(mode="after")
    def _known_municipalities(self) -> Self:
        codes = {m.code for m in self.municipalities}
        if len(codes) != len(self.municipalities):
            raise ValueError("a municipality code appears twice")
        named: list[tuple[str, str]] = [("regions", c) for r in self.regions for c in r.municipality_codes]
        for field in ("agreements", "vacancy_surveys", "operating_models", "competence"):
            named += [(field, record.municipality_code) for record in getattr(self, field)]
        named += [("departures", d.from_municipality) for d in self.departures]
        named += [("list_statistics", s.municipality_code) for s in self.list_statistics]
        for field, code in named:
            if code not in codes:
                raise ValueError(f"{field}: unknown municipality {code}")
        return self

    def municipality(self, code: str) -> Municipality:
        return next(m for m in self.municipalities if m.code == code)

    def restricted_to(self, region: Region) -> RegionalDataset:
        """The same dataset limited to one region's municipalities (departures by where they left)."""
        keep = set(region.municipality_codes)
        return RegionalDataset(
            name=region.name,
            as_of=self.as_of,
            municipalities=tuple(m for m in self.municipalities if m.code in keep),
            regions=(region,),
            agreements=tuple(a for a in self.agreements if a.municipality_code in keep),
            vacancy_surveys=tuple(v for v in self.vacancy_surveys if v.municipality_code in keep),
            operating_models=tuple(o for o in self.operating_models if o.municipality_code in keep),
            competence=tuple(c for c in self.competence if c.municipality_code in keep),
            departures=tuple(d for d in self.departures if d.from_municipality in keep),
            list_statistics=tuple(s for s in self.list_statistics if s.municipality_code in keep),
            statistics_sources=self.statistics_sources,
            imported_population=tuple(c for c in self.imported_population if c in keep),
            generated=self.generated,
        )
