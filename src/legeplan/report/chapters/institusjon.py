"""Sykehjem, institusjoner og ØHD: doctor hours per unit and place (KOSTRA), årsverk, and the need by the Nfas norm
(legeplan.duties); status / utfordringer / behov / mål."""

from __future__ import annotations

from legeplan.duties import NFAS_NORM, fte_to_hours, nursing_home_need, summarise_units
from legeplan.register.models import Institution, InstitutionKind, Register
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import BarChart
from legeplan.report.document import Block, Callout, Chapter, Figure, Paragraph, Table
from legeplan.report.format import REGISTER_SOURCE, decimal, number

ID = "institusjon"
#: Units in the health-station chapter; everything else (nursing homes, ØHD, prison, reception centres) is here.
HEALTH_STATION_KINDS = frozenset({InstitutionKind.HEALTH_STATION, InstitutionKind.SCHOOL_HEALTH})


def units_table(register: Register, units: tuple[Institution, ...], caption: str) -> list[Block]:
    """Units with places, doctor hours/week, hours per place and årsverk (legeplan.duties.summarise_units)."""
    summary = summarise_units(units)
    rows = [
        [
            unit.name,
            unit.kind_name,
            number(unit.places) if unit.places else "–",
            decimal(unit.hours_per_week, 1),
            decimal(unit.hours_per_place, 2) if unit.hours_per_place is not None else "–",
            decimal(unit.fte, 2),
        ]
        for unit in summary.units
    ]
    indicator = summary.nursing_hours_per_place
    return [
        Table(
            caption=caption,
            columns=["Enhet", "Type", "Plasser", "Legetimer/uke", "Timer per plass", "Årsverk"],
            rows=rows,
            numeric=[False, False, True, True, True, True],
            total_rows=[
                [
                    "Sum",
                    "Timer per plass: sykehjem og ØHD" if indicator is not None else "",
                    number(summary.total_places),
                    decimal(summary.total_hours_per_week, 1),
                    decimal(indicator, 2) if indicator is not None else "–",
                    decimal(summary.total_fte, 2),
                ]
            ],
            note="Timer per plass er KOSTRA-indikatoren «legetimer per uke per beboer i sykehjem»; summen gjelder "
            "sykehjems- og ØHD-plassene. Ett årsverk er 37,5 timer per uke.",
            source=REGISTER_SOURCE,
            as_of=register.as_of,
        )
    ]


def duties_blocks(register: Register) -> list[Block]:
    """All units, hours per place figure and the Nfas norm need (legeplan.duties)."""
    if not register.institutions:
        return [Paragraph(text="Registeret har ingen institusjoner eller enheter med legeoppgaver.")]
    blocks = units_table(register, register.institutions, "Legetimer i institusjoner og enheter")
    summary = summarise_units(register.institutions)
    with_places = [unit for unit in summary.units if unit.hours_per_place is not None]
    if with_places:
        blocks.append(
            Figure(
                caption="Legetimer per uke per plass",
                chart=BarChart(
                    title="Legetimer per uke per plass",
                    y_label="Timer per plass",
                    categories=[unit.name for unit in with_places],
                    values=[unit.hours_per_place or 0.0 for unit in with_places],
                    horizontal=True,
                    value_format="{:.2f}",
                ),
                source=REGISTER_SOURCE,
                as_of=register.as_of,
            )
        )
    need = nursing_home_need(register.institutions, NFAS_NORM)
    if need.long_term_places or need.short_term_places:
        blocks.append(
            Table(
                caption=f"Legeårsverk i sykehjem etter normen ({need.norm})",
                columns=["", "Verdi"],
                rows=[
                    ["Langtidsplasser", number(need.long_term_places)],
                    ["Korttids- og ØHD-plasser", number(need.short_term_places)],
                    ["Legeårsverk etter normen", decimal(need.required_fte, 2)],
                    ["Legeårsverk i dag", decimal(need.current_fte, 2)],
                    ["Differanse (positiv: for få)", decimal(need.gap_fte, 2)],
                ],
                note=need.explanation,
                source=f"{NFAS_NORM.source}; {REGISTER_SOURCE}",
                as_of=register.as_of,
            )
        )
        if need.gap_fte > 0.005:
            blocks.append(
                Callout(
                    title="Under normen",
                    text=f"Sykehjemmene mangler {decimal(need.gap_fte, 2)} legeårsverk "
                    f"({decimal(fte_to_hours(need.gap_fte), 2)} timer per uke) etter {need.norm}.",
                    tone="warning",
                )
            )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    register = ctx.register
    units = tuple(unit for unit in register.institutions if unit.kind not in HEALTH_STATION_KINDS)
    status: list[Block] = [
        Paragraph(
            text="Kommunen skal sørge for legetjenester i sykehjem og andre institusjoner. En fastlege med full liste "
            "kan pålegges inntil 7,5 timer per uke offentlige allmennlegeoppgaver (ASA 4310 § 10.1). Ett årsverk er "
            "37,5 timer per uke."
        )
    ]
    if units:
        status.extend(duties_blocks(register.model_copy(update={"institutions": units})))
    else:
        status = []
    return ctx.assemble(ID, computed={"status": status, "utfordringer": ctx.findings_block(ID)})
