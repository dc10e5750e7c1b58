"""The regional report variant: the same renderers as the municipal plan, with chapters from Helse Nord's report."""

from __future__ import annotations

from datetime import date

from legeplan.region.analysis import (
    OPERATING_MODEL_LABELS,
    CompetenceRow,
    GroupBy,
    MobilityTable,
    PublishedFigure,
    StabilityRow,
    StabilityTable,
    chronic_shortage,
    competence_table,
    mobility_table,
    operating_model_distribution,
    stability_table,
    vacancy_table,
)
from legeplan.region.helse_nord import with_published
from legeplan.region.models import RegionalDataset, band_of
from legeplan.register.models import OperatingModel
from legeplan.report.charts import BarChart, LineChart, Series, StackedBarChart
from legeplan.report.document import Callout, Chapter, Figure, Paragraph, PlanDocument, Table

#: Short legend labels: the full ones made one legend row wider than the chart, which cut off its left end.
CHART_LABELS = {
    OperatingModel.NAERINGSDRIFT: "Næringsdrift",
    OperatingModel.SUBSIDISED_8_2: "Næringsdrift, 8.2",
    OperatingModel.FASTLONN_BONUS: "Fastlønn m/bonus",
    OperatingModel.FASTLONN: "Fastlønn",
}


def percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{decimals}f} %".replace(".", ",")


def published_cell(figure: PublishedFigure) -> str:
    """A published row as «187/172 (92 %)»."""
    return f"{figure.agreements_at_end}/{figure.stable} ({percent(figure.stability_share)})"


def _stability_row(table: StabilityTable, r: StabilityRow) -> list[str]:
    row = [r.group, str(r.agreements_at_end), str(r.stable), percent(r.stability_share)]
    if table.published:
        figure = table.published.get(r.group)
        printed = "–" if figure is None else published_cell(figure)
        row.append(f"{printed} *" if table.differs(r) else printed)
    return row


def _number(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def _statistics_chapter(dataset: RegionalDataset, end: date) -> Chapter:
    """Municipalities with imported SSB figures: population (07459) and list figures (12005)."""
    lists = {s.municipality_code: s for s in dataset.list_statistics}
    chosen = set(lists) | set(dataset.imported_population)
    imported = sorted((m for m in dataset.municipalities if m.code in chosen), key=lambda m: m.code)
    rows = []
    for m in imported:
        stat = lists.get(m.code)
        rows.append(
            [
                f"{m.name} ({m.code})",
                f"{_number(m.population)} ({m.population_date:%Y})"
                if m.code in dataset.imported_population
                else f"{_number(m.population)} (datasett)",
                band_of(m.population).label,
                _number(stat.average_list_length if stat else None),
                _number(stat.reserve_capacity_percent if stat else None, 1),
            ]
        )
    return Chapter(
        id="statistikk",
        title="Offentlig statistikk (SSB)",
        blocks=[
            Paragraph(text="Importert: " + "; ".join(dataset.statistics_sources) + "."),
            Table(
                caption="Kommuner med importerte tall",
                columns=["Kommune", "Folketall (år)", "Folketallsgruppe", "Snittliste", "Reservekapasitet %"],
                rows=rows or [["Ingen av kommunene i datasettet", "", "", "", ""]],
                source="SSB tabell 07459 og 12005",
                as_of=end,
            ),
        ],
    )


def build_regional_report(dataset: RegionalDataset, start: date, end: date, *, source: str) -> PlanDocument:
    """A PlanDocument for a region; `source` names where the records come from (shown on every table)."""
    by_centrality = with_published(dataset, stability_table(dataset, start, end, GroupBy.CENTRALITY))
    by_population = with_published(dataset, stability_table(dataset, start, end, GroupBy.POPULATION))
    total = by_centrality.total
    columns = ["", "Fastlegeavtaler ved slutt", "Stabile", "Andel stabile"]
    compared = bool(by_centrality.published)
    if compared:
        columns.append("Helse Nord (avtaler/stabile)")
    blank = [""] * (len(columns) - 1)
    notes = [f"«Helse Nord» er {by_centrality.published_source}; de andre kolonnene er beregnet."] if compared else []
    if by_population.note:
        notes.append(f"* {by_population.note}")
    stability = Chapter(
        id="stabilitet",
        title="Stabilitet og turnover",
        blocks=[
            Paragraph(
                text=(
                    f"I perioden {start:%d.%m.%Y}–{end:%d.%m.%Y} var {total.stable} av {total.agreements_at_end} "
                    f"fastlegeavtaler stabile ({percent(total.stability_share)}): samme lege var avtalepart ved start "
                    f"og slutt. {total.ended} av {total.agreements_at_start} avtaler ble avsluttet "
                    f"(turnover {percent(total.turnover_share, 1)}), og {total.new} nye kom til."
                )
            ),
            Table(
                caption="Stabile fastlegeavtaler etter sentralitet og folketall",
                columns=columns,
                rows=[
                    ["Sentralitet", *blank],
                    *(_stability_row(by_centrality, r) for r in by_centrality.rows),
                    ["Folketall", *blank],
                    *(_stability_row(by_population, r) for r in by_population.rows),
                ],
                total_rows=[_stability_row(by_centrality, total)],
                source=source,
                as_of=end,
                note=" ".join(notes),
            ),
            Figure(
                caption="Andel stabile fastlegeavtaler etter sentralitet",
                chart=BarChart(
                    title="Andel stabile avtaler",
                    categories=[r.group for r in by_centrality.rows],
                    values=[round((r.stability_share or 0) * 100, 1) for r in by_centrality.rows],
                    value_format="{:.0f} %",
                    y_label="Prosent",
                    reference_line=round((total.stability_share or 0) * 100, 1),
                    reference_label="Hele regionen",
                ),
                source=source,
                as_of=end,
            ),
        ],
    )
    vacancies = vacancy_table(dataset)
    chronic = chronic_shortage(dataset)
    vacancy_blocks: list[Paragraph | Table | Figure | Callout] = []
    if vacancies:
        vacancy_blocks += [
            Table(
                caption="Ledige fastlegehjemler",
                columns=["", *[f"{v.survey_date:%d.%m.%Y}" for v in vacancies]],
                rows=[
                    ["Ledige hjemler", *[str(v.vacant) for v in vacancies]],
                    ["Andel ledige av alle hjemler", *[percent(v.vacant_share, 1) for v in vacancies]],
                    [
                        "Andel av de ledige i de minst sentrale kommunene",
                        *[percent(v.least_central_share) for v in vacancies],
                    ],
                ],
                source=source,
                as_of=vacancies[-1].survey_date,
            ),
            Figure(
                caption="Ledige fastlegehjemler over tid",
                chart=LineChart(
                    title="Ledige fastlegehjemler",
                    x=[float(v.survey_date.year) for v in vacancies],
                    series=[Series(name="Ledige hjemler", values=[float(v.vacant) for v in vacancies])],
                    y_label="Hjemler",
                ),
                source=source,
                as_of=vacancies[-1].survey_date,
            ),
            Callout(
                title="Kronisk legemangel",
                text=(
                    f"{len(chronic.at_every_date)} kommuner hadde ledige hjemler ved alle {len(chronic.survey_dates)} "
                    f"måletidspunkt, {chronic.by_number_of_dates.get(2, 0)} ved to og "
                    f"{chronic.by_number_of_dates.get(1, 0)} ved ett."
                ),
                tone="warning",
            ),
        ]
    chapters = [
        stability,
        Chapter(id="ledighet", title="Ledige hjemler", blocks=vacancy_blocks or [Paragraph(text="Ingen data.")]),
    ]
    if dataset.departures:
        by_size = mobility_table(dataset.departures, GroupBy.POPULATION)
        by_central = mobility_table(dataset.departures, GroupBy.CENTRALITY)
        mobility_columns = ["", "Tidligere bosted", "Andel", "Nåværende bosted", "Andel"]

        def mobility_rows(table: MobilityTable) -> list[list[str]]:
            return [
                [r.group, str(r.before), percent(r.before_share, 1), str(r.now), percent(r.now_share, 1)]
                for r in table.rows
            ]

        def mobility_total(table: MobilityTable) -> list[list[str]]:
            r = table.total
            return [[r.group, str(r.before), percent(r.before_share, 1), str(r.now), percent(r.now_share, 1)]]

        staying = by_size.still_in_health_service

        def of_staying(count: int) -> str:
            return percent(count / staying if staying else None)

        chapters.append(
            Chapter(
                id="mobilitet",
                title="Hvor går legene som slutter?",
                blocks=[
                    Paragraph(
                        text=(
                            f"Av {by_size.departures} fastleger som sluttet, jobber {staying} fortsatt i norsk "
                            f"helsetjeneste, {by_size.same_municipality} av dem i samme kommune. Av de {staying} "
                            f"bor {of_staying(by_size.moved_up)} nå i en mer folkerik kommune, "
                            f"{of_staying(by_size.moved_same)} i en kommune av samme størrelse (også samme kommune) "
                            f"og {of_staying(by_size.moved_down)} i en mindre."
                        )
                    ),
                    Table(
                        caption="Hvor legene som sluttet gikk",
                        columns=["", "Leger", "Andel av alle"],
                        rows=[[d.group, str(d.count), percent(d.share, 1)] for d in by_size.destinations[:-1]],
                        total_rows=[[d.group, str(d.count), percent(d.share, 1)] for d in by_size.destinations[-1:]],
                        source=source,
                        as_of=end,
                    ),
                    Table(
                        caption="Kommunestørrelse for tidligere og nåværende bosted",
                        columns=mobility_columns,
                        rows=mobility_rows(by_size),
                        total_rows=mobility_total(by_size),
                        source=source,
                        as_of=end,
                    ),
                    Table(
                        caption="Sentralitet for tidligere og nåværende bosted",
                        columns=mobility_columns,
                        rows=mobility_rows(by_central),
                        total_rows=mobility_total(by_central),
                        source=source,
                        as_of=end,
                    ),
                ],
            )
        )
    models = operating_model_distribution(dataset)
    if models:
        chapters.append(
            Chapter(
                id="driftsform",
                title="Driftsformer",
                blocks=[
                    Table(
                        caption="Fastlegehjemler etter driftsform (prosent)",
                        columns=["", *[f"{c.count_date:%d.%m.%Y}" for c in models]],
                        rows=[
                            [label, *[percent(c.shares[model]) for c in models]]
                            for model, label in OPERATING_MODEL_LABELS.items()
                        ],
                        total_rows=[["Totalt antall (n)", *[str(c.total) for c in models]]],
                        source=source,
                        as_of=models[-1].count_date,
                    ),
                    Figure(
                        caption="Driftsformer over tid",
                        chart=StackedBarChart(
                            title="Hjemler etter driftsform",
                            categories=[str(c.count_date.year) for c in models],
                            segments={
                                label: [float(c.positions[m]) for c in models] for m, label in CHART_LABELS.items()
                            },
                            y_label="Hjemler",
                        ),
                        source=source,
                        as_of=models[-1].count_date,
                    ),
                ],
            )
        )
    if dataset.competence:
        rows_c, total_c = competence_table(dataset, GroupBy.CENTRALITY)
        rows_p, _ = competence_table(dataset, GroupBy.POPULATION)

        def competence_row(r: CompetenceRow) -> list[str]:
            return [
                r.group,
                str(r.positions),
                f"{r.specialists} ({percent(r.specialist_share)})",
                f"{r.in_training} ({percent(r.in_training_share)})",
                f"{r.without_lis1} ({percent(r.without_lis1_share)})",
            ]

        chapters.append(
            Chapter(
                id="kompetanse",
                title="Kompetanse: spesialister og leger i spesialisering",
                blocks=[
                    Table(
                        caption="Fastlegenes kompetanse etter sentralitet og folketall",
                        columns=["", "Hjemler", "Spesialister", "Under spesialisering", "Uten LIS1"],
                        rows=[*(competence_row(r) for r in rows_c), *(competence_row(r) for r in rows_p)],
                        total_rows=[competence_row(total_c)],
                        source=source,
                        as_of=end,
                    )
                ],
            )
        )
    if dataset.statistics_sources:
        chapters.append(_statistics_chapter(dataset, end))
    return PlanDocument(
        title="Fastlegetjenesten i regionen",
        subtitle="Stabilitet, rekruttering, driftsformer og kompetanse",
        organisation=dataset.name,
        as_of=end,
        generated=date.today(),
        variant="region",
        chapters=chapters,
    )
