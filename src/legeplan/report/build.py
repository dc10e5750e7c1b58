"""Builds the municipal Plan for legetjenesten (`PlanDocument`) from the register and the engines' results.

The chapters follow the seeds (Sandefjord, Bodø, Vefsn): Innledning, Nøkkeltall, Fastlegeordningen, Legevakt,
Andre allmennmedisinske oppgaver, Fraværsdekning, Rekruttering og utdanning, Økonomi, Tiltaksplan. Numbers come
from the engines (legeplan.register key figures, legeplan.duties, legeplan.economics, legeplan.capacity,
legeplan.actions) through legeplan.report.sources; this module only arranges them into text, tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from legeplan.actions import ActionPlan
from legeplan.economics import EconomicsAssumptions
from legeplan.register.models import (
    OperatingModel,
    Physician,
    PhysicianRole,
    PositionStatus,
    Register,
    SpecialistStatus,
)
from legeplan.report import sources
from legeplan.report.charts import AgePyramid, BarChart, LineChart, Series, StackedBarChart, norwegian_number
from legeplan.report.consistency import Finding
from legeplan.report.document import (
    Block,
    BulletList,
    Callout,
    Chapter,
    Figure,
    KeyFigureGrid,
    Paragraph,
    PlanDocument,
    Section,
    Table,
)

#: The chapters every municipal plan has, in order (ids are the HTML anchors).
CHAPTERS: tuple[tuple[str, str], ...] = (
    ("innledning", "Innledning"),
    ("nokkeltall", "Nøkkeltall"),
    ("fastlegeordningen", "Fastlegeordningen"),
    ("legevakt", "Legevakt"),
    ("andre-oppgaver", "Andre allmennmedisinske oppgaver"),
    ("fravaersdekning", "Fraværsdekning"),
    ("rekruttering", "Rekruttering og utdanning"),
    ("okonomi", "Økonomi"),
    ("tiltaksplan", "Tiltaksplan"),
)

REGISTER_SOURCE = "Kommunens legeregister (legeplan)"

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


@dataclass(frozen=True)
class PlanInputs:
    """Everything the plan is built from. Only the register is required; each optional input adds its part.

    `scenario` is a legeplan.capacity scenario and `consistency_findings` findings from legeplan.report.consistency
    on an earlier plan's figures. `previous_register` is an earlier snapshot, for stability and turnover; `history`
    holds earlier snapshots (any order) for the development over time.
    """

    register: Register
    generated: date = field(default_factory=date.today)
    title: str = "Plan for legetjenesten"
    subtitle: str = ""
    #: The municipality's own introduction; a standard one is written when empty.
    introduction: tuple[str, ...] = ()
    previous_register: Register | None = None
    history: tuple[Register, ...] = ()
    scenario: Any = None
    action_plan: ActionPlan | None = None
    consistency_findings: tuple[Finding, ...] = ()
    #: How many checks were run (a report with no findings still says what was checked).
    consistency_checked: int = 0
    #: What was checked, in a sentence: "forrige plan for legetjenesten (2021–2024)".
    consistency_subject: str = "kommunens forrige plan for legetjenesten"
    #: The municipality's own rates (basistilskudd, salaries, locum cost); the engine's documented defaults if None.
    economics: EconomicsAssumptions | None = None
    #: A workforce simulation (legeplan.capacity.simulate_workforce) for vacancies and locum cost ahead.
    simulation: Any = None
    #: A solved rota's load (legeplan.legevakt.analyse_load) to show per-doctor burden.
    legevakt_load: Any = None
    legevakt_norm: sources.LegevaktNorm = field(default_factory=sources.LegevaktNorm)


def kommune_name(name: str) -> str:
    """«Sandefjord kommune», keeping a parenthesised label last: «Sandefjord kommune (demo)», not «… (demo) kommune»."""
    base, bracket, rest = name.partition(" (")
    if base.lower().endswith("kommune"):
        return name
    return f"{base} kommune ({rest}" if bracket else f"{name} kommune"


def _number(value: float, decimals: int = 0) -> str:
    return norwegian_number(value, decimals)


def _percent(value: float, decimals: int = 1) -> str:
    return f"{_number(value * 100, decimals)} %"


def _register_table(caption: str, columns: list[str], rows: list[list[str]], as_of: date, **extra: Any) -> Table:
    return Table(caption=caption, columns=columns, rows=rows, source=REGISTER_SOURCE, as_of=as_of, **extra)


# --- chapters ---------------------------------------------------------------------------------------------------


def _introduction(inputs: PlanInputs) -> Chapter:
    municipality = inputs.register.municipality
    paragraphs = list(inputs.introduction) or [
        f"Denne planen beskriver legetjenesten i {kommune_name(municipality.name)}: fastlegeordningen, legevakt, "
        "allmennmedisinske oppgaver i institusjoner og helsestasjon, fraværsdekning, rekruttering og utdanning, "
        "økonomi og en tiltaksplan.",
        "Rammeavtalen mellom KS og Legeforeningen (ASA 4310) punkt 6.2 pålegger kommunen å utarbeide en plan for "
        "legetjenesten, slik at legene har forutsigbarhet om listestørrelse, pasientsammensetning og veiledning. "
        "Planen skal rulleres og forelegges samarbeidsutvalget.",
    ]
    blocks: list[Block] = [Paragraph(text=text) for text in paragraphs]
    population_date = municipality.population_date or inputs.register.as_of
    blocks.append(
        Table(
            caption=f"Om {kommune_name(municipality.name)}",
            columns=["", "Verdi"],
            rows=[
                ["Kommunenummer", municipality.code],
                ["Innbyggere", _number(municipality.population)],
                ["Sentralitetsklasse (SSB, 1 mest sentral)", str(municipality.centrality)],
            ],
            source="SSB folketall og sentralitetsindeks, via kommunens legeregister",
            as_of=population_date,
        )
    )
    legal = Section(
        title="Lover, forskrifter og avtaler",
        blocks=[
            BulletList(
                items=[
                    "Lov om kommunale helse- og omsorgstjenester (helse- og omsorgstjenesteloven)",
                    "Forskrift om fastlegeordningen i kommunene (fastlegeforskriften)",
                    "Forskrift om krav til og organisering av kommunal legevaktordning, ambulansetjeneste, "
                    "medisinsk nødmeldetjeneste mv. (akuttmedisinforskriften)",
                    "Forskrift om kompetansekrav for leger i den kommunale helse- og omsorgstjenesten",
                    "Rammeavtale mellom KS og Den norske legeforening om allmennpraksis i fastlegeordningen (ASA 4310)",
                    "Særavtale mellom KS og Den norske legeforening om leger i kommunehelsetjenesten (SFS 2305)",
                ]
            )
        ],
    )
    return Chapter(id="innledning", title="Innledning", blocks=blocks, sections=[legal])


def _key_figures(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    figures = sources.key_figures(register, inputs.previous_register)
    blocks: list[Block] = [
        Paragraph(
            text=f"Nøkkeltallene beskriver fastlegeordningen i {register.municipality.name} per "
            f"{register.as_of.strftime('%d.%m.%Y')}. Fri kapasitet er ledige listeplasser som andel av alle "
            "listeplasser (ledige / (listeførte + ledige))."
        ),
        KeyFigureGrid(figures=figures.tiles, source=figures.source, as_of=register.as_of),
        Table(
            caption="Nøkkeltall for fastlegeordningen",
            columns=["Nøkkeltall", "Verdi"],
            rows=[[tile.label, tile.value] for tile in figures.rows],
            source=figures.source,
            as_of=register.as_of,
        ),
    ]
    labels, women, men = sources.age_pyramid_counts(register)
    if sum(women) + sum(men) > 0:
        blocks.append(
            Figure(
                caption="Fastleger etter alder og kjønn",
                chart=AgePyramid(title="Fastleger etter alder og kjønn", age_groups=labels, women=women, men=men),
                source=REGISTER_SOURCE,
                as_of=register.as_of,
                alt="Aldersfordeling for fastlegene, menn til venstre og kvinner til høyre.",
            )
        )
    blocks.extend(_development(register, inputs.history))
    sections = []
    if inputs.consistency_findings or inputs.consistency_checked:
        sections.append(_consistency_section(inputs))
    return Chapter(id="nokkeltall", title="Nøkkeltall", blocks=blocks, sections=sections)


def _consistency_section(inputs: PlanInputs) -> Section:
    """Findings of legeplan.report.consistency on the figures of an earlier plan (sums, percentages, averages)."""
    findings = inputs.consistency_findings
    checked = max(inputs.consistency_checked, len(findings))
    intro = (
        f"Tallene i {inputs.consistency_subject} er kontrollert mot hverandre (summer, prosenter, gjennomsnitt): "
        f"{checked} kontroller, {len(findings)} avvik."
    )
    blocks: list[Block] = [Paragraph(text=intro)]
    if findings:
        blocks.append(
            Table(
                caption="Avvik i tallgrunnlaget",
                columns=["Tall", "Hvor", "Oppgitt", "Beregnet", "Merknad"],
                rows=[
                    [
                        finding.label,
                        finding.location or "",
                        _number(finding.stated, 1).removesuffix(",0"),
                        _number(finding.computed, 1).removesuffix(",0"),
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
    return Section(title="Kontroll av tallgrunnlaget", blocks=blocks)


def _development(register: Register, history: tuple[Register, ...]) -> list[Block]:
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
        _register_table(
            "Utvikling i fastlegeordningen",
            ["Dato", "Hjemler", "Listeplasser", "Listeførte", "Ledige plasser"],
            [
                [
                    snapshot.as_of.strftime("%d.%m.%Y"),
                    str(count),
                    _number(ceiling),
                    _number(patients),
                    _number(ceiling - patients),
                ]
                for snapshot, count, ceiling, patients in zip(series, positions, ceilings, listed, strict=True)
            ],
            register.as_of,
        ),
    ]


def _gp_scheme(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    as_of = register.as_of
    offices = {office.id: office.name for office in register.offices}
    blocks: list[Block] = [
        Paragraph(
            text="Fastlegeordningen er kjernen i kommunens legetjeneste. Tabellen viser hjemler, listetak og "
            "listeførte pasienter per legekontor; figuren viser listelengden per hjemmel mot listetaket."
        )
    ]
    rows: list[list[str]] = []
    totals = [0, 0, 0, 0]
    for office_id, name in [*offices.items(), (None, "Uten legekontor")]:
        positions = [position for position in register.positions if position.office_id == office_id]
        if not positions:
            continue
        ceiling = sum(position.list_ceiling for position in positions)
        listed = sum(position.listed_patients for position in positions)
        free = ceiling - listed
        rows.append([name, str(len(positions)), _number(ceiling), _number(listed), _number(free)])
        for index, value in enumerate((len(positions), ceiling, listed, free)):
            totals[index] += value
    if rows:
        blocks.append(
            _register_table(
                "Hjemler og listeplasser per legekontor",
                ["Legekontor", "Hjemler", "Listetak", "Listeførte", "Ledige plasser"],
                rows,
                as_of,
                total_rows=[["Sum", str(totals[0]), *(_number(value) for value in totals[1:])]],
            )
        )
    positions = sorted(register.positions, key=lambda position: position.listed_patients, reverse=True)
    if positions:
        open_ids = [position.id for position in positions if position.is_open]
        blocks.append(
            Figure(
                caption="Listeførte pasienter per fastlegehjemmel",
                chart=BarChart(
                    title="Listelengde per hjemmel",
                    y_label="Listeførte pasienter",
                    categories=[position.id for position in positions],
                    values=[float(position.listed_patients) for position in positions],
                    highlight=open_ids,
                    highlight_label="Åpen liste",
                    base_label="Lukket liste",
                    reference_line=sum(p.list_ceiling for p in positions) / len(positions),
                    reference_label="Gjennomsnittlig listetak",
                ),
                source=REGISTER_SOURCE,
                as_of=as_of,
            )
        )
    models = Section(title="Driftsformer", blocks=_operating_models(register))
    sections = [models]
    capacity = sources.capacity_section(inputs.scenario)
    if capacity is not None:
        sections.append(capacity)
    return Chapter(id="fastlegeordningen", title="Fastlegeordningen", blocks=blocks, sections=sections)


def _operating_models(register: Register) -> list[Block]:
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
        _register_table(
            "Fastlegehjemler etter driftsform og status",
            ["Driftsform", *(STATUS_NAMES[status] for status in PositionStatus)],
            rows,
            register.as_of,
            total_rows=[["Sum", *(str(value) for value in total)]],
        ),
        Figure(
            caption="Fastlegehjemler etter driftsform og status",
            chart=StackedBarChart(
                title="Hjemler etter driftsform",
                y_label="Hjemler",
                horizontal=True,
                categories=[OPERATING_MODEL_NAMES[model] for model in used],
                segments={
                    STATUS_NAMES[status]: [float(counts[model][status]) for model in used] for status in PositionStatus
                },
            ),
            source=REGISTER_SOURCE,
            as_of=register.as_of,
        ),
    ]


def _legevakt(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    as_of = register.as_of
    doctors = [p for p in register.physicians if p.active_at(as_of) and p.role != PhysicianRole.LOCUM]
    participating = [p for p in doctors if p.legevakt_participation and not p.legevakt_exempt]
    exempt = [p for p in doctors if p.legevakt_exempt]
    aged_55 = [p for p in doctors if p.age_at(as_of) >= 55]
    aged_60 = [p for p in doctors if p.age_at(as_of) >= 60]
    blocks: list[Block] = [
        Paragraph(
            text="Legevakten skal tilby øyeblikkelig hjelp hele døgnet til dem som bor eller oppholder seg i "
            "kommunen (akuttmedisinforskriften). Fastleger plikter å delta i legevakt; etter SFS 2305 kan leger "
            "over 55 år søke fritak for nattevakt og leger over 60 år fritak fra legevakt."
        ),
        _register_table(
            "Leger og legevaktdeltakelse",
            ["", "Antall"],
            [
                ["Leger i kommunen (uten vikarer)", str(len(doctors))],
                ["Deltar i legevakt", str(len(participating))],
                ["Fritatt fra legevakt", str(len(exempt))],
                ["55 år eller eldre (kan søke fritak for natt)", str(len(aged_55))],
                ["60 år eller eldre (kan søke fritak)", str(len(aged_60))],
            ],
            as_of,
        ),
    ]
    if aged_60 and participating:
        blocks.append(
            Callout(
                title="Fritaksrett",
                text=f"{len(aged_60)} av {len(doctors)} leger er 60 år eller eldre og kan kreve fritak. "
                "Vaktbelastningen på de øvrige øker om de gjør det.",
                tone="warning" if len(aged_60) * 4 >= len(doctors) else "info",
            )
        )
    load_blocks = sources.legevakt_load_blocks(inputs.legevakt_load)
    if not load_blocks:
        # Without a rota, the figure is who carries the legevakt and how close they are to the exemption ages.
        blocks.extend(_legevakt_age_blocks(doctors, as_of))
    blocks.extend(sources.legevakt_staffing_blocks(register, inputs.legevakt_norm))
    blocks.extend(load_blocks)
    blocks.extend(sources.legevakt_grant_blocks(register))
    return Chapter(id="legevakt", title="Legevakt", blocks=blocks)


#: Age bands at the SFS 2305 exemption ages: from 55 a doctor may ask to be freed from night duty, from 60 from
#: legevakt altogether.
LEGEVAKT_AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 55 år", 0, 54),
    ("55–59 år", 55, 59),
    ("60 år og eldre", 60, 200),
)
PARTICIPATING = "Deltar i legevakt"
EXEMPT = "Fritatt"
NOT_PARTICIPATING = "Deltar ikke (uten fritak)"


def legevakt_age_counts(doctors: list[Physician], as_of: date) -> dict[str, list[int]]:
    """Doctors per `LEGEVAKT_AGE_BANDS` band: participating (and not exempt), exempt, and neither."""
    counts = {PARTICIPATING: [0, 0, 0], EXEMPT: [0, 0, 0], NOT_PARTICIPATING: [0, 0, 0]}
    for doctor in doctors:
        age = doctor.age_at(as_of)
        band = next(i for i, (_label, low, high) in enumerate(LEGEVAKT_AGE_BANDS) if low <= age <= high)
        if doctor.legevakt_exempt:
            counts[EXEMPT][band] += 1
        elif doctor.legevakt_participation:
            counts[PARTICIPATING][band] += 1
        else:
            counts[NOT_PARTICIPATING][band] += 1
    return counts


def _legevakt_age_blocks(doctors: list[Physician], as_of: date) -> list[Block]:
    if not doctors:
        return []
    counts = legevakt_age_counts(doctors, as_of)
    participating = sum(counts[PARTICIPATING])
    near, over = counts[PARTICIPATING][1], counts[PARTICIPATING][2]
    text = (
        f"Av {participating} leger som deltar i legevakt, er {near} mellom 55 og 59 år: de kan søke fritak for "
        "nattevakt nå og fra legevakt innen fem år"
    )
    text += f", og {over} er 60 år eller eldre og kan kreve fritak allerede." if over else "."
    segments = {name: [float(value) for value in values] for name, values in counts.items() if any(values)}
    return [
        Paragraph(text=text),
        Figure(
            caption="Leger (uten vikarer) etter alder og legevaktdeltakelse",
            chart=StackedBarChart(
                title="Legevaktdeltakelse etter alder",
                y_label="Leger",
                categories=[label for label, _low, _high in LEGEVAKT_AGE_BANDS],
                segments=segments,
            ),
            source=f"{REGISTER_SOURCE} (fødselsår, legevaktdeltakelse og fritak)",
            as_of=as_of,
        ),
    ]


def _other_duties(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    blocks: list[Block] = [
        Paragraph(
            text="Kommunen skal sørge for legetjenester i sykehjem, helsestasjon og skolehelsetjeneste, og der det "
            "er aktuelt i fengsel og mottak. En fastlege med full liste kan pålegges inntil 7,5 timer per uke "
            "offentlige allmennlegeoppgaver (ASA 4310 § 10.1). Ett årsverk er 37,5 timer per uke."
        )
    ]
    blocks.extend(sources.duties_blocks(register))
    return Chapter(id="andre-oppgaver", title="Andre allmennmedisinske oppgaver", blocks=blocks)


def _absence(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    not_filled = [p for p in register.positions if p.status != PositionStatus.FILLED]
    blocks: list[Block] = [
        Paragraph(
            text="Fravær og ledige hjemler dekkes av vikarer. Ledige hjemler og langvarig vikardrift svekker "
            "kontinuiteten for pasientene og er kostbart for kommunen."
        )
    ]
    if not_filled:
        blocks.append(
            _register_table(
                "Hjemler som ikke er besatt av fast lege",
                ["Hjemmel", "Status", "Listetak", "Listeførte", "Driftsform"],
                [
                    [
                        p.id,
                        STATUS_NAMES[p.status],
                        _number(p.list_ceiling),
                        _number(p.listed_patients),
                        OPERATING_MODEL_NAMES[p.operating_model],
                    ]
                    for p in not_filled
                ],
                register.as_of,
                numeric=[False, False, True, True, False],
            )
        )
    else:
        blocks.append(Paragraph(text="Alle hjemler er besatt av fast lege på datagrunnlagets dato."))
    blocks.extend(sources.locum_cost_blocks(register, inputs.economics))
    if inputs.simulation is not None:
        scenario_source = str(getattr(inputs.scenario, "source", "") or "")
        source = REGISTER_SOURCE + (f"; nye hjemler etter {scenario_source}" if scenario_source else "")
        start = None
        if getattr(inputs.simulation, "start_year", None) == register.as_of.year + 1:
            # The simulation starts after the register date: its first point is the register's own state.
            from legeplan.economics import EconomicsAssumptions, locum_cost

            assumptions = inputs.economics or EconomicsAssumptions()
            today = locum_cost(register, assumptions.locum_cost_per_vacancy)
            start = (register.as_of.year, float(today.vacant_positions), float(today.total))
        blocks.extend(sources.simulation_blocks(inputs.simulation, source, register.as_of, start))
    return Chapter(id="fravaersdekning", title="Fraværsdekning", blocks=blocks)


def _recruitment(inputs: PlanInputs) -> Chapter:
    register = inputs.register
    as_of = register.as_of
    active = [p for p in register.physicians if p.active_at(as_of)]
    role_names = {
        PhysicianRole.GP: "Fastleger",
        PhysicianRole.ALIS: "ALIS (allmennlege i spesialisering)",
        PhysicianRole.LIS1: "LIS1",
        PhysicianRole.MUNICIPAL: "Kommuneleger uten liste",
        PhysicianRole.LOCUM: "Vikarer",
    }
    specialist_names = {
        SpecialistStatus.SPECIALIST: "Spesialist",
        SpecialistStatus.IN_TRAINING: "Under spesialisering",
        SpecialistStatus.NONE: "Ikke spesialist",
    }
    rows = [
        [
            role_names[role],
            *(str(sum(1 for p in active if p.role == role and p.specialist_status == s)) for s in SpecialistStatus),
        ]
        for role in PhysicianRole
    ]
    totals = [str(sum(1 for p in active if p.specialist_status == s)) for s in SpecialistStatus]
    blocks: list[Block] = [
        Paragraph(
            text="Kommunen skal legge til rette for LIS1-stillinger og for at leger uten spesialitet i "
            "allmennmedisin kommer i et utdanningsløp (ALIS) innen ett år (kompetanseforskriften). Tabellen viser "
            "legene etter rolle og spesialiseringsstatus."
        ),
        _register_table(
            "Leger etter rolle og spesialisering",
            ["Rolle", *(specialist_names[s] for s in SpecialistStatus)],
            rows,
            as_of,
            total_rows=[["Sum", *totals]],
        ),
    ]
    blocks.extend(sources.retirement_blocks(register, inputs.scenario))
    return Chapter(id="rekruttering", title="Rekruttering og utdanning", blocks=blocks)


def _economy(inputs: PlanInputs) -> Chapter:
    blocks: list[Block] = [
        Paragraph(
            text="Kapitlet viser kommunens kostnader og legenes inntekt etter driftsform, beregnet av "
            "økonomimodulen med satsene oppgitt i tabellene."
        )
    ]
    blocks.extend(sources.economy_blocks(inputs.register, inputs.economics))
    return Chapter(id="okonomi", title="Økonomi", blocks=blocks)


def _action_plan(inputs: PlanInputs) -> Chapter:
    blocks: list[Block] = [
        Paragraph(
            text="Tiltaksplanen knytter styringsmål til konkrete tiltak med ansvar, frist, kostnad og status. "
            "Den følges opp årlig i samarbeidsutvalget."
        )
    ]
    blocks.extend(sources.action_plan_blocks(inputs.action_plan, inputs.generated))
    return Chapter(id="tiltaksplan", title="Tiltaksplan", blocks=blocks)


def build_plan(inputs: PlanInputs) -> PlanDocument:
    """The municipal plan with all nine chapters, in the seeds' order."""
    municipality = inputs.register.municipality
    chapters = [
        _introduction(inputs),
        _key_figures(inputs),
        _gp_scheme(inputs),
        _legevakt(inputs),
        _other_duties(inputs),
        _absence(inputs),
        _recruitment(inputs),
        _economy(inputs),
        _action_plan(inputs),
    ]
    return PlanDocument(
        title=inputs.title,
        subtitle=inputs.subtitle or f"Datagrunnlag per {inputs.register.as_of.strftime('%d.%m.%Y')}",
        organisation=f"{kommune_name(municipality.name)}",
        organisation_code=municipality.code,
        as_of=inputs.register.as_of,
        generated=inputs.generated,
        variant="municipality",
        chapters=chapters,
    )


__all__ = ["CHAPTERS", "PlanInputs", "build_plan"]
