"""Adapters from the engines to report blocks.

Each function asks the engine that owns a number (legeplan.register.keyfigures, legeplan.duties,
legeplan.economics, legeplan.capacity, legeplan.actions) and turns its result into paragraphs, tables and figures.
When an engine is not installed in this build, the adapter says so in the document (a visible callout) rather than
inventing the number, and the rest of the plan is still produced.
"""

from __future__ import annotations

import importlib
from datetime import date
from itertools import accumulate
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

if TYPE_CHECKING:
    from legeplan.actions import ActionPlan
    from legeplan.economics import EconomicsAssumptions

from legeplan.duties import fte_to_hours
from legeplan.register.models import PhysicianRole, PositionStatus, Register
from legeplan.report.charts import BarChart, LineChart, Series, StackedBarChart, age_group_counts, norwegian_number
from legeplan.report.document import Block, Callout, Figure, KeyFigure, Paragraph, Section, Table

REGISTER_SOURCE = "Kommunens legeregister (legeplan)"
#: Non-breaking space, so «64 500» is not split over two lines.
NBSP = "\u00a0"


def _engine(module: str) -> ModuleType | None:
    """The engine module if it is part of this build, else None."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _missing(what: str) -> Callout:
    return Callout(
        title="Mangler grunnlag",
        text=f"{what} er ikke beregnet: beregningsdelen for dette er ikke installert sammen med planverktøyet.",
        tone="warning",
    )


def _number(value: float, decimals: int = 0) -> str:
    return norwegian_number(value, decimals)


def _share(value: float | None) -> str:
    return "–" if value is None else f"{norwegian_number(value * 100, 1)} %"


def _money(value: float) -> str:
    return f"{norwegian_number(value)} kr"


class KeyFiguresView(BaseModel):
    model_config = ConfigDict(frozen=True)

    tiles: list[KeyFigure]
    rows: list[KeyFigure]
    source: str


# --- Nøkkeltall -------------------------------------------------------------------------------------------------


#: The headline tiles, in order; the table lists every key figure.
TILE_FIELDS = (
    "positions",
    "listed_patients",
    "free_capacity_share",
    "average_list_length",
    "specialist_share",
    "share_aged_60_plus",
)


def key_figures(register: Register, previous: Register | None = None) -> KeyFiguresView:
    """Headline figures from legeplan.register.keyfigures, with stability and turnover since `previous`."""
    from legeplan.register.keyfigures import compute_key_figures, format_value

    period = (previous.as_of, register.as_of) if previous is not None and previous.as_of < register.as_of else None
    figures = compute_key_figures(register, period=period)
    rows = [KeyFigure(label="Innbyggere", value=_number(figures.population))]
    rows += [KeyFigure(label=label, value=format_value(field, value)) for field, label, value in figures.labelled()]
    if period is not None:
        since = f"{period[0].strftime('%d.%m.%Y')}–{period[1].strftime('%d.%m.%Y')}"
        if figures.stability is not None:
            stab = figures.stability
            rows.append(
                KeyFigure(
                    label=f"Stabilitet {since} (samme lege i avtalen)",
                    value=f"{_share(stab.share)} ({stab.stable} av {stab.agreements_at_end})",
                )
            )
        if figures.turnover is not None:
            turn = figures.turnover
            rows.append(
                KeyFigure(
                    label=f"Turnover {since} (avsluttede avtaler)",
                    value=f"{_share(turn.share)} ({turn.ended} av {turn.agreements_at_start})",
                )
            )
    labels = {field: label for field, label, _value in figures.labelled()}
    tiles = [
        KeyFigure(label=labels[field], value=format_value(field, getattr(figures, field))) for field in TILE_FIELDS
    ]
    return KeyFiguresView(tiles=tiles, rows=rows, source=REGISTER_SOURCE)


def age_pyramid_counts(register: Register) -> tuple[list[str], list[int], list[int]]:
    when = register.as_of
    gps = [
        (p.age_at(when), p.sex.value)
        for p in register.physicians
        if p.role in (PhysicianRole.GP, PhysicianRole.ALIS) and p.active_at(when)
    ]
    return age_group_counts(gps)


# --- Fastlegeordningen: capacity -------------------------------------------------------------------------------


def capacity_section(scenario: Any) -> Section | None:
    """Dimensioning from legeplan.capacity when a scenario is given: a projection chart and the engine's text."""
    if scenario is None:
        return None
    engine = _engine("legeplan.capacity")
    if engine is None or not hasattr(engine, "dimension"):
        return Section(title="Dimensjonering", blocks=[_missing("Dimensjoneringen")])
    result = engine.dimension(scenario)
    blocks: list[Block] = []
    for text in getattr(result, "explanations", None) or []:
        blocks.append(Paragraph(text=str(text)))
    rows = list(getattr(result, "rows", None) or getattr(result, "years", None) or [])
    source = str(
        getattr(scenario, "source", None) or "SSB befolkningsframskriving (tabell 14288) og kommunens scenario"
    )
    as_of = getattr(scenario, "as_of", None) or date.today()
    if rows:
        years = [float(getattr(row, "year", 0)) for row in rows]
        needed = [float(getattr(row, "positions_needed", getattr(row, "needed", 0.0))) for row in rows]
        series = [Series(name="Hjemler som trengs", values=needed)]
        existing: list[Any] = [getattr(row, "positions_existing", getattr(row, "positions", None)) for row in rows]
        if all(value is not None for value in existing):
            # Today's hjemler plus the decided and planned ones (ALIS, growth) as they open.
            series.append(Series(name="Hjemler med planlagte", values=[float(v) for v in existing], dashed=True))
        blocks.append(
            Figure(
                caption="Behov for fastlegehjemler",
                chart=LineChart(
                    title="Fastlegehjemler: behov og dagens antall", y_label="Hjemler", x=years, series=series
                ),
                source=source,
                as_of=as_of,
            )
        )
        columns = [
            ("År", "year", 0),
            ("Innbyggere", "population", 0),
            ("Hjemler som trengs", "positions_required", 0),
            ("Hjemler med planlagte", "positions_existing", 0),
            ("Avganger", "retirements", 0),
            ("Å rekruttere", "to_recruit", 0),
        ]
        present = [(label, name, decimals) for label, name, decimals in columns if hasattr(rows[0], name)]
        if len(present) > 1:
            blocks.append(
                Table(
                    caption="Dimensjonering av fastlegehjemler per år",
                    columns=[label for label, _name, _decimals in present],
                    rows=[
                        [
                            str(getattr(row, name)) if name == "year" else _number(float(getattr(row, name)), decimals)
                            for _label, name, decimals in present
                        ]
                        for row in rows
                    ],
                    source=source,
                    as_of=as_of,
                )
            )
    return Section(title="Dimensjonering", blocks=blocks or [Paragraph(text=str(result))])


# --- Legevakt ---------------------------------------------------------------------------------------------------


class LegevaktNorm(BaseModel):
    """The rota burden the municipality accepts, and how many doctors are on duty per weekday and weekend.

    The default is the Vefsn model (Plan for legetjenesten i Vefsn kommune): one doctor a weekday and two 24-hour
    shifts a weekend, no doctor more often than every 12th weekday and every 6th weekend. It describes a small
    town's legevakt (Vefsn: about 13 000 inhabitants); above `max_population` one doctor on duty is not the
    municipality's real staffing, so the plan does not compare against it (a municipality sets its own norm, e.g.
    `legeplan report --legevakt-norm norm.toml`, and `max_population = 0` for no limit)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str = Field(default="Vefsn-modellen", min_length=1)
    weekday_slots: float = Field(default=1.0, gt=0, le=50)
    weekend_slots: float = Field(default=2.0, gt=0, le=50)
    every_nth_weekday: float = Field(default=12.0, ge=1, le=365)
    every_mth_weekend: float = Field(default=6.0, ge=1, le=52)
    #: Largest population the norm is meant for; 0 for any size.
    max_population: int = Field(default=20_000, ge=0)
    source: str = "Plan for legetjenesten i Vefsn kommune: «hvert 12. hverdag og hver sjette helg»"

    def fits(self, population: int) -> bool:
        return self.max_population == 0 or population <= self.max_population

    def describe(self) -> str:
        weekday = _number(self.weekday_slots, 1).removesuffix(",0")
        doctors = f"{weekday} {'lege' if self.weekday_slots == 1 else 'leger'} hverdag, "
        doctors += f"{_number(self.weekend_slots, 1).removesuffix(',0')} helg"
        return (
            f"{self.name} ({doctors}): hvor mange leger som trengs for at ingen går vakt oftere enn hver "
            f"{_number(self.every_nth_weekday)}. hverdag og hver {_number(self.every_mth_weekend)}. helg"
        )


class LegevaktNormError(ValueError):
    """A legevakt norm file that cannot be read; the message names the file and field."""


def load_legevakt_norm(path: Path) -> LegevaktNorm:
    """A municipality's own norm from .toml or .json (the fields of LegevaktNorm)."""
    from legeplan.documents import read_document

    data = read_document(path, LegevaktNormError)
    try:
        return LegevaktNorm.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"felt «{'.'.join(str(part) for part in item['loc']) or '(hele filen)'}»: {item['msg']}"
            for item in error.errors()
        )
        raise LegevaktNormError(f"{path}: {problems}") from error


def legevakt_staffing_blocks(register: Register, norm: LegevaktNorm) -> list[Block]:
    """Rota-eligible doctors (legeplan.legevakt) against the doctors the norm needs, when the norm fits the
    municipality's size; otherwise only the eligible doctors and why there is no comparison."""
    engine = _engine("legeplan.legevakt")
    from_register = _engine("legeplan.legevakt.register")
    if engine is None or from_register is None:
        return [_missing("Bemanningsbehovet i legevakt")]
    doctors = from_register.doctors_from_register(register, register.as_of)
    available = len(doctors)
    municipality = register.municipality
    if not norm.fits(municipality.population):
        return [
            Paragraph(
                text=f"{_number(available)} leger kan gå legevakt. {norm.name} "
                f"({_number(norm.weekday_slots, 1).removesuffix(',0')} lege på vakt på hverdager, "
                f"{_number(norm.weekend_slots, 1).removesuffix(',0')} i helgene) er laget for en kommune av Vefsns "
                f"størrelse og passer ikke for {municipality.name} med "
                f"{_number(municipality.population).replace(' ', NBSP)} "
                "innbyggere, der flere leger er på vakt samtidig. Planen regner derfor ikke ut et behov etter "
                "den; kommunen kan legge inn sin egen bemanning per vakt og grense for hvor ofte hver lege går vakt."
            )
        ]
    needed = int(
        engine.doctors_needed(
            norm.weekday_slots,
            norm.weekend_slots,
            every_nth_weekday=norm.every_nth_weekday,
            every_mth_weekend=norm.every_mth_weekend,
        )
    )
    rows = [
        ["Leger som kan gå legevakt", _number(available)],
        [f"Leger som trengs etter {norm.name}", _number(needed)],
    ]
    if available >= needed:
        rows.append(["Leger i vaktordningen ut over det normen krever", _number(available - needed)])
    else:
        rows.append(["Leger som mangler for å holde normen", _number(needed - available)])
    blocks: list[Block] = [
        Table(
            caption=f"Bemanning av legevakt etter {norm.name}",
            columns=["", "Antall"],
            rows=rows,
            note=f"{norm.describe()}. Kilde for normen: {norm.source}.",
            source=f"{REGISTER_SOURCE}; leger som trengs er regnet ut fra normen",
            as_of=register.as_of,
        )
    ]
    if available < needed:
        blocks.append(
            Callout(
                title="For få leger i vaktordningen",
                text=f"Med {available} leger må hver lege gå vakt oftere enn normen. Det trengs {needed - available} "
                "flere leger, interkommunalt samarbeid eller vikarer.",
                tone="warning",
            )
        )
    return blocks


def legevakt_load_blocks(load: Any) -> list[Block]:
    """Per-doctor load of a solved rota (legeplan.legevakt.analyse_load)."""
    doctors = list(getattr(load, "doctors", []) or [])
    if not doctors:
        return []
    as_of = getattr(load, "period_end", None) or date.today()
    period = f"{load.period_start.strftime('%d.%m.%Y')}–{load.period_end.strftime('%d.%m.%Y')}"
    rows = [
        [
            str(d.name),
            _number(d.shifts),
            _number(d.hours, 1),
            _number(d.nights),
            _number(d.every_nth_weekday, 1) if d.every_nth_weekday else "–",
            _number(d.every_mth_weekend, 1) if d.every_mth_weekend else "–",
            _number(d.hours_per_week, 1),
        ]
        for d in doctors
    ]
    source = f"Kommunens vaktplan for {period}; belastningen er talt opp per lege"
    # Heaviest first, against the even share: the mean hours per week, what each would do if the rota were shared
    # equally among the same doctors.
    ranked = sorted(doctors, key=lambda d: (-float(d.hours_per_week), str(d.name)))
    fair_share = sum(float(d.hours_per_week) for d in doctors) / len(doctors)
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
                categories=[str(d.name) for d in ranked],
                values=[float(d.hours_per_week) for d in ranked],
                horizontal=True,
                value_format="{:.1f}",
                reference_line=fair_share,
                reference_label=f"Lik fordeling: {_number(fair_share, 1)} timer per uke",
            ),
            source=source,
            as_of=as_of,
        ),
    ]


#: The retirement age the plan assumes when no capacity scenario gives one (the scenario's own default).
DEFAULT_RETIREMENT_AGE = 70
#: Years after the register date the retirement figure covers, as the workforce simulation does.
PLAN_YEARS = 10


RETIRED_EARLIER = "Nådd pensjonsalderen tidligere i perioden"
RETIRING_THAT_YEAR = "Når pensjonsalderen dette året"


def retirements_per_year(register: Register, retirement_age: int, years: int = PLAN_YEARS) -> dict[int, int]:
    """Fastleger (role GP, active on the register date) reaching `retirement_age`, per year from the register's year
    to `years` after it (legeplan.capacity.retirements_by_year: those already past the age count in the first year).
    Every year of the period is a key, with 0 where nobody retires."""
    from legeplan.capacity import retirements_by_year
    from legeplan.register.keyfigures import LIST_HOLDING_ROLES

    when = register.as_of
    ages = [p.age_at(when) for p in register.physicians if p.role in LIST_HOLDING_ROLES and p.active_at(when)]
    counts = retirements_by_year(ages, when.year, retirement_age)
    return {year: counts.get(year, 0) for year in range(when.year, when.year + years + 1)}


def retirement_blocks(register: Register, scenario: Any = None) -> list[Block]:
    """Rekruttering: how many of today's fastleger reach the retirement age each year of the plan period, at the
    retirement age of the capacity scenario (default 70)."""
    retirement_age = int(getattr(scenario, "retirement_age", None) or DEFAULT_RETIREMENT_AGE)
    from legeplan.figures import gps as count_gps

    when = register.as_of
    gps = count_gps(register).value  # fastleger and ALIS, as every other chapter counts them
    if not gps:
        return []
    per_year = retirements_per_year(register, retirement_age)
    first, last = min(per_year), max(per_year)
    total = sum(per_year.values())
    if not total:
        return [
            Paragraph(text=f"Ingen av kommunens {gps} fastleger når pensjonsalderen {retirement_age} år innen {last}.")
        ]
    earlier = list(accumulate(per_year.values(), initial=0))[:-1]
    peak = max(per_year.values())
    peak_years = [str(year) for year, count in per_year.items() if count == peak]
    text = (
        f"Med pensjonsalder {retirement_age} år når {total} av kommunens {gps} fastleger pensjonsalderen i "
        f"{first}–{last}, og de må erstattes i tillegg til nye hjemler"
        + (f"; flest i {' og '.join(peak_years)} ({peak})." if peak > 1 and len(peak_years) <= 2 else ".")
    )
    if any(
        p.age_at(when) > retirement_age
        for p in register.physicians
        if p.role in (PhysicianRole.GP, PhysicianRole.ALIS) and p.active_at(when)
    ):
        text += f" Fastleger som allerede er over {retirement_age} år, er talt med i {first}."
    scenario_source = "dimensjoneringsscenarioet" if getattr(scenario, "retirement_age", None) else "standard"
    return [
        Paragraph(text=text),
        Figure(
            caption=f"Fastleger som når pensjonsalderen ({retirement_age} år), per år og samlet, {first}–{last}",
            # Stacked on the earlier years' retirements, so each bar's height is how many of today's fastleger have
            # reached the age by then, and its top segment how many reach it that year.
            chart=StackedBarChart(
                title="Fastleger som når pensjonsalderen",
                y_label="Fastleger (samlet fra " + str(first) + ")",
                categories=[str(year) for year in per_year],
                segments={
                    RETIRED_EARLIER: [float(n) for n in earlier],
                    RETIRING_THAT_YEAR: [float(n) for n in per_year.values()],
                },
            ),
            source=f"{REGISTER_SOURCE} (fødselsår); pensjonsalder {retirement_age} år ({scenario_source})",
            as_of=when,
        ),
    ]


def legevakt_grant_blocks(register: Register) -> list[Block]:
    """Eligibility for the legevakt district grant (legeplan.economics; seed 002)."""
    from legeplan.economics import legevakt_grant_eligibility

    result = legevakt_grant_eligibility(register.municipality)
    lead = "Kommunen kan søke tilskuddet. " if result.eligible else "Kommunen fyller ikke vilkårene. "
    return [Callout(title="Tilskudd til legevakt i distriktene", text=lead + result.reason, tone="info")]


# --- Andre oppgaver ---------------------------------------------------------------------------------------------


def duties_blocks(register: Register) -> list[Block]:
    """Units with places, doctor hours/week, hours per place and årsverk, and the Nfas norm need (legeplan.duties)."""
    from legeplan.duties import NFAS_NORM, nursing_home_need, summarise_units

    if not register.institutions:
        return [Paragraph(text="Registeret har ingen institusjoner eller enheter med legeoppgaver.")]
    summary = summarise_units(register.institutions)
    rows = [
        [
            unit.name,
            unit.kind_name,
            _number(unit.places) if unit.places else "–",
            _number(unit.hours_per_week, 1),
            _number(unit.hours_per_place, 2) if unit.hours_per_place is not None else "–",
            _number(unit.fte, 2),
        ]
        for unit in summary.units
    ]
    indicator = summary.nursing_hours_per_place
    blocks: list[Block] = [
        Table(
            caption="Legetimer i institusjoner og enheter",
            columns=["Enhet", "Type", "Plasser", "Legetimer/uke", "Timer per plass", "Årsverk"],
            rows=rows,
            numeric=[False, False, True, True, True, True],
            total_rows=[
                [
                    "Sum",
                    "Timer per plass: sykehjem og ØHD" if indicator is not None else "",
                    _number(summary.total_places),
                    _number(summary.total_hours_per_week, 1),
                    _number(indicator, 2) if indicator is not None else "–",
                    _number(summary.total_fte, 2),
                ]
            ],
            note="Timer per plass er KOSTRA-indikatoren «legetimer per uke per beboer i sykehjem»; summen gjelder "
            "sykehjems- og ØHD-plassene. Ett årsverk er 37,5 timer per uke.",
            source=REGISTER_SOURCE,
            as_of=register.as_of,
        )
    ]
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
                    ["Langtidsplasser", _number(need.long_term_places)],
                    ["Korttids- og ØHD-plasser", _number(need.short_term_places)],
                    ["Legeårsverk etter normen", _number(need.required_fte, 2)],
                    ["Legeårsverk i dag", _number(need.current_fte, 2)],
                    ["Differanse (positiv: for få)", _number(need.gap_fte, 2)],
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
                    text=f"Sykehjemmene mangler {_number(need.gap_fte, 2)} legeårsverk "
                    f"({_number(fte_to_hours(need.gap_fte), 2)} timer per uke) etter {need.norm}.",
                    tone="warning",
                )
            )
    return blocks


# --- Fraværsdekning and Økonomi -------------------------------------------------------------------------------


def simulate_from_register(
    register: Register,
    scenario: Any = None,
    assumptions: EconomicsAssumptions | None = None,
    *,
    runs: int = 1000,
    years: int = 10,
    seed: int | None = None,
) -> Any:
    """The workforce simulation for the plan, with the locum cost per vacancy of the plan's economics assumptions."""
    from legeplan.capacity import simulate_from_register as simulate
    from legeplan.economics import EconomicsAssumptions

    cost = (assumptions or EconomicsAssumptions()).locum_cost_per_vacancy
    return simulate(register, scenario, runs=runs, years=years, seed=seed, locum_cost_nok=cost)


def simulation_blocks(
    simulation: Any, source: str, as_of: date, start: tuple[int, float, float] | None = None
) -> list[Block]:
    """Percentile bands of vacant positions and locum cost (legeplan.capacity.simulate_workforce). `start` is the
    observed (year, vacant hjemler, locum cost) on the register date, drawn as the first point of each curve, so the
    figures begin where the register's tables are."""
    bands = list(getattr(simulation, "bands", []) or [])
    percentiles = sorted(getattr(simulation, "percentiles", []) or [])
    if not bands or len(percentiles) < 3:
        return []
    low, mid, high = percentiles[0], percentiles[len(percentiles) // 2], percentiles[-1]
    years = [float(band.year) for band in bands]
    if start is not None:
        years.insert(0, float(start[0]))
    band_label = f"P{low}–P{high}"
    runs = int(getattr(simulation, "runs", 0))
    full_source = f"{source}; simulert med {_number(runs)} kjøringer"

    def values(field: str, level: int, scale: float) -> list[float]:
        simulated = [getattr(band, field)[level] / scale for band in bands]
        if start is None:
            return simulated
        return [(start[1] if field == "vacant" else start[2]) / scale, *simulated]

    def series(field: str, scale: float = 1.0) -> Series:
        return Series(
            name=f"Median (P{mid})",
            values=values(field, mid, scale),
            lower=values(field, low, scale),
            upper=values(field, high, scale),
            band_label=band_label,
        )

    total = getattr(simulation, "total_locum_cost_nok", {}) or {}
    turnover = getattr(simulation, "turnover_rate", None)
    text = (
        f"Simuleringen trekker tilfeldig avgang, pensjonering og rekrutteringstid {_number(runs)} ganger"
        + (f", med {_share(turnover)} avgang per år" if turnover is not None else "")
        + ". "
    )
    if start is not None:
        text += (
            f"Den starter fra registeret per {as_of.strftime('%d.%m.%Y')} ({_number(start[1])} ledige hjemler) "
            f"og simulerer {years[1]:.0f}–{years[-1]:.0f}. "
        )
    text += f"Båndet viser {band_label}: i {high - low} % av kjøringene ligger antallet ledige hjemler innenfor båndet."
    if mid in total:
        text += (
            f" Samlet vikarkostnad over perioden er {_money(total[mid])} i median "
            f"({_money(total[low])}–{_money(total[high])})."
        )
    return [
        Paragraph(text=text),
        Figure(
            caption="Ledige hjemler framover (simulering)",
            chart=LineChart(
                title="Ledige fastlegehjemler", y_label="Ledige hjemler", x=years, series=[series("vacant")]
            ),
            source=full_source,
            as_of=as_of,
        ),
        Figure(
            caption="Vikarkostnad framover (simulering)",
            chart=LineChart(
                title="Vikarkostnad per år",
                y_label="Millioner kroner",
                x=years,
                series=[series("locum_cost_nok", 1_000_000)],
            ),
            source=full_source,
            as_of=as_of,
        ),
    ]


def locum_cost_blocks(register: Register, assumptions: EconomicsAssumptions | None) -> list[Block]:
    """Yearly extra cost of vacant or locum-served positions (legeplan.economics.locum_cost)."""
    from legeplan.economics import EconomicsAssumptions, locum_cost

    a = assumptions or EconomicsAssumptions()
    result = locum_cost(register, a.locum_cost_per_vacancy)
    return [
        Table(
            caption="Kostnad ved vikardrift i ledige hjemler",
            columns=["", "Verdi"],
            rows=[
                ["Ledige eller vikarbetjente hjemler", _number(result.vacant_positions)],
                ["Merkostnad per hjemmel per år", _money(result.cost_per_position)],
                ["Merkostnad per år", _money(result.total)],
            ],
            note=result.explanation,
            source=f"{REGISTER_SOURCE}; {a.source}",
            as_of=register.as_of,
        )
    ]


def economy_blocks(register: Register, assumptions: EconomicsAssumptions | None) -> list[Block]:
    """Cost and income per operating model, the basistilskudd rates and a municipal top-up (legeplan.economics)."""
    from legeplan.economics import EconomicsAssumptions, compare_operating_models, municipal_top_up

    a = assumptions or EconomicsAssumptions()
    comparison = compare_operating_models(register, a)
    rows = [
        [
            row.label,
            _number(row.positions_today),
            _money(row.basistilskudd),
            _money(row.municipal_cost),
            _money(row.gp_income),
        ]
        for row in comparison.rows
    ]
    rates = a.basistilskudd
    filled = [p for p in register.positions if p.status is not PositionStatus.VACANT]
    top_up_per_gp = municipal_top_up(rates.knekkpunkt, share=0.5, rate=rates.rate_below_knekkpunkt)
    top_up_total = sum(
        municipal_top_up(
            p.listed_patients, share=0.5, rate=rates.rate_below_knekkpunkt, up_to_patients=rates.knekkpunkt
        )
        for p in filled
    )
    return [
        Paragraph(
            text="Tabellen viser én hjemmel med kommunens gjennomsnittlige liste "
            f"({_number(comparison.listed_patients)} pasienter) i hver driftsform. "
            "Med dagens driftsformer er kommunens samlede kostnad "
            f"{_money(comparison.current_municipal_cost)} per år."
        ),
        Table(
            caption="Kommunens kostnad og legens inntekt per driftsform, per hjemmel og år",
            columns=["Driftsform", "Hjemler i dag", "Basistilskudd", "Kommunens kostnad", "Legens inntekt"],
            rows=rows,
            source=comparison.source,
            as_of=comparison.as_of,
        ),
        Figure(
            caption="Kommunens kostnad per hjemmel og år etter driftsform",
            chart=BarChart(
                title="Kommunens kostnad per hjemmel",
                y_label="Tusen kroner per år",
                categories=[row.label for row in comparison.rows],
                values=[row.municipal_cost / 1000 for row in comparison.rows],
                horizontal=True,
            ),
            source=comparison.source,
            as_of=comparison.as_of,
        ),
        Table(
            caption="Satser og forutsetninger",
            columns=["Forutsetning", "Verdi"],
            rows=[
                [
                    f"Basistilskudd, de første {_number(rates.knekkpunkt)} pasientene",
                    _money(rates.rate_below_knekkpunkt),
                ],
                ["Basistilskudd, pasienter over knekkpunktet", _money(rates.rate_above_knekkpunkt)],
                ["Lister under dette betales som dette antallet", _number(rates.floor_patients)],
                ["Egenandeler og takster per listepasient", _money(a.fee_income_per_patient)],
                ["Driftskostnad per hjemmel", _money(a.practice_cost_per_year)],
                ["Fastlønn", _money(a.salary_per_year)],
                ["Arbeidsgiverkostnader", _share(a.employer_cost_share)],
                ["Kommunalt tilskudd i 8.2-avtale", _money(a.subsidy_8_2_per_year)],
                ["Vikarkostnad per ledig hjemmel", _money(a.locum_cost_per_vacancy)],
            ],
            source=a.source,
            as_of=a.as_of,
        ),
        Callout(
            title="Kommunalt tillegg til basistilskuddet",
            text="Et tillegg på 50 % av basistilskuddet for de første "
            f"{_number(rates.knekkpunkt)} pasientene (Sandefjords forslag) er {_money(top_up_per_gp)} "
            f"per fastlege med full liste, og {_money(top_up_total)} per år for "
            f"kommunens {len(filled)} besatte hjemler med dagens lister.",
            tone="info",
        ),
    ]


# --- Tiltaksplan ------------------------------------------------------------------------------------------------


STATUS_ORDER = ("planlagt", "pågår", "fortløpende", "videreføres", "gjennomført", "utsatt", "avlyst")


def action_plan_blocks(action_plan: ActionPlan | None, generated: date) -> list[Block]:
    """Goals, measures with responsible/deadline/cost/status/follow-up, cost summary and status chart."""
    if action_plan is None:
        return [Paragraph(text="Ingen tiltaksplan er lagt inn for kommunen.")]
    as_of = action_plan.as_of or generated
    source = action_plan.source
    if not action_plan.measures and not action_plan.goals:
        return [Paragraph(text="Tiltaksplanen er tom.")]
    blocks: list[Block] = []
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
        blocks.append(
            Paragraph(
                text=f"Engangskostnader med beløp summerer seg til {_money(total.known)}; med spennene i "
                f"kostnadsoverslagene {_money(total.low)}–{_money(total.high)}."
                + (
                    f" Årlige kostnader kommer i tillegg: {_money(total.per_year_known)}"
                    + (
                        f" ({_money(total.per_year_low)}–{_money(total.per_year_high)})"
                        if total.per_year_high != total.per_year_known
                        else ""
                    )
                    + " per år."
                    if total.per_year_high
                    else ""
                )
                + f" {total.uncosted} tiltak har ingen beregnet kostnad ennå («Må beregnes» eller «Utredes»)."
            )
        )
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
                    categories=[status.capitalize() for status in statuses],
                    values=[float(counts[status]) for status in statuses],
                ),
                source=source,
                as_of=as_of,
            )
        )
    return blocks
