"""Demand by age: an alternative dimensioning beside today's list-based method.

demand(y) = Σ over age groups of projected population(y, group) × GP contacts per inhabitant(group), in contacts a
year; capacity is in the same unit: contacts one hjemmel gives a year, either entered or calibrated so that today's
hjemler meet today's demand. Positions by demand(y) = demand(y) / contacts per hjemmel. The list-based method
counts heads: positions(y) = today's hjemler + population growth / today's average list. Both are returned, so the
difference — the ageing — is visible and explained.

Contact rates come from KUHR (measured consultations / inhabitants), are entered, or default to SSB's national
consultations per person by age (`NATIONAL_GP_CONSULTATIONS_2023`). Pure: no database, no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.capacity.models import Projection
from legeplan.capacity.ssb import parse_age_group

#: SSB, «Allmennlegetjenesten» (statistikk 2023, hele landet): konsultasjoner hos fastlege per person etter alder.
NATIONAL_GP_CONSULTATIONS_2023: dict[str, float] = {
    "0-5": 1.9,
    "6-15": 1.4,
    "16-19": 2.4,
    "20-29": 2.6,
    "30-49": 3.2,
    "50-66": 3.5,
    "67-79": 3.9,
    "80-89": 4.8,
    "90+": 3.5,
}
NATIONAL_RATES_SOURCE = "SSB, Allmennlegetjenesten 2023: konsultasjoner hos fastlege per person etter alder (landet)"
#: The oldest single age an open-ended group («90+») is taken to cover when ages are weighted evenly.
OLDEST_AGE = 105


def _bounds(group: str) -> tuple[int, int]:
    low, high = parse_age_group(group)
    return low, OLDEST_AGE if high is None else high


def rates_for_groups(
    rates: Mapping[str, float], groups: Sequence[str], population_by_age: Mapping[int, float] | None = None
) -> dict[str, float]:
    """Contacts per inhabitant for `groups` from rates given for other age bands (e.g. SSB's 0-5, 6-15 … onto a
    plan's 0-17, 18-49 …): each group's rate is the average of the band rates over its single ages, weighted by
    `population_by_age` when given, else every age alike. Every age of every group must be covered by a band."""
    bands = [(*_bounds(band), rate) for band, rate in rates.items()]

    def rate_at(age: int) -> float:
        for low, high, rate in bands:
            if low <= age <= high:
                return rate
        raise ValueError(f"ingen kontaktrate dekker alderen {age} år (ratene gjelder {', '.join(rates)})")

    result: dict[str, float] = {}
    for group in groups:
        low, high = _bounds(group)
        ages = range(low, high + 1)
        weights = [population_by_age.get(age, 0.0) if population_by_age is not None else 1.0 for age in ages]
        if sum(weights) == 0:
            weights = [1.0] * len(ages)
        result[group] = sum(w * rate_at(age) for w, age in zip(weights, ages, strict=True)) / sum(weights)
    return result


class DemandModel(BaseModel):
    """Inputs of the demand-by-age dimensioning. Without `contacts_per_position` the capacity is calibrated: today's
    hjemler give exactly today's demand."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    projection: Projection
    contacts_per_inhabitant: dict[str, float]
    contacts_source: str = NATIONAL_RATES_SOURCE
    positions: int = Field(gt=0, le=100_000)
    average_list_length: float = Field(ge=1, le=10_000)
    contacts_per_position: float | None = Field(default=None, gt=0, le=1_000_000)
    capacity_source: str = ""

    @model_validator(mode="after")
    def _groups_match(self) -> Self:
        groups = set(self.projection.age_groups)
        if set(self.contacts_per_inhabitant) != groups:
            raise ValueError(
                f"kontaktratene må gjelde nøyaktig aldersgruppene {sorted(groups)}, "
                f"ikke {sorted(self.contacts_per_inhabitant)}"
            )
        for group, rate in self.contacts_per_inhabitant.items():
            if not 0 <= rate <= 100:
                raise ValueError(f"kontakter per innbygger for {group!r} må være mellom 0 og 100, ikke {rate}")
        return self


class DemandYear(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    population: float
    contacts: float
    contacts_by_age: dict[str, float]
    positions_by_demand: float
    positions_by_list: float

    @property
    def difference(self) -> float:
        """Hjemler the age mix adds (positive) or saves (negative) compared with counting heads."""
        return self.positions_by_demand - self.positions_by_list


class DemandResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    years: list[DemandYear]
    contacts_per_position: float
    contacts_source: str
    capacity_source: str
    calibrated: bool
    explanations: list[str]

    def year(self, year: int) -> DemandYear:
        for row in self.years:
            if row.year == year:
                return row
        raise KeyError(f"året {year} finnes ikke i beregningen")


def _n(value: float, decimals: int = 0) -> str:
    value = round(value, decimals) + 0.0
    return f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")


def _pct(share: float) -> str:
    sign = "+" if share >= 0 else "−"
    return f"{sign}{_n(abs(share) * 100, 1)}\u00a0%"


def demand_by_age(model: DemandModel) -> DemandResult:
    """Demand in contacts and positions year by year, by age and by head count, with Norwegian explanations."""
    base = model.projection.years[0]
    rates = model.contacts_per_inhabitant

    def contacts(by_age: Mapping[str, float]) -> dict[str, float]:
        return {group: persons * rates[group] for group, persons in by_age.items()}

    base_contacts = sum(contacts(base.by_age).values())
    calibrated = model.contacts_per_position is None
    if calibrated:
        if base_contacts <= 0:
            raise ValueError("etterspørselen i grunnåret er 0: kan ikke kalibrere kapasiteten per hjemmel")
        per_position = base_contacts / model.positions
        capacity_source = (
            f"kalibrert: dagens {model.positions} hjemler dekker dagens etterspørsel i {base.year} "
            f"({_n(base_contacts)} kontakter)"
        )
    else:
        assert model.contacts_per_position is not None
        per_position = model.contacts_per_position
        capacity_source = model.capacity_source or "oppgitt"
    rows = []
    for row in model.projection.years:
        by_age = contacts(row.by_age)
        total = sum(by_age.values())
        rows.append(
            DemandYear(
                year=row.year,
                population=row.total,
                contacts=total,
                contacts_by_age=by_age,
                positions_by_demand=total / per_position,
                positions_by_list=model.positions + (row.total - base.total) / model.average_list_length,
            )
        )
    first, last = rows[0], rows[-1]
    explanations = [
        f"Behov etter alder: framskrevet befolkning × fastlegekontakter per innbygger i hver aldersgruppe "
        f"({model.contacts_source}). {first.year}: {_n(first.contacts)} kontakter; {last.year}: "
        f"{_n(last.contacts)} ({_pct(last.contacts / first.contacts - 1) if first.contacts else '–'}), mens "
        f"folketallet endres {_pct(last.population / first.population - 1) if first.population else '–'}.",
        f"Kapasitet i samme enhet: én hjemmel gir {_n(per_position)} kontakter i året ({capacity_source}).",
        f"Listebasert (dagens metode): {_n(last.positions_by_list, 1)} hjemler i {last.year} = {model.positions} i "
        f"dag + {_n(last.population - first.population)} innbyggere / snittliste {_n(model.average_list_length)}.",
        f"Aldersbasert: {_n(last.positions_by_demand, 1)} hjemler i {last.year}. Forskjellen "
        f"({'+' if last.difference >= 0 else '−'}{_n(abs(last.difference), 1)}) er aldringen: eldre går oftere "
        "til fastlegen, så behovet vokser raskere enn folketallet når de eldste gruppene øker.",
    ]
    grows = sorted(
        (
            (group, model.projection.growth_share(first.year, last.year, group))
            for group in model.projection.age_groups
            if first.contacts_by_age[group] > 0
        ),
        key=lambda item: -item[1],
    )
    if grows:
        group, share = grows[0]
        explanations.append(f"Raskest vekst: {group} år {_pct(share)} {first.year}→{last.year}.")
    return DemandResult(
        years=rows,
        contacts_per_position=per_position,
        contacts_source=model.contacts_source,
        capacity_source=capacity_source,
        calibrated=calibrated,
        explanations=explanations,
    )
