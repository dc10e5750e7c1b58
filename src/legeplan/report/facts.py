"""The quantities the plan's chapters, written findings and the municipality's `{{ … }}` text share, computed once
from the engines (legeplan.register key figures and history, legeplan.economics, legeplan.duties, legeplan.legevakt,
legeplan.capacity). Chapters read these instead of asking the engines again, so a number is the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from legeplan.capacity import DimensioningResult, dimension, retirements_by_year
from legeplan.duties import NFAS_NORM, DutiesSummary, NormNeed, nursing_home_need, summarise_units
from legeplan.economics import EconomicsAssumptions, LocumCost, locum_cost
from legeplan.figures import gps as count_gps
from legeplan.legevakt import doctors_needed
from legeplan.legevakt.register import doctors_from_register
from legeplan.register.history import StabilityResult, TurnoverResult, stability, turnover
from legeplan.register.keyfigures import LIST_HOLDING_ROLES, KeyFigures, compute_key_figures
from legeplan.register.models import PhysicianRole, Register
from legeplan.report.document import norwegian_date
from legeplan.report.format import REGISTER_SOURCE, count, decimal, kommune_name, money, number, percent
from legeplan.report.inputs import PlanInputs

#: «7 % ledighet på listene, slik det nasjonale målet er» (Sandefjord plan 2.3); a scenario's own target replaces it.
FREE_CAPACITY_TARGET = 0.07
FREE_CAPACITY_TARGET_SOURCE = "nasjonalt mål om 7 % ledig kapasitet (Plan for legetjenesten i Sandefjord, 2.3)"
#: Helse Nord's stability: 464 of 552 agreements had the same doctor from October 2017 to March 2019 (seed 004, 8.2).
REGION_STABLE, REGION_AGREEMENTS = 464, 552
REGION_STABILITY_SOURCE = "Helse Nord, fastlegeavtaler oktober 2017–mars 2019 (tabell 8.2)"
#: The length of Helse Nord's period, so the municipality's own figure is measured the same way.
REGION_PERIOD_MONTHS = 17
#: The retirement age the plan assumes when no capacity scenario gives one (the scenario's own default).
DEFAULT_RETIREMENT_AGE = 70
#: Years after the register date the retirement figure covers, as the workforce simulation does.
PLAN_YEARS = 10
AGE_NIGHT_EXEMPT, AGE_EXEMPT = 55, 60


@dataclass(frozen=True)
class PlanFinding:
    """A written finding: a sentence with its number, the source, and the chapter it belongs to."""

    chapter: str
    text: str
    source: str
    tone: Literal["info", "warning"] = "info"


@dataclass(frozen=True)
class LegevaktFacts:
    doctors: int  # active, without locums
    participating: int
    exempt: int
    aged_55: int
    aged_60: int
    participating_55_59: int
    participating_60: int
    available: int  # rota-eligible (legeplan.legevakt.doctors_from_register)
    needed: int | None  # by the norm, when it fits the municipality's size


@dataclass(frozen=True)
class PlanFacts:
    register: Register
    key: KeyFigures
    stability: StabilityResult | None
    turnover: TurnoverResult | None
    stability_period: tuple[date, date] | None
    locum: LocumCost
    duties: DutiesSummary | None
    nursing: NormNeed | None
    legevakt: LegevaktFacts
    dimensioning: DimensioningResult | None
    retirement_age: int
    retirement_age_source: str
    retirements: dict[int, int]
    lis1: int
    alis: int
    free_capacity_target: float
    free_capacity_target_source: str

    @property
    def retiring(self) -> int:
        return sum(self.retirements.values())

    def variables(self) -> dict[str, str]:
        """The values of legeplan.plan.variables.TEXT_VARIABLES, as finished Norwegian text."""
        key = self.key
        municipality = self.register.municipality
        stable = self.stability
        period = self.stability_period
        nursing = self.nursing
        duties = self.duties
        return {
            "kommune": kommune_name(municipality.name),
            "kommunenummer": municipality.code,
            "registerdato": norwegian_date(self.register.as_of),
            "innbyggere": number(key.population),
            "hjemler": number(key.positions),
            "fastleger": number(key.gp_count),
            "fastleger_ord": count(key.gp_count, "fastlege", "fastleger"),
            "hjemler_ord": count(key.positions, "fastlegehjemmel", "fastlegehjemler"),
            "listeplasser": number(key.list_places),
            "listeforte": number(key.listed_patients),
            "ledige_plasser": number(key.free_places),
            "ledig_kapasitet": percent(key.free_capacity_share),
            "snittliste": number(key.average_list_length or 0),
            "apne_lister": number(key.open_lists),
            "ledige_hjemler": number(self.locum.vacant_positions),
            "spesialistandel": percent(key.specialist_share),
            "gjennomsnittsalder": decimal(key.mean_age or 0, 1),
            "andel_55_pluss": percent(key.share_aged_55_plus),
            "andel_60_pluss": percent(key.share_aged_60_plus),
            "kvinneandel": percent(key.women_share),
            "stabilitet": percent(stable.share) if stable is not None and stable.share is not None else "ikke beregnet",
            "stabilitet_periode": f"{period[0].strftime('%d.%m.%Y')}–{period[1].strftime('%d.%m.%Y')}"
            if period
            else "ikke beregnet",
            "stabilitet_region": f"{percent(REGION_STABLE / REGION_AGREEMENTS, 0)}",
            "turnover": percent(self.turnover.share)
            if self.turnover is not None and self.turnover.share is not None
            else "ikke beregnet",
            "vikarkostnad": money(self.locum.total),
            "leger_legevakt": number(self.legevakt.participating),
            "leger_fritatt": number(self.legevakt.exempt),
            "leger_60_pluss": number(self.legevakt.aged_60),
            "pensjoneringer": number(self.retiring),
            "sykehjemsplasser": number(duties.nursing_places) if duties else "0",
            "legetimer_sykehjem": decimal(duties.nursing_hours_per_week, 1) if duties else "0",
            "timer_per_plass": decimal(duties.nursing_hours_per_place, 2)
            if duties and duties.nursing_hours_per_place is not None
            else "–",
            "sykehjem_mangler_arsverk": decimal(max(nursing.gap_fte, 0.0), 2) if nursing else "0",
            "lis1": number(self.lis1),
            "alis": number(self.alis),
        }

    def findings(self) -> list[PlanFinding]:
        """The written findings of E: free capacity vs target, GPs 60+ and legevakt, stability vs the region,
        vacancies and locum cost, retirements, the nursing-home norm gap. Each names its number and source."""
        found: list[PlanFinding] = []
        key = self.key
        as_of = self.register.as_of.strftime("%d.%m.%Y")
        if key.free_capacity_share is not None and key.list_places:
            target = self.free_capacity_target
            share = key.free_capacity_share
            text = (
                f"Ledig kapasitet på fastlegelistene er {percent(share)} ({number(key.free_places)} av "
                f"{number(key.list_places)} listeplasser), mot målet på {percent(target, 0)}."
            )
            if share < target:
                wanted = target / (1 - target) * key.listed_patients
                missing = max(wanted - key.free_places, 0.0)
                per_position = key.list_places / key.positions if key.positions else 0.0
                positions = missing / per_position if per_position else 0.0
                text += (
                    f" For å nå målet trengs om lag {number(missing)} flere listeplasser, som tilsvarer "
                    f"{decimal(positions, 1)} hjemler med dagens gjennomsnittlige listetak."
                )
            else:
                text += " Kommunen har nok ledig kapasitet til at innbyggerne kan bytte fastlege."
            found.append(
                PlanFinding(
                    chapter="fastlegeordningen",
                    text=text,
                    source=f"{REGISTER_SOURCE} per {as_of}; {self.free_capacity_target_source}",
                    tone="warning" if share < target else "info",
                )
            )
        lv = self.legevakt
        if lv.doctors:
            text = (
                f"{count(lv.aged_60, 'lege', 'leger')} av {number(lv.doctors)} ({percent(lv.aged_60 / lv.doctors)}) "
                f"er 60 år eller eldre og kan kreve fritak fra legevakt; {number(lv.participating_55_59)} av "
                f"{number(lv.participating)} i vaktordningen er 55–59 år og kan søke fritak for nattevakt nå og "
                "fra all legevakt innen fem år."
            )
            if lv.needed is not None:
                left = lv.available - lv.participating_55_59
                text += (
                    f" Går de ut av vaktordningen, er {count(max(left, 0), 'lege', 'leger')} igjen mot "
                    f"{number(lv.needed)} som normen krever."
                )
            found.append(
                PlanFinding(
                    chapter="legevakt",
                    text=text,
                    source=f"{REGISTER_SOURCE} (fødselsår, fritak) per {as_of}; SFS 2305",
                    tone="warning"
                    if lv.needed is not None and lv.available - lv.participating_55_59 < lv.needed
                    else "info",
                )
            )
        stab = self.stability
        if stab is not None and stab.share is not None and self.stability_period is not None:
            region = REGION_STABLE / REGION_AGREEMENTS
            start, end = self.stability_period
            compare = "lavere enn" if stab.share < region - 0.005 else "på høyde med eller over"
            found.append(
                PlanFinding(
                    chapter="rekruttering",
                    text=f"Stabiliteten i fastlegeordningen var {percent(stab.share)} ({stab.stable} av "
                    f"{stab.agreements_at_end} avtaler hadde samme lege {start.strftime('%m.%Y')}–"
                    f"{end.strftime('%m.%Y')}), {compare} Helse Nords {percent(region, 0)} "
                    f"({REGION_STABLE} av {REGION_AGREEMENTS}).",
                    source=f"{REGISTER_SOURCE}, avtalehistorikk; {REGION_STABILITY_SOURCE}",
                    tone="warning" if stab.share < region - 0.005 else "info",
                )
            )
        if self.locum.vacant_positions:
            found.append(
                PlanFinding(
                    chapter="vikardekning",
                    text=f"{count(self.locum.vacant_positions, 'hjemmel', 'hjemler')} er uten fast lege. Med "
                    f"vikar koster det kommunen om lag {money(self.locum.total)} ekstra per år "
                    f"({money(self.locum.cost_per_position)} per hjemmel).",
                    source=f"{REGISTER_SOURCE} per {as_of}; vikarkostnad fra økonomiforutsetningene",
                    tone="warning",
                )
            )
        if self.retiring:
            gps = count_gps(self.register).value  # fastleger and ALIS, as every other chapter counts them
            last = max(self.retirements)
            found.append(
                PlanFinding(
                    chapter="rekruttering",
                    text=f"{number(self.retiring)} av {count(gps, 'fastlege', 'fastleger')} når pensjonsalderen "
                    f"({self.retirement_age} år) innen {last} og må erstattes i tillegg til eventuelle nye hjemler.",
                    source=f"{REGISTER_SOURCE} (fødselsår); pensjonsalder {self.retirement_age_source}",
                )
            )
        nursing = self.nursing
        if nursing is not None and (nursing.long_term_places or nursing.short_term_places):
            if nursing.gap_fte > 0.005:
                text = (
                    f"Sykehjemmene har {decimal(nursing.current_fte, 2)} legeårsverk; normen krever "
                    f"{decimal(nursing.required_fte, 2)}. Det mangler {decimal(nursing.gap_fte, 2)} årsverk "
                    f"({decimal(nursing.gap_fte * 37.5, 1)} timer per uke)."
                )
            else:
                text = (
                    f"Sykehjemmene har {decimal(nursing.current_fte, 2)} legeårsverk og oppfyller normen "
                    f"({decimal(nursing.required_fte, 2)} årsverk)."
                )
            found.append(
                PlanFinding(
                    chapter="institusjon",
                    text=text,
                    source=f"{NFAS_NORM.source}; {REGISTER_SOURCE}",
                    tone="warning" if nursing.gap_fte > 0.005 else "info",
                )
            )
        return found


def _months_before(when: date, months: int) -> date:
    year, month = divmod(when.year * 12 + when.month - 1 - months, 12)
    return date(year, month + 1, min(when.day, 28))


def compute_facts(inputs: PlanInputs) -> PlanFacts:
    register = inputs.register
    when = register.as_of
    previous = inputs.previous_register
    if previous is not None and previous.as_of < when:
        period: tuple[date, date] | None = (previous.as_of, when)
    elif register.agreements:
        period = (_months_before(when, REGION_PERIOD_MONTHS), when)
    else:
        period = None
    key = compute_key_figures(register)
    stab = stability(register.agreements, *period) if period else None
    turn = turnover(register.agreements, *period) if period else None
    if stab is not None and stab.share is None:
        stab, turn, period = None, None, None
    assumptions = inputs.economics or EconomicsAssumptions()
    duties = summarise_units(register.institutions) if register.institutions else None
    nursing = nursing_home_need(register.institutions, NFAS_NORM) if register.institutions else None

    doctors = [p for p in register.physicians if p.active_at(when) and p.role != PhysicianRole.LOCUM]
    participating = [p for p in doctors if p.legevakt_participation and not p.legevakt_exempt]
    norm = inputs.legevakt_norm
    needed = (
        doctors_needed(
            norm.weekday_slots,
            norm.weekend_slots,
            every_nth_weekday=norm.every_nth_weekday,
            every_mth_weekend=norm.every_mth_weekend,
        )
        if norm.fits(register.municipality.population)
        else None
    )
    legevakt = LegevaktFacts(
        doctors=len(doctors),
        participating=len(participating),
        exempt=sum(1 for p in doctors if p.legevakt_exempt),
        aged_55=sum(1 for p in doctors if p.age_at(when) >= AGE_NIGHT_EXEMPT),
        aged_60=sum(1 for p in doctors if p.age_at(when) >= AGE_EXEMPT),
        participating_55_59=sum(1 for p in participating if AGE_NIGHT_EXEMPT <= p.age_at(when) < AGE_EXEMPT),
        participating_60=sum(1 for p in participating if p.age_at(when) >= AGE_EXEMPT),
        available=len(doctors_from_register(register, when)),
        needed=needed,
    )
    scenario = inputs.scenario
    retirement_age = scenario.retirement_age if scenario is not None else DEFAULT_RETIREMENT_AGE
    ages = [p.age_at(when) for p in register.physicians if p.role in LIST_HOLDING_ROLES and p.active_at(when)]
    counts = retirements_by_year(ages, when.year, retirement_age)
    retirements = {year: counts.get(year, 0) for year in range(when.year, when.year + PLAN_YEARS + 1)}
    target = FREE_CAPACITY_TARGET
    target_source = FREE_CAPACITY_TARGET_SOURCE
    if scenario is not None and scenario.target_free_share is not None:
        target = scenario.target_free_share
        target_source = f"målet i dimensjoneringsscenarioet «{scenario.name}»"
    active = [p for p in register.physicians if p.active_at(when)]
    return PlanFacts(
        register=register,
        key=key,
        stability=stab,
        turnover=turn,
        stability_period=period,
        locum=locum_cost(register, assumptions.locum_cost_per_vacancy),
        duties=duties,
        nursing=nursing,
        legevakt=legevakt,
        dimensioning=dimension(scenario) if scenario is not None else None,
        retirement_age=retirement_age,
        retirement_age_source="fra dimensjoneringsscenarioet" if scenario is not None else "70 år (standard)",
        retirements=retirements,
        lis1=sum(1 for p in active if p.role is PhysicianRole.LIS1),
        alis=sum(1 for p in active if p.role is PhysicianRole.ALIS),
        free_capacity_target=target,
        free_capacity_target_source=target_source,
    )
