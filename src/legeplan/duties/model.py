"""Municipal physician duties: units with places and doctor hours, årsverk at 37.5 h and staffing norms.

The plans measure doctor time in institutions two ways: hours per week (KOSTRA "legetimer per uke per beboer i
sykehjem") and årsverk. Both are derived here from `legeplan.register.models.Institution` so every chapter of the
plan uses the same arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from legeplan.register.models import Institution, InstitutionKind

HOURS_PER_FTE = 37.5
"""Hours per week in one årsverk (full-time equivalent) in the municipal sector."""

NURSING_HOME_KINDS = frozenset(
    {
        InstitutionKind.NURSING_HOME_LONG_TERM,
        InstitutionKind.NURSING_HOME_SHORT_TERM,
        InstitutionKind.EMERGENCY_BEDS,
    }
)
"""Kinds whose places count as "beboere i sykehjem" in the KOSTRA indicator."""

SHORT_TERM_KINDS = frozenset({InstitutionKind.NURSING_HOME_SHORT_TERM, InstitutionKind.EMERGENCY_BEDS})
"""ØHD beds are staffed like short-term places: short stays, fast turnover, much doctor time per patient."""

KIND_NAMES: dict[InstitutionKind, str] = {
    InstitutionKind.NURSING_HOME_LONG_TERM: "Sykehjem, langtid",
    InstitutionKind.NURSING_HOME_SHORT_TERM: "Sykehjem, korttid",
    InstitutionKind.EMERGENCY_BEDS: "ØHD (øyeblikkelig hjelp døgnopphold)",
    InstitutionKind.HEALTH_STATION: "Helsestasjon",
    InstitutionKind.SCHOOL_HEALTH: "Skolehelsetjeneste",
    InstitutionKind.PRISON: "Fengselshelsetjeneste",
    InstitutionKind.RECEPTION_CENTRE: "Asylmottak",
    InstitutionKind.OTHER: "Annet",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def hours_to_fte(hours_per_week: float, hours_per_fte: float = HOURS_PER_FTE) -> float:
    """Årsverk from doctor hours per week (22.5 h = 0.60 årsverk)."""
    if hours_per_week < 0:
        raise ValueError(f"legetimer per uke kan ikke være negativ: {hours_per_week}")
    if hours_per_fte <= 0:
        raise ValueError(f"timer per årsverk må være positiv: {hours_per_fte}")
    return hours_per_week / hours_per_fte


def fte_to_hours(fte: float, hours_per_fte: float = HOURS_PER_FTE) -> float:
    """Doctor hours per week from årsverk (7.5 årsverk = 281.25 h)."""
    if fte < 0:
        raise ValueError(f"årsverk kan ikke være negativ: {fte}")
    return fte * hours_per_fte


def hours_per_place(hours_per_week: float, places: int) -> float:
    """KOSTRA's "legetimer per uke per beboer i sykehjem" for one unit or a sum of units."""
    if places <= 0:
        raise ValueError(f"antall plasser må være over null for timer per plass, fikk {places}")
    if hours_per_week < 0:
        raise ValueError(f"legetimer per uke kan ikke være negativ: {hours_per_week}")
    return hours_per_week / places


class UnitSummary(_Frozen):
    """One unit with its derived figures."""

    id: str
    name: str
    kind: InstitutionKind
    kind_name: str
    places: int
    hours_per_week: float
    fte: float
    hours_per_place: float | None = Field(description="None for units without places (helsestasjon, skole)")


class DutiesSummary(_Frozen):
    """All units and totals; `nursing_hours_per_place` is the KOSTRA indicator over nursing-home kinds only."""

    units: tuple[UnitSummary, ...]
    total_places: int
    total_hours_per_week: float
    total_fte: float
    nursing_places: int
    nursing_hours_per_week: float
    nursing_hours_per_place: float | None


def summarise_units(institutions: Iterable[Institution]) -> DutiesSummary:
    """Per-unit and total hours, årsverk and hours per place."""
    units = tuple(
        UnitSummary(
            id=unit.id,
            name=unit.name,
            kind=unit.kind,
            kind_name=KIND_NAMES[unit.kind],
            places=unit.places,
            hours_per_week=unit.doctor_hours_per_week,
            fte=hours_to_fte(unit.doctor_hours_per_week),
            hours_per_place=hours_per_place(unit.doctor_hours_per_week, unit.places) if unit.places > 0 else None,
        )
        for unit in institutions
    )
    nursing = [u for u in units if u.kind in NURSING_HOME_KINDS and u.places > 0]
    nursing_places = sum(u.places for u in nursing)
    nursing_hours = sum(u.hours_per_week for u in nursing)
    total_hours = sum(u.hours_per_week for u in units)
    return DutiesSummary(
        units=units,
        total_places=sum(u.places for u in units),
        total_hours_per_week=total_hours,
        total_fte=hours_to_fte(total_hours),
        nursing_places=nursing_places,
        nursing_hours_per_week=nursing_hours,
        nursing_hours_per_place=hours_per_place(nursing_hours, nursing_places) if nursing_places else None,
    )


class NursingHomeNorm(_Frozen):
    """A staffing norm in patients per doctor årsverk, by kind of place."""

    name: str
    long_term_patients_per_fte: float = Field(gt=0)
    short_term_patients_per_fte: float = Field(gt=0)
    non_clinical_share: float = Field(ge=0, lt=1, description="Share of a position spent on non-clinical work")
    source: str

    @property
    def clinical_hours_per_fte(self) -> float:
        """Hours a week left for patients in one årsverk (37.5 x 0.7 = 26.25 for Nfas)."""
        return HOURS_PER_FTE * (1 - self.non_clinical_share)


NFAS_NORM = NursingHomeNorm(
    name="Nfas 2020",
    long_term_patients_per_fte=80,
    short_term_patients_per_fte=12,
    non_clinical_share=0.30,
    source="Norsk forening for alders- og sykehjemsmedisin (Nfas), bemanningsnorm 2020, "
    "gjengitt i Plan for legetjenesten 2021–2024, Sandefjord kommune",
)
"""About 80 long-term or 12 short-term patients per doctor årsverk, 30 % non-clinical time (seed 001)."""


class NormNeed(_Frozen):
    """Doctor årsverk a norm asks for, against what the units have today."""

    norm: str
    long_term_places: int
    short_term_places: int
    required_fte: float
    current_fte: float
    gap_fte: float = Field(description="required minus current; positive means too few doctors")
    explanation: str
    has_data: bool = Field(default=True, description="False when there are no nursing-home places or hours")


def nursing_home_need(institutions: Iterable[Institution], norm: NursingHomeNorm = NFAS_NORM) -> NormNeed:
    """Årsverk needed for the nursing-home places under `norm` (ØHD counted as short-term)."""
    units = list(institutions)
    long_term = sum(u.places for u in units if u.kind == InstitutionKind.NURSING_HOME_LONG_TERM)
    short_term = sum(u.places for u in units if u.kind in SHORT_TERM_KINDS)
    current = hours_to_fte(sum(u.doctor_hours_per_week for u in units if u.kind in NURSING_HOME_KINDS))
    required = long_term / norm.long_term_patients_per_fte + short_term / norm.short_term_patients_per_fte
    gap = required - current
    if long_term + short_term == 0 and current == 0:
        return NormNeed(
            norm=norm.name,
            long_term_places=0,
            short_term_places=0,
            required_fte=0.0,
            current_fte=0.0,
            gap_fte=0.0,
            has_data=False,
            explanation=(
                "Ingen data: det er ikke registrert sykehjems- eller ØHD-plasser eller legetimer i institusjoner, så "
                f"behovet etter normen {norm.name} kan ikke vurderes. Legg inn institusjonene i registeret "
                "(arket «institusjoner») eller i en institusjonsfil."
            ),
        )
    verdict = (
        f"mangler {_num(gap, 2)} årsverk" if gap > 0.005 else ("er over normen" if gap < -0.005 else "oppfyller normen")
    )
    explanation = (
        f"Etter normen {norm.name} (ca. {_num(norm.long_term_patients_per_fte)} langtids- eller "
        f"{_num(norm.short_term_patients_per_fte)} korttidspasienter per legeårsverk, "
        f"{_num(norm.non_clinical_share * 100)} % ikke-klinisk tid) trenger {_num(long_term)} langtidsplasser og "
        f"{_num(short_term)} korttids-/ØHD-plasser {_num(required, 2)} legeårsverk. I dag er det "
        f"{_num(current, 2)} årsverk, så kommunen {verdict}."
    )
    return NormNeed(
        norm=norm.name,
        long_term_places=long_term,
        short_term_places=short_term,
        required_fte=required,
        current_fte=current,
        gap_fte=gap,
        explanation=explanation,
    )


KOSTRA_HOURS_PER_RESIDENT_2020: dict[str, float] = {
    "3005 Drammen": 0.56,
    "3804 Sandefjord": 0.84,
    "1507 Ålesund": 0.70,
    "1804 Bodø": 0.65,
    "5401 Tromsø": 1.01,
}
"""KOSTRA 2020 «legetimer per uke per beboer i sykehjem» as Bodø's plan (seed 003) compares itself with."""

KOSTRA_SOURCE = "SSB KOSTRA 2020, gjengitt i Plan for legetjenesten, Bodø kommune (status juni 2021)"


def need_by_hours_per_place(
    institutions: Iterable[Institution], target_hours_per_place: float, reference: str
) -> NormNeed:
    """Årsverk needed to reach a KOSTRA-style target of doctor hours per week per nursing-home resident."""
    if target_hours_per_place < 0:
        raise ValueError(f"mål for timer per plass kan ikke være negativt: {target_hours_per_place}")
    units = [u for u in institutions if u.kind in NURSING_HOME_KINDS]
    long_term = sum(u.places for u in units if u.kind == InstitutionKind.NURSING_HOME_LONG_TERM)
    short_term = sum(u.places for u in units if u.kind in SHORT_TERM_KINDS)
    current = hours_to_fte(sum(u.doctor_hours_per_week for u in units))
    required = hours_to_fte((long_term + short_term) * target_hours_per_place)
    gap = required - current
    verdict = f"mangler {_num(gap, 2)} årsverk" if gap > 0.005 else "når målet"
    explanation = (
        f"For å nå {_num(target_hours_per_place, 2)} legetimer per uke per plass ({reference}) trenger "
        f"{_num(long_term + short_term)} plasser {_num(required, 2)} legeårsverk. I dag er det {_num(current, 2)} "
        f"årsverk, så kommunen {verdict}."
    )
    return NormNeed(
        norm=reference,
        long_term_places=long_term,
        short_term_places=short_term,
        required_fte=required,
        current_fte=current,
        gap_fte=gap,
        explanation=explanation,
    )


def _num(value: float, decimals: int = 0) -> str:
    """Norwegian number formatting: space as thousands separator, comma as decimal mark."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",")
