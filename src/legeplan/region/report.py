"""The regional report variant: the same renderers as the municipal plan, with chapters from Helse Nord's report."""

from __future__ import annotations

from datetime import date

from legeplan.region.analysis import (
    OPERATING_MODEL_LABELS,
    CompetenceRow,
    GroupBy,
    MobilityTable,
    chronic_shortage,
    competence_table,
    mobility_table,
    operating_model_distribution,
    stability_table,
    vacancy_table,
)
from legeplan.region.models import RegionalDataset
from legeplan.register.models import OperatingModel
from legeplan.report.charts import BarChart, LineChart, Series, StackedBarChart
from legeplan.report.document import Callout, Chapter, Figure, Paragraph, PlanDocument, Table


def percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{decimals}f} %".replace(".", ",")


def _stability_rows(dataset: RegionalDataset, start: date, end: date, by: GroupBy) -> list[list[str]]:
    table = stability_table(dataset, start, end, by)
    return [[r.group, str(r.agreements_at_end), str(r.stable), percent(r.stability_share)] for r in table.rows]


def build_regional_report(dataset: RegionalDataset, start: date, end: date, *, source: str) -> PlanDocument:
    """A PlanDocument for a region; `source` names where the records come from (shown on every table)."""
    total = stability_table(dataset, start, end).total
    by_centrality = stability_table(dataset, start, end, GroupBy.CENTRALITY)
    columns = ["", "Fastlegeavtaler ved slutt", "Stabile", "Andel stabile"]
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
                    ["Sentralitet", "", "", ""],
                    *_stability_rows(dataset, start, end, GroupBy.CENTRALITY),
                    ["Folketall", "", "", ""],
                    *_stability_rows(dataset, start, end, GroupBy.POPULATION),
                ],
                total_rows=[
                    [total.group, str(total.agreements_at_end), str(total.stable), percent(total.stability_share)]
                ],
                source=source,
                as_of=end,
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
                            f"helsetjeneste. Av disse flyttet {of_staying(by_size.moved_up)} "
                            f"til en mer folkerik kommune, {of_staying(by_size.moved_same)} "
                            f"til en kommune av samme størrelse og "
                            f"{of_staying(by_size.moved_down)} til en mindre."
                        )
                    ),
                    Table(
                        caption="Kommunestørrelse for tidligere og nåværende bosted",
                        columns=mobility_columns,
                        rows=mobility_rows(by_size),
                        source=source,
                        as_of=end,
                    ),
                    Table(
                        caption="Sentralitet for tidligere og nåværende bosted",
                        columns=mobility_columns,
                        rows=mobility_rows(by_central),
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
                                OPERATING_MODEL_LABELS[m]: [float(c.positions[m]) for c in models]
                                for m in (
                                    OperatingModel.NAERINGSDRIFT,
                                    OperatingModel.SUBSIDISED_8_2,
                                    OperatingModel.FASTLONN_BONUS,
                                    OperatingModel.FASTLONN,
                                )
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
    return PlanDocument(
        title="Fastlegetjenesten i regionen",
        subtitle="Stabilitet, rekruttering, driftsformer og kompetanse",
        organisation=dataset.name,
        as_of=end,
        generated=date.today(),
        variant="region",
        chapters=chapters,
    )
