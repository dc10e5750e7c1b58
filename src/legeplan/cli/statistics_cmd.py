"""`legeplan statistics`: fetch SSB and KUHR figures into the cache, show them with their sources, and dimension by
age (demand = Σ projected population × GP contacts per inhabitant) beside the list-based method."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app

if TYPE_CHECKING:
    from legeplan.capacity.demand import DemandModel, DemandResult
    from legeplan.capacity.models import Scenario
    from legeplan.statistics.service import FetchReport
    from legeplan.storage.statistics_tables import StatisticsStore

console = Console()
statistics_app = typer.Typer(
    help="Offentlig statistikk rett fra kilden (SSB, KUHR), lagret med kilde og dato.", no_args_is_help=True
)
app.add_typer(statistics_app, name="statistics")

MunicipalityOption = Annotated[str, typer.Option("--municipality", "-m", help="Kommunenummer, f.eks. 1804")]
JsonOption = Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"Feil: {message}", err=True)
    raise typer.Exit(code)


def _store() -> StatisticsStore:
    from legeplan.storage import StorageError, open_storage
    from legeplan.storage.statistics_tables import StatisticsStore

    try:
        return StatisticsStore(open_storage())
    except StorageError as error:
        _fail(str(error), 1)


def _number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    value = round(value, decimals) + 0.0
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _report_json(report: FetchReport) -> dict[str, object]:
    return {
        "municipality": report.municipality,
        "ok": report.ok,
        "requests": report.requests,
        "retried": report.retried,
        "tables": [
            {
                "table": t.table_id,
                "title": t.title,
                "status": t.status.value,
                "data_date": t.data_date_text,
                "citation": t.citation,
                "fetched_at": t.fetched_at,
                "extracts": t.parts,
                "first_fetch": t.first_fetch,
                "changes": [{"label": c.label, "before": c.before, "after": c.after} for c in t.changes],
                "message": t.message,
            }
            for t in report.tables
        ],
    }


@statistics_app.command("fetch")
def fetch(
    municipality: MunicipalityOption,
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="SSB-tabeller, kommaseparert (standard 07459,14288,12005,11996)"),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="PxWebApi v2-adresse (ellers LEGEPLAN_SSB_URL eller SSB)")
    ] = None,
    kuhr_url: Annotated[
        str | None, typer.Option("--kuhr-url", help="KUHR åpne data-adresse (ellers LEGEPLAN_KUHR_URL eller NAV)")
    ] = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Hent på nytt selv om tallene er lagret")] = False,
    no_kuhr: Annotated[bool, typer.Option("--no-kuhr", help="Ikke hent takstbruk fra KUHR")] = False,
    kuhr_years: Annotated[
        str | None, typer.Option("--kuhr-years", help="År fra KUHR, f.eks. 2019-2023 (standard: de fem siste hele)")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Hent befolkning (07459), framskriving (14288 eller nyere), fastlegetall (12005), legeårsverk (11996) og
    konsultasjoner (KUHR) for kommunen, fylket og landet; lagres med kilde og dato, og senere kjøringer bruker
    lagret kopi (virker uten nett)."""
    from legeplan.statistics.kuhr import KuhrClient
    from legeplan.statistics.service import Status, fetch_statistics
    from legeplan.statistics.ssb import PxWebClient
    from legeplan.statistics.tables import DEFAULT_TABLES, TABLES

    wanted = tuple(t.strip() for t in tables.split(",") if t.strip()) if tables else DEFAULT_TABLES
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        _fail(f"--tables: legeplan kjenner ikke tabell {', '.join(unknown)}; støttet er {', '.join(TABLES)}")
    years: tuple[int, int] | None = None
    if kuhr_years:
        first, sep, last = kuhr_years.partition("-")
        if not (first.strip().isdigit() and last.strip().isdigit() and sep) or int(first) > int(last):
            _fail(f"--kuhr-years: «{kuhr_years}» må være FRA-TIL, f.eks. 2019-2023")
        years = (int(first), int(last))
    store = _store()
    from legeplan.statistics.errors import StatisticsError

    with PxWebClient(base_url) as ssb, KuhrClient(kuhr_url) as kuhr:
        try:
            report = fetch_statistics(
                store,
                municipality,
                wanted,
                refresh=refresh,
                ssb=ssb,
                kuhr=kuhr,
                with_kuhr=not no_kuhr,
                kuhr_years=years,
                progress=None if as_json else lambda line: console.print(line, style="dim"),
            )
        except StatisticsError as error:
            _fail(str(error))
    if as_json:
        typer.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"Offentlig statistikk for {municipality}", box=box.SIMPLE_HEAD, pad_edge=False)
        for header in ("Tabell", "Innhold", "Status", "Tall per", "Deler"):
            table.add_column(header)
        for t in report.tables:
            table.add_row(t.table_id, t.title, t.status.value, t.data_date_text or "–", str(t.parts or "–"))
        console.print(table)
        for t in report.tables:
            if t.changes:
                console.print(f"Endret i {t.citation} siden forrige henting:")
                for change in t.changes:
                    console.print(f"  {change.text}")
            elif t.status is Status.FETCHED and t.first_fetch:
                console.print(f"{t.citation}: hentet for første gang.")
            elif t.status is Status.FETCHED:
                console.print(f"{t.citation}: ingen endringer siden forrige henting.")
        for t in report.tables:
            if t.status is Status.FAILED:
                typer.echo(f"Feil ({t.table_id}): {t.message}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@statistics_app.command("show")
def show(
    municipality: MunicipalityOption,
    as_json: JsonOption = False,
) -> None:
    """Vis lagrede nøkkeltall for kommunen med fylket og landet ved siden av, og kilden til hvert tall."""
    from legeplan.statistics.errors import StatisticsError
    from legeplan.statistics.figures import KEY_FIGURES, Comparison, comparison
    from legeplan.statistics.inputs import contacts_comparison

    store = _store()
    rows: list[Comparison] = []
    problems: list[str] = []
    for key in KEY_FIGURES:
        try:
            rows.append(comparison(store, municipality, key))
        except StatisticsError as error:
            problems.append(str(error))
    try:
        measured = contacts_comparison(store, municipality)
    except StatisticsError:
        measured = None
    if measured is not None:
        rows.append(measured)
    if not rows:
        _fail(problems[0] if problems else f"ingen lagrede tall for {municipality}", 1)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Nøkkeltall for {municipality} (lagret)", box=box.SIMPLE_HEAD, pad_edge=False)
    for header, justify in (("Nøkkeltall", "left"), ("Kommune", "right"), ("Fylke", "right"), ("Landet", "right")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    table.add_column("Kilde")
    for row in rows:
        decimals = 0 if float(row.municipality.value).is_integer() else 1
        if row.key == "kuhr_konsultasjoner_per_innbygger":
            decimals = 2
        table.add_row(
            row.label,
            _number(row.municipality.value, decimals),
            _number(row.county.value, decimals) if row.county else "–",
            _number(row.country.value, decimals) if row.country else "–",
            row.municipality.citation,
        )
    console.print(table)


RATE = r"\s*(\d+\s*(?:-\s*\d+|\+))\s*=\s*(\d+(?:[.,]\d+(?![\d+=-]))?)\s*"


def _parse_rates(text_value: str) -> dict[str, float]:
    """'0-17=1,7, 18-49=2,9; 90+=3,5' -> {'0-17': 1.7, ...}: decimal comma or point, separated by , or ;."""
    import re

    rates: dict[str, float] = {}
    rest = text_value
    while rest.strip(" ,;"):
        match = re.match(RATE + r"(?:[,;]|$)", rest.lstrip(" ,;"))
        if match is None:
            _fail(f"--rates: «{rest.strip(' ,;')}» må være aldersgruppe=kontakter, f.eks. 0-17=1,7; 18-49=2,9")
        rates[match.group(1).replace(" ", "")] = float(match.group(2).replace(",", "."))
        rest = rest.lstrip(" ,;")[match.end() :]
    return rates


def _demand_table(result: DemandResult, title: str) -> Table:
    table = Table(
        title=title,
        caption="Hjemler etter alder = kontakter / kontakter per hjemmel; etter liste = dagens + vekst / snittliste.",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        caption_justify="left",
    )
    for header in ("År", "Innb.", "Kontakter", "Etter alder", "Etter liste", "Forskjell"):
        table.add_column(header, justify="right", no_wrap=True)
    for row in result.years:
        sign = "+" if row.difference >= 0 else "−"
        table.add_row(
            str(row.year),
            _number(row.population),
            _number(row.contacts),
            _number(row.positions_by_demand, 1),
            _number(row.positions_by_list, 1),
            f"{sign}{_number(abs(row.difference), 1)}",
        )
    return table


def print_demand(
    out: Console, result: DemandResult, model: DemandModel, *, name: str, sources: dict[str, str] | None = None
) -> None:
    """The demand-by-age table, the contact rates and the explanations (used by `statistics demand` and
    `dimension --demand-by-age`)."""
    out.print(_demand_table(result, f"Behov etter alder og etter liste: {name}"))
    rates_table = Table(title="Fastlegekontakter per innbygger", box=box.SIMPLE_HEAD, pad_edge=False)
    rates_table.add_column("Alder")
    rates_table.add_column("Kontakter", justify="right")
    for group, rate in model.contacts_per_inhabitant.items():
        rates_table.add_row(group, _number(rate, 2))
    out.print(rates_table)
    for line in result.explanations:
        out.print(f"• {line}", highlight=False)
    for what, citation in (sources or {}).items():
        out.print(f"Kilde ({what}): {citation}", style="dim", highlight=False)


def scenario_demand(scenario: Scenario) -> tuple[DemandResult, DemandModel]:
    """Demand by age for a dimensioning scenario: its projection, hjemler and average list, SSB's national contact
    rates by age. A projection without age groups is an error (exit 2)."""
    from legeplan.capacity.demand import NATIONAL_GP_CONSULTATIONS_2023, DemandModel, demand_by_age, rates_for_groups

    try:
        rates = rates_for_groups(NATIONAL_GP_CONSULTATIONS_2023, scenario.projection.age_groups)
    except (ValueError, KeyError):
        _fail(
            "--demand-by-age trenger en framskriving etter aldersgruppe (f.eks. 0-17, 18-49 … 90+), ikke "
            f"{', '.join(scenario.projection.age_groups)}"
        )
    model = DemandModel(
        projection=scenario.projection,
        contacts_per_inhabitant=rates,
        positions=scenario.positions,
        average_list_length=scenario.current_average_list,
    )
    return demand_by_age(model), model


@statistics_app.command("demand")
def demand(
    municipality: Annotated[
        str | None, typer.Option("--municipality", "-m", help="Kommunenummer (tall fra lagret statistikk)")
    ] = None,
    example: Annotated[
        str | None, typer.Option("--example", help="Medfølgende eksempel uten lagret statistikk: bodo")
    ] = None,
    alternative: Annotated[str, typer.Option("--alternative", help="Framskrivingsalternativ")] = "MMMM",
    years: Annotated[str | None, typer.Option("--years", help="År, kommaseparert (standard: alle)")] = None,
    rates: Annotated[
        str | None,
        typer.Option("--rates", help="Kontakter per innbygger per aldersgruppe, f.eks. «0-17=1,7; 18-49=2,9; 90+=3,5»"),
    ] = None,
    positions: Annotated[int | None, typer.Option("--positions", help="Fastlegehjemler i dag")] = None,
    list_length: Annotated[float | None, typer.Option("--list-length", help="Gjennomsnittlig listelengde")] = None,
    contacts_per_position: Annotated[
        float | None, typer.Option("--contacts-per-position", help="Kontakter én hjemmel gir i året (ellers kalibrert)")
    ] = None,
    no_kuhr: Annotated[bool, typer.Option("--no-kuhr", help="Ikke bruk målte konsultasjoner fra KUHR")] = False,
    as_json: JsonOption = False,
) -> None:
    """Dimensjonering etter alder: behov = Σ framskrevet befolkning × fastlegekontakter per innbygger, mot
    kapasitet i samme enhet, ved siden av dagens listebaserte metode."""
    from pydantic import ValidationError

    from legeplan.capacity.demand import (
        NATIONAL_GP_CONSULTATIONS_2023,
        NATIONAL_RATES_SOURCE,
        DemandModel,
        demand_by_age,
        rates_for_groups,
    )
    from legeplan.statistics.errors import StatisticsError

    if (municipality is None) == (example is None):
        _fail("oppgi enten -m KOMMUNENUMMER eller --example bodo")
    wanted_years: list[int] | None = None
    if years:
        try:
            wanted_years = [int(y) for y in years.split(",") if y.strip()]
        except ValueError:
            _fail(f"--years: «{years}» må være årstall skilt med komma, f.eks. 2022,2025,2030")
    given_rates = _parse_rates(rates) if rates else None
    sources: dict[str, str] = {}
    try:
        if example is not None:
            from legeplan.capacity import EXAMPLES, example_scenario

            if example not in EXAMPLES:
                _fail(f"--example: ukjent eksempel {example!r}; velg {', '.join(EXAMPLES)}")
            scenario = example_scenario(example)
            projection = scenario.projection
            if wanted_years:
                from legeplan.capacity.models import Projection

                projection = Projection(
                    region=projection.region,
                    alternative=projection.alternative,
                    source=projection.source,
                    years=[projection.year(y) for y in wanted_years],
                )
            group_rates = given_rates or rates_for_groups(NATIONAL_GP_CONSULTATIONS_2023, projection.age_groups)
            model = DemandModel(
                projection=projection,
                contacts_per_inhabitant=group_rates,
                contacts_source="oppgitt" if given_rates else NATIONAL_RATES_SOURCE,
                positions=positions or scenario.positions,
                average_list_length=list_length or scenario.current_average_list,
                contacts_per_position=contacts_per_position,
            )
            sources = {"scenario": scenario.source}
            name = scenario.name
        else:
            assert municipality is not None
            from legeplan.statistics.inputs import demand_model_from_cache

            inputs = demand_model_from_cache(
                _store(),
                municipality,
                alternative=alternative,
                years=wanted_years,
                rates=given_rates,
                positions=positions,
                average_list_length=list_length,
                contacts_per_position=contacts_per_position,
                use_kuhr=not no_kuhr,
            )
            model, sources, name = inputs.model, inputs.sources, municipality
        result = demand_by_age(model)
    except (StatisticsError, ValueError, KeyError) as error:
        message = str(error)
        if isinstance(error, ValidationError):
            message = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        _fail(message.strip("'\""))
    if as_json:
        payload = result.model_dump(mode="json")
        payload["rates"] = model.contacts_per_inhabitant
        payload["sources"] = sources
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    print_demand(console, result, model, name=name, sources=sources)
