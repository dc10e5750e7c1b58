"""Fastlegeordningen: hjemler and list places per office, list length per hjemmel, operating models, and the
dimensioning of hjemler ahead (legeplan.capacity) when a scenario is given; status / utfordringer / behov / mål."""

from __future__ import annotations

from legeplan.capacity import DimensioningResult, Scenario
from legeplan.register.models import OperatingModel, PositionStatus, Register
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import BarChart, LineChart, Series, StackedBarChart
from legeplan.report.document import Block, Chapter, Figure, Paragraph, Table
from legeplan.report.facts import PLAN_YEARS
from legeplan.report.format import REGISTER_SOURCE, decimal, number

ID = "fastlegeordningen"

OPERATING_MODEL_NAMES: dict[OperatingModel, str] = {
    OperatingModel.NAERINGSDRIFT: "Næringsdrift (hovedmodell)",
    OperatingModel.SUBSIDISED_8_2: "§ 8.2-avtale (subsidiert)",
    OperatingModel.FASTLONN_BONUS: "Fastlønn med bonus",
    OperatingModel.FASTLONN: "Fastlønn",
}
STATUS_NAMES: dict[PositionStatus, str] = {
    PositionStatus.FILLED: "Besatt",
    PositionStatus.VACANT: "Ledig",
    PositionStatus.LOCUM: "Vikar",
}
#: The capacity engine's sentence about how often population growth needs a new hjemmel.
EVERY_SENTENCE = "trengs en ny hjemmel omtrent hvert"


def _status(ctx: ChapterContext) -> list[Block]:
    register = ctx.register
    blocks: list[Block] = [
        Paragraph(
            text="Tabellen viser hjemler, listetak og listeførte pasienter per legekontor; figuren viser "
            "listelengden per hjemmel mot listetaket."
        )
    ]
    rows: list[list[str]] = []
    totals = [0, 0, 0, 0]
    offices = [(office.id, office.name) for office in register.offices]
    for office_id, name in [*offices, (None, "Uten legekontor")]:
        positions = [position for position in register.positions if position.office_id == office_id]
        if not positions:
            continue
        ceiling = sum(position.list_ceiling for position in positions)
        listed = sum(position.listed_patients for position in positions)
        free = ceiling - listed
        rows.append([name, str(len(positions)), number(ceiling), number(listed), number(free)])
        for index, value in enumerate((len(positions), ceiling, listed, free)):
            totals[index] += value
    if rows:
        blocks.append(
            ctx.register_table(
                "Hjemler og listeplasser per legekontor",
                ["Legekontor", "Hjemler", "Listetak", "Listeførte", "Ledige plasser"],
                rows,
                total_rows=[["Sum", str(totals[0]), *(number(value) for value in totals[1:])]],
            )
        )
    positions = sorted(register.positions, key=lambda position: position.listed_patients, reverse=True)
    if positions:
        blocks.append(
            Figure(
                caption="Listeførte pasienter per fastlegehjemmel",
                chart=BarChart(
                    title="Listelengde per hjemmel",
                    y_label="Listeførte pasienter",
                    categories=[position.id for position in positions],
                    values=[float(position.listed_patients) for position in positions],
                    highlight=[position.id for position in positions if position.is_open],
                    highlight_label="Åpen liste",
                    base_label="Lukket liste",
                    reference_line=sum(p.list_ceiling for p in positions) / len(positions),
                    reference_label="Gjennomsnittlig listetak",
                ),
                source=REGISTER_SOURCE,
                as_of=ctx.as_of,
            )
        )
    blocks.extend(operating_model_blocks(ctx, register))
    return blocks


def operating_model_blocks(ctx: ChapterContext, register: Register) -> list[Block]:
    counts: dict[OperatingModel, dict[PositionStatus, int]] = {
        model: dict.fromkeys(PositionStatus, 0) for model in OperatingModel
    }
    for position in register.positions:
        counts[position.operating_model][position.status] += 1
    used = [model for model in OperatingModel if sum(counts[model].values())]
    if not used:
        return [Paragraph(text="Registeret har ingen fastlegehjemler.")]
    rows = [
        [OPERATING_MODEL_NAMES[model], *(str(counts[model][status]) for status in PositionStatus)] for model in used
    ]
    total = [sum(counts[model][status] for model in used) for status in PositionStatus]
    return [
        Paragraph(
            text="Hovedmodellen er næringsdrift med basistilskudd og egenandeler/takster. Der rekrutteringen "
            "svikter, bruker kommuner § 8.2-avtaler, fastlønn med bonus eller fastlønn."
        ),
        ctx.register_table(
            "Fastlegehjemler etter driftsform og status",
            ["Driftsform", *(STATUS_NAMES[status] for status in PositionStatus)],
            rows,
            total_rows=[["Sum", *(str(value) for value in total)]],
        ),
        Figure(
            caption="Fastlegehjemler etter driftsform og status",
            chart=StackedBarChart(
                title="Hjemler etter driftsform",
                y_label="Hjemler",
                horizontal=True,
                integer=True,
                categories=[OPERATING_MODEL_NAMES[model] for model in used],
                segments={
                    STATUS_NAMES[status]: [float(counts[model][status]) for model in used] for status in PositionStatus
                },
            ),
            source=REGISTER_SOURCE,
            as_of=register.as_of,
        ),
    ]


def explanations(result: DimensioningResult) -> list[str]:
    """The engine's explanations, except that growth too slow to need a new hjemmel within the plan period is said
    plainly («ingen ny hjemmel i perioden»), not as «en ny hjemmel hvert 300,8 år»."""
    lines = []
    for line in result.explanations:
        every = result.years_per_new_position
        if EVERY_SENTENCE in line and every is not None and every > PLAN_YEARS:
            lines.append(
                f"Befolkningsveksten alene krever ingen ny hjemmel i planperioden: med dagens listelengde trengs "
                f"en ny hjemmel først etter mer enn {PLAN_YEARS} år."
            )
        else:
            lines.append(line)
    return lines


def dimensioning_blocks(scenario: Scenario, result: DimensioningResult) -> list[Block]:
    """Dimensioning from legeplan.capacity: the engine's text, a projection chart and a table per year."""
    blocks: list[Block] = [Paragraph(text=text) for text in explanations(result)]
    rows = result.rows
    as_of = scenario.as_of or None
    if not rows or as_of is None:
        from datetime import date

        as_of = as_of or date(result.base_year, 1, 1)
    if rows:
        blocks.append(
            Figure(
                caption="Behov for fastlegehjemler",
                chart=LineChart(
                    title="Fastlegehjemler: behov og dagens antall",
                    integer=True,
                    y_label="Hjemler",
                    x=[float(row.year) for row in rows],
                    series=[
                        Series(name="Hjemler som trengs", values=[row.positions_needed for row in rows]),
                        Series(
                            name="Hjemler med planlagte",
                            values=[float(row.positions_existing) for row in rows],
                            dashed=True,
                        ),
                    ],
                ),
                source=scenario.source,
                as_of=as_of,
            )
        )
        blocks.append(
            Table(
                caption="Dimensjonering av fastlegehjemler per år",
                columns=["År", "Innbyggere", "Hjemler som trengs", "Hjemler med planlagte", "Avganger", "Å rekruttere"],
                rows=[
                    [
                        str(row.year),
                        number(row.population),
                        number(row.positions_required),
                        number(row.positions_existing),
                        number(row.retirements),
                        number(row.to_recruit),
                    ]
                    for row in rows
                ],
                source=scenario.source,
                as_of=as_of,
            )
        )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    scenario = ctx.inputs.scenario
    result = ctx.facts.dimensioning
    dimensioning: list[Block] = []
    if scenario is not None and result is not None:
        dimensioning = dimensioning_blocks(scenario, result)
    else:
        key = ctx.facts.key
        dimensioning = [
            Paragraph(
                text=f"Planen har ikke noe dimensjoneringsscenario. Med {decimal(key.average_list_length or 0, 0)} "
                "pasienter i gjennomsnitt per hjemmel kan behovet framover regnes ut med legeplan dimension og "
                "legges inn med --scenario."
            )
        ]
    return ctx.assemble(
        ID,
        computed={"status": _status(ctx), "dimensjonering": dimensioning, "utfordringer": ctx.findings_block(ID)},
    )
