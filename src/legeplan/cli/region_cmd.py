"""CLI for the regional view: stability, vacancies, mobility, operating models, competence, statistics, report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.region.analysis import GroupBy

if TYPE_CHECKING:
    from legeplan.region.models import RegionalDataset

# The regional engine and its generated Helse Nord dataset (OR-Tools, NumPy) are imported inside the commands.
#: The survey period of Helse Nord's report (a copy of legeplan.region.helse_nord.PERIOD; checked by a test).
PERIOD = (date(2017, 10, 1), date(2019, 3, 1))
#: The largest regional dataset read (the generated Helse Nord set of 87 municipalities is about 1 MB).
MAX_DATASET_BYTES = 64 * 1024 * 1024


def percent(value: float | None, decimals: int = 0) -> str:
    """A share as «92 %» (the same as legeplan.region.report.percent, which imports the report renderer)."""
    return "–" if value is None else f"{value * 100:.{decimals}f} %".replace(".", ",")


console = Console()
region_app = typer.Typer(
    help="Regional oversikt: stabilitet, ledighet, mobilitet, driftsformer og kompetanse.", no_args_is_help=True
)
app.add_typer(region_app, name="region")

DatasetOption = Annotated[
    Path | None,
    typer.Option("--dataset", help="Regionalt datasett (JSON); standard: det genererte Helse Nord-datasettet"),
]
StatisticsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--statistics",
        help="SSB-fil (JSON-stat 2.0) som overstyrer datasettet: 07459 folketall, 12005 fastlegelister; kan gjentas",
    ),
]
RegionOption = Annotated[str | None, typer.Option("--region", help="Begrens til én region (id, se 'region list')")]
JsonOption = Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")]


def _dataset(path: Path | None, region: str | None, statistics: list[Path] | None = None) -> RegionalDataset:
    from pydantic import ValidationError

    from legeplan.capacity.ssb import JsonStatError
    from legeplan.documents import read_json
    from legeplan.i18n import field_path, validation_message
    from legeplan.region.helse_nord import helse_nord_dataset
    from legeplan.region.models import RegionalDataset
    from legeplan.region.statistics import apply_statistics

    if path is None:
        dataset = helse_nord_dataset()
    else:
        try:
            dataset = RegionalDataset.model_validate(read_json(path, ValueError, MAX_DATASET_BYTES))
        except ValidationError as exc:
            problems = "; ".join(f"{field_path(e['loc'])}: {validation_message(e)}" for e in exc.errors()[:10])
            raise typer.BadParameter(f"{path}: ugyldig datasett: {problems}", param_hint="--dataset") from exc
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--dataset") from exc
    if statistics:
        try:
            dataset = apply_statistics(dataset, statistics)
        except JsonStatError as exc:
            raise typer.BadParameter(f"--statistics: {exc}") from exc
    if region is None:
        return dataset
    match = next((r for r in dataset.regions if r.id == region), None)
    if match is None:
        raise typer.BadParameter(f"ukjent region {region!r}; kjente: {', '.join(r.id for r in dataset.regions)}")
    return dataset.restricted_to(match)


def _date(value: str | None, default: date, name: str) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError as exc:
        raise typer.BadParameter(f"{name}: ugyldig dato {value!r} (bruk ÅÅÅÅ-MM-DD)") from exc


def _period(period_from: str | None, period_to: str | None) -> tuple[date, date]:
    """--from/--to with the dataset's survey period as default; the end must come after the start."""
    start = _date(period_from, PERIOD[0], "--from")
    end = _date(period_to, PERIOD[1], "--to")
    if end <= start:
        raise typer.BadParameter("--to må være etter --from")
    return start, end


def _emit_json(payload: Any) -> None:
    def default(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        if isinstance(obj, date):
            return obj.isoformat()
        raise TypeError(type(obj))

    typer.echo(json.dumps(payload, default=default, ensure_ascii=False, indent=2))


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    table = Table(title=title)
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@region_app.command("list")
def region_list(dataset_path: DatasetOption = None, as_json: JsonOption = False) -> None:
    """Regioner (fylke, helseforetak, legevaktdistrikt, regionråd) og kommunene i dem."""
    from legeplan.region.models import REGION_KIND_LABELS

    dataset = _dataset(dataset_path, None)
    if as_json:
        _emit_json(list(dataset.regions))
        return
    _table(
        f"Regioner i {dataset.name}",
        ["Id", "Navn", "Type", "Kommuner"],
        [[r.id, r.name, REGION_KIND_LABELS[r.kind], str(len(r.municipality_codes))] for r in dataset.regions],
    )


@region_app.command("stability")
def region_stability(
    period_from: Annotated[str | None, typer.Option("--from", help="Periodestart (ÅÅÅÅ-MM-DD)")] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Periodeslutt (ÅÅÅÅ-MM-DD)")] = None,
    by: Annotated[GroupBy | None, typer.Option("--by", help="Grupper etter sentralitet eller folketall")] = None,
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stabile fastlegeavtaler og turnover (Helse Nord tabell 8.3)."""
    from legeplan.region.analysis import stability_table
    from legeplan.region.helse_nord import with_published
    from legeplan.region.report import published_cell

    start, end = _period(period_from, period_to)
    dataset = _dataset(dataset_path, region, statistics)
    result = with_published(dataset, stability_table(dataset, start, end, by))
    if as_json:
        _emit_json(result)
        return
    rows = []
    for r in [*result.rows, result.total]:
        row = [
            r.group,
            str(r.agreements_at_end),
            str(r.stable),
            percent(r.stability_share),
            str(r.ended),
            percent(r.turnover_share, 1),
        ]
        if result.published:
            figure = result.published.get(r.group)
            printed = "–" if figure is None else published_cell(figure)
            row.append(f"[bold]{printed} *[/bold]" if result.differs(r) else printed)
        rows.append(row)
    columns = ["", "Avtaler ved slutt", "Stabile", "Andel stabile", "Avsluttet", "Turnover"]
    if result.published:
        columns.append("Helse Nord")
    _table(f"Stabilitet {start:%d.%m.%Y}–{end:%d.%m.%Y}", columns, rows)
    if result.published:
        console.print(
            f"Beregnet fra de genererte avtalene; «Helse Nord» er {result.published_source} (avtaler/stabile)."
        )
    if result.note:
        console.print(f"* Avvik fra Helse Nord: {result.note}")


@region_app.command("vacancies")
def region_vacancies(
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ledige hjemler over tid og kronisk legemangel (Helse Nord tabell 10.1)."""
    from legeplan.region.analysis import chronic_shortage, vacancy_table

    dataset = _dataset(dataset_path, region, statistics)
    rows, chronic = vacancy_table(dataset), chronic_shortage(dataset)
    if as_json:
        _emit_json({"vacancies": rows, "chronic_shortage": chronic})
        return
    _table(
        "Ledige fastlegehjemler",
        ["Dato", "Hjemler", "Ledige", "Andel ledige", "Andel i minst sentrale"],
        [
            [
                f"{r.survey_date:%d.%m.%Y}",
                str(r.positions),
                str(r.vacant),
                percent(r.vacant_share, 1),
                percent(r.least_central_share),
            ]
            for r in rows
        ],
    )
    names = ", ".join(dataset.municipality(code).name for code in chronic.at_every_date) or "ingen"
    if dataset.generated and chronic.at_every_date:
        names += " (generert eksempel: hvilke kommuner er oppdiktet, bare antallet er fra Helse Nord)"
    console.print(f"Ledig ved alle {len(chronic.survey_dates)} målinger (kronisk mangel): {names}")
    for k, n in sorted(chronic.by_number_of_dates.items(), reverse=True):
        console.print(f"  ledig ved {k} måling(er): {n} kommuner")


@region_app.command("mobility")
def region_mobility(
    by: Annotated[
        GroupBy, typer.Option("--by", help="Folketall (tabell 9.2) eller sentralitet (9.3)")
    ] = GroupBy.POPULATION,
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hvor legene som sluttet bor og jobber nå (Helse Nord tabell 9.2 og 9.3)."""
    from legeplan.region.analysis import mobility_table

    result = mobility_table(_dataset(dataset_path, region, statistics).departures, by)
    if as_json:
        _emit_json(result)
        return
    _table(
        "Tidligere og nåværende bosted for leger som sluttet",
        ["Sentralitet" if by is GroupBy.CENTRALITY else "Folketall", "Tidligere", "Andel", "Nå", "Andel"],
        [
            [r.group, str(r.before), percent(r.before_share, 1), str(r.now), percent(r.now_share, 1)]
            for r in [*result.rows, result.total]
        ],
    )
    _table(
        "Hvor de gikk",
        ["", "Leger", "Andel av alle"],
        [[d.group, str(d.count), percent(d.share, 1)] for d in result.destinations],
    )
    staying = result.still_in_health_service
    console.print(
        f"{result.departures} sluttet; {staying} jobber fortsatt i norsk helsetjeneste, "
        f"{result.same_municipality} av dem i samme kommune."
    )


@region_app.command("operating-models")
def region_operating_models(
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Fastlegehjemler etter driftsform og år (Helse Nord tabell 10.6)."""
    from legeplan.region.analysis import OPERATING_MODEL_LABELS, operating_model_distribution

    columns = operating_model_distribution(_dataset(dataset_path, region, statistics))
    if as_json:
        _emit_json(columns)
        return
    rows = [[label, *[percent(c.shares[m]) for c in columns]] for m, label in OPERATING_MODEL_LABELS.items()]
    rows.append(["Totalt antall (n)", *[str(c.total) for c in columns]])
    _table("Driftsformer", ["", *[f"{c.count_date:%d.%m.%Y}" for c in columns]], rows)


@region_app.command("competence")
def region_competence(
    by: Annotated[GroupBy | None, typer.Option("--by", help="Grupper etter sentralitet eller folketall")] = None,
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Spesialister, leger i spesialisering og leger uten LIS1 (Helse Nord tabell 10.11)."""
    from legeplan.region.analysis import competence_table

    rows, total = competence_table(_dataset(dataset_path, region, statistics), by)
    if as_json:
        _emit_json({"rows": rows, "total": total})
        return
    _table(
        "Fastlegenes kompetanse",
        ["", "Hjemler", "Spesialister", "Under spesialisering", "Uten LIS1"],
        [
            [
                r.group,
                str(r.positions),
                f"{r.specialists} ({percent(r.specialist_share)})",
                f"{r.in_training} ({percent(r.in_training_share)})",
                f"{r.without_lis1} ({percent(r.without_lis1_share)})",
            ]
            for r in [*rows, total]
        ],
    )


@region_app.command("statistics")
def region_statistics(
    file: Annotated[Path, typer.Argument(help="JSON-stat 2.0-fil fra SSB (tabell 12005, 07459 eller 14288)")],
    alternative: Annotated[str, typer.Option("--alternative", help="Alternativ i 14288")] = "MMMM",
    as_json: JsonOption = False,
) -> None:
    """Les offentlig statistikk fra SSB (lokal fil, aldri nedlasting)."""
    from legeplan.capacity.ssb import JsonStatError
    from legeplan.region.statistics import (
        read_gp_lists_12005,
        read_population_07459,
        read_projection_totals_14288,
        table_id,
        unsupported,
    )

    def show_population(title: str, population: dict[tuple[str, int], int]) -> None:
        if as_json:
            _emit_json(
                [{"municipality_code": c, "year": y, "population": p} for (c, y), p in sorted(population.items())]
            )
            return
        _table(
            title,
            ["Kommune", "År", "Folketall"],
            [[c, str(y), f"{p:,}".replace(",", " ")] for (c, y), p in sorted(population.items())],
        )

    try:
        found = table_id(file)
        if found == "07459":
            show_population("Folketall (07459)", read_population_07459(file))
            return
        if found == "14288":
            projection = read_projection_totals_14288(file, alternative)
            show_population(f"Framskrevet folketall (14288, {alternative.upper()})", projection)
            return
        if found not in (None, "12005"):
            raise unsupported(file, found)
        stats = read_gp_lists_12005(file)
    except JsonStatError as exc:
        raise typer.BadParameter(str(exc)) from exc
    if as_json:
        _emit_json(stats)
        return

    def show(value: float | None, decimals: int = 0) -> str:
        return "–" if value is None else f"{value:.{decimals}f}".replace(".", ",")

    _table(
        "Fastlegelister (12005)",
        ["Kommune", "År", "Lister", "Snittliste", "Reservekapasitet %", "Åpne lister"],
        [
            [
                s.municipality_code,
                str(s.year),
                show(s.lists),
                show(s.average_list_length),
                show(s.reserve_capacity_percent, 1),
                show(s.open_lists),
            ]
            for s in stats
        ],
    )


@region_app.command("report")
def region_report(
    out: Annotated[Path, typer.Option("--out", "-o", help="region.html, region.pdf eller region.docx")],
    period_from: Annotated[str | None, typer.Option("--from")] = None,
    period_to: Annotated[str | None, typer.Option("--to")] = None,
    dataset_path: DatasetOption = None,
    region: RegionOption = None,
    statistics: StatisticsOption = None,
) -> None:
    """Regional rapport (HTML, PDF eller Word) med tabeller og figurer."""
    from legeplan.region.report import build_regional_report
    from legeplan.report import render

    start, end = _period(period_from, period_to)
    source = "Generert datasett med Helse Nords publiserte tall (2020)" if dataset_path is None else str(dataset_path)
    document = build_regional_report(_dataset(dataset_path, region, statistics), start, end, source=source)
    render(document, out)
    console.print(f"Skrev {out}")
