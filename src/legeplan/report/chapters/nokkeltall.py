"""Nøkkeltall: tiles and table of legeplan.register key figures, the GPs' age pyramid, development over stored
snapshots, the municipality beside the county and the country (published statistics, each figure with its SSB table
and date), stability and turnover against Helse Nord, and the check of an earlier plan's figures."""

from __future__ import annotations

from datetime import date

from legeplan.figures import Comparison, Sourced
from legeplan.register.keyfigures import format_value
from legeplan.register.models import PhysicianRole, Register
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import AgePyramid, LineChart, Series, age_group_counts
from legeplan.report.document import (
    Block,
    Callout,
    Chapter,
    Figure,
    KeyFigure,
    KeyFigureGrid,
    Paragraph,
    Section,
    Table,
)
from legeplan.report.facts import REGION_AGREEMENTS, REGION_STABILITY_SOURCE, REGION_STABLE
from legeplan.report.format import REGISTER_SOURCE, decimal, number, percent

ID = "nokkeltall"
#: The section with the published comparison, after «Fastlegeordningen i tall».
COMPARISON_TITLE = "Sammenlignet med fylket og landet"

#: The headline tiles, in order; the table lists every key figure.
TILE_FIELDS = (
    "positions",
    "listed_patients",
    "free_capacity_share",
    "average_list_length",
    "specialist_share",
    "share_aged_60_plus",
)


def age_pyramid_counts(register: Register) -> tuple[list[str], list[int], list[int]]:
    when = register.as_of
    gps = [
        (p.age_at(when), p.sex.value)
        for p in register.physicians
        if p.role in (PhysicianRole.GP, PhysicianRole.ALIS) and p.active_at(when)
    ]
    return age_group_counts(gps)


def _figures(ctx: ChapterContext) -> list[Block]:
    register = ctx.register
    key = ctx.facts.key
    labelled = key.labelled()
    rows = [KeyFigure(label="Innbyggere", value=number(key.population))]
    rows += [KeyFigure(label=label, value=format_value(field, value)) for field, label, value in labelled]
    labels = {field: label for field, label, _value in labelled}
    tiles = [KeyFigure(label=labels[field], value=format_value(field, getattr(key, field))) for field in TILE_FIELDS]
    blocks: list[Block] = [
        Paragraph(
            text=f"Nøkkeltallene beskriver fastlegeordningen i {register.municipality.name} per "
            f"{register.as_of.strftime('%d.%m.%Y')}. Fri kapasitet er ledige listeplasser som andel av alle "
            "listeplasser (ledige / (listeførte + ledige))."
        ),
        KeyFigureGrid(figures=tiles, source=REGISTER_SOURCE, as_of=register.as_of),
        Table(
            caption="Nøkkeltall for fastlegeordningen",
            columns=["Nøkkeltall", "Verdi"],
            rows=[[tile.label, tile.value] for tile in rows],
            source=REGISTER_SOURCE,
            as_of=register.as_of,
        ),
    ]
    labels_, women, men = age_pyramid_counts(register)
    if sum(women) + sum(men) > 0:
        blocks.append(
            Figure(
                caption="Fastleger etter alder og kjønn",
                chart=AgePyramid(title="Fastleger etter alder og kjønn", age_groups=labels_, women=women, men=men),
                source=REGISTER_SOURCE,
                as_of=register.as_of,
                alt="Aldersfordeling for fastlegene, menn til venstre og kvinner til høyre.",
            )
        )
    blocks.extend(_development(ctx, register, ctx.inputs.history))
    return blocks


def _development(ctx: ChapterContext, register: Register, history: tuple[Register, ...]) -> list[Block]:
    """List places, listed patients and positions per snapshot date: the plan's trend figure."""
    snapshots = {snapshot.as_of: snapshot for snapshot in history if snapshot.as_of < register.as_of}
    if not snapshots:
        return []
    series = [*sorted(snapshots.values(), key=lambda snapshot: snapshot.as_of), register]
    ceilings = [float(sum(p.list_ceiling for p in snapshot.positions)) for snapshot in series]
    listed = [float(sum(p.listed_patients for p in snapshot.positions)) for snapshot in series]
    positions = [len(snapshot.positions) for snapshot in series]
    x = [snapshot.as_of.year + (snapshot.as_of.timetuple().tm_yday - 1) / 366 for snapshot in series]
    return [
        Figure(
            caption="Listeplasser og listeførte pasienter over tid",
            chart=LineChart(
                title="Listeplasser og listeførte",
                y_label="Pasienter",
                x=x,
                series=[
                    Series(name="Listeplasser (sum listetak)", values=ceilings, dashed=True),
                    Series(name="Listeførte pasienter", values=listed),
                ],
            ),
            source=f"{REGISTER_SOURCE}, øyeblikksbilder {series[0].as_of.year}–{series[-1].as_of.year}",
            as_of=register.as_of,
        ),
        ctx.register_table(
            "Utvikling i fastlegeordningen",
            ["Dato", "Hjemler", "Listeplasser", "Listeførte", "Ledige plasser"],
            [
                [
                    snapshot.as_of.strftime("%d.%m.%Y"),
                    str(count),
                    number(ceiling),
                    number(patients),
                    number(ceiling - patients),
                ]
                for snapshot, count, ceiling, patients in zip(series, positions, ceilings, listed, strict=True)
            ],
        ),
    ]


def _stability(ctx: ChapterContext) -> list[Block]:
    facts = ctx.facts
    stab, turn, period = facts.stability, facts.turnover, facts.stability_period
    if stab is None or period is None:
        return [
            Paragraph(
                text="Registeret har ingen avtalehistorikk (hvilken lege som hadde hjemmelen fra når til når), så "
                "stabilitet og turnover kan ikke beregnes. Legg inn avtalene i registeret."
            )
        ]
    since = f"{period[0].strftime('%d.%m.%Y')}–{period[1].strftime('%d.%m.%Y')}"
    rows = [
        [
            f"Stabilitet {since} (samme lege i avtalen)",
            f"{percent(stab.share)} ({stab.stable} av {stab.agreements_at_end})",
        ]
    ]
    if turn is not None:
        rows.append(
            [
                f"Turnover {since} (avsluttede avtaler)",
                f"{percent(turn.share)} ({turn.ended} av {turn.agreements_at_start})",
            ]
        )
    rows.append(
        [
            "Stabilitet i Helse Nord, oktober 2017–mars 2019",
            f"{percent(REGION_STABLE / REGION_AGREEMENTS, 0)} ({REGION_STABLE} av {REGION_AGREEMENTS})",
        ]
    )
    return [
        Paragraph(
            text="Stabilitet er andelen fastlegeavtaler som hadde samme lege gjennom hele perioden; turnover er "
            "andelen avtaler som ble avsluttet. Perioden er like lang som i Helse Nords kartlegging, så tallene kan "
            "sammenlignes."
        ),
        Table(
            caption="Stabilitet og turnover i fastlegeordningen",
            columns=["", "Verdi"],
            rows=rows,
            source=f"{REGISTER_SOURCE}, avtalehistorikk; {REGION_STABILITY_SOURCE}",
            as_of=ctx.as_of,
        ),
    ]


def _consistency(ctx: ChapterContext) -> list[Block]:
    """Findings of legeplan.report.consistency on the figures of an earlier plan (sums, percentages, averages)."""
    inputs = ctx.inputs
    findings = inputs.consistency_findings
    if not findings and not inputs.consistency_checked:
        return []
    checked = max(inputs.consistency_checked, len(findings))
    blocks: list[Block] = [
        Paragraph(
            text=f"Tallene i {inputs.consistency_subject} er kontrollert mot hverandre (summer, prosenter, "
            f"gjennomsnitt): {checked} kontroller, {len(findings)} avvik."
        )
    ]
    if findings:
        blocks.append(
            Table(
                caption="Avvik i tallgrunnlaget",
                columns=["Tall", "Hvor", "Oppgitt", "Beregnet", "Merknad"],
                rows=[
                    [
                        finding.label,
                        finding.location or "",
                        number(finding.stated, 1).removesuffix(",0"),
                        number(finding.computed, 1).removesuffix(",0"),
                        finding.message,
                    ]
                    for finding in findings
                ],
                numeric=[False, False, True, True, False],
                source=inputs.consistency_subject[:1].upper()
                + inputs.consistency_subject[1:]
                + "; summer, prosenter og gjennomsnitt regnet etter",
                as_of=inputs.generated,
            )
        )
    return blocks


def _shown(found: Comparison, value: Sourced[float] | None) -> str:
    if value is None:
        return "–"
    if found.percent:
        return percent(value.value, found.shown_decimals())
    return decimal(value.value, found.shown_decimals())


def _data_date(value: Sourced[float]) -> date | None:
    """The date a published figure describes: its stated date, else the end of the year it names («2023»,
    «1.1.2020–1.1.2024»: the last year)."""
    if value.data_date is not None:
        return value.data_date
    year = value.data_date_text[-4:]
    return date(int(year), 12, 31) if year.isdigit() else None


def _comparison(ctx: ChapterContext) -> list[Block]:
    """The municipality's published key figures beside its county and the country, each row with its SSB table and
    the data's date; without fetched statistics, a note saying how to fetch them. Only figures from the statistics
    cache are cited as SSB: the register's own figures above keep the register as their source."""
    rows = ctx.inputs.statistics
    code = ctx.register.municipality.code
    if not rows:
        return [
            Callout(
                title="Ingen sammenligningstall er hentet",
                text="Planen sammenligner kommunen med fylket og landet (reservekapasitet, gjennomsnittlig "
                "listelengde, legeårsverk per 10 000 innbyggere og befolkningsvekst) når tallene er hentet fra SSB. "
                f"Ingen slike tall er hentet for kommune {code} ennå. Kjør «legeplan statistics fetch -m {code}» "
                "(med nett), eller bruk «Hent offentlig statistikk» på statistikksiden, og lag planen på nytt.",
                tone="info",
            )
        ]
    citations = list(dict.fromkeys(citation for found in rows for citation in found.citations()))
    dates = [when for found in rows if (when := _data_date(found.municipality)) is not None]
    as_of = max(dates) if dates else ctx.as_of
    return [
        Paragraph(
            text=f"Tabellen setter {ctx.register.municipality.name} ved siden av fylket og landet med SSBs tall, "
            "slik de er hentet fra SSBs statistikkbank. Tallene kan avvike litt fra kommunens eget register over, "
            "som gjelder registerdatoen og teller etter registerets definisjoner. Kilden og datoen står ved hvert tall."
        ),
        Table(
            caption="Kommunen sammenlignet med fylket og landet",
            columns=["Nøkkeltall", "Kommunen", "Fylket", "Landet", "Kilde"],
            rows=[
                [
                    found.label,
                    _shown(found, found.municipality),
                    _shown(found, found.county),
                    _shown(found, found.country),
                    found.municipality.citation,
                ]
                for found in rows
            ],
            numeric=[False, True, True, True, False],
            widths=[3.2, 1.2, 1.2, 1.2, 2.6],
            source="; ".join(citations),
            as_of=as_of,
        ),
    ]


def build(ctx: ChapterContext) -> Chapter:
    chapter = ctx.assemble(ID, computed={"tall": _figures(ctx), "stabilitet": _stability(ctx)})
    sections = list(chapter.sections)
    sections.insert(1, Section(title=COMPARISON_TITLE, blocks=_comparison(ctx)))
    chapter = chapter.model_copy(update={"sections": sections})
    consistency = _consistency(ctx)
    if consistency:
        chapter = chapter.model_copy(
            update={"sections": [*chapter.sections, Section(title="Kontroll av tallgrunnlaget", blocks=consistency)]}
        )
    return chapter
