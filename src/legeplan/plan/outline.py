"""The outline of a Plan for legetjenesten: chapters and sections in the order the seeds use, with a short guide for
each part the municipality writes itself.

The order is the union of the three plans in the seeds: Bodø opens with a summary of the main challenges and the
prioritised measures; Vefsn has the introduction with styringsmål, planarbeid and the place among other plans (2.1–2.4),
the frame of laws, agreements and national guidance (3.1–3.6), organisation and the patient population (3.7–3.8) and
a status / utfordringer / identifiserte behov triple in every service chapter (5–10); Sandefjord and Bodø close with
goals and prioritised measures (chapter 8 in both). The report (legeplan.report.chapters) fills the computed parts;
`legeplan plan init` writes one Markdown file per chapter from this outline.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SectionOutline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Stable key; the Markdown heading in the text file is the title.
    key: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    #: What to write here (shown as a Markdown comment in the text file).
    guide: str = ""
    #: The report fills this section with computed tables, figures or findings.
    computed: bool = False


class ChapterOutline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1)
    guide: str = ""
    sections: tuple[SectionOutline, ...] = ()

    def section(self, key: str) -> SectionOutline:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"kapittel {self.id} har ingen seksjon {key}")


def _service(
    status_guide: str, challenges: str, needs: str, goals: str, *, extra: tuple[SectionOutline, ...] = ()
) -> tuple[SectionOutline, ...]:
    """The triple of Vefsn 5–10 (status, utfordringer, identifiserte behov) and the goals (Sandefjord
    «Mål og tiltak»)."""
    return (
        SectionOutline(key="status", title="Status", guide=status_guide, computed=True),
        *extra,
        SectionOutline(key="utfordringer", title="Utfordringer", guide=challenges, computed=True),
        SectionOutline(key="behov", title="Identifiserte behov", guide=needs),
        SectionOutline(key="mal", title="Mål", guide=goals),
    )


OUTLINE: tuple[ChapterOutline, ...] = (
    ChapterOutline(
        id="sammendrag",
        title="Sammendrag",
        guide="Kort oppsummering for kommunestyret: hva planen viser og hva kommunen vil gjøre.",
        sections=(
            SectionOutline(
                key="hovedutfordringer",
                title="Hovedutfordringer",
                guide="De viktigste utfordringene, gjerne nummerert (Bodø har fem). Funnene fra tallgrunnlaget står "
                "under teksten; bruk dem, rett dem eller kommenter dem.",
                computed=True,
            ),
            SectionOutline(
                key="prioriterte-tiltak",
                title="Prioriterte tiltak",
                guide="De tiltakene kommunen prioriterer i planperioden, i prioritert rekkefølge (Bodø har sju).",
                computed=True,
            ),
        ),
    ),
    ChapterOutline(
        id="innledning",
        title="Innledning",
        guide="Hvorfor kommunen lager planen nå, og hva den skal brukes til.",
        sections=(
            SectionOutline(
                key="styringsmal",
                title="Styringsmål for legetjenesten",
                guide="De overordnede målene kommunen styrer legetjenesten etter (Vefsn 2.1).",
            ),
            SectionOutline(
                key="bakgrunn",
                title="Bakgrunn, formål og mandat",
                guide="Hvem ba om planen (vedtak, saksnummer), mandatet og formålet (Vefsn 2.2).",
                computed=True,
            ),
            SectionOutline(
                key="planarbeidet",
                title="Planarbeidet og høring",
                guide="Arbeidsgruppen (navn og roller), møter, involvering av fastlegene og samarbeidsutvalget, "
                "høringsrunde og høringsfrist (Vefsn 2.3).",
            ),
            SectionOutline(
                key="planverk",
                title="Forhold til kommunens øvrige planverk",
                guide="Kommuneplanens samfunnsdel, helse- og omsorgsplan, folkehelseplan, beredskapsplan, "
                "kompetanseplan (Vefsn 2.4).",
            ),
        ),
    ),
    ChapterOutline(
        id="rammer",
        title="Rammer: lover, avtaler og nasjonale føringer",
        sections=(
            SectionOutline(key="lover", title="Lover og forskrifter", computed=True),
            SectionOutline(key="avtaler", title="Sentralt avtaleverk", computed=True),
            SectionOutline(key="foringer", title="Nasjonale føringer og veiledere", computed=True),
            SectionOutline(
                key="lokale",
                title="Lokale føringer og kartlegginger",
                guide="Politiske vedtak, lokale avtaler, fastlegekartlegginger og brukerundersøkelser (Vefsn 3.5).",
            ),
        ),
    ),
    ChapterOutline(
        id="befolkning",
        title="Befolkning, folkehelse og pasientpopulasjon",
        sections=(
            SectionOutline(
                key="befolkningsutvikling",
                title="Befolkningsutvikling",
                guide="Befolkningen i dag og framover; flere eldre betyr flere konsultasjoner (Bodø kapittel 3).",
                computed=True,
            ),
            SectionOutline(
                key="folkehelse",
                title="Folkehelse",
                guide="Hovedfunn fra kommunens oversikt over helsetilstanden (folkehelseprofilen): levekår, "
                "sykdomsbyrde, psykisk helse og rus.",
            ),
            SectionOutline(
                key="pasientpopulasjonen",
                title="Pasientpopulasjonen",
                guide="Hvem legetjenesten møter: eldre med sammensatte lidelser, kronisk syke, barn og unge, "
                "innvandrere, pasienter på listen i andre kommuner (Vefsn 3.8).",
                computed=True,
            ),
        ),
    ),
    ChapterOutline(
        id="organisering",
        title="Organisering og administrasjon",
        sections=(
            SectionOutline(
                key="organisering",
                title="Organisering av legetjenesten",
                guide="Hvor legetjenesten ligger i kommunens organisasjon, hvem som har ansvaret, legekontorene og "
                "kommunens egne legestillinger (Bodø kapittel 4, Vefsn 3.7).",
                computed=True,
            ),
            SectionOutline(
                key="samarbeidsutvalg",
                title="Samarbeidsutvalg og lokale avtaler",
                guide="Samarbeidsutvalgets sammensetning og møter, allmennlegeutvalget, lokale avtaler.",
            ),
        ),
    ),
    ChapterOutline(
        id="nokkeltall",
        title="Nøkkeltall",
        guide="Eventuell kommentar til nøkkeltallene.",
        sections=(
            SectionOutline(key="tall", title="Fastlegeordningen i tall", computed=True),
            SectionOutline(key="stabilitet", title="Stabilitet og turnover", computed=True),
        ),
    ),
    ChapterOutline(
        id="fastlegeordningen",
        title="Fastlegeordningen",
        guide="Kommunens og fastlegenes ansvar (Vefsn 5.1).",
        sections=_service(
            "Legekontorene, lokaler, driftsform, kapasitet, åpne lister, planlagte endringer (Vefsn 5.2).",
            "Hva som truer fastlegeordningen lokalt: arbeidsbelastning, rekruttering, lister som lukkes.",
            "Hva som trengs: nye hjemler, kortere lister, nye lokaler, annen driftsform.",
            "Målene for fastlegeordningen i planperioden, gjerne med et tall (ledig kapasitet, listelengde).",
            extra=(SectionOutline(key="dimensjonering", title="Dimensjonering", computed=True),),
        ),
    ),
    ChapterOutline(
        id="legevakt",
        title="Legevakt",
        guide="Kommunens og legevaktlegens ansvar etter akuttmedisinforskriften (Vefsn 6.1).",
        sections=_service(
            "Legevaktens åpningstider og vaktordning (dag, kveld, natt, helg), hvem som går vakt.",
            "Ubesatte vakter, vaktbelastning, fritak, kompetansekrav, lang reisevei.",
            "Flere leger i vaktordningen, interkommunalt samarbeid, utrykning, nye lokaler, opplæring.",
            "Målene for legevakten i planperioden.",
            extra=(
                SectionOutline(
                    key="lokaler",
                    title="Lokaler og utstyr",
                    guide="Hvor legevakten holder til, samlokalisering (for eksempel med akuttmottak eller ØHD), "
                    "utstyr, bil.",
                ),
                SectionOutline(
                    key="legevaktsentral",
                    title="Legevaktsentral og nødnett",
                    guide="Hvilken legevaktsentral som svarer 116 117, nødnett og kommunikasjon med AMK og ambulanse.",
                ),
                SectionOutline(
                    key="bakvakt",
                    title="Bakvakt og kompetansekrav",
                    guide="Hvordan leger uten kompetanse får bakvakt (akuttmedisinforskriften § 7), kurs og trening.",
                ),
                SectionOutline(
                    key="interkommunalt",
                    title="Interkommunalt samarbeid",
                    guide="Avtaler med nabokommuner om legevakt, kostnadsfordeling, legevaktdistrikt.",
                ),
                SectionOutline(
                    key="bemanning",
                    title="Deltakelse, bemanning og ubesatte vakter",
                    computed=True,
                    guide="Hvor mange vakter som var ubesatte siste år, og hvordan de ble dekket.",
                ),
            ),
        ),
    ),
    ChapterOutline(
        id="institusjon",
        title="Sykehjem, institusjoner og øyeblikkelig hjelp døgn (ØHD)",
        guide="Legetjenesten i sykehjem, korttids- og rehabiliteringsplasser, ØHD og andre institusjoner "
        "(Vefsn 7, Sandefjord 3.1–3.2).",
        sections=_service(
            "Sykehjemmene, plasser, legetimer, tilsynsleger, vaktordning i sykehjem, ØHD-plasser.",
            "Legedekning mot normen, ustabil legedekning, ØHD-belegg, sykere pasienter.",
            "Flere legetimer, faste sykehjemsleger, felles vaktordning.",
            "Målene for legetjenesten i institusjon.",
        ),
    ),
    ChapterOutline(
        id="helsestasjon",
        title="Helsestasjon og skolehelsetjeneste",
        sections=_service(
            "Legetimer på helsestasjon, skolehelsetjeneste og helsestasjon for ungdom; hvem som har oppgavene.",
            "Mangel på legetid, vaktskap, samarbeid med fastlegene.",
            "Legetimer som trengs etter nasjonal faglig retningslinje.",
            "Målene for helsestasjon og skolehelsetjeneste.",
        ),
    ),
    ChapterOutline(
        id="vikardekning",
        title="Fravær og vikardekning",
        sections=_service(
            "Hvordan fravær på legekontor, legevakt, tilsyn og samfunnsmedisin dekkes; rammeavtale for vikarer "
            "(Vefsn 8.1).",
            "Vikarbruk, kostnad og kontinuitet for pasientene.",
            "Fast vikarordning, ALIS-stillinger i stedet for vikarer, rammeavtale.",
            "Målene for vikardekningen.",
        ),
    ),
    ChapterOutline(
        id="samfunnsmedisin",
        title="Samfunnsmedisin og kommuneoverlege",
        sections=_service(
            "Kommuneoverlegens stilling og oppgaver: smittevern, miljørettet helsevern, folkehelse, planarbeid, "
            "rådgivning (Bodø 7, Vefsn 9).",
            "For lite samfunnsmedisinsk kapasitet, sårbarhet ved fravær.",
            "Stillingsressurs, stedfortreder, spesialisering i samfunnsmedisin.",
            "Målene for samfunnsmedisinen.",
        ),
    ),
    ChapterOutline(
        id="rekruttering",
        title="Rekruttering og stabilisering",
        guide="Kommunens strategi for rekruttering, utdanning og stabilisering (Vefsn vedlegg 2).",
        sections=_service(
            "Hvordan kommunen rekrutterer i dag: utlysninger, driftsformer, introduksjonsavtaler, bolig og familie.",
            "Pensjoneringer, ledige hjemler, turnover.",
            "Rekrutteringspakke, mentorordning, fleksible driftsformer.",
            "Mål for stabilitet (for eksempel minst like høy som regionens).",
        ),
    ),
    ChapterOutline(
        id="utdanning",
        title="Utdanning: LIS1 og ALIS",
        sections=_service(
            "LIS1-stillinger, ALIS-avtaler, veiledning og utdanningsplan (Sandefjord 5).",
            "Veiledningskapasitet, kostnad, kompetanseforskriften.",
            "Flere LIS1- og ALIS-stillinger, veiledere, samarbeid med sykehuset.",
            "Mål for utdanningsstillingene.",
        ),
    ),
    ChapterOutline(
        id="samhandling",
        title="Samhandling og samarbeid",
        sections=_service(
            "Samarbeidsarenaer med sykehuset, helsefellesskap, pleie- og omsorg, NAV (Sandefjord 6).",
            "Utskrivningsklare pasienter, informasjonsflyt.",
            "Faste samarbeidsmøter, felles prosedyrer.",
            "Mål for samhandlingen.",
        ),
    ),
    ChapterOutline(
        id="kvalitet",
        title="Kvalitet og pasientsikkerhet",
        sections=_service(
            "Kvalitetssystem, avvikssystem, kvalitetsindikatorer, tilsyn og klager.",
            "Kontinuitet, tilgjengelighet, legemiddelgjennomganger.",
            "Kvalitetsutvalg, kollegaveiledning.",
            "Mål for kvalitet og pasientsikkerhet.",
        ),
    ),
    ChapterOutline(
        id="digitalisering",
        title="Digitalisering og e-helse",
        sections=_service(
            "Journalsystemer, e-konsultasjon, kjernejournal, meldingsutveksling, Helsenorge.",
            "Systemer som ikke snakker sammen, kostnader, kompetanse.",
            "Felles journalløsning, videokonsultasjon.",
            "Mål for digitaliseringen.",
        ),
    ),
    ChapterOutline(
        id="beredskap",
        title="Beredskap og smittevern",
        sections=_service(
            "Legetjenestens rolle i kommunens beredskapsplan, smittevernplan, erfaringer fra pandemien.",
            "Sårbarhet ved kriser, vaksinasjonskapasitet.",
            "Øvelser, oppdaterte planer.",
            "Mål for beredskap og smittevern.",
        ),
    ),
    ChapterOutline(
        id="brukerperspektiv",
        title="Brukerperspektivet",
        sections=_service(
            "Hvordan innbyggerne og brukerorganisasjonene er involvert; brukerundersøkelser, eldreråd, "
            "råd for personer med funksjonsnedsettelse.",
            "Ventetid, tilgjengelighet på telefon, bytte av fastlege.",
            "Brukerundersøkelse, brukerrepresentant i samarbeidsutvalget.",
            "Mål for brukermedvirkning.",
        ),
    ),
    ChapterOutline(
        id="okonomi",
        title="Økonomi",
        guide="Kommunens utgifter til legetjenesten og hvordan tiltakene finansieres.",
        sections=(
            SectionOutline(key="driftsformer", title="Kostnad etter driftsform", computed=True),
            SectionOutline(key="forutsetninger", title="Satser og forutsetninger", computed=True),
        ),
    ),
    ChapterOutline(
        id="tiltak",
        title="Konklusjoner og prioriterte tiltak",
        guide="Konklusjonene av planarbeidet (Bodø 8, Sandefjord 8).",
        sections=(
            SectionOutline(
                key="konklusjoner",
                title="Konklusjoner",
                guide="Hva kommunen konkluderer med, i prioritert rekkefølge.",
            ),
            SectionOutline(key="budsjett", title="Virkning på budsjettet år for år", computed=True),
            SectionOutline(key="tiltaksplan", title="Tiltaksplan", computed=True),
        ),
    ),
)

CHAPTER_IDS: tuple[str, ...] = tuple(chapter.id for chapter in OUTLINE)


def outline(chapter_id: str) -> ChapterOutline:
    for chapter in OUTLINE:
        if chapter.id == chapter_id:
            return chapter
    raise KeyError(f"ukjent kapittel {chapter_id}")


def file_name(chapter_id: str) -> str:
    """«07-fastlegeordningen.md»: the number keeps the files in the plan's order in a folder listing."""
    return f"{CHAPTER_IDS.index(chapter_id) + 1:02d}-{chapter_id}.md"
