"""Duty patterns as rules of the problem: a doctor's ``pattern`` instead of hand-typed unavailability.

* **Cycle** — ``on_days`` on, ``off_days`` off, from ``anchor`` (the first day of an on-period). The Nordsjøturnus of
  seed 002 (Vedlegg 1, Lyngen) is ``on_days = 14, off_days = 28``: «To uker på, fire uker av, som utgjør i
  gjennomsnitt 56 timer i uka gjennom året». Off days count as absence (rule ``fravær``) everywhere the rules ask
  :meth:`Doctor.is_unavailable` — solver, checker, candidates, repair — and they lower the doctor's pro-rata share.
  The first off day is the handover morning: the on-period's last døgnvakt ends then, so the day is not absence, but
  no duty may start on it (rule ``mønster``; the solver gets these as forbidden assignments).
* **Fixed duties** — e.g. every Tuesday evening (``{ weekday = 2, shift_type = "kveld" }``, ISO weekday 1 = mandag).
  Every such shift in the period on which the doctor is available is a pin the solver must keep
  (:func:`pattern_pins`), and the checker reports a missing one (rule ``fast_vakt``).

This module holds the pattern models (imported by :mod:`legeplan.legevakt.model`) and must not import the model
module at import time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from legeplan.legevakt.model import Assignment, RotaProblem, ShiftInstance, Violation

_ShiftId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-æøåÆØÅ]+$")]

WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

PATTERN_RULE_TEXT = {
    "fast_vakt": "legen har fast vakt denne ukedagen etter sitt vaktmønster",
    "mønster": "legen har fri etter sitt vaktmønster (syklus med dager på og av)",
}


class _PatternModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class FixedDuty(_PatternModel):
    """A duty the doctor always has: this shift type on this ISO weekday (1 = mandag … 7 = søndag)."""

    weekday: int = Field(ge=1, le=7)
    shift_type: _ShiftId
    role: str = Field(default="vakt", pattern="^(vakt|bakvakt)$")


class DutyPattern(_PatternModel):
    """A doctor's duty pattern: an on/off cycle and/or fixed weekday duties."""

    anchor: date | None = Field(default=None, description="First day of an on-period (cycle)")
    on_days: int = Field(default=0, ge=0, le=366)
    off_days: int = Field(default=0, ge=0, le=366)
    fixed: tuple[FixedDuty, ...] = ()

    @model_validator(mode="after")
    def _cycle_complete(self) -> Self:
        cycle = (self.anchor is not None, self.on_days > 0, self.off_days > 0)
        if any(cycle) and not all(cycle):
            raise ValueError("et syklusmønster trenger anchor, on_days og off_days (f.eks. 14 på, 28 av)")
        return self

    def _cycle_day(self, day: date) -> int | None:
        if self.anchor is None or not self.on_days:
            return None
        return (day - self.anchor).days % (self.on_days + self.off_days)

    def is_off(self, day: date) -> bool:
        """An off day of the cycle, from the second off day (the first is the handover morning: the on-period's last
        duty ends then, so the doctor counts as available that day, but may not start a duty, see
        :meth:`is_handover`). Never, without a cycle."""
        position = self._cycle_day(day)
        return position is not None and position > self.on_days

    def is_handover(self, day: date) -> bool:
        """The first off day: a duty may end that morning but not start."""
        return self._cycle_day(day) == self.on_days


def check_pattern_shift_types(patterns: Sequence[tuple[str, DutyPattern]], shift_ids: Collection[str]) -> None:
    """Raise ``ValueError`` for a fixed duty on an unknown shift type (called by the problem's validator)."""
    for doctor, pattern in patterns:
        for duty in pattern.fixed:
            if duty.shift_type not in shift_ids:
                raise ValueError(f"doctors {doctor}: pattern.fixed: unknown shift type {duty.shift_type!r}")


def pattern_pins(problem: RotaProblem, instances: Sequence[ShiftInstance] | None = None) -> list[Assignment]:
    """Every fixed duty of every pattern in the period, on the days the doctor may take it (age, night exemption and
    absence by :func:`legeplan.legevakt.rules.blocking_rules`)."""
    from legeplan.legevakt.calendar import expand_shifts
    from legeplan.legevakt.model import Assignment, Role
    from legeplan.legevakt.rules import blocking_rules

    wanted = [(d, f) for d in problem.doctors if d.pattern is not None for f in d.pattern.fixed]
    if not wanted:
        return []
    pins: list[Assignment] = []
    for inst in instances if instances is not None else expand_shifts(problem):
        for doctor, duty in wanted:
            matches = duty.shift_type == inst.shift_type and inst.date.isoweekday() == duty.weekday
            if matches and not blocking_rules(doctor, inst):
                pins.append(
                    Assignment(date=inst.date, shift_type=inst.shift_type, doctor=doctor.id, role=Role(duty.role))
                )
    return pins


def pattern_forbidden(problem: RotaProblem, instances: Sequence[ShiftInstance] | None = None) -> list[Assignment]:
    """Duties (vakt and bakvakt) starting on a cycle's handover day: the first off day, whose morning still ends the
    on-period's last duty. The other off days are absence already (:meth:`Doctor.is_unavailable`)."""
    from legeplan.legevakt.calendar import expand_shifts
    from legeplan.legevakt.model import Assignment, Role

    cycling = [d for d in problem.doctors if d.pattern is not None and d.pattern.anchor is not None]
    if not cycling:
        return []
    banned: list[Assignment] = []
    for inst in instances if instances is not None else expand_shifts(problem):
        for doctor in cycling:
            assert doctor.pattern is not None
            if doctor.pattern.is_handover(inst.date):
                banned.extend(
                    Assignment(date=inst.date, shift_type=inst.shift_type, doctor=doctor.id, role=role) for role in Role
                )
    return banned


def fixed_duty_violations(
    problem: RotaProblem, instances: Sequence[ShiftInstance], held: Collection[tuple[str, int, str]]
) -> list[Violation]:
    """A ``fast_vakt`` violation for each fixed duty the rota does not give the doctor (``held``: doctor, instance
    index, role value)."""
    from legeplan.legevakt.model import Violation

    violations = []
    index = {i.key: i.index for i in instances}
    for ban in pattern_forbidden(problem, instances):
        if (ban.doctor, index[(ban.date, ban.shift_type)], ban.role.value) in held:
            violations.append(
                Violation(
                    rule="mønster",
                    date=ban.date,
                    doctor=ban.doctor,
                    shift_type=ban.shift_type,
                    message=f"{ban.doctor} har fri fra {ban.date} etter vaktmønsteret ({PATTERN_RULE_TEXT['mønster']})",
                )
            )
    for pin in pattern_pins(problem, instances):
        if (pin.doctor, index[(pin.date, pin.shift_type)], pin.role.value) not in held:
            violations.append(
                Violation(
                    rule="fast_vakt",
                    date=pin.date,
                    doctor=pin.doctor,
                    shift_type=pin.shift_type,
                    message=f"{pin.doctor} mangler fast {pin.role.value} {pin.shift_type} på "
                    f"{WEEKDAY_NAMES[pin.date.weekday()]} ({PATTERN_RULE_TEXT['fast_vakt']})",
                )
            )
    return violations
