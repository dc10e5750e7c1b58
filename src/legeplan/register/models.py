"""Domain model of a municipality's physician services register.

These Pydantic models are the contract between the engines, storage, CLI and web layer: every engine takes and
returns them (or its own models built on them) and never touches the database.

Norwegian names that are the real names of things are kept in docstrings and field descriptions; see the README
glossary.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

#: A GP with a full list can be *required* to take this many hours/week of municipal duties (rammeavtalen ASA 4310
#: § 10.1). More can be agreed (Vefsn's GPs average 8,25 hours, seed 000 5.2.4), so above it is a warning, not an error.
MAX_GP_MUNICIPAL_HOURS = 7.5
#: Hours/week of municipal duties no GP with a list can have: a whole årsverk (37,5 h) beside the list is impossible.
IMPOSSIBLE_GP_MUNICIPAL_HOURS = 37.5

MunicipalityCode = Annotated[str, Field(pattern=r"^\d{4}$", description="SSB kommunenummer, four digits")]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class FieldError(ValueError):
    """A model-validator error about one field: `field` says which, so forms and imports can show it there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class DomainModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OperatingModel(StrEnum):
    """Driftsform for a fastlegehjemmel."""

    NAERINGSDRIFT = "naeringsdrift"  # hovedmodell: self-employed, basistilskudd + fees
    SUBSIDISED_8_2 = "8.2"  # næringsdrift with municipal subsidy (§ 8.2-avtale)
    FASTLONN = "fastlonn"  # salaried by the municipality
    FASTLONN_BONUS = "fastlonn_bonus"  # salaried with a bonus (rate or threshold)


class PositionStatus(StrEnum):
    FILLED = "filled"  # besatt
    VACANT = "vacant"  # ledig
    LOCUM = "locum"  # betjent av vikar


class PhysicianRole(StrEnum):
    GP = "gp"  # fastlege
    LIS1 = "lis1"  # lege i spesialisering, del 1 (former turnuslege)
    ALIS = "alis"  # allmennlege i spesialisering (in a GP position)
    MUNICIPAL = "municipal"  # kommunelege / sykehjemslege / helsestasjonslege without a list
    LOCUM = "locum"  # vikar


class SpecialistStatus(StrEnum):
    SPECIALIST = "specialist"  # spesialist i allmennmedisin
    IN_TRAINING = "in_training"  # under spesialisering
    NONE = "none"


class ExemptionKind(StrEnum):
    """Why a physician is exempt from legevakt (fritak)."""

    AGE = "age"  # aldersfritak, 60 år og eldre (SFS 2305 § 7.2)
    HEALTH = "health"  # helsegrunner
    AGREEMENT = "agreement"  # avtalt fritak (f.eks. kommunal bistilling eller omsorg)
    OTHER = "other"


class ReductionReason(StrEnum):
    """Why a hjemmel's list is planned to be cut (listereduksjon)."""

    MUNICIPAL_DUTIES = "municipal_duties"  # kommunale oppgaver
    ALIS = "alis"  # utdanning (ALIS)
    OWN_WISH = "own_wish"  # legens eget ønske


class PlannedPositionKind(StrEnum):
    """What a planned or decided hjemmel is for (Bodø's table: befolkningsøkning, naturlig avgang, ALIS)."""

    GROWTH = "growth"  # ny hjemmel for vekst eller kortere lister
    ALIS = "alis"  # ny ALIS-hjemmel
    REPLACEMENT = "replacement"  # erstatning for en lege som slutter


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"


class InstitutionKind(StrEnum):
    NURSING_HOME_LONG_TERM = "nursing_home_long_term"  # sykehjem, langtidsplasser
    NURSING_HOME_SHORT_TERM = "nursing_home_short_term"  # korttid/rehabilitering
    EMERGENCY_BEDS = "emergency_beds"  # ØHD, kommunal øyeblikkelig hjelp døgnopphold
    HEALTH_STATION = "health_station"  # helsestasjon
    SCHOOL_HEALTH = "school_health"  # skolehelsetjeneste
    PRISON = "prison"  # fengselshelsetjeneste
    RECEPTION_CENTRE = "reception_centre"  # asylmottak
    OTHER = "other"


class Municipality(DomainModel):
    code: MunicipalityCode
    name: str = Field(min_length=1)
    population: int = Field(ge=0, description="Inhabitants at population_date")
    population_date: date | None = None
    centrality: int = Field(ge=1, le=6, description="SSB sentralitetsindeks class, 1 most central")


class Office(DomainModel):
    """Legekontor."""

    id: Identifier
    municipality_code: MunicipalityCode
    name: str = Field(min_length=1)
    address: str | None = None


class Position(DomainModel):
    """Fastlegehjemmel: one GP list agreement slot with the municipality."""

    id: Identifier
    municipality_code: MunicipalityCode
    office_id: Identifier | None = None
    list_ceiling: int = Field(ge=0, description="Listetak")
    listed_patients: int = Field(ge=0, description="Patients on the list")
    operating_model: OperatingModel = OperatingModel.NAERINGSDRIFT
    status: PositionStatus = PositionStatus.FILLED
    open_list: bool | None = Field(default=None, description="Åpen liste; if None it is derived as listed < ceiling")
    planned_reduction: int = Field(default=0, ge=0, description="Planned list reduction (places)")
    reduction_reason: ReductionReason | None = None

    @model_validator(mode="after")
    def _listed_within_ceiling(self) -> Self:
        if self.listed_patients > self.list_ceiling:
            raise FieldError(
                "listed_patients",
                f"pasienter på lista ({self.listed_patients}) er flere enn listetaket ({self.list_ceiling})",
            )
        if self.planned_reduction > self.list_ceiling:
            raise FieldError(
                "planned_reduction",
                f"listereduksjonen ({self.planned_reduction}) er større enn listetaket ({self.list_ceiling})",
            )
        return self

    @property
    def planned_list(self) -> int:
        """Patients on the list after the planned reduction: at most the ceiling less the reduction."""
        return min(self.listed_patients, self.list_ceiling - self.planned_reduction)

    @property
    def free_places(self) -> int:
        return self.list_ceiling - self.listed_patients

    @property
    def is_open(self) -> bool:
        return self.open_list if self.open_list is not None else self.free_places > 0


class Physician(DomainModel):
    id: Identifier
    municipality_code: MunicipalityCode
    name: str = Field(min_length=1)
    birth_year: int = Field(ge=1900)
    sex: Sex
    specialist_status: SpecialistStatus = SpecialistStatus.NONE
    role: PhysicianRole = PhysicianRole.GP
    position_id: Identifier | None = Field(default=None, description="Current hjemmel, for GPs")
    employment_fraction: float = Field(default=1.0, gt=0, le=1.0)
    start_date: date
    end_date: date | None = None
    municipal_duty_hours: float = Field(default=0.0, ge=0, description="Offentlige allmennlegeoppgaver, hours/week")
    legevakt_participation: bool = True
    legevakt_exempt: bool = False
    exemption_kind: ExemptionKind | None = Field(default=None, description="Kind of legevakt exemption (fritak)")
    # Akuttmedisinforskriften § 7 facts; None where not known (the rota then counts only time in the register).
    clinical_months: int | None = Field(default=None, ge=0, le=720, description="Months of clinical work (§ 7)")
    legevakter_done: int | None = Field(default=None, ge=0, le=100_000, description="Legevakter done (§ 7)")
    municipal_gp_years: float | None = Field(
        default=None, ge=0, le=60, description="Years as GP in the municipality (§ 7)"
    )
    training_start: date | None = Field(default=None, description="LIS1/ALIS training start")
    training_end: date | None = Field(default=None, description="LIS1/ALIS training end (planned or done)")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.birth_year > date.today().year:
            raise FieldError("birth_year", f"fødselsåret {self.birth_year} er fram i tid")
        if self.end_date is not None and self.end_date < self.start_date:
            raise FieldError("end_date", "sluttdatoen er før startdatoen")
        if self.exemption_kind is not None and not self.legevakt_exempt:
            raise FieldError("exemption_kind", "type fritak er oppgitt, men legen er ikke markert som fritatt")
        if self.training_start and self.training_end and self.training_end < self.training_start:
            raise FieldError("training_end", "slutten på utdanningen er før starten")
        if self.role in (PhysicianRole.GP, PhysicianRole.ALIS) and (
            self.municipal_duty_hours > IMPOSSIBLE_GP_MUNICIPAL_HOURS
        ):
            hours = f"{self.municipal_duty_hours:g}".replace(".", ",")
            limit = f"{IMPOSSIBLE_GP_MUNICIPAL_HOURS:g}".replace(".", ",")
            raise FieldError(
                "municipal_duty_hours",
                f"{hours} timer per uke er umulig for en fastlege med liste (mer enn et årsverk, {limit} timer)",
            )
        return self

    @property
    def municipal_hours_above_duty(self) -> bool:
        """More municipal hours than a GP can be required to do (ASA 4310 § 10.1): allowed when agreed."""
        return (
            self.role in (PhysicianRole.GP, PhysicianRole.ALIS) and self.municipal_duty_hours > MAX_GP_MUNICIPAL_HOURS
        )

    def age_at(self, when: date) -> int:
        """Age in whole years on `when`, from birth year only (the register holds no birth date)."""
        return when.year - self.birth_year

    def active_at(self, when: date) -> bool:
        return self.start_date <= when and (self.end_date is None or self.end_date >= when)


class Agreement(DomainModel):
    """Fastlegeavtale: which physician held which hjemmel when. The history behind stability and turnover."""

    position_id: Identifier
    physician_id: Identifier | None = Field(default=None, description="None while the position is vacant")
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end_date is not None and self.end_date < self.start_date:
            raise FieldError("end_date", "sluttdatoen er før startdatoen")
        return self

    def active_at(self, when: date) -> bool:
        return self.start_date <= when and (self.end_date is None or self.end_date >= when)


class Institution(DomainModel):
    """A unit with municipal physician tasks: nursing home, helsestasjon, prison, reception centre..."""

    id: Identifier
    municipality_code: MunicipalityCode
    name: str = Field(min_length=1)
    kind: InstitutionKind
    places: int = Field(default=0, ge=0)
    doctor_hours_per_week: float = Field(default=0.0, ge=0)


class PlannedPosition(DomainModel):
    """A decided or planned fastlegehjemmel: when it is to be filled and why (growth, ALIS, replacement)."""

    id: Identifier
    municipality_code: MunicipalityCode
    kind: PlannedPositionKind
    year: int = Field(ge=1900, le=2200, description="Year the hjemmel is to be filled")
    decided: date | None = Field(default=None, description="Date decided (vedtatt); None while only planned")
    replaces: Identifier | None = Field(default=None, description="The hjemmel whose doctor it replaces")
    note: str | None = None

    @model_validator(mode="after")
    def _sensible(self) -> Self:
        if self.replaces is not None and self.kind is not PlannedPositionKind.REPLACEMENT:
            raise FieldError("replaces", "bare en erstatning kan erstatte en hjemmel")
        return self


class Register(DomainModel):
    """The whole register of one municipality as of `as_of`."""

    as_of: date
    municipality: Municipality
    offices: tuple[Office, ...] = ()
    positions: tuple[Position, ...] = ()
    physicians: tuple[Physician, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    institutions: tuple[Institution, ...] = ()
    planned_positions: tuple[PlannedPosition, ...] = ()
