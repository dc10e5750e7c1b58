"""The dimensioning engine: required fastlegehjemler year by year, split into the reasons the plans give.

Model (the arithmetic of the Sandefjord plan, made explicit):

* listed(y)  = listed today + population growth (every new resident needs a list place; residents listed in other
  municipalities and guest patients stay at today's numbers);
* demand(y)  = listed today + growth of the age-weighted population (weights rescaled so that the base year's
  weighted population equals its head count; without weights demand = listed);
* extra free places(y) = max(0, demand·f/(1-f) - free places today) when a free-capacity target f is set;
* positions needed(y) = (demand + extra free places) / target list length.

The reasons are reported at today's average list length L0: growth = (demand - listed today)/L0, capacity target =
extra free places/L0, shorter lists = the rest. Whole hjemler come from the configurable rounding rule.
"""

from __future__ import annotations

import math
from collections import Counter

from legeplan.capacity.models import (
    AgeGroupGrowth,
    DimensioningResult,
    Projection,
    RoundingRule,
    Scenario,
    YearRow,
)


def round_positions(value: float, rule: RoundingRule) -> int:
    """Whole hjemler from a fractional need. `nearest` rounds halves up (3.5 -> 4), not to even."""
    tolerance = 1e-9  # 56.000000001 from float arithmetic is 56, also when rounding up
    if rule is RoundingRule.UP:
        return math.ceil(value - tolerance)
    if rule is RoundingRule.DOWN:
        return math.floor(value + tolerance)
    return math.floor(value + 0.5 + tolerance)


def years_per_new_position(average_list_length: float, annual_growth: float) -> float:
    """Years between each new hjemmel when the population grows by `annual_growth` a year (Bodø: 1080/148 = 7.3)."""
    if average_list_length <= 0:
        raise ValueError("average_list_length må være større enn 0")
    if annual_growth <= 0:
        return math.inf
    return average_list_length / annual_growth


def retirements_by_year(ages: list[int], base_year: int, retirement_age: int) -> Counter[int]:
    """The year each GP reaches `retirement_age` (those already past it retire in the base year)."""
    return Counter(base_year + max(0, retirement_age - age) for age in ages)


def _number(value: float, decimals: int = 0) -> str:
    """Norwegian number format: 1 143 and 1,6."""
    value = round(value, decimals) + 0.0  # no "−0,00"
    text = f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")
    return text.replace("-", "−")


def _doctors(count: int) -> str:
    return f"{count} fastlege" if count == 1 else f"{count} fastleger"


def _percent(share: float) -> str:
    return f"{_number(share * 100, 1)} %"


def dimension(scenario: Scenario) -> DimensioningResult:
    """Required positions, retirements, new positions and recruitment for every year of the projection."""
    projection = scenario.projection
    base_year = scenario.base_year
    groups = projection.age_groups
    base = projection.years[0].by_age
    base_total = sum(base.values())
    raw_weights = scenario.age_weights or dict.fromkeys(groups, 1.0)
    weighted_base = sum(raw_weights[g] * base[g] for g in groups)
    scale = base_total / weighted_base if weighted_base > 0 else 1.0
    weights = {g: raw_weights[g] * scale for g in groups}

    listed_today = scenario.current_listed
    average_today = scenario.current_average_list
    free_today = float(scenario.free_places) if scenario.free_places is not None else None
    target_list = scenario.target_list_length or average_today
    # With a target list length the lists are cut to it: a hjemmel then has room for the target, not today's ceiling.
    capacity_per_position = (
        scenario.target_list_length
        if scenario.target_list_length is not None
        else (listed_today + (free_today or 0.0)) / scenario.positions
    )
    shows_free = free_today is not None or scenario.target_list_length is not None
    target_free = scenario.target_free_share
    retirements = retirements_by_year(scenario.gp_ages, base_year, scenario.retirement_age)

    rows: list[YearRow] = []
    established = scenario.positions
    planned = scenario.positions
    for year in range(base_year, projection.years[-1].year + 1):
        persons = projection.interpolated(year)
        population = sum(persons.values())
        weighted = sum(weights[g] * persons[g] for g in groups)
        listed = max(0.0, listed_today + (population - base_total))  # a shrinking population empties lists
        demand = max(0.0, listed_today + (weighted - base_total))
        extra_free = 0.0
        if target_free is not None:
            extra_free = max(0.0, demand * target_free / (1 - target_free) - (free_today or 0.0))
        needed = (demand + extra_free) / target_list
        growth = (demand - listed_today) / average_today
        capacity = extra_free / average_today
        shorter = needed - scenario.positions - growth - capacity
        shorter = 0.0 if abs(shorter) < 1e-9 else shorter  # float noise when the list length is unchanged
        required = round_positions(needed, scenario.rounding)
        alis_new = scenario.alis_planned.get(year, 0)
        growth_new = scenario.growth_planned.get(year, 0)
        planned += alis_new + growth_new
        established = max(established, planned)  # planned and decided hjemler count towards the need
        need_new = max(0, required - established)
        established = max(established, required)
        retiring = retirements.get(year, 0)
        replacing = scenario.replacements_planned.get(year, 0)
        new = need_new + alis_new + growth_new
        capacity_places = planned * capacity_per_position
        free_places = capacity_places - listed if shows_free else None
        free_share = free_places / capacity_places if free_places is not None and capacity_places > 0 else None
        average = listed / planned
        row = YearRow(
            year=year,
            population=population,
            weighted_population=weighted,
            listed_patients=listed,
            positions_needed=needed,
            positions_required=required,
            positions_existing=planned,
            growth_positions=growth,
            capacity_positions=capacity,
            shorter_list_positions=shorter,
            retirements=retiring,
            new_positions=new,
            to_recruit=retiring + replacing + new,
            alis_positions=alis_new,
            growth_planned=growth_new,
            need_positions=need_new,
            replacements=replacing,
            capacity_per_position=capacity_per_position,
            gap=required - planned,
            average_list_length=average,
            free_places=free_places,
            free_capacity_share=free_share,
            explanation="",
        )
        rows.append(row.model_copy(update={"explanation": _explain_row(row, scenario, target_list, average_today)}))

    span = rows[-1].year - base_year
    annual_growth = (rows[-1].population - base_total) / span if span else 0.0
    every = years_per_new_position(average_today, annual_growth)
    current_free_share = None
    if free_today is not None:
        current_free_share = free_today / (listed_today + free_today) if listed_today + free_today > 0 else None
    return DimensioningResult(
        scenario=scenario.name,
        municipality=scenario.municipality,
        base_year=base_year,
        rounding=scenario.rounding,
        current_positions=scenario.positions,
        current_average_list=average_today,
        current_free_share=current_free_share,
        target_list_length=target_list,
        target_free_share=target_free,
        retirement_age=scenario.retirement_age,
        annual_population_growth=annual_growth,
        years_per_new_position=None if math.isinf(every) else every,
        rows=rows,
        age_groups=age_group_growth(scenario.projection),
        explanations=_summary(scenario, rows, average_today, current_free_share, target_list, every),
    )


def age_group_growth(projection: Projection) -> list[AgeGroupGrowth]:
    """Every age group's persons by projection year and change from the first year (total row "Alle" last)."""
    base = projection.years[0]
    groups: list[AgeGroupGrowth] = []
    for group in [*projection.age_groups, None]:
        persons = {row.year: (row.by_age[group] if group else row.total) for row in projection.years}
        start = base.by_age[group] if group else base.total
        groups.append(
            AgeGroupGrowth(
                group=group or "Alle",
                persons=persons,
                change={year: value - start for year, value in persons.items()},
                change_share={year: (value - start) / start if start else None for year, value in persons.items()},
            )
        )
    return groups


_ROUNDING_TEXT = {
    RoundingRule.NEAREST: "avrundet til nærmeste hele hjemmel",
    RoundingRule.UP: "rundet opp til hel hjemmel",
    RoundingRule.DOWN: "rundet ned til hel hjemmel",
}


def _explain_row(row: YearRow, scenario: Scenario, target_list: float, average_today: float) -> str:
    parts = [
        f"{row.year}: {_number(row.population)} innbyggere gir behov for {_number(row.positions_needed, 2)} "
        f"hjemler ({_ROUNDING_TEXT[scenario.rounding]}: {row.positions_required})."
    ]
    weighted = " aldersvektet" if scenario.age_weights else ""
    parts.append(
        f"Befolkningsendringen{weighted} på {_number(row.weighted_population - scenario.projection.years[0].total)} "
        f"personer tilsvarer {_number(row.growth_positions, 2)} hjemler med dagens snittliste på "
        f"{_number(average_today)}."
    )
    if scenario.target_free_share is not None:
        parts.append(
            f"Målet om {_percent(scenario.target_free_share)} ledig kapasitet krever "
            f"{_number(row.capacity_positions, 2)} hjemler til."
        )
    if abs(target_list - average_today) > 1e-9:
        parts.append(
            f"Kortere lister ({_number(target_list)} i stedet for {_number(average_today)} pasienter) krever "
            f"{_number(row.shorter_list_positions, 2)} hjemler til."
        )
    if row.retirements:
        parts.append(f"{_doctors(row.retirements)} når pensjonsalderen {scenario.retirement_age} år dette året.")
    if row.to_recruit:
        parts.append(f"Rekrutteringsbehov: {row.to_recruit} ({_row_recruitment(row)}).")
    list_text = f"Med {row.positions_existing} hjemler blir snittlista {_number(row.average_list_length)}"
    if row.free_capacity_share is not None:
        list_text += f" og ledig kapasitet {_signed_percent(row.free_capacity_share)}"
    parts.append(list_text + ".")
    if row.free_places is not None and row.free_places < -0.5:
        missing = -row.free_places
        cut = (
            f"når listene kortes til {_number(row.capacity_per_position)} pasienter"
            if scenario.target_list_length is not None
            else "med dagens listetak"
        )
        parts.append(
            f"Ledig kapasitet er negativ: {_number(missing)} flere pasienter enn listene har plass til {cut}; "
            f"det tilsvarer {_number(missing / row.capacity_per_position, 1)} hjemler til."
        )
    return " ".join(parts)


def _recruitment_parts(replacements: int, alis: int, growth: int, need: int) -> str:
    """«2 erstatninger, 3 nye ALIS-hjemler og 1 vedtatt/planlagt ny hjemmel», leaving out kinds that are 0."""
    parts = [f"{replacements} erstatninger" if replacements != 1 else "1 erstatning"]
    if alis:
        parts.append(f"{alis} nye ALIS-hjemler" if alis != 1 else "1 ny ALIS-hjemmel")
    if growth:
        parts.append(f"{growth} vedtatte/planlagte nye hjemler" if growth != 1 else "1 vedtatt/planlagt ny hjemmel")
    if need or len(parts) == 1:
        parts.append(f"{need} nye hjemler" if need != 1 else "1 ny hjemmel")
    return ", ".join(parts[:-1]) + " og " + parts[-1]


def _row_recruitment(row: YearRow) -> str:
    return _recruitment_parts(
        row.retirements + row.replacements, row.alis_positions, row.growth_planned, row.need_positions
    )


def _signed_percent(share: float) -> str:
    value = round(share * 100, 1) + 0.0
    return f"−{_number(-value, 1)} %" if value < 0 else f"{_number(value, 1)} %"


def _summary(
    scenario: Scenario,
    rows: list[YearRow],
    average_today: float,
    free_share: float | None,
    target_list: float,
    every: float,
) -> list[str]:
    first, last = rows[0], rows[-1]
    lines = [
        f"I dag ({first.year}) er det {scenario.positions} fastlegehjemler med gjennomsnittlig listelengde "
        f"{_number(average_today)} pasienter"
        + (
            f" og {_number(scenario.free_places or 0)} ledige plasser ({_percent(free_share)} ledig kapasitet)."
            if free_share is not None
            else "."
        )
    ]
    growth = last.population - first.population
    if scenario.age_weights:
        lines.append(
            f"Befolkningen endres med {_number(growth)} personer fram til {last.year}; vektet etter hvor ofte hver "
            f"aldersgruppe bruker fastlegen tilsvarer det {_number(last.weighted_population - first.population)} "
            f"gjennomsnittspasienter, og med dagens gjennomsnittlige listelengde behov for "
            f"{_number(last.growth_positions, 1)} nye hjemler (aldersvektet; det er dette tallet tabellen bruker)."
        )
    else:
        lines.append(
            f"Befolkningen endres med {_number(growth)} personer fram til {last.year}. Med dagens gjennomsnittlige "
            f"listelengde gir det behov for {_number(last.growth_positions, 1)} nye hjemler."
        )
    if last.year > first.year:
        growth_per_year = growth / (last.year - first.year)
        if math.isinf(every):
            lines.append(
                f"Befolkningen vokser ikke ({_number(growth_per_year)} per år); veksten krever ingen nye hjemler."
            )
        else:
            lines.append(
                f"Regnet bare på antall innbyggere (uten aldersvekter): med {_number(growth_per_year)} flere "
                f"innbyggere per år og snittliste {_number(average_today)} trengs en ny hjemmel omtrent hvert "
                f"{_number(every, 1)} år (uendret listelengde)."
            )
    if scenario.residents_listed_elsewhere or scenario.guest_patients:
        lines.append(
            f"{_number(scenario.residents_listed_elsewhere)} innbyggere har fastlege i en annen kommune og "
            f"{_number(scenario.guest_patients)} fra andre kommuner står på listene her; tallene holdes uendret, "
            "så all befolkningsvekst regnes som nye listepasienter i kommunen."
        )
    if scenario.target_free_share is not None:
        lines.append(
            f"Et mål om {_percent(scenario.target_free_share)} ledig kapasitet på listene betyr at kommunen allerede "
            f"i dag trenger {_number(first.capacity_positions, 2)} hjemler flere "
            f"({_ROUNDING_TEXT[scenario.rounding]}: {round_positions(first.capacity_positions, scenario.rounding)})."
        )
    if abs(target_list - average_today) > 1e-9:
        lines.append(
            f"En gjennomsnittlig listelengde på {_number(target_list)} pasienter ville i dag bety "
            f"{first.positions_required} hjemler, {first.positions_required - scenario.positions} flere enn i dag."
        )
    total_retiring = sum(row.retirements for row in rows)
    if scenario.gp_ages:
        lines.append(
            f"Med pensjonsalder {scenario.retirement_age} år går {total_retiring} fastleger av med pensjon i "
            f"perioden {first.year}-{last.year}."
        )
    totals = _recruitment_parts(
        total_retiring + sum(row.replacements for row in rows),
        sum(row.alis_positions for row in rows),
        sum(row.growth_planned for row in rows),
        sum(row.need_positions for row in rows),
    )
    recruits = sum(row.to_recruit for row in rows)
    lines.append(
        f"Samlet må kommunen rekruttere {_doctors(recruits)} i perioden ({totals}); behovet i "
        f"{last.year} er {last.positions_required} hjemler mot {last.positions_existing} planlagt."
    )
    return lines
