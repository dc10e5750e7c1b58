"""Konklusjoner og prioriterte tiltak (Bodø 8, Sandefjord 8): the municipality's conclusions, the effect of the
measures on the budget year by year grouped by area, and the action plan (legeplan.actions) with responsible,
deadline, cost, status and follow-up."""

from __future__ import annotations

import re
from datetime import date

from legeplan.actions import ActionPlan
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import BarChart
from legeplan.report.document import Block, Chapter, Figure, Paragraph, Table
from legeplan.report.format import count, money, money_range, number

ID = "tiltak"
STATUS_ORDER = ("planlagt", "pågår", "fortløpende", "videreføres", "gjennomført", "utsatt", "avlyst")
_YEAR = re.compile(r"(19|20)\d\d")
#: Years the budget table covers when the action plan gives no period.
DEFAULT_PERIOD_YEARS = 4


def plan_years(action_plan: ActionPlan, as_of: date) -> list[int]:
    """The plan period's years: from the action plan's «2021–2024», else the four years after the register date."""
    found = [int(match.group(0)) for match in _YEAR.finditer(action_plan.period or "")]
    if len(found) >= 2 and found[0] <= found[-1]:
        return list(range(found[0], found[-1] + 1))
    start = found[0] if found else as_of.year + 1
    return list(range(start, start + DEFAULT_PERIOD_YEARS))


def budget_by_area(action_plan: ActionPlan, years: list[int]) -> tuple[dict[str, dict[int, float]], int]:
    """Expected cost per area (the goal's area) and year: a one-off cost in the deadline's year (or the first year),
    a yearly cost every year from then. Returns the table and how many measures have no figure."""
    areas: dict[str, dict[int, float]] = {}
    goals = {goal.id: goal for goal in action_plan.goals}
    uncosted = 0
    for measure in action_plan.measures:
        expected = measure.cost.expected
        if expected is None:
            uncosted += 1
            continue
        goal = goals.get(measure.goal)
        area = (goal.area if goal is not None else None) or "Øvrige tiltak"
        match = _YEAR.search(measure.deadline or "")
        year = int(match.group(0)) if match else years[0]
        year = min(max(year, years[0]), years[-1])
        row = areas.setdefault(area, dict.fromkeys(years, 0.0))
        for each in years:
            if each == year or (measure.cost.per_year and each > year):
                row[each] += expected
    return areas, uncosted


def _budget(ctx: ChapterContext) -> list[Block]:
    plan = ctx.inputs.action_plan
    if plan is None or not plan.measures:
        return []
    years = plan_years(plan, ctx.as_of)
    areas, uncosted = budget_by_area(plan, years)
    if not areas:
        return [
            Paragraph(
                text=f"Ingen av tiltakene har et beløp ennå; {count(uncosted, 'tiltak', 'tiltak')} har «Må beregnes», "
                "«Utredes» eller ingen kostnad."
            )
        ]
    rows = [
        [area, *(number(values[year]) for year in years), number(sum(values.values()))]
        for area, values in areas.items()
    ]
    totals = [sum(values[year] for values in areas.values()) for year in years]
    return [
        Paragraph(
            text="Tabellen viser tiltakenes forventede kostnad per år, gruppert etter område: engangskostnader i "
            "friståret, årlige kostnader hvert år fra da. Spenn er regnet med midtpunktet. "
            f"{count(uncosted, 'tiltak', 'tiltak')} uten beløp («Må beregnes», «Utredes», finansiert på annen måte) "
            "er ikke med."
        ),
        Table(
            caption=f"Virkning på budsjettet per år og område, {years[0]}–{years[-1]} (kroner)",
            columns=["Område", *(str(year) for year in years), "Sum"],
            rows=rows,
            total_rows=[["Sum", *(number(value) for value in totals), number(sum(totals))]],
            widths=[34.0, *([66.0 / (len(years) + 1)] * (len(years) + 1))],
            source=plan.source,
            as_of=plan.as_of or ctx.inputs.generated,
        ),
    ]


def action_plan_blocks(action_plan: ActionPlan | None, generated: date) -> list[Block]:
    """Goals, measures with responsible/deadline/cost/status/follow-up, cost summary and status chart."""
    if action_plan is None:
        return []
    as_of = action_plan.as_of or generated
    source = action_plan.source
    if not action_plan.measures and not action_plan.goals:
        return [Paragraph(text="Tiltaksplanen er tom.")]
    blocks: list[Block] = [
        Paragraph(
            text="Tiltaksplanen knytter styringsmål til konkrete tiltak med ansvar, frist, kostnad og status. "
            "Den følges opp årlig i samarbeidsutvalget."
        )
    ]
    if action_plan.period:
        blocks.append(Paragraph(text=f"{action_plan.title} gjelder perioden {action_plan.period}."))
    if action_plan.goals:
        blocks.append(
            Table(
                caption="Styringsmål",
                columns=["Nr.", "Styringsmål", "Tiltak"],
                widths=[7, 83, 10],
                nowrap=[True, False, False],
                rows=[
                    [str(goal.id), goal.text, str(len(action_plan.measures_for(goal.id)))] for goal in action_plan.goals
                ],
                numeric=[False, False, True],
                source=source,
                as_of=as_of,
            )
        )
    if action_plan.measures:
        rows = []
        for measure in action_plan.measures:
            latest = max(measure.follow_up, key=lambda note: note.date) if measure.follow_up else None
            follow = f"{latest.date.strftime('%d.%m.%Y')}: {latest.note}" if latest else ""
            rows.append(
                [
                    measure.number,
                    measure.title,
                    measure.responsible or "",
                    measure.deadline or "",
                    str(measure.cost),
                    measure.status.value.capitalize(),
                    follow,
                ]
            )
        columns = ["Nr.", "Tiltak", "Ansvar", "Frist", "Kostnad", "Status", "Oppfølging"]
        widths = [7.0, 35, 12, 14, 20, 14, 14]
        always = {0, 1, 5}  # an empty Ansvar or Oppfølging column gives its space to the measures
        keep = [i for i in range(len(columns)) if i in always or any(row[i] for row in rows)]
        columns = [columns[i] for i in keep]
        widths = [widths[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
        blocks.append(
            Table(
                caption="Tiltak",
                columns=columns,
                rows=rows,
                numeric=[False] * len(columns),
                nowrap=[column == "Nr." for column in columns],
                widths=widths,
                source=source,
                as_of=as_of,
            )
        )
        total = action_plan.cost_total()
        text = f"Engangskostnader med beløp summerer seg til {money(total.known)}"
        if round(total.low) != round(total.high):
            text += f"; med spennene i kostnadsoverslagene {money_range(total.low, total.high)}"
        text += "."
        if total.per_year_high:
            text += f" Årlige kostnader kommer i tillegg: {money(total.per_year_known)}"
            if total.per_year_high != total.per_year_known:
                text += f" ({money_range(total.per_year_low, total.per_year_high)})"
            text += " per år."
        if total.uncosted:
            text += (
                f" {count(total.uncosted, 'tiltak', 'tiltak')} har ingen beregnet kostnad ennå («Må beregnes» eller "
                "«Utredes»)."
            )
        blocks.append(Paragraph(text=text))
        counts: dict[str, int] = {}
        for measure in action_plan.measures:
            counts[measure.status.value] = counts.get(measure.status.value, 0) + 1
        statuses = [status for status in STATUS_ORDER if status in counts] + sorted(set(counts) - set(STATUS_ORDER))
        blocks.append(
            Figure(
                caption="Tiltak etter status",
                chart=BarChart(
                    title="Tiltak etter status",
                    y_label="Antall tiltak",
                    integer=True,
                    categories=[status.capitalize() for status in statuses],
                    values=[float(counts[status]) for status in statuses],
                ),
                source=source,
                as_of=as_of,
            )
        )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(
        ID,
        computed={
            "budsjett": _budget(ctx),
            "tiltaksplan": action_plan_blocks(ctx.inputs.action_plan, ctx.inputs.generated),
        },
    )
