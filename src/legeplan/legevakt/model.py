"""Pydantic models for legevakt rota problems, solutions, violations and load reports.

Sources for the rules the fields encode:

* Competence (``meets_section7``): akuttmedisinforskriften § 7, as summarised in the Sandefjord plan (seed 001,
  "Kompetansekrav") and the legevakt working-group report (seed 002, Vedlegg 1 "Bakvaktkrav i akuttmedisinforskriftens
  §7"): a doctor may be on duty alone only as specialist in general practice, or after 30 months of clinical service
  plus 40 legevakter or one year as municipal GP. Others need a competent bakvakt ("Bakvaktlegen skal være
  vaktkompetent").
* Age: SFS 2305 § 7.2 as quoted in the Bodø plan (seed 003): doctors may demand exemption after turning 60, and
  "det skal tas særlig hensyn til leger over 55 år"; Vefsn (seed 000) and Sandefjord (seed 001) grant night/health
  exemptions from 55.
* Rest: SFS 2305 (seed 002) — as a rule at least 8 hours off between work periods.
"""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from legeplan.i18n import end_before_start
from legeplan.legevakt.clock import REFERENCE_DAY, hours_between, is_night, shift_times
from legeplan.legevakt.patterns import DutyPattern, check_pattern_shift_types

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-æøåÆØÅ]+$")]

#: akuttmedisinforskriften § 7: months of clinical service after graduation needed to be on duty alone.
SECTION7_CLINICAL_MONTHS = 30
#: akuttmedisinforskriften § 7: legevakter needed in addition (alternative: one year as municipal GP).
SECTION7_LEGEVAKTER = 40
#: akuttmedisinforskriften § 7: years as allmennlege in the municipal service that replace the 40 legevakter.
SECTION7_MUNICIPAL_GP_YEARS = 1.0
#: SFS 2305 § 7.2 (seed 003): doctors may demand exemption from legevakt after turning 60.
AGE_EXEMPT = 60
#: SFS 2305 (seeds 000, 003): special consideration, e.g. exemption from nights, from 55.
AGE_NIGHT_EXEMPT_ALLOWED = 55
#: SFS 2305 (seed 002): as a rule at least 8 hours off between work periods.
DEFAULT_MIN_REST_HOURS = 8.0
#: A bakvakt counts fully in the pro-rata fairness by default: it is a work period (rest rules) and the load report
#: counts its hours; a municipality that values standby less can set e.g. ``bakvakt_weight = 0.5``.
DEFAULT_BAKVAKT_WEIGHT = 1.0
#: Longest name (problem, shift type, doctor) accepted: a name is printed in tables and messages.
MAX_NAME_LENGTH = 200
#: Upper bounds on the size of a problem, so a huge or hostile file is refused with a message, not processed.
MAX_DOCTORS = 1000
MAX_SHIFT_TYPES = 50
MAX_WISHES = 20_000
MAX_DATE_RANGES = 400

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]


class RotaModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class DayKind(StrEnum):
    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


class DaySelector(StrEnum):
    """Which calendar days a shift type runs on; public holidays count as weekend days."""

    WEEKDAYS = "weekdays"
    WEEKENDS_HOLIDAYS = "weekends_holidays"
    ALL = "all"


class Role(StrEnum):
    VAKT = "vakt"
    BAKVAKT = "bakvakt"


class ShiftType(RotaModel):
    """A kind of duty, e.g. weekday evening 15:30-23:00; ``end <= start`` means it ends the next day."""

    id: Identifier
    name: Name
    start: time
    end: time
    days: DaySelector = DaySelector.ALL
    on_site: bool = Field(default=True, description="Tilstedevakt (True) or hjemmevakt/standby (False)")
    doctors: int = Field(default=1, ge=1, le=20, description="Doctors needed on each shift")
    night: bool | None = Field(default=None, description="Counts as a night; default: covers any time 00:00-06:00")

    @property
    def hours(self) -> float:
        """Nominal length on a day without a clock change; a concrete shift's lived hours are
        ``ShiftInstance.hours`` (one less or more over the night of a DST change)."""
        return hours_between(*shift_times(REFERENCE_DAY, self.start, self.end))

    @property
    def is_night(self) -> bool:
        """``night`` when set, else :func:`legeplan.legevakt.clock.is_night` (covers time between 00:00 and 06:00;
        ending at exactly 00:00 is not a night)."""
        if self.night is not None:
            return self.night
        return is_night(*shift_times(REFERENCE_DAY, self.start, self.end))

    def runs_on(self, kind: DayKind) -> bool:
        if self.days is DaySelector.ALL:
            return True
        if self.days is DaySelector.WEEKDAYS:
            return kind is DayKind.WEEKDAY
        return kind is not DayKind.WEEKDAY


class DateRange(RotaModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(end_before_start(self.start, self.end))
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


class FairnessBalance(RotaModel):
    """A doctor's deviation from the pro-rata share carried in from earlier periods, per fairness category, in vakter
    (positive: did more than the share); see :mod:`legeplan.legevakt.fairness_history`."""

    alle: float = 0.0
    natt: float = 0.0
    helg: float = 0.0
    helligdag: float = 0.0

    def get(self, category: str) -> float:
        return float(getattr(self, category, 0.0))

    def __bool__(self) -> bool:
        return any((self.alle, self.natt, self.helg, self.helligdag))


class Doctor(RotaModel):
    """A doctor in the rota; competence fields follow akuttmedisinforskriften § 7."""

    id: Identifier
    name: Name
    age: int = Field(ge=20, le=90, description="Age at the start of the period")
    employment_fraction: float = Field(default=1.0, gt=0, le=1.0, description="Share of a full legevakt load")
    specialist: bool = Field(default=False, description="Spesialist i allmennmedisin")
    clinical_months: int = Field(default=0, ge=0, description="Months of clinical service after graduation")
    legevakter: int = Field(default=0, ge=0, description="Legevakter done so far")
    municipal_gp_years: float = Field(default=0.0, ge=0, description="Years as allmennlege in the municipal service")
    lis1: bool = Field(default=False, description="LIS1 (turnuslege): never on duty without bakvakt")
    opt_in_60: bool = Field(default=False, description="Aged 60+ but chooses to take legevakt")
    night_exempt: bool = Field(default=False, description="Exempted from nights (allowed from 55, SFS 2305)")
    unavailable: tuple[DateRange, ...] = Field(default=(), max_length=MAX_DATE_RANGES)
    pattern: DutyPattern | None = Field(default=None, description="Duty pattern: on/off cycle, fixed weekday duties")
    balance: FairnessBalance = Field(
        default_factory=FairnessBalance, description="Deviation from the pro-rata share carried from earlier periods"
    )

    @model_validator(mode="after")
    def _night_exemption_needs_age(self) -> Self:
        if self.night_exempt and self.age < AGE_NIGHT_EXEMPT_ALLOWED:
            raise ValueError(
                f"night_exempt: lege {self.id} er {self.age} år; nattfritak gis fra {AGE_NIGHT_EXEMPT_ALLOWED} år "
                "(SFS 2305); bruk 'unavailable' for annet fravær"
            )
        return self

    @property
    def meets_section7(self) -> bool:
        """May be on duty alone (akuttmedisinforskriften § 7); LIS1 never."""
        if self.lis1:
            return False
        if self.specialist:
            return True
        return self.clinical_months >= SECTION7_CLINICAL_MONTHS and (
            self.legevakter >= SECTION7_LEGEVAKTER or self.municipal_gp_years >= SECTION7_MUNICIPAL_GP_YEARS
        )

    @property
    def age_exempt(self) -> bool:
        """60+ without opting in takes no legevakt (SFS 2305 § 7.2)."""
        return self.age >= AGE_EXEMPT and not self.opt_in_60

    def is_unavailable(self, day: date) -> bool:
        """Absent that day: an ``unavailable`` range, or an off day of the pattern's cycle (legevakt.patterns)."""
        return any(r.contains(day) for r in self.unavailable) or (self.pattern is not None and self.pattern.is_off(day))


class Wish(RotaModel):
    """A doctor's wish to have ('want') or avoid ('avoid') duty on a date, optionally a given shift type."""

    doctor: Identifier
    date: date
    shift_type: Identifier | None = None
    kind: Literal["want", "avoid"] = "avoid"


class RotaProblem(RotaModel):
    """Everything the solver needs: period, shift types, doctors, wishes and rule settings."""

    name: Name = "Legevaktturnus"
    start: date
    end: date
    shift_types: tuple[ShiftType, ...] = Field(min_length=1, max_length=MAX_SHIFT_TYPES)
    doctors: tuple[Doctor, ...] = Field(min_length=1, max_length=MAX_DOCTORS)
    wishes: tuple[Wish, ...] = Field(default=(), max_length=MAX_WISHES)
    min_rest_hours: float = Field(default=DEFAULT_MIN_REST_HOURS, ge=0, le=48)
    rest_after_night_hours: float = Field(default=DEFAULT_MIN_REST_HOURS, ge=0, le=72)
    spread_days: int = Field(default=3, ge=1, le=14, description="Soft: at most one duty in any window of this size")
    extra_holidays: tuple[date, ...] = Field(
        default=(), max_length=MAX_DATE_RANGES, description="Local days treated like public holidays"
    )
    bakvakt_weight: float = Field(
        default=DEFAULT_BAKVAKT_WEIGHT,
        ge=0,
        le=1,
        description="How much a bakvakt counts in the fairness measure, relative to a vakt (1 = fully, 0 = not at all)",
    )

    @field_validator("shift_types", "doctors")
    @classmethod
    def _unique_ids(
        cls, items: tuple[ShiftType, ...] | tuple[Doctor, ...]
    ) -> tuple[ShiftType, ...] | tuple[Doctor, ...]:
        seen: set[str] = set()
        for item in items:
            item_id = str(getattr(item, "id", ""))
            if item_id in seen:
                raise ValueError(f"id {item_id!r} finnes to ganger")
            seen.add(item_id)
        return items

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.end < self.start:
            raise ValueError(end_before_start(self.start, self.end))
        if (self.end - self.start).days > 3 * 366:
            raise ValueError("perioden er lengre enn tre år")
        doctors = {d.id for d in self.doctors}
        shift_ids = {s.id for s in self.shift_types}
        check_pattern_shift_types([(d.id, d.pattern) for d in self.doctors if d.pattern is not None], shift_ids)
        for i, wish in enumerate(self.wishes):
            if wish.doctor not in doctors:
                raise ValueError(f"wishes[{i}]: ukjent lege {wish.doctor!r}")
            if wish.shift_type is not None and wish.shift_type not in shift_ids:
                raise ValueError(f"wishes[{i}]: ukjent vakttype {wish.shift_type!r}")
            if not self.start <= wish.date <= self.end:
                raise ValueError(
                    f"wishes[{i}]: datoen {wish.date:%d.%m.%Y} er utenfor perioden "
                    f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"
                )
        return self

    def doctor(self, doctor_id: str) -> Doctor:
        for d in self.doctors:
            if d.id == doctor_id:
                return d
        raise KeyError(doctor_id)


class ShiftInstance(RotaModel):
    """One concrete shift: a shift type on a date.

    ``start`` and ``end`` are aware Europe/Oslo datetimes with the fixed offset of that instant
    (:mod:`legeplan.legevakt.clock`), so ``end - start``, comparisons and ``end + rest`` are hours lived; ``hours``
    is the lived length (8 h instead of 9 for 23:00–08:00 over the spring change, 10 h over the autumn change).
    """

    index: int
    shift_type: str
    date: date
    start: datetime
    end: datetime
    hours: float
    doctors: int
    on_site: bool
    night: bool
    weekend: bool
    holiday: bool

    @property
    def key(self) -> tuple[_dt.date, str]:
        return (self.date, self.shift_type)


class Assignment(RotaModel):
    date: date
    shift_type: Identifier
    doctor: Identifier
    role: Role = Role.VAKT


class TierResult(RotaModel):
    """Outcome of one lexicographic tier: the objective found, the proven bound and the relative gap."""

    name: str
    description: str
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float


class SolveProgress(RotaModel):
    """Reported from the CP-SAT solution callback to e.g. a web progress bar."""

    tier: int
    tier_name: str
    elapsed_s: float
    objective: float
    bound: float
    solutions: int


class FairnessFigure(RotaModel):
    """Largest and mean deviation from the pro-rata target, in shifts, for one category."""

    category: str
    max_deviation: float
    mean_deviation: float


class RotaSolution(RotaModel):
    problem_name: str
    status: Literal["optimal", "feasible", "infeasible", "cancelled", "unknown"]
    assignments: tuple[Assignment, ...] = ()
    tiers: tuple[TierResult, ...] = ()
    seconds: float = 0.0
    first_feasible_s: float | None = Field(
        default=None, description="Seconds to the first rota that passed every rule (greedy start or CP-SAT)"
    )
    first_solver_s: float | None = Field(default=None, description="Seconds to CP-SAT's first solution")
    explanation: tuple[str, ...] = ()
    fairness: tuple[FairnessFigure, ...] = ()


class Violation(RotaModel):
    rule: str
    date: date | None
    doctor: str | None
    shift_type: str | None
    message: str


class MonthLoad(RotaModel):
    month: str
    shifts: int
    hours: float


class DoctorLoad(RotaModel):
    doctor: str
    name: str
    shifts: int
    hours: float
    on_site_hours: float
    nights: int
    weekend_days: int
    holiday_shifts: int
    months: tuple[MonthLoad, ...]
    every_nth_weekday: float | None = Field(description="One weekday duty every N weekdays; None if none")
    every_mth_weekend: float | None = Field(description="Duty one weekend in M; None if none")
    hours_per_week: float = Field(description="Average duty hours per week over the period")
    hours_per_week_on_top: float = Field(description="Average duty hours per week outside ordinary weekday hours")
    total_hours_per_week: float | None = Field(
        default=None, description="Ordinary week (e.g. Vefsn's 47.5 h, seed 000) plus the duty hours on top"
    )


class LoadReport(RotaModel):
    period_start: date
    period_end: date
    weekdays: int
    weekends: int
    doctors: tuple[DoctorLoad, ...]
    doctors_needed: int | None = Field(default=None, description="Doctors needed to keep within the frequency limits")
    limits: str | None = None
