"""Befolkning, folkehelse og pasientpopulasjon: the population today and ahead (legeplan.capacity projection by age
group, as Bodø's chapter 3) and who is on the lists."""

from __future__ import annotations

from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Block, Chapter, Paragraph, Table
from legeplan.report.format import REGISTER_SOURCE, decimal, number, percent

ID = "befolkning"


def _population(ctx: ChapterContext) -> list[Block]:
    result = ctx.facts.dimensioning
    municipality = ctx.register.municipality
    blocks: list[Block] = [
        Paragraph(
            text=f"{municipality.name} har {number(municipality.population)} innbyggere "
            f"({REGISTER_SOURCE.lower()}, per {(municipality.population_date or ctx.as_of).strftime('%d.%m.%Y')})."
        )
    ]
    scenario = ctx.inputs.scenario
    if result is None or scenario is None or not result.age_groups:
        blocks.append(
            Paragraph(
                text="Planen har ingen befolkningsframskriving: legg inn et dimensjoneringsscenario "
                "(legeplan report --scenario) for befolkningen per aldersgruppe framover."
            )
        )
        return blocks
    last = max(result.rows, key=lambda row: row.year).year
    base = result.base_year
    rows = [
        [
            group.group,
            number(group.persons.get(base, 0.0)),
            number(group.persons.get(last, 0.0)),
            number(group.change.get(last, 0.0)),
            percent(group.change_share.get(last)),
        ]
        for group in result.age_groups
    ]
    blocks.append(
        Table(
            caption=f"Befolkning etter aldersgruppe, {base} og {last}",
            columns=["Aldersgruppe", str(base), str(last), "Endring", "Endring i %"],
            rows=rows,
            source=scenario.source,
            as_of=scenario.as_of or ctx.as_of,
        )
    )
    return blocks


def _patients(ctx: ChapterContext) -> list[Block]:
    key = ctx.facts.key
    blocks: list[Block] = [
        Paragraph(
            text=f"{number(key.listed_patients)} pasienter står på listene til kommunens fastleger; det er "
            f"{number(key.inhabitants_per_gp or 0)} innbyggere per hjemmel"
            + (
                f" og {decimal(key.gp_fte_per_10000, 1)} fastlegeårsverk per 10 000 innbyggere."
                if key.gp_fte_per_10000 is not None
                else "."
            )
        )
    ]
    scenario = ctx.inputs.scenario
    if scenario is not None and (scenario.residents_listed_elsewhere or scenario.guest_patients):
        blocks.append(
            Paragraph(
                text=f"{number(scenario.residents_listed_elsewhere)} innbyggere har fastlege i en annen kommune, og "
                f"{number(scenario.guest_patients)} pasienter fra andre kommuner står på listene her."
            )
        )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    return ctx.assemble(ID, computed={"befolkningsutvikling": _population(ctx), "pasientpopulasjonen": _patients(ctx)})
