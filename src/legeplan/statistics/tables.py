"""The SSB tables legeplan fetches, as data: ids, dimensions, the codes asked for, comparison regions and how the
data date reads. Changing what is fetched means changing this module only.

* 07459 — Befolkning etter region, kjønn, ettårig alder (1. januar). Region codes: kommune `1804`, fylke `18`,
  landet `0`.
* 14288 — Framskrevet folkemengde 1. januar etter kommune, kjønn, alder og alternativ (2022-framskrivingen);
  `PROJECTION_TABLES` lists the newer projection first (14746, the 2026 projections) and falls back to 14288 where
  the newer one is not published or has another shape. Alternatives MMMM (hoved), LLML (lav), HHMH (høy).
* 12005 — Fastlegelister og fastlegekonsultasjoner (KOSTRA, 31.12.). KOSTRA region codes: kommune `1804`, fylke
  `EKA18`, landet `EAK`.
* 11996 — Legeårsverk i kommunehelsetjenesten etter funksjon (KOSTRA): 241 diagnose/behandling (fastlege,
  legevakt), 232 helsestasjon og skolehelse, 233 annet forebyggende, 253 institusjon (sykehjem), 256 øyeblikkelig
  hjelp døgnopphold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from legeplan.i18n import text

ALL = "*"


class TableKind(StrEnum):
    POPULATION = "population"
    PROJECTION = "projection"
    GP_LISTS = "gp_lists"
    DOCTOR_FTE = "doctor_fte"


@dataclass(frozen=True)
class TableDef:
    """One SSB table: what to ask for and how to read it.

    `selections` gives the codes per dimension other than region and time (`*` = every code the table has);
    `latest_years` how many of the newest periods to fetch (None = all); `county_code`/`country_code` format the
    comparison regions from the two-digit county number (None = the table has none); `data_date` formats the
    reference date of a year; `summary` names the dimensions kept when the command tells what changed (the others
    are summed), with `summary_filter` fixing codes first (e.g. only MMMM).
    """

    id: str
    kind: TableKind
    title: str
    region_dimension: str
    selections: dict[str, tuple[str, ...]]
    latest_years: int | None
    data_date: str
    county_code: str | None = None
    country_code: str | None = None
    summary: tuple[str, ...] = ("Tid",)
    summary_filter: dict[str, str] = field(default_factory=dict)
    noun: str = ""
    time_dimension: str = "Tid"

    def regions(self, municipality: str, *, comparison: bool = True) -> tuple[str, ...]:
        """The region codes to ask for: the municipality and, where the table has them, its county and the
        country."""
        codes = [municipality]
        if comparison and self.county_code is not None:
            codes.append(self.county_code.format(county=municipality[:2]))
        if comparison and self.country_code is not None:
            codes.append(self.country_code)
        return tuple(codes)

    def county_of(self, municipality: str) -> str | None:
        return None if self.county_code is None else self.county_code.format(county=municipality[:2])

    def date_text(self, period: str) -> str:
        """'1.1.2024' for population 2024, '31.12.2023' for fastlegelister 2023."""
        return self.data_date.format(year=period[:4])


POPULATION = TableDef(
    id="07459",
    kind=TableKind.POPULATION,
    title="Befolkning etter kjønn og alder",
    region_dimension="Region",
    selections={"Kjonn": (ALL,), "Alder": (ALL,), "ContentsCode": ("Personer1",)},
    latest_years=5,
    data_date="1.1.{year}",
    county_code="{county}",
    country_code="0",
    noun="Folkemengde",
)

#: Projection alternatives: hovedalternativet, lav nasjonal vekst, høy nasjonal vekst.
PROJECTION_ALTERNATIVES = ("MMMM", "LLML", "HHMH")


def _projection(table_id: str, title: str) -> TableDef:
    return TableDef(
        id=table_id,
        kind=TableKind.PROJECTION,
        title=title,
        region_dimension="Region",
        selections={"Kjonn": (ALL,), "Alder": (ALL,), "ContentsCode": PROJECTION_ALTERNATIVES},
        latest_years=None,
        data_date="1.1.{year}",
        summary=("Tid",),
        summary_filter={"ContentsCode": "MMMM"},
        noun="Framskrevet folkemengde (MMMM)",
    )


PROJECTION_TABLES = (
    _projection("14746", "Framskrevet folkemengde (befolkningsframskrivingene 2026)"),
    _projection("14288", "Framskrevet folkemengde (befolkningsframskrivingene 2022)"),
)

#: 12005 content codes legeplan reads, with what they are.
GP_LIST_CONTENTS = {
    "KOSantallavtaler0001": "Antall fastlegeavtaler",
    "KOSgjsnlisteleng0000": "Gjennomsnittlig listelengde",
    "KOSreservekapasi0000": "Reservekapasitet fastlege",
    "KOSaapnelister0000": "Antall åpne fastlegelister",
    "KOSandelpasiente0000": "Andel pasienter på liste uten lege (prosent)",
    "KOSkonspasientpr0000": "Fastlegekonsultasjoner per person (bostedskommune)",
}

GP_LISTS = TableDef(
    id="12005",
    kind=TableKind.GP_LISTS,
    title="Fastlegelister og fastlegekonsultasjoner",
    region_dimension="KOKkommuneregion0000",
    selections={"ContentsCode": tuple(GP_LIST_CONTENTS)},
    latest_years=5,
    data_date="31.12.{year}",
    county_code="EKA{county}",
    country_code="EAK",
    summary=("ContentsCode", "Tid"),
)

#: KOSTRA functions in 11996, with what they cover.
DOCTOR_FUNCTIONS = {
    "241": "Diagnose, behandling og rehabilitering (fastlege, legevakt)",
    "232": "Helsestasjons- og skolehelsetjeneste",
    "233": "Annet forebyggende helsearbeid",
    "253": "Helse- og omsorgstjenester i institusjon",
    "256": "Øyeblikkelig hjelp døgnopphold",
}

DOCTOR_FTE = TableDef(
    id="11996",
    kind=TableKind.DOCTOR_FTE,
    title="Legeårsverk i kommunehelsetjenesten etter funksjon (KOSTRA)",
    region_dimension="KOKkommuneregion0000",
    selections={
        "KOKavtaleform0000": ("sum",),
        "KOKfunksjon0000": tuple(DOCTOR_FUNCTIONS),
        "ContentsCode": ("KOSlegeaarsverk0000",),
    },
    latest_years=5,
    data_date="{year}",
    county_code="EKA{county}",
    country_code="EAK",
    summary=("KOKfunksjon0000", "Tid"),
    noun="Legeårsverk",
)

#: Every table by id; `DEFAULT_TABLES` is what `legeplan statistics fetch` gets without --tables ("14288" stands
#: for the newest projection table).
TABLES: dict[str, TableDef] = {t.id: t for t in (POPULATION, *PROJECTION_TABLES, GP_LISTS, DOCTOR_FTE)}
DEFAULT_TABLES = ("07459", "14288", "12005", "11996")


def table(table_id: str) -> TableDef:
    """The definition of a table id; an id legeplan does not know is an error naming the ones it does."""
    try:
        return TABLES[table_id]
    except KeyError:
        raise KeyError(text("stats.error.unsupported_table", table=table_id, known=", ".join(TABLES))) from None


def candidates(table_id: str) -> tuple[TableDef, ...]:
    """The tables to try for an id: for a projection the newest first, then the older ones; otherwise the table."""
    chosen = table(table_id)
    if chosen.kind is TableKind.PROJECTION:
        return PROJECTION_TABLES
    return (chosen,)
