"""Operating-model economics for fastlegehjemler: basistilskudd, municipal cost and GP income, locums, grants.

Every rate is a field of `EconomicsAssumptions` so a municipality can put in this year's figures; the defaults are
the ones the seeds quote (577/499 kr basistilskudd, 1.1 MNOK fastlønn, over 1 MNOK a year per vacant hjemmel in
agency locums, the legevakt district grant capped at 1.5 MNOK).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from legeplan.documents import read_document
from legeplan.i18n import validation_message
from legeplan.register.models import Municipality, OperatingModel, PositionStatus, Register


class EconomicsInputError(ValueError):
    """Bad assumptions file; the message names the file and the field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


OPERATING_MODEL_NAMES: dict[OperatingModel, str] = {
    OperatingModel.NAERINGSDRIFT: "Næringsdrift (hovedmodellen)",
    OperatingModel.SUBSIDISED_8_2: "Næringsdrift med kommunalt tilskudd (8.2-avtale)",
    OperatingModel.FASTLONN_BONUS: "Fastlønn med bonus",
    OperatingModel.FASTLONN: "Fastlønn",
}


class BasistilskuddRates(_Frozen):
    """Basistilskudd per listed patient per year with a knekkpunkt and a floor.

    Since 1 May 2021 the rate is 577 kr for the first 1000 patients and 499 kr above (Sandefjord, seed 001).
    Lists shorter than `floor_patients` are paid as if they had that many patients.
    """

    rate_below_knekkpunkt: float = Field(default=577.0, ge=0, description="kr per patient up to the knekkpunkt")
    rate_above_knekkpunkt: float = Field(default=499.0, ge=0, description="kr per patient above the knekkpunkt")
    knekkpunkt: int = Field(default=1000, ge=0, description="Patients paid at the higher rate")
    floor_patients: int = Field(default=500, ge=0, description="Lists below this are paid as this many patients")


def basistilskudd(listed_patients: int, rates: BasistilskuddRates | None = None) -> float:
    """Annual basistilskudd for one list (1000 patients at 577 kr = 577 000 kr)."""
    if listed_patients < 0:
        raise ValueError(f"listelengde kan ikke være negativ: {listed_patients}")
    rates = rates or BasistilskuddRates()
    paid = max(listed_patients, rates.floor_patients)
    below = min(paid, rates.knekkpunkt)
    above = paid - below
    return below * rates.rate_below_knekkpunkt + above * rates.rate_above_knekkpunkt


def municipal_top_up(
    listed_patients: int, share: float = 0.5, rate: float = 577.0, up_to_patients: int = 1000
) -> float:
    """A municipal supplement of `share` x basistilskudd for the first `up_to_patients` (Sandefjord's proposal).

    0.5 x 577 kr x 1000 patients = 288 500 kr per GP.
    """
    if listed_patients < 0:
        raise ValueError(f"listelengde kan ikke være negativ: {listed_patients}")
    if share < 0 or rate < 0 or up_to_patients < 0:
        raise ValueError("andel, sats og antall pasienter må være null eller positive")
    return share * rate * min(listed_patients, up_to_patients)


class BonusKind(StrEnum):
    RATE = "rate"  # a share of the GP's fee income (HELFO refusjoner + egenandeler)
    THRESHOLD = "threshold"  # everything earned above a threshold (often the GP's own salary)


class BonusRule(_Frozen):
    """How a fastlønn-med-bonus agreement pays the bonus (Helse Nord report, seed 004, chapter 11.3.2)."""

    kind: BonusKind = BonusKind.RATE
    share: float = Field(default=0.3, ge=0, le=1, description="Share of fee income (rate) or above threshold")
    threshold_nok: float | None = Field(default=None, ge=0, description="None: the fastlønn itself")

    def bonus(self, fee_income: float, salary: float) -> float:
        """Bonus in kr for a year with `fee_income` earned."""
        if self.kind == BonusKind.RATE:
            return self.share * fee_income
        threshold = salary if self.threshold_nok is None else self.threshold_nok
        return self.share * max(0.0, fee_income - threshold)


class EconomicsAssumptions(_Frozen):
    """Rates and assumptions behind the comparison; change them to the municipality's own figures."""

    basistilskudd: BasistilskuddRates = BasistilskuddRates()
    fee_income_per_patient: float = Field(
        default=1_300.0, ge=0, description="HELFO refusjoner and egenandeler per listed patient per year (forutsetning)"
    )
    practice_cost_per_year: float = Field(
        default=900_000.0, ge=0, description="Office, staff and equipment per hjemmel per year (forutsetning)"
    )
    salary_per_year: float = Field(default=1_100_000.0, ge=0, description="Fastlønn (1.1 MNOK in seed 004)")
    employer_cost_share: float = Field(default=0.25, ge=0, le=1, description="Arbeidsgiveravgift and pension")
    subsidy_8_2_per_year: float = Field(default=300_000.0, ge=0, description="Municipal subsidy in an 8.2 agreement")
    bonus: BonusRule = BonusRule()
    locum_cost_per_vacancy: float = Field(
        default=1_000_000.0, ge=0, description="Extra cost per vacant hjemmel per year with agency locums"
    )
    source: str = (
        "Basistilskudd 577/499 kr (Plan for legetjenesten 2021–2024, Sandefjord kommune); fastlønn 1,1 mill. kr "
        "(Fastlegetjenesten i Nord-Norge, arbeidsgrupperapport, Helse Nord RHF 2019); vikarkostnad over 1 mill. kr "
        "per ledig hjemmel (Plan for legetjenesten i Vefsn kommune, 2020); øvrige tall er forutsetninger"
    )
    as_of: date = date(2021, 5, 1)


class PositionEconomics(_Frozen):
    """One hjemmel's year under one operating model."""

    model: OperatingModel
    label: str
    listed_patients: int
    basistilskudd: float
    fee_income: float
    municipal_cost: float = Field(description="Net cost to the municipality per year")
    gp_income: float = Field(description="The GP's income before tax (profit in næringsdrift, salary + bonus)")


def position_economics(
    model: OperatingModel, listed_patients: int, assumptions: EconomicsAssumptions | None = None
) -> PositionEconomics:
    """Municipal cost and GP income for one hjemmel.

    In næringsdrift the municipality pays the basistilskudd and the GP keeps the fees and pays the practice; on
    fastlønn the municipality keeps basistilskudd and fees, pays salary (with employer costs) and the practice.
    """
    a = assumptions or EconomicsAssumptions()
    base = basistilskudd(listed_patients, a.basistilskudd)
    fees = listed_patients * a.fee_income_per_patient
    employer = 1 + a.employer_cost_share
    if model == OperatingModel.NAERINGSDRIFT:
        cost, income = base, base + fees - a.practice_cost_per_year
    elif model == OperatingModel.SUBSIDISED_8_2:
        cost = base + a.subsidy_8_2_per_year
        income = base + fees - a.practice_cost_per_year + a.subsidy_8_2_per_year
    else:
        bonus = a.bonus.bonus(fees, a.salary_per_year) if model == OperatingModel.FASTLONN_BONUS else 0.0
        income = a.salary_per_year + bonus
        cost = income * employer + a.practice_cost_per_year - fees
    return PositionEconomics(
        model=model,
        label=OPERATING_MODEL_NAMES[model],
        listed_patients=listed_patients,
        basistilskudd=base,
        fee_income=fees,
        municipal_cost=cost,
        gp_income=income,
    )


class OperatingModelRow(PositionEconomics):
    """A comparison row: one hjemmel on this model, and how many of the register's hjemler use it today."""

    positions_today: int


class OperatingModelComparison(_Frozen):
    rows: tuple[OperatingModelRow, ...]
    listed_patients: int = Field(description="List length the rows are computed for")
    current_municipal_cost: float = Field(description="Sum over the register's hjemler on their own models")
    source: str
    as_of: date


def compare_operating_models(
    register: Register, assumptions: EconomicsAssumptions | None = None, listed_patients: int | None = None
) -> OperatingModelComparison:
    """Each operating model for a hjemmel with the register's average list (or `listed_patients`)."""
    a = assumptions or EconomicsAssumptions()
    positions = register.positions
    filled = [p for p in positions if p.status != PositionStatus.VACANT]
    if listed_patients is None:
        listed_patients = round(sum(p.listed_patients for p in filled) / len(filled)) if filled else 1000
    rows = tuple(
        OperatingModelRow(
            **position_economics(model, listed_patients, a).model_dump(),
            positions_today=sum(1 for p in positions if p.operating_model == model),
        )
        for model in OPERATING_MODEL_NAMES
    )
    current = sum(position_economics(p.operating_model, p.listed_patients, a).municipal_cost for p in filled)
    return OperatingModelComparison(
        rows=rows,
        listed_patients=listed_patients,
        current_municipal_cost=current,
        source=a.source,
        as_of=a.as_of,
    )


class LocumCost(_Frozen):
    vacant_positions: int
    cost_per_position: float
    total: float
    explanation: str


def locum_cost(register: Register, cost_per_vacancy: float | None = None) -> LocumCost:
    """Extra yearly cost of covering vacant hjemler (ledig or served by a vikar) with agency locums."""
    per = EconomicsAssumptions().locum_cost_per_vacancy if cost_per_vacancy is None else cost_per_vacancy
    if per < 0:
        raise ValueError(f"vikarkostnad per hjemmel kan ikke være negativ: {per}")
    vacant = sum(1 for p in register.positions if p.status in (PositionStatus.VACANT, PositionStatus.LOCUM))
    total = vacant * per
    return LocumCost(
        vacant_positions=vacant,
        cost_per_position=per,
        total=total,
        explanation=f"{vacant} ledige eller vikarbetjente hjemler à {_money(per)} gir {_money(total)} per år.",
    )


LEGEVAKT_GRANT_MAX_NOK = 1_500_000.0
LEGEVAKT_GRANT_MAX_POPULATION = 5000
LEGEVAKT_GRANT_CENTRALITY = 6


class GrantEligibility(_Frozen):
    eligible: bool
    reason: str
    max_award: float = LEGEVAKT_GRANT_MAX_NOK


def legevakt_grant_eligibility(municipality: Municipality) -> GrantEligibility:
    """The 2022 district grant: sentralitetsklasse 6 and fewer than 5000 inhabitants (seed 002)."""
    central = municipality.centrality == LEGEVAKT_GRANT_CENTRALITY
    small = municipality.population < LEGEVAKT_GRANT_MAX_POPULATION
    facts = f"{municipality.name} er i sentralitetsklasse {municipality.centrality} og har {municipality.population:,}"
    facts = facts.replace(",", " ") + " innbyggere"
    if central and small:
        reason = f"{facts}; tilskuddet gis med inntil {_money(LEGEVAKT_GRANT_MAX_NOK)}."
    else:
        missing = []
        if not central:
            missing.append("sentralitetsklasse 6")
        if not small:
            missing.append("under 5 000 innbyggere")
        reason = f"{facts}; vilkåret {' og '.join(missing)} er ikke oppfylt."
    return GrantEligibility(eligible=central and small, reason=reason)


def legevakt_grant_award(applied_nok: float) -> float:
    """Helsedirektoratet's award: what was applied for, cut to 1.5 MNOK."""
    if applied_nok < 0:
        raise ValueError(f"søknadsbeløp kan ikke være negativt: {applied_nok}")
    return min(applied_nok, LEGEVAKT_GRANT_MAX_NOK)


def load_assumptions(path: Path) -> EconomicsAssumptions:
    """Assumptions from a .toml or .json file; unknown or bad fields are named in the error."""
    data = read_document(path, EconomicsInputError)
    try:
        return EconomicsAssumptions.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise EconomicsInputError(f"{path}: felt «{field}»: {validation_message(first)}") from error


def _money(value: float) -> str:
    return f"{value:,.0f} kr".replace(",", " ")
