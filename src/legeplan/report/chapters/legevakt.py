"""Legevakt as an organisation: participation and exemptions (SFS 2305), staffing against a norm
(legeplan.legevakt), the per-doctor load of a solved rota (anonymous in the public plan), the district grant
(legeplan.economics), and the municipality's text on premises, legevaktsentral, nødnett, bakvakt and cooperation."""

from __future__ import annotations

from datetime import date

from legeplan.economics import legevakt_grant_eligibility
from legeplan.legevakt import LoadReport
from legeplan.register.models import Physician, PhysicianRole
from legeplan.report.chapters.base import ChapterContext
from legeplan.report.charts import BarChart, StackedBarChart
from legeplan.report.document import Block, Callout, Chapter, Figure, Paragraph, Table
from legeplan.report.format import NBSP, REGISTER_SOURCE, count, decimal, number

ID = "legevakt"

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


def _doctors(ctx: ChapterContext) -> list[Physician]:
    return [p for p in ctx.register.physicians if p.active_at(ctx.as_of) and p.role != PhysicianRole.LOCUM]


def _participation(ctx: ChapterContext) -> list[Block]:
    lv = ctx.facts.legevakt
    return [
        Paragraph(
            text="Legevakten skal tilby øyeblikkelig hjelp hele døgnet til dem som bor eller oppholder seg i "
            "kommunen (akuttmedisinforskriften). Fastleger plikter å delta i legevakt; etter SFS 2305 kan leger "
            "over 55 år søke fritak for nattevakt og leger over 60 år fritak fra legevakt."
        ),
        ctx.register_table(
            "Leger og legevaktdeltakelse",
            ["", "Antall"],
            [
                ["Leger i kommunen (uten vikarer)", str(lv.doctors)],
                ["Deltar i legevakt", str(lv.participating)],
                ["Fritatt fra legevakt", str(lv.exempt)],
                ["55 år eller eldre (kan søke fritak for natt)", str(lv.aged_55)],
                ["60 år eller eldre (kan søke fritak)", str(lv.aged_60)],
            ],
        ),
    ]


def _age_blocks(doctors: list[Physician], as_of: date) -> list[Block]:
    if not doctors:
        return []
    counts = legevakt_age_counts(doctors, as_of)
    participating = sum(counts[PARTICIPATING])
    near, over = counts[PARTICIPATING][1], counts[PARTICIPATING][2]
    text = (
        f"Av {count(participating, 'lege', 'leger')} som deltar i legevakt, er {near} mellom 55 og 59 år: de kan "
        "søke fritak for nattevakt nå og fra legevakt innen fem år"
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
                integer=True,
                categories=[label for label, _low, _high in LEGEVAKT_AGE_BANDS],
                segments=segments,
            ),
            source=f"{REGISTER_SOURCE} (fødselsår, legevaktdeltakelse og fritak)",
            as_of=as_of,
        ),
    ]


def _staffing(ctx: ChapterContext) -> list[Block]:
    """Rota-eligible doctors against the doctors the norm needs, when the norm fits the municipality's size."""
    lv = ctx.facts.legevakt
    norm = ctx.inputs.legevakt_norm
    municipality = ctx.register.municipality
    available = lv.available
    if lv.needed is None:
        return [
            Paragraph(
                text=f"{count(available, 'lege', 'leger')} kan gå legevakt. {norm.name} "
                f"({decimal(norm.weekday_slots, 1)} lege på vakt på hverdager, "
                f"{decimal(norm.weekend_slots, 1)} i helgene) er laget for en kommune av Vefsns "
                f"størrelse og passer ikke for {municipality.name} med "
                f"{number(municipality.population).replace(' ', NBSP)} "
                "innbyggere, der flere leger er på vakt samtidig. Planen regner derfor ikke ut et behov etter "
                "den; kommunen kan legge inn sin egen bemanning per vakt og grense for hvor ofte hver lege går vakt."
            )
        ]
    needed = lv.needed
    rows = [
        ["Leger som kan gå legevakt", number(available)],
        [f"Leger som trengs etter {norm.name}", number(needed)],
    ]
    if available >= needed:
        rows.append(["Leger i vaktordningen ut over det normen krever", number(available - needed)])
    else:
        rows.append(["Leger som mangler for å holde normen", number(needed - available)])
    blocks: list[Block] = [
        Table(
            caption=f"Bemanning av legevakt etter {norm.name}",
            columns=["", "Antall"],
            rows=rows,
            note=f"{norm.describe()}. Kilde for normen: {norm.source}.",
            source=f"{REGISTER_SOURCE}; leger som trengs er regnet ut fra normen",
            as_of=ctx.as_of,
        )
    ]
    if available < needed:
        blocks.append(
            Callout(
                title="For få leger i vaktordningen",
                text=f"Med {count(available, 'lege', 'leger')} må hver lege gå vakt oftere enn normen. Det trengs "
                f"{needed - available} flere leger, interkommunalt samarbeid eller vikarer.",
                tone="warning",
            )
        )
    return blocks


def load_blocks(load: LoadReport, *, internal: bool) -> list[Block]:
    """Per-doctor load of a solved rota (legeplan.legevakt.analyse_load). The public plan names no doctor: the
    doctors are «Lege 1», «Lege 2», … from the heaviest load down; `internal` shows the names."""
    doctors = list(load.doctors)
    if not doctors:
        return []
    as_of = load.period_end
    period = f"{load.period_start.strftime('%d.%m.%Y')}–{load.period_end.strftime('%d.%m.%Y')}"
    # Heaviest first, against the even share: the mean hours per week, what each would do if the rota were shared
    # equally among the same doctors.
    ranked = sorted(doctors, key=lambda d: (-d.hours_per_week, d.name))
    labels = {d.doctor: (d.name if internal else f"Lege {index}") for index, d in enumerate(ranked, start=1)}
    rows = [
        [
            labels[d.doctor],
            number(d.shifts),
            decimal(d.hours, 1),
            number(d.nights),
            decimal(d.every_nth_weekday, 1) if d.every_nth_weekday else "–",
            decimal(d.every_mth_weekend, 1) if d.every_mth_weekend else "–",
            decimal(d.hours_per_week, 1),
        ]
        for d in ranked
    ]
    source = f"Kommunens vaktplan for {period}; belastningen er talt opp per lege"
    if not internal:
        source += " (legene er anonymisert i den offentlige planen)"
    fair_share = sum(d.hours_per_week for d in doctors) / len(doctors)
    return [
        Table(
            caption=f"Vaktbelastning per lege, {period}",
            columns=["Lege", "Vakter", "Timer", "Netter", "Hver N. hverdag", "Hver M. helg", "Timer/uke"],
            rows=rows,
            source=source,
            as_of=as_of,
        ),
        Figure(
            caption="Vakttimer per uke per lege",
            chart=BarChart(
                title="Vakttimer per uke",
                y_label="Timer per uke",
                categories=[labels[d.doctor] for d in ranked],
                values=[d.hours_per_week for d in ranked],
                horizontal=True,
                value_format="{:.1f}",
                reference_line=fair_share,
                reference_label=f"Lik fordeling: {decimal(fair_share, 1)} timer per uke",
            ),
            source=source,
            as_of=as_of,
        ),
    ]


def _grant(ctx: ChapterContext) -> list[Block]:
    """Eligibility for the legevakt district grant (legeplan.economics; seed 002)."""
    result = legevakt_grant_eligibility(ctx.register.municipality)
    lead = "Kommunen kan søke tilskuddet. " if result.eligible else "Kommunen fyller ikke vilkårene. "
    return [Callout(title="Tilskudd til legevakt i distriktene", text=lead + result.reason, tone="info")]


def _challenges(ctx: ChapterContext) -> list[Block]:
    lv = ctx.facts.legevakt
    blocks = ctx.findings_block(ID)
    if lv.aged_60 and lv.participating:
        blocks.append(
            Callout(
                title="Fritaksrett",
                text=f"{lv.aged_60} av {count(lv.doctors, 'lege', 'leger')} er 60 år eller eldre og kan kreve "
                "fritak. Vaktbelastningen på de øvrige øker om de gjør det.",
                tone="warning" if lv.aged_60 * 4 >= lv.doctors else "info",
            )
        )
    return blocks


def build(ctx: ChapterContext) -> Chapter:
    load = ctx.inputs.legevakt_load
    staffing: list[Block] = []
    load_part = load_blocks(load, internal=ctx.inputs.internal) if load is not None else []
    if not load_part:
        # Without a rota, the figure is who carries the legevakt and how close they are to the exemption ages.
        staffing.extend(_age_blocks(_doctors(ctx), ctx.as_of))
    staffing.extend(_staffing(ctx))
    staffing.extend(load_part)
    staffing.extend(_grant(ctx))
    return ctx.assemble(
        ID,
        computed={"status": _participation(ctx), "bemanning": staffing, "utfordringer": _challenges(ctx)},
    )
