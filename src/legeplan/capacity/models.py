"""Pydantic models of a dimensioning scenario and its year-by-year result."""

from __future__ import annotations

import itertools
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class RoundingRule(StrEnum):
    """How fractional positions become whole hjemler. Sandefjord rounds 3.18 to 3 (`nearest`, halves up)."""

    NEAREST = "nearest"
    UP = "up"
    DOWN = "down"


class AgeGroupPopulation(BaseModel):
    """Population (or projected population) of one year, by age group."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    year: int = Field(ge=1900, le=2200)
    by_age: dict[str, float] = Field(min_length=1)

    @field_validator("by_age")
    @classmethod
    def _non_negative(cls, value: dict[str, float]) -> dict[str, float]:
        for group, persons in value.items():
            if persons < 0:
                raise ValueError(f"negativ befolkning {persons} i aldersgruppen {group!r}")
            if persons > 100_000_000:
                raise ValueError(f"urimelig stor befolkning {persons} i aldersgruppen {group!r}")
        return value

    @property
    def total(self) -> float:
        return sum(self.by_age.values())


class Projection(BaseModel):
    """A population projection: years strictly increasing, the same age groups every year."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    region: str | None = None
    alternative: str = "MMMM"
    source: str = "SSB befolkningsframskriving"
    years: list[AgeGroupPopulation] = Field(min_length=1)

    @field_validator("years")
    @classmethod
    def _ordered_and_consistent(cls, value: list[AgeGroupPopulation]) -> list[AgeGroupPopulation]:
        for previous, current in itertools.pairwise(value):
            if current.year <= previous.year:
                raise ValueError(f"årene må komme i stigende rekkefølge: {current.year} kommer etter {previous.year}")
        groups = set(value[0].by_age)
        for row in value[1:]:
            if set(row.by_age) != groups:
                raise ValueError(f"året {row.year} har andre aldersgrupper enn {value[0].year}: {sorted(row.by_age)}")
        return value

    @property
    def age_groups(self) -> list[str]:
        return list(self.years[0].by_age)

    def year(self, year: int) -> AgeGroupPopulation:
        for row in self.years:
            if row.year == year:
                return row
        raise KeyError(f"året {year} finnes ikke i framskrivingen")

    def growth(self, start: int, end: int, group: str | None = None) -> float:
        """Change in persons (one age group, or all) from `start` to `end`."""
        first, last = self.year(start), self.year(end)
        if group is None:
            return last.total - first.total
        return last.by_age[group] - first.by_age[group]

    def growth_share(self, start: int, end: int, group: str | None = None) -> float:
        """Relative change, e.g. 0.176 for Bodø 80-89 år 2022->2025."""
        first = self.year(start)
        base = first.total if group is None else first.by_age[group]
        if base == 0:
            raise ZeroDivisionError(f"ingen personer i {group or 'befolkningen'} i {start}")
        return self.growth(start, end, group) / base

    def interpolated(self, year: int) -> dict[str, float]:
        """Persons by age group in `year`, linear between projection years (SSB publishes e.g. 2025, 2030)."""
        rows = self.years
        if year <= rows[0].year:
            return dict(rows[0].by_age)
        if year >= rows[-1].year:
            return dict(rows[-1].by_age)
        for before, after in itertools.pairwise(rows):
            if before.year <= year <= after.year:
                share = (year - before.year) / (after.year - before.year)
                return {g: before.by_age[g] + share * (after.by_age[g] - before.by_age[g]) for g in before.by_age}
        raise AssertionError("unreachable: years are ordered")


class Scenario(BaseModel):
    """Everything the dimensioning needs: population, today's lists, targets and the GPs' ages."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1)
    municipality: str | None = None
    source: str = "Kommunens scenario og SSB befolkningsframskriving (tabell 14288)"
    as_of: date | None = None
    projection: Projection
    positions: int = Field(gt=0, le=100_000, description="Fastlegehjemler i dag")
    listed_patients: int | None = Field(default=None, ge=0, le=100_000_000, description="Pasienter på listene i dag")
    average_list_length: float | None = Field(default=None, ge=1, le=10_000, description="Snittliste i dag")
    free_places: int | None = Field(default=None, ge=0, le=100_000_000, description="Ledige plasser på listene i dag")
    residents_listed_elsewhere: int = Field(default=0, ge=0, le=100_000_000)
    guest_patients: int = Field(default=0, ge=0, le=100_000_000)
    target_list_length: float | None = Field(default=None, ge=1, le=10_000)
    target_free_share: float | None = Field(default=None, ge=0, lt=1)
    retirement_age: int = Field(default=70, ge=60, le=80)
    gp_ages: list[int] = Field(default_factory=list)
    age_weights: dict[str, float] | None = None
    alis_planned: dict[int, int] = Field(default_factory=dict, description="Nye ALIS-hjemler per år")
    growth_planned: dict[int, int] = Field(
        default_factory=dict, description="Vedtatte eller planlagte nye hjemler (ikke ALIS) per år"
    )
    replacements_planned: dict[int, int] = Field(
        default_factory=dict, description="Kjente erstatninger per år utover pensjoneringene (f.eks. oppsigelser)"
    )
    rounding: RoundingRule = RoundingRule.NEAREST

    @field_validator("gp_ages")
    @classmethod
    def _plausible_ages(cls, value: list[int]) -> list[int]:
        for age in value:
            if not 24 <= age <= 90:
                raise ValueError(f"legealder {age} er utenfor 24-90 år")
        return value

    @field_validator("age_weights")
    @classmethod
    def _positive_weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for group, weight in (value or {}).items():
            if not 0 < weight <= 100:
                raise ValueError(f"vekten for {group!r} må være mellom 0 og 100, ikke {weight}")
        return value

    @field_validator("alis_planned", "growth_planned", "replacements_planned")
    @classmethod
    def _non_negative_alis(cls, value: dict[int, int]) -> dict[int, int]:
        for year, count in value.items():
            if not 0 <= count <= 10_000:
                raise ValueError(f"antall hjemler ({count}) i {year} må være mellom 0 og 10 000")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.current_listed <= 0:
            raise ValueError(
                "listelengden blir 0: oppgi listed_patients eller average_list_length, eller en befolkning større "
                "enn residents_listed_elsewhere - guest_patients"
            )
        groups = set(self.projection.age_groups)
        if self.age_weights is not None and set(self.age_weights) != groups:
            raise ValueError(
                f"age_weights må ha nøyaktig aldersgruppene {sorted(groups)}, ikke {sorted(self.age_weights)}"
            )
        first, last = self.projection.years[0].year, self.projection.years[-1].year
        for name in ("alis_planned", "growth_planned", "replacements_planned"):
            for year in getattr(self, name):
                if not first <= year <= last:
                    raise ValueError(f"{name}: året {year} er utenfor framskrivingen {first}-{last}")
        return self

    def planned_new(self, year: int) -> int:
        """Planned or decided new hjemler (ALIS and growth) that open in `year`."""
        return self.alis_planned.get(year, 0) + self.growth_planned.get(year, 0)

    @property
    def base_year(self) -> int:
        return self.projection.years[0].year

    @property
    def current_listed(self) -> float:
        """Listed patients today: the count, else average list x positions, else the base-year population minus
        residents listed in other municipalities plus guest patients listed here."""
        if self.listed_patients is not None:
            return float(self.listed_patients)
        if self.average_list_length is not None:
            return self.average_list_length * self.positions
        return self.projection.years[0].total - self.residents_listed_elsewhere + self.guest_patients

    @property
    def current_average_list(self) -> float:
        return self.current_listed / self.positions


class YearRow(BaseModel):
    """One year of the dimensioning; fractional figures are kept, `positions_required` is rounded by the rule."""

    model_config = ConfigDict(frozen=True)

    year: int
    population: float
    weighted_population: float
    listed_patients: float
    positions_needed: float
    positions_required: int
    positions_existing: int
    growth_positions: float
    capacity_positions: float
    shorter_list_positions: float
    retirements: int
    new_positions: int = Field(description="Alle nye hjemler dette året: planlagte (ALIS, vekst) og behovsdrevne")
    to_recruit: int
    alis_positions: int = Field(default=0, description="Nye ALIS-hjemler dette året")
    growth_planned: int = Field(default=0, description="Vedtatte/planlagte nye hjemler (ikke ALIS) dette året")
    need_positions: int = Field(default=0, description="Nye hjemler behovet krever utover de planlagte")
    replacements: int = Field(default=0, description="Kjente erstatninger utover pensjoneringene")
    capacity_per_position: float = Field(default=0.0, description="Listeplasser per hjemmel (listetak eller mål)")
    gap: int
    average_list_length: float
    free_places: float | None
    free_capacity_share: float | None
    explanation: str


class AgeGroupGrowth(BaseModel):
    """One age group's persons in each projection year and its change from the base year (e.g. Bodø 80-89 år
    2022->2025: +17,6 %)."""

    model_config = ConfigDict(frozen=True)

    group: str
    persons: dict[int, float]
    change: dict[int, float]
    change_share: dict[int, float | None]


class DimensioningResult(BaseModel):
    """Year-by-year answer to «how many hjemler, when and why», with plain-language Norwegian explanations."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    municipality: str | None
    base_year: int
    rounding: RoundingRule
    current_positions: int
    current_average_list: float
    current_free_share: float | None
    target_list_length: float
    target_free_share: float | None
    retirement_age: int
    annual_population_growth: float
    years_per_new_position: float | None
    rows: list[YearRow]
    explanations: list[str]
    age_groups: list[AgeGroupGrowth] = Field(
        default_factory=list, description="Per aldersgruppe, alle år i framskrivingen, endring fra grunnåret"
    )

    def row(self, year: int) -> YearRow:
        for row in self.rows:
            if row.year == year:
                return row
        raise KeyError(f"året {year} finnes ikke i resultatet")
