"""Figures read from the statistics cache, each with its provenance (`Sourced`): population, population by age,
the projection, fastlege key figures with county and country beside them, doctor FTEs and measured consultations.

Nothing here goes on the network: a figure that is not cached raises `NotCachedError` telling the user to run
`legeplan statistics fetch -m CODE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from legeplan.figures import Comparison as Comparison  # re-exported: callers import it from here too
from legeplan.figures import Sourced, SourceKind
from legeplan.i18n import text
from legeplan.statistics.errors import StatisticsError
from legeplan.statistics.jsonstat import Dataset, parse
from legeplan.statistics.kuhr import TakstbrukRow, consultations_by_year
from legeplan.statistics.service import KUHR, KUHR_TABLE, SSB
from legeplan.statistics.tables import (
    DOCTOR_FTE,
    GP_LISTS,
    POPULATION,
    PROJECTION_TABLES,
    TableDef,
)
from legeplan.storage.statistics_tables import CachedTable, StatisticsStore


class NotCachedError(StatisticsError):
    """The cache has no fetch of that table for that municipality."""


@dataclass(frozen=True)
class KeyFigure:
    """A figure of one table: the table, the codes that pick it (besides region and time) and its name."""

    table: TableDef
    codes: dict[str, str]
    label: str


#: Key figures by name: fastlege figures from 12005, legeårsverk by function from 11996, population from 07459.
KEY_FIGURES: dict[str, KeyFigure] = {
    "folkemengde": KeyFigure(POPULATION, {}, "Folkemengde"),
    "fastlegeavtaler": KeyFigure(GP_LISTS, {"ContentsCode": "KOSantallavtaler0001"}, "Antall fastlegeavtaler"),
    "listelengde": KeyFigure(GP_LISTS, {"ContentsCode": "KOSgjsnlisteleng0000"}, "Gjennomsnittlig listelengde"),
    "reservekapasitet": KeyFigure(GP_LISTS, {"ContentsCode": "KOSreservekapasi0000"}, "Reservekapasitet fastlege"),
    "apne_lister": KeyFigure(GP_LISTS, {"ContentsCode": "KOSaapnelister0000"}, "Antall åpne fastlegelister"),
    "uten_lege": KeyFigure(
        GP_LISTS, {"ContentsCode": "KOSandelpasiente0000"}, "Andel pasienter på liste uten lege (prosent)"
    ),
    "konsultasjoner_per_person": KeyFigure(
        GP_LISTS, {"ContentsCode": "KOSkonspasientpr0000"}, "Fastlegekonsultasjoner per person"
    ),
    "legeaarsverk_241": KeyFigure(DOCTOR_FTE, {"KOKfunksjon0000": "241"}, "Legeårsverk, diagnose og behandling"),
    "legeaarsverk_232": KeyFigure(DOCTOR_FTE, {"KOKfunksjon0000": "232"}, "Legeårsverk, helsestasjon og skole"),
    "legeaarsverk_233": KeyFigure(DOCTOR_FTE, {"KOKfunksjon0000": "233"}, "Legeårsverk, annet forebyggende"),
    "legeaarsverk_253": KeyFigure(DOCTOR_FTE, {"KOKfunksjon0000": "253"}, "Legeårsverk, institusjon"),
}


def _cached(store: StatisticsStore, tables: Sequence[TableDef], code: str) -> tuple[CachedTable, Dataset]:
    cached = store.latest(SSB, tuple(t.id for t in tables), code)
    if cached is None:
        raise NotCachedError(text("stats.error.not_cached", source=f"SSB tabell {tables[-1].id}", code=code))
    return cached, parse(cached.payload)


def _sourced(cached: CachedTable, value: object, region: str, period: str | None, table: TableDef) -> Sourced[float]:
    from legeplan.statistics.service import date_text, parse_date_text

    when = date_text(table, period) if period else cached.data_date_text
    assert isinstance(value, float | int)
    return Sourced[float](
        value=float(value),
        source=SourceKind.STATISTICS,
        reference=f"SSB tabell {cached.table_id}",
        data_date=parse_date_text(when),
        data_date_text=when,
        fetched_at=cached.fetched_at,
        region=region,
    )


def _periods(dataset: Dataset, table: TableDef, region: str, codes: dict[str, str]) -> list[str]:
    found = {
        row[table.time_dimension]
        for row, value in dataset.rows()
        if value is not None
        and row.get(table.region_dimension) == region
        and all(row.get(k) == v for k, v in codes.items())
    }
    return sorted(found)


def figure(
    store: StatisticsStore, code: str, key: str, *, year: int | None = None, region: str | None = None
) -> Sourced[float]:
    """A key figure (see KEY_FIGURES) for the municipality `code` — or `region` (its county or the country, in the
    table's own codes) — in `year` (default: the newest year with a value)."""
    try:
        chosen = KEY_FIGURES[key]
    except KeyError:
        raise StatisticsError(text("stats.error.unknown_figure", name=key, known=", ".join(KEY_FIGURES))) from None
    cached, dataset = _cached(store, (chosen.table,), code)
    where = region or code
    periods = _periods(dataset, chosen.table, where, chosen.codes)
    wanted = str(year) if year is not None else (periods[-1] if periods else None)
    if wanted is None or wanted not in periods:
        raise StatisticsError(
            text(
                "stats.error.no_value",
                source=f"SSB tabell {cached.table_id}",
                what=f"{chosen.label} {year or ''}".strip(),
                region=where,
            )
        )
    total = dataset.total(**{chosen.table.region_dimension: where, chosen.table.time_dimension: wanted, **chosen.codes})
    return _sourced(cached, total, where, wanted, chosen.table)


def comparison(store: StatisticsStore, code: str, key: str, *, year: int | None = None) -> Comparison:
    """Municipality, county and country for one key figure, all for the municipality's year."""
    own = figure(store, code, key, year=year)
    chosen = KEY_FIGURES[key]
    year_of = int(own.data_date_text[-4:]) if re.search(r"\d{4}$", own.data_date_text) else year
    results: list[Sourced[float] | None] = []
    for region in (chosen.table.county_of(code), chosen.table.country_code):
        if region is None:
            results.append(None)
            continue
        try:
            results.append(figure(store, code, key, year=year_of, region=region))
        except StatisticsError:
            results.append(None)
    return Comparison(key, chosen.label, own, results[0], results[1])


def population(store: StatisticsStore, code: str, *, year: int | None = None) -> Sourced[int]:
    """Inhabitants 1 January (07459, summed over sex and age)."""
    result = figure(store, code, "folkemengde", year=year)
    return result.with_value(round(result.value))


def _age(code: str) -> int:
    match = re.match(r"\d+", code)
    if match is None:
        raise StatisticsError(text("stats.error.jsonstat_value", value=repr(code)))
    return int(match.group())


def population_by_age(store: StatisticsStore, code: str, *, year: int | None = None) -> Sourced[dict[int, float]]:
    """Inhabitants by single year of age (105 = 105 years and older), 1 January of `year` (default newest)."""
    total = figure(store, code, "folkemengde", year=year)
    _, dataset = _cached(store, (POPULATION,), code)
    period = total.data_date_text[-4:]
    by_age: dict[int, float] = {}
    for row, value in dataset.rows():
        if value is None or row.get("Region") != code or row.get("Tid") != period:
            continue
        age = _age(row["Alder"])
        by_age[age] = by_age.get(age, 0.0) + value
    return total.with_value(dict(sorted(by_age.items())))


def projection_by_age(
    store: StatisticsStore, code: str, *, alternative: str = "MMMM"
) -> Sourced[dict[int, dict[int, float]]]:
    """The newest cached projection for one alternative: {year: {single age: persons}} (sexes summed)."""
    cached, dataset = _cached(store, PROJECTION_TABLES, code)
    table_def = next(t for t in PROJECTION_TABLES if t.id == cached.table_id)
    result: dict[int, dict[int, float]] = {}
    for row, value in dataset.rows():
        if value is None or row.get("Region") != code or row.get("ContentsCode") != alternative:
            continue
        year = int(row["Tid"][:4])
        ages = result.setdefault(year, {})
        age = _age(row["Alder"])
        ages[age] = ages.get(age, 0.0) + value
    if not result:
        raise StatisticsError(
            text(
                "stats.error.no_value",
                source=f"SSB tabell {cached.table_id}",
                what=f"alternativ {alternative}",
                region=code,
            )
        )
    return Sourced[dict[int, dict[int, float]]](
        value=dict(sorted(result.items())),
        source=SourceKind.STATISTICS,
        reference=f"SSB tabell {table_def.id} ({alternative})",
        data_date=cached.data_date,
        data_date_text=cached.data_date_text,
        fetched_at=cached.fetched_at,
        region=code,
    )


def consultations(store: StatisticsStore, code: str, *, level: str = "kommune") -> Sourced[dict[int, int]]:
    """GP consultations per year measured in KUHR (bills with a consultation fee code, practitioner's municipality;
    level 'kommune', 'fylke' or 'landet')."""
    cached = store.latest(KUHR, KUHR_TABLE, code)
    if cached is None:
        raise NotCachedError(text("stats.error.not_cached", source="KUHR (takstbruk)", code=code))
    payload = cached.payload if isinstance(cached.payload, dict) else {}
    rows = [TakstbrukRow.model_validate(row) for row in payload.get(level, [])]
    return Sourced[dict[int, int]](
        value=consultations_by_year(rows),
        source=SourceKind.STATISTICS,
        reference="KUHR (NAV/Helfo) takstbruk",
        data_date_text=cached.data_date_text,
        fetched_at=cached.fetched_at,
        region=code if level == "kommune" else level,
    )


def doctor_fte_per_10000(
    store: StatisticsStore, code: str, *, year: int | None = None, level: str = "kommune"
) -> Sourced[float]:
    """Legeårsverk in all functions of 11996 (fastlege and legevakt, helsestasjon, forebyggende, institusjon,
    øyeblikkelig hjelp) per 10 000 inhabitants on 1 January the same year (07459), for the municipality `code`, its
    county (`level="fylke"`) or the country (`"landet"`). Bodø 2020: 58,1 / 52 357 × 10 000 = 11,1 (seed 003)."""
    cached, dataset = _cached(store, (DOCTOR_FTE,), code)
    region = _region(DOCTOR_FTE, code, level)
    periods = _periods(dataset, DOCTOR_FTE, region, {})
    wanted = str(year) if year is not None else (periods[-1] if periods else None)
    total = dataset.total(**{DOCTOR_FTE.region_dimension: region, DOCTOR_FTE.time_dimension: wanted or ""})
    if wanted is None or wanted not in periods or total is None:
        raise StatisticsError(
            text(
                "stats.error.no_value",
                source=f"SSB tabell {cached.table_id}",
                what=f"Legeårsverk {year or ''}".strip(),
                region=region,
            )
        )
    inhabitants = figure(store, code, "folkemengde", year=int(wanted), region=_region(POPULATION, code, level))
    return Sourced[float](
        value=total / inhabitants.value * 10_000,
        source=SourceKind.STATISTICS,
        reference=f"SSB tabell {cached.table_id} og {inhabitants.reference.removeprefix('SSB tabell ')}",
        data_date_text=wanted,
        fetched_at=cached.fetched_at,
        region=region,
    )


def population_growth(
    store: StatisticsStore, code: str, *, first: int | None = None, last: int | None = None, level: str = "kommune"
) -> Sourced[float]:
    """Growth in inhabitants (a share: 0,026 = 2,6 %) from 1 January `first` to 1 January `last` (default: the
    oldest and newest year cached for the municipality), for the municipality, its county or the country."""
    region = _region(POPULATION, code, level)
    if first is None or last is None:
        cached, dataset = _cached(store, (POPULATION,), code)
        periods = _periods(dataset, POPULATION, code, {})
        if len(periods) < 2:
            raise StatisticsError(
                text("stats.error.no_value", source=f"SSB tabell {cached.table_id}", what="Folkevekst", region=code)
            )
        first, last = int(periods[0]), int(periods[-1])
    start = figure(store, code, "folkemengde", year=first, region=region)
    end = figure(store, code, "folkemengde", year=last, region=region)
    return end.model_copy(
        update={
            "value": (end.value - start.value) / start.value,
            "data_date_text": f"{start.data_date_text}–{end.data_date_text}",
        }
    )


def _region(table: TableDef, code: str, level: str) -> str:
    region = {"kommune": code, "fylke": table.county_of(code), "landet": table.country_code}[level]
    if region is None:
        raise StatisticsError(text("stats.error.no_value", source=f"SSB tabell {table.id}", what=level, region=code))
    return region


def _beside(compute: Callable[[str], Sourced[float]]) -> tuple[Sourced[float] | None, Sourced[float] | None]:
    """The county's and the country's value, None where the cache has none."""
    found: list[Sourced[float] | None] = []
    for level in ("fylke", "landet"):
        try:
            found.append(compute(level))
        except StatisticsError:
            found.append(None)
    return found[0], found[1]


#: What the plan and the dashboard compare, in order (keys of `plan_comparisons`).
PLAN_COMPARISON_KEYS = ("reservekapasitet", "listelengde", "legeaarsverk_per_10000", "befolkningsvekst")


def plan_comparisons(store: StatisticsStore, code: str) -> tuple[Comparison, ...]:
    """The key figures the plan and the dashboard put beside the county and the country, where the cache has them:
    reservekapasitet and gjennomsnittlig listelengde (12005), legeårsverk per 10 000 inhabitants (11996 and 07459)
    and population growth over the cached years (07459). A figure the cache lacks is left out; an empty cache gives
    an empty tuple."""
    found: list[Comparison] = []
    for key, label, decimals in (
        ("reservekapasitet", "Reservekapasitet på fastlegelistene (100 = fulle lister)", 1),
        ("listelengde", "Gjennomsnittlig listelengde", 0),
    ):
        try:
            plain = comparison(store, code, key)
        except StatisticsError:
            continue
        found.append(Comparison(key, label, plain.municipality, plain.county, plain.country, decimals=decimals))
    try:
        own = doctor_fte_per_10000(store, code)
    except StatisticsError:
        pass
    else:
        year = int(own.data_date_text)
        county, country = _beside(lambda level: doctor_fte_per_10000(store, code, year=year, level=level))
        found.append(
            Comparison("legeaarsverk_per_10000", "Legeårsverk per 10 000 innbyggere", own, county, country, decimals=1)
        )
    try:
        growth = population_growth(store, code)
    except StatisticsError:
        pass
    else:
        years = re.findall(r"\d{4}", growth.data_date_text)
        first, last = int(years[0]), int(years[-1])
        county, country = _beside(lambda level: population_growth(store, code, first=first, last=last, level=level))
        found.append(
            Comparison(
                "befolkningsvekst",
                f"Befolkningsvekst {first}–{last}",
                growth,
                county,
                country,
                decimals=1,
                percent=True,
            )
        )
    return tuple(found)
