"""The living rota: what the database keeps about a legevakt's periods, rota versions, events, doctors'
availability and requests, inbox messages and calendar tokens (issue #12).

These are plain typed models. `legeplan.storage.rota_store.RotaStore` returns them; the engines here turn them into
solver input (`apply_availability`) without touching the database.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import Field, model_validator

from legeplan.i18n import end_before_start
from legeplan.legevakt.model import (
    Assignment,
    DateRange,
    Doctor,
    Identifier,
    Role,
    RotaModel,
    RotaProblem,
    ShiftType,
    Wish,
)

if TYPE_CHECKING:
    from legeplan.register.models import Register

PeriodState = Literal["utkast", "publisert"]
PERIOD_STATES: tuple[PeriodState, ...] = ("utkast", "publisert")
AvailabilityKind = Literal["unavailable", "wish_off", "wish_on"]
AVAILABILITY_KINDS: tuple[AvailabilityKind, ...] = ("unavailable", "wish_off", "wish_on")
RequestKind = Literal["swap", "giveaway"]
REQUEST_KINDS: tuple[RequestKind, ...] = ("swap", "giveaway")
RequestState = Literal["pending", "approved", "rejected", "withdrawn"]
REQUEST_STATES: tuple[RequestState, ...] = ("pending", "approved", "rejected", "withdrawn")
#: What a rota event records. Free text is not allowed so the event list can be filtered and labelled.
EventKind = Literal[
    "created", "solved", "published", "absence", "repair", "manual_edit", "pin", "swap", "giveaway", "note"
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "created",
    "solved",
    "published",
    "absence",
    "repair",
    "manual_edit",
    "pin",
    "swap",
    "giveaway",
    "note",
)
#: Where a rota version came from.
VersionSource = Literal["solve", "repair", "manual_edit", "pin", "swap", "giveaway", "import"]
VERSION_SOURCES: tuple[VersionSource, ...] = ("solve", "repair", "manual_edit", "pin", "swap", "giveaway", "import")
#: `sending`: claimed by one sender (a lease until `retry_at`), so two workers never send the same mail.
MailState = Literal["queued", "sending", "sent", "failed", "off"]
MAIL_STATES: tuple[MailState, ...] = ("queued", "sending", "sent", "failed", "off")


class Legevakt(RotaModel):
    """A legevakt; an interkommunal one draws doctors from each member municipality's register."""

    id: int
    name: str
    members: tuple[str, ...] = Field(description="Member municipality codes (4 digits), in the order given")
    wish_deadline_days: int = Field(description="Default wish deadline: this many days before a period starts")
    auto_approve: bool = Field(description="Requests that pass every rule are approved without the legevaktsjef")
    version: int
    created_by: str
    created_at: datetime
    deleted_at: datetime | None = None


class RotaPeriod(RotaModel):
    """One rota period of a legevakt: the problem it is solved from and its state (utkast → publisert)."""

    id: int
    legevakt_id: int
    name: str
    start: date
    end: date
    state: PeriodState
    problem: RotaProblem
    wish_deadline: date | None = Field(description="Doctors may enter wishes and unavailability until this date")
    version: int = Field(description="Raised by every change of the period or its rota (no lost update)")
    published_version: int | None = Field(default=None, description="The rota version number that was published")
    published_by: str | None = None
    published_at: datetime | None = None
    created_by: str
    created_at: datetime
    deleted_at: datetime | None = None

    def wishes_open(self, today: date) -> bool:
        """Wishes and unavailability may be entered until (and including) the deadline; no deadline: until start."""
        return today <= (self.wish_deadline or self.start - timedelta(days=1))


class RotaVersion(RotaModel):
    """One stored rota of a period. Versions are never changed; the highest number is the current rota."""

    period_id: int
    number: int
    assignments: tuple[Assignment, ...]
    status: str = Field(description="Solver status of the rota (optimal, feasible, …) or «manuell»")
    source: VersionSource
    note: str = ""
    created_by: str
    created_at: datetime


class RotaEvent(RotaModel):
    """A recorded change of a period: who, what (kind + JSON detail), why."""

    id: int
    period_id: int
    version: int | None
    at: datetime
    who: str
    kind: EventKind
    detail: dict[str, Any]
    why: str = ""


class Availability(RotaModel):
    """A doctor's unavailability or wish for some dates of a period (`shift_type` None: every shift)."""

    id: int
    period_id: int
    physician_id: Identifier
    start: date
    end: date
    kind: AvailabilityKind
    shift_type: str | None = None
    note: str = ""
    created_by: str
    created_at: datetime
    deleted_at: datetime | None = None


class ShiftRef(RotaModel):
    """One shift of the rota: date, shift type and role."""

    date: _dt.date
    shift_type: Identifier
    role: Role = Role.VAKT


class RotaRequest(RotaModel):
    """A swap (with a named colleague) or give-away (to `to_physician`, or None: anyone eligible)."""

    id: int
    period_id: int
    kind: RequestKind
    from_physician: Identifier
    to_physician: Identifier | None
    shifts: tuple[ShiftRef, ...] = Field(description="The requester's shifts given away")
    return_shifts: tuple[ShiftRef, ...] = Field(default=(), description="Swap: the colleague's shifts taken back")
    state: RequestState
    refusal: str | None = Field(default=None, description="The rule that refuses it, in Norwegian")
    note: str = ""
    created_by: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    version: int


class InboxMessage(RotaModel):
    """A message in the app's inbox, to a login (`username`) or to a doctor of a register (code + physician id)."""

    id: int
    username: str | None
    municipality_code: str | None
    physician_id: str | None
    legevakt_id: int | None
    at: datetime
    subject: str
    body: str
    read: bool


class OutboxMail(RotaModel):
    """An e-mail queued or sent (the outbox is also the e-mail log)."""

    id: int
    to_address: str
    subject: str
    body: str
    state: MailState
    attempts: int
    error: str | None
    created_at: datetime
    sent_at: datetime | None
    retry_at: datetime | None = Field(None, description="A failed mail is tried again from this time (UTC)")


class CalendarToken(RotaModel):
    """A doctor's calendar subscription (the secret itself is only shown once, when it is created)."""

    id: int
    legevakt_id: int
    physician_id: str
    created_by: str
    created_at: datetime
    revoked_by: str | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class AvailabilityInput(RotaModel):
    """What a doctor or the legevaktsjef enters: the dates must be inside the period (checked by the store)."""

    physician_id: Identifier
    start: date
    end: date
    kind: AvailabilityKind
    shift_type: Identifier | None = None
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError(end_before_start(self.start, self.end))
        return self


def apply_availability(problem: RotaProblem, entries: list[Availability]) -> RotaProblem:
    """The problem with the doctors' entries added: `unavailable` to the doctor's unavailable dates (hard), `wish_off`
    and `wish_on` as «avoid» and «want» wishes for each day (soft). Entries of doctors not in the problem, deleted
    entries and days outside the period are left out."""
    doctors = {d.id for d in problem.doctors}
    live = [e for e in entries if e.deleted_at is None and e.physician_id in doctors]
    extra_off: dict[str, list[DateRange]] = {}
    wishes: list[Wish] = list(problem.wishes)
    for entry in live:
        start, end = max(entry.start, problem.start), min(entry.end, problem.end)
        if end < start:
            continue
        if entry.kind == "unavailable":
            extra_off.setdefault(entry.physician_id, []).append(DateRange(start=start, end=end))
            continue
        day = start
        while day <= end:
            kind: Literal["want", "avoid"] = "want" if entry.kind == "wish_on" else "avoid"
            wishes.append(Wish(doctor=entry.physician_id, date=day, shift_type=entry.shift_type, kind=kind))
            day += timedelta(days=1)
    doctors_out = [
        {**d.model_dump(mode="json"), "unavailable": [*d.unavailable, *extra_off[d.id]]} if d.id in extra_off else d
        for d in problem.doctors
    ]
    # Validated again, so too many entries is the model's own clear error rather than a silent cut.
    return RotaProblem.model_validate({**problem.model_dump(mode="json"), "doctors": doctors_out, "wishes": wishes})


# --- who is who: register physician ↔ doctor of the period's problem --------------------------------------------------

#: Separates municipality code and physician id in the doctor ids of an interkommunal legevakt.
MEMBER_SEPARATOR = ":"


def doctor_id(members: Sequence[str], municipality_code: str, physician_id: str) -> str:
    """The doctor id a register physician has in a period's problem (and in every `physician_id` field the rota store
    keeps): the physician id itself for a legevakt with one member, «kode:id» for an interkommunal legevakt (two
    registers may both have a «L001»)."""
    return physician_id if len(members) <= 1 else f"{municipality_code}{MEMBER_SEPARATOR}{physician_id}"


def physician_of(members: Sequence[str], doctor: str) -> tuple[str, str]:
    """The (municipality code, physician id) of a doctor id of the legevakt's problems; inverse of `doctor_id`."""
    if len(members) <= 1:
        return (members[0] if members else "", doctor)
    code, _, physician = doctor.partition(MEMBER_SEPARATOR)
    return code, physician


def problem_for_legevakt(
    members: Sequence[str],
    registers: Mapping[str, Register],
    start: date,
    end: date,
    *,
    shift_types: Sequence[ShiftType] | None = None,
    name: str | None = None,
) -> RotaProblem:
    """The rota problem for `start`–`end` from each member municipality's register (`registers` by code): the
    legevakt doctors of all of them, with ids from `doctor_id`. A member without a stored register, or whose register
    has no legevakt doctors, adds none; if no member has any, ValueError names them."""
    from legeplan.legevakt.register import problem_from_register

    doctors: list[Doctor] = []
    missing: list[str] = []
    base: RotaProblem | None = None
    for code in members:
        register = registers.get(code)
        if register is None:
            missing.append(code)
            continue
        try:
            part = problem_from_register(register, start, end, shift_types=shift_types, name=name)
        except ValueError:
            missing.append(code)
            continue
        base = base or part
        doctors.extend(d.model_copy(update={"id": doctor_id(members, code, d.id)}) for d in part.doctors)
    if base is None:
        raise ValueError(
            "ingen leger i registrene til " + ", ".join(missing) + f" deltar i legevakt i perioden fra {start}"
        )
    title = name or (base.name if len(members) <= 1 else f"Legevaktturnus {start:%d.%m.%Y}–{end:%d.%m.%Y}")
    return RotaProblem.model_validate({**base.model_dump(mode="json"), "name": title, "doctors": doctors})
