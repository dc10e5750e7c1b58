"""Rammer: the laws, agreements and national guidance the plan rests on (Vefsn 3.1–3.4, Sandefjord 1.1), as a
maintained, dated list. Update `REVIEWED` when the list is checked against Lovdata and the agreements."""

from __future__ import annotations

from datetime import date

from legeplan.report.chapters.base import ChapterContext
from legeplan.report.document import Chapter, Paragraph, Table

ID = "rammer"
#: When the list below was last checked.
REVIEWED = date(2024, 6, 1)
SOURCE = "legeplan, vedlikeholdt liste over rammer for legetjenesten"

LAWS: tuple[tuple[str, str, str], ...] = (
    ("Lov om kommunale helse- og omsorgstjenester (helse- og omsorgstjenesteloven)", "2011", "Kommunens ansvar, § 3-1"),
    ("Lov om pasient- og brukerrettigheter (pasient- og brukerrettighetsloven)", "1999", "Rett til fastlege, § 2-1 c"),
    ("Lov om helsepersonell (helsepersonelloven)", "1999", "Forsvarlighet, journal, taushetsplikt"),
    ("Lov om folkehelsearbeid (folkehelseloven)", "2011", "Oversikt over helsetilstand, kommuneoverlegen"),
    ("Lov om vern mot smittsomme sykdommer (smittevernloven)", "1994", "Kommuneoverlegens smittevernoppgaver"),
    ("Lov om helsemessig og sosial beredskap (helseberedskapsloven)", "2000", "Beredskapsplan"),
    ("Forskrift om fastlegeordning i kommunene (fastlegeforskriften)", "2012", "Liste, tilgjengelighet, kvalitet"),
    (
        "Forskrift om krav til og organisering av kommunal legevaktordning, ambulansetjeneste, medisinsk "
        "nødmeldetjeneste mv. (akuttmedisinforskriften)",
        "2015",
        "Legevakt, bakvakt (§ 7), legevaktsentral",
    ),
    ("Forskrift om kompetansekrav for leger i den kommunale helse- og omsorgstjenesten", "2017", "ALIS, veiledning"),
    ("Forskrift om spesialistutdanning og spesialistgodkjenning for leger og tannleger", "2016", "LIS1 og ALIS"),
    (
        "Forskrift om ledelse og kvalitetsforbedring i helse- og omsorgstjenesten",
        "2016",
        "Kvalitet og pasientsikkerhet",
    ),
)
AGREEMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "Rammeavtale mellom KS og Den norske legeforening om allmennpraksis i fastlegeordningen (ASA 4310)",
        "2022–2024",
        "Plan for legetjenesten (§ 6.2), samarbeidsutvalg, offentlige allmennlegeoppgaver (§ 10)",
    ),
    (
        "Særavtale mellom KS og Den norske legeforening om leger i kommunehelsetjenesten (SFS 2305)",
        "2022–2024",
        "Legevakt, fritak, godtgjøring",
    ),
    ("Avtale mellom staten og Legeforeningen (statsavtalen, normaltariffen)", "årlig", "Basistilskudd og takster"),
    ("Samarbeidsavtale mellom kommunen og helseforetaket (helsefellesskapet)", "lokal", "Samhandling, utskrivning"),
)
GUIDANCE: tuple[tuple[str, str, str], ...] = (
    ("Handlingsplan for allmennlegetjenesten (Helse- og omsorgsdepartementet)", "2020–2024", "Rekruttering, ALIS"),
    ("Fastlegeordningen – ekspertutvalgets rapport «Nye mål for fastlegeordningen» ", "2023", "Framtidig organisering"),
    ("Nasjonal helse- og samhandlingsplan 2024–2027 (Meld. St. 9 (2023–2024))", "2024", "Helsefellesskap"),
    ("Legevakt i distriktene – tilskudd og organisering (Helsedirektoratet)", "2022", "Distriktstilskudd til legevakt"),
    (
        "Nasjonal faglig retningslinje for helsestasjons- og skolehelsetjenesten (Helsedirektoratet)",
        "løpende",
        "Legens oppgaver i helsestasjon og skole",
    ),
    ("Prioriteringsveileder og veileder for legevakt (Helsedirektoratet)", "løpende", "Kompetanse og bemanning"),
)


def _table(caption: str, entries: tuple[tuple[str, str, str], ...]) -> Table:
    return Table(
        caption=caption,
        columns=["Dokument", "År", "Betydning for legetjenesten"],
        rows=[list(entry) for entry in entries],
        numeric=[False, False, False],
        widths=[55, 12, 33],
        source=SOURCE,
        as_of=REVIEWED,
    )


def build(ctx: ChapterContext) -> Chapter:
    intro = Paragraph(
        text=f"Listene under er sist gjennomgått {REVIEWED.strftime('%d.%m.%Y')}. Lover og forskrifter finnes i "
        "gjeldende versjon på Lovdata; avtalene forhandles jevnlig, og planen viser til den versjonen som gjelder."
    )
    return ctx.assemble(
        ID,
        intro=[intro],
        computed={
            "lover": [_table("Lover og forskrifter", LAWS)],
            "avtaler": [_table("Sentralt avtaleverk", AGREEMENTS)],
            "foringer": [_table("Nasjonale føringer og veiledere", GUIDANCE)],
        },
    )
