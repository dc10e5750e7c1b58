"""Build engine inputs from the statistics cache: the projection by age group and a demand-by-age model whose
every number says where it came from.

Contact rates: with KUHR consultations cached, the measured level (consultations / inhabitants in the newest year)
is spread over the ages with SSB's national age profile; without it, SSB's national rates by age are used. Both
are weighted by the municipality's own single-year ages (07459) when cached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from legeplan.capacity.demand import (
    NATIONAL_GP_CONSULTATIONS_2023,
    NATIONAL_RATES_SOURCE,
    DemandModel,
    rates_for_groups,
)
from legeplan.capacity.models import AgeGroupPopulation, Projection
from legeplan.capacity.ssb import DEFAULT_AGE_GROUPS, parse_age_group
from legeplan.figures import Sourced
from legeplan.statistics.errors import StatisticsError
from legeplan.statistics.figures import Comparison, consultations, figure, population_by_age, projection_by_age
from legeplan.statistics.tables import POPULATION
from legeplan.storage.statistics_tables import StatisticsStore


def group_ages(by_age: Mapping[int, float], groups: Sequence[str]) -> dict[str, float]:
    """Single-year ages summed into age groups ('0-17', '90+' …)."""
    result = dict.fromkeys(groups, 0.0)
    for age, persons in by_age.items():
        for group in groups:
            low, high = parse_age_group(group)
            if age >= low and (high is None or age <= high):
                result[group] += persons
                break
        else:
            raise StatisticsError(f"aldersgruppene {list(groups)} dekker ikke alderen {age} år")
    return result


def projection_from_cache(
    store: StatisticsStore,
    code: str,
    *,
    alternative: str = "MMMM",
    age_groups: Sequence[str] = DEFAULT_AGE_GROUPS,
    years: Sequence[int] | None = None,
) -> Sourced[Projection]:
    """The cached projection for a municipality, by age group, for `years` (default every projection year)."""
    cached = projection_by_age(store, code, alternative=alternative)
    chosen = [year for year in cached.value if years is None or year in years]
    missing = sorted(set(years or ()) - set(cached.value))
    if missing:
        have = f"{min(cached.value)}–{max(cached.value)}"
        raise StatisticsError(f"året {missing[0]} finnes ikke i framskrivingen ({cached.citation}: {have})")
    rows = [AgeGroupPopulation(year=year, by_age=group_ages(cached.value[year], age_groups)) for year in chosen]
    return cached.with_value(Projection(region=code, alternative=alternative, source=cached.citation, years=rows))


@dataclass(frozen=True)
class DemandInputs:
    model: DemandModel
    sources: dict[str, str]


def demand_model_from_cache(
    store: StatisticsStore,
    code: str,
    *,
    alternative: str = "MMMM",
    age_groups: Sequence[str] = DEFAULT_AGE_GROUPS,
    years: Sequence[int] | None = None,
    rates: Mapping[str, float] | None = None,
    positions: int | None = None,
    average_list_length: float | None = None,
    contacts_per_position: float | None = None,
    use_kuhr: bool = True,
) -> DemandInputs:
    """A `DemandModel` for a municipality from the cache; arguments given override the cached figures."""
    projected = projection_from_cache(store, code, alternative=alternative, age_groups=age_groups, years=years)
    sources = {"projection": projected.citation}
    try:
        ages = population_by_age(store, code)
        weights: Mapping[int, float] | None = ages.value
        sources["age_weights"] = ages.citation
    except StatisticsError:
        weights = None
    if rates is not None:
        group_rates = dict(rates)
        rates_source = "oppgitt"
    else:
        group_rates = rates_for_groups(NATIONAL_GP_CONSULTATIONS_2023, age_groups, weights)
        rates_source = NATIONAL_RATES_SOURCE
        measured = _measured_rate(store, code) if use_kuhr else None
        if measured is not None and weights:
            level, citation = measured
            national = sum(
                persons * group_rates[group] for group, persons in group_ages(weights, age_groups).items()
            ) / sum(weights.values())
            group_rates = {group: rate * level / national for group, rate in group_rates.items()}
            level_text = f"{level:.2f}".replace(".", ",")
            rates_source = (
                f"{citation}: {level_text} konsultasjoner per innbygger, fordelt på alder etter SSBs landsprofil"
            )
    sources["rates"] = rates_source
    if positions is None:
        found = figure(store, code, "fastlegeavtaler")
        positions = round(found.value)
        sources["positions"] = found.citation
    if average_list_length is None:
        found = figure(store, code, "listelengde")
        average_list_length = found.value
        sources["average_list_length"] = found.citation
    model = DemandModel(
        projection=projected.value,
        contacts_per_inhabitant=group_rates,
        contacts_source=rates_source,
        positions=positions,
        average_list_length=average_list_length,
        contacts_per_position=contacts_per_position,
    )
    return DemandInputs(model, sources)


def _measured_rate(store: StatisticsStore, code: str) -> tuple[float, str] | None:
    """KUHR consultations per inhabitant in the newest measured year, or None when not cached."""
    try:
        measured = consultations(store, code)
    except StatisticsError:
        return None
    if not measured.value:
        return None
    year = max(measured.value)
    rate = contacts_per_inhabitant(store, code, year=year)
    return (rate.value, rate.citation) if rate is not None else None


def contacts_per_inhabitant(
    store: StatisticsStore, code: str, *, year: int | None = None, level: str = "kommune"
) -> Sourced[float] | None:
    """Measured GP consultations in `year` (KUHR) per inhabitant of the municipality `code`, its county
    (`level="fylke"`) or the country (`"landet"`): the mean of 1 January `year` and `year`+1 where 07459 has them,
    else whichever it has. None without KUHR figures for that year."""
    measured = consultations(store, code, level=level)
    if not measured.value:
        return None
    chosen = year if year is not None else max(measured.value)
    if chosen not in measured.value:
        return None
    region = {"kommune": code, "fylke": POPULATION.county_of(code), "landet": POPULATION.country_code}[level]
    inhabitants = []
    for when in (chosen, chosen + 1):
        try:
            inhabitants.append(figure(store, code, "folkemengde", year=when, region=region).value)
        except StatisticsError:
            continue
    if not inhabitants:
        return None
    rate = measured.value[chosen] / (sum(inhabitants) / len(inhabitants))
    return Sourced[float](
        value=rate,
        source=measured.source,
        reference=measured.reference,
        data_date_text=str(chosen),
        fetched_at=measured.fetched_at,
        region=region,
    )


def contacts_comparison(store: StatisticsStore, code: str, *, year: int | None = None) -> Comparison | None:
    """Measured consultations per inhabitant (KUHR) for the municipality, its county and the country, all for the
    municipality's newest measured year; None without KUHR figures."""
    own = contacts_per_inhabitant(store, code, year=year)
    if own is None:
        return None
    chosen = int(own.data_date_text)
    return Comparison(
        "kuhr_konsultasjoner_per_innbygger",
        "Konsultasjoner hos fastlege per innbygger (KUHR, praksiskommune)",
        own,
        contacts_per_inhabitant(store, code, year=chosen, level="fylke"),
        contacts_per_inhabitant(store, code, year=chosen, level="landet"),
    )
