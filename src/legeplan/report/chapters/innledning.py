"""Innledning: styringsmål, background and mandate (ASA 4310 § 6.2), planarbeid and høring, other plans (Vefsn 2)."""

from __future__ import annotations

from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Block, Chapter, Paragraph, Table
from legeplan.report.format import REGISTER_SOURCE, kommune_name, number

ID = "innledning"


def build(ctx: ChapterContext) -> Chapter:
    municipality = ctx.register.municipality
    name = kommune_name(municipality.name)
    default_intro: list[Block] = [Paragraph(text=text) for text in ctx.inputs.introduction] or [
        Paragraph(
            text=f"Planen beskriver legetjenesten i {name} per {ctx.as_of.strftime('%d.%m.%Y')}: fastlegeordningen, "
            "legevakt, legetjenesten i sykehjem og helsestasjon, samfunnsmedisin, rekruttering og utdanning, og hva "
            "kommunen vil gjøre i planperioden."
        )
    ]
    background: list[Block] = [
        Paragraph(
            text="Rammeavtalen mellom KS og Legeforeningen (ASA 4310) punkt 6.2 pålegger kommunen å utarbeide en plan "
            "for legetjenesten, slik at legene har forutsigbarhet om listestørrelse, pasientsammensetning og "
            "veiledning. Planen skal rulleres og forelegges samarbeidsutvalget."
        ),
        Table(
            caption=f"Om {name}",
            columns=["", "Verdi"],
            rows=[
                ["Kommunenummer", municipality.code],
                ["Innbyggere", number(municipality.population)],
                ["Sentralitetsklasse (1 mest sentral)", str(municipality.centrality)],
            ],
            # typed into the register: cited as the register, never as an SSB table
            source=f"{REGISTER_SOURCE} (folketall og sentralitetsklasse slik kommunen har registrert dem)",
            as_of=municipality.population_date or ctx.as_of,
        ),
    ]
    return ctx.assemble(ID, default_intro=default_intro, computed={"bakgrunn": background})
