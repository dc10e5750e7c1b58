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

#: A GP with a full list may take at most this many hours/week of municipal duties (rammeavtalen ASA 4310 § 10.1).
MAX_GP_MUNICIPAL_HOURS = 7.5

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

    @model_validator(mode="after")
    def _listed_within_ceiling(self) -> Self:
        if self.listed_patients > self.list_ceiling:
            raise FieldError(
                "listed_patients",
                f"pasienter på lista ({self.listed_patients}) er flere enn listetaket ({self.list_ceiling})",
            )
        return self

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

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.birth_year > date.today().year:
            raise FieldError("birth_year", f"fødselsåret {self.birth_year} er fram i tid")
        if self.end_date is not None and self.end_date < self.start_date:
            raise FieldError("end_date", "sluttdatoen er før startdatoen")
        if self.role in (PhysicianRole.GP, PhysicianRole.ALIS) and (self.municipal_duty_hours > MAX_GP_MUNICIPAL_HOURS):
            hours = f"{self.municipal_duty_hours:g}".replace(".", ",")
            limit = f"{MAX_GP_MUNICIPAL_HOURS:g}".replace(".", ",")
            raise FieldError(
                "municipal_duty_hours",
                f"{hours} timer per uke er mer enn {limit} for en fastlege (ASA 4310 § 10.1)",
            )
        return self

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


class Register(DomainModel):
    """The whole register of one municipality as of `as_of`."""

    as_of: date
    municipality: Municipality
    offices: tuple[Office, ...] = ()
    positions: tuple[Position, ...] = ()
    physicians: tuple[Physician, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    institutions: tuple[Institution, ...] = ()
