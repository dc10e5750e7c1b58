"""The living legevakt rota: what the legevaktsjef does with a period, over the rota store and the pure engines.

Used alike by the web pages (`legeplan.web.routes.legevakt`), the CLI (`legeplan legevakt …`) and the job handlers
(solve, repair), so each action is one function with one set of checks. Engines stay pure (`legeplan.legevakt.*`);
the database is only reached through `RotaStore` and `Storage`. Errors the user can fix raise `LivingRotaError`
(one Norwegian sentence); a change a rule refuses raises `RuleRefusal`, whose message names the rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from legeplan.i18n import end_before_start, text
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.candidates import (
    CandidateReport,
    ChangeError,
    RotaChange,
    apply_change,
    candidates,
    check_change,
)
from legeplan.legevakt.coverage import CoverageReport, coverage_report
from legeplan.legevakt.fairness_history import BalanceReport, BalanceRow, cumulative_balance, with_balance
from legeplan.legevakt.hours import MonthHours, payroll_hours
from legeplan.legevakt.living import (
    EventKind,
    Legevakt,
    RotaPeriod,
    RotaVersion,
    VersionSource,
    apply_availability,
    doctor_id,
    problem_for_legevakt,
)
from legeplan.legevakt.model import Assignment, FairnessBalance, Role, RotaProblem, RotaSolution, ShiftType, Violation
from legeplan.legevakt.repair import RepairError, RepairResult, diff_rotas, repair_rota
from legeplan.register.models import Register
from legeplan.storage.repository import RegisterNotFoundError, Storage, VersionConflict
from legeplan.storage.rota_store import RotaStore, RotaStoreError, check_members


class LivingRotaError(ValueError):
    """Something the user can fix: unknown doctor, dates outside the period, no rota yet, wrong state."""


class RuleRefusal(LivingRotaError):
    """A change that would break a rota rule; the message names each rule (Norwegian)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__("; ".join(f"{v.message} [regel: {v.rule}]" for v in self.violations))


# --- building a period -----------------------------------------------------------------------------------------------


def member_registers(storage: Storage, legevakt: Legevakt, as_of: date | None = None) -> dict[str, Register]:
    """The stored register of each member municipality (at or before `as_of`; None: the newest)."""
    registers: dict[str, Register] = {}
    for code in legevakt.members:
        try:
            registers[code] = storage.load_register(code, as_of)
        except RegisterNotFoundError:
            continue
    return registers


def members_without_register(storage: Storage, members: Sequence[str]) -> list[str]:
    """The member codes with no stored register (one small indexed query each): a period from the registers would
    get no doctors from them."""
    return [code for code in members if storage.register_key(code) is None]


def create_legevakt(
    storage: Storage,
    store: RotaStore,
    name: str,
    members: Sequence[str],
    created_by: str,
    *,
    wish_deadline_days: int = 14,
    auto_approve: bool = False,
) -> Legevakt:
    """A new legevakt, refused (`LivingRotaError` naming the codes) when a member municipality has no register: its
    doctors come from the members' registers, so such a member would only show up later as «ingen leger i
    registrene til …» when a period is made."""
    try:
        codes = check_members(members)
    except RotaStoreError as error:
        raise LivingRotaError(str(error)) from error
    missing = members_without_register(storage, codes)
    if missing:
        who = (
            text("lv.no_register.one", code=missing[0])
            if len(missing) == 1
            else text("lv.no_register.many", codes=", ".join(missing))
        )
        raise LivingRotaError(text("lv.no_register", codes=who))
    try:
        return store.create_legevakt(
            name, codes, created_by, wish_deadline_days=wish_deadline_days, auto_approve=auto_approve
        )
    except RotaStoreError as error:
        raise LivingRotaError(str(error)) from error


def period_problem(
    storage: Storage,
    legevakt: Legevakt,
    start: date,
    end: date,
    *,
    shift_types: Sequence[ShiftType] | None = None,
    name: str | None = None,
) -> RotaProblem:
    """The problem for a new period from the members' registers (see `living.problem_for_legevakt`)."""
    if end < start:
        raise LivingRotaError(end_before_start(start, end))
    try:
        return problem_for_legevakt(
            legevakt.members, member_registers(storage, legevakt), start, end, shift_types=shift_types, name=name
        )
    except ValueError as error:
        raise LivingRotaError(str(error)) from error


def legevakter_of_doctor(
    storage: Storage, store: RotaStore, municipality_code: str, physician_id: str
) -> list[tuple[Legevakt, str]]:
    """The legevakter a login of role `lege` may see: those with the physician's municipality as member, while that
    municipality's newest register holds the physician; each with the doctor id the physician has in its periods."""
    try:
        register = storage.load_register(municipality_code)
    except RegisterNotFoundError:
        return []
    if physician_id not in {p.id for p in register.physicians}:
        return []
    return [
        (legevakt, doctor_id(legevakt.members, municipality_code, physician_id))
        for legevakt in store.legevakter_of_physician(municipality_code, physician_id)
    ]


def default_shift_types(store: RotaStore, legevakt_id: int) -> tuple[ShiftType, ...]:
    """The shift types a new period from the registers gets: those of the legevakt's latest period (so a legevakt
    that uploaded its own pattern once keeps it), else the shipped example's (dag helg/helligdag, kveld, natt)."""
    from legeplan.legevakt.io import example_problem

    periods = store.periods(legevakt_id)
    return periods[-1].problem.shift_types if periods else example_problem("small").shift_types


# --- fairness over published periods ---------------------------------------------------------------------------------


def published_history(
    store: RotaStore, legevakt_id: int, before: date | None = None
) -> list[tuple[RotaPeriod, RotaVersion]]:
    """The published periods (ending before `before`, if given) with their live rota, oldest first."""
    history = []
    for period in store.periods(legevakt_id, state="publisert", before=before):
        version = store.current_version(period.id)
        if version is not None:
            history.append((period, version))
    return history


def _zero_balance(problem: RotaProblem) -> RotaProblem:
    doctors = tuple(d.model_copy(update={"balance": FairnessBalance()}) for d in problem.doctors)
    return problem.model_copy(update={"doctors": doctors})


def fairness_report(store: RotaStore, legevakt_id: int, before: date | None = None) -> BalanceReport:
    """Each doctor's cumulative load, pro-rata share and balance per category over the published periods, each period
    measured against its own doctors and dates (a doctor who joined later owes nothing for the time before)."""
    load: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    bakvakter: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    periods: list[tuple[date, date]] = []
    for period, version in published_history(store, legevakt_id, before):
        report = cumulative_balance(_zero_balance(period.problem), [version.assignments])
        periods.append((period.start, period.end))
        for row in report.doctors:
            names[row.doctor] = row.name
            for category, value in row.load.items():
                load[row.doctor][category] += value
            for category, value in row.share.items():
                share[row.doctor][category] += value
            bakvakter[row.doctor] += row.bakvakter
    rows = tuple(
        BalanceRow(
            doctor=doctor,
            name=names[doctor],
            load={c: round(v, 3) for c, v in load[doctor].items()},
            share={c: round(v, 3) for c, v in share[doctor].items()},
            balance={c: round(load[doctor][c] - share[doctor][c], 3) for c in share[doctor]},
            bakvakter=bakvakter[doctor],
        )
        for doctor in sorted(names, key=lambda d: names[d])
    )
    return BalanceReport(periods=tuple(periods), doctors=rows)


def solve_problem(store: RotaStore, period: RotaPeriod) -> RotaProblem:
    """What the solver gets for a period: its problem, the doctors' availability and wishes, and each doctor's
    balance carried over the legevakt's earlier published periods."""
    problem = apply_availability(period.problem, store.availability(period.id))
    report = fairness_report(store, period.legevakt_id, before=period.start)
    if not report.doctors:
        return problem
    carried = {r.doctor: r for r in report.doctors}
    doctors = [d for d in problem.doctors if d.id in carried]
    if not doctors:
        return problem
    subset = BalanceReport(periods=report.periods, doctors=tuple(carried[d.id] for d in doctors))
    return with_balance(problem, subset)


# --- pins ------------------------------------------------------------------------------------------------------------


def pins(store: RotaStore, period_id: int) -> list[Assignment]:
    """The assignments locked by the legevaktsjef (replaying the period's «pin» events, oldest first)."""
    locked: dict[tuple[date, str, str, str], Assignment] = {}
    for event in reversed(store.events(period_id, kind="pin")):
        a = Assignment.model_validate(event.detail["assignment"])
        key = (a.date, a.shift_type, a.doctor, a.role.value)
        if event.detail.get("pinned", True):
            locked[key] = a
        else:
            locked.pop(key, None)
    return sorted(locked.values(), key=lambda a: (a.date, a.shift_type, a.doctor))


# --- storing a solve -------------------------------------------------------------------------------------------------


def store_solution(
    store: RotaStore, period_id: int, solution: RotaSolution, who: str, *, expected_version: int
) -> RotaVersion:
    """A finished solve as the period's next rota version (event «solved»)."""
    if not solution.assignments:
        raise LivingRotaError("løseren fant ingen turnus: " + "; ".join(solution.explanation or (solution.status,)))
    return store.add_version(
        period_id,
        solution.assignments,
        who,
        expected_version=expected_version,
        source="solve",
        status=solution.status,
        events=[("solved", {"status": solution.status, "assignments": len(solution.assignments)}, "")],
    )


def solve_now(store: RotaStore, period_id: int, who: str, *, time_limit_s: float = 30.0) -> RotaVersion:
    """Solve a period in this process (the CLI; the web runs the same as a job)."""
    from legeplan.legevakt.solver import solve_rota

    period = require_period(store, period_id)
    if period.state != "utkast":
        raise LivingRotaError("perioden er publisert; bruk fravær/reparasjon eller endring av én vakt")
    solution = solve_rota(solve_problem(store, period), time_limit_s=time_limit_s, fixed=pins(store, period_id))
    return store_solution(store, period_id, solution, who, expected_version=period.version)


def require_period(store: RotaStore, period_id: int) -> RotaPeriod:
    period = store.period(period_id)
    if period is None or period.deleted_at is not None:
        raise LivingRotaError(f"periode {period_id} finnes ikke")
    return period


def require_current(period: RotaPeriod, expected_version: int) -> None:
    """A change computed from an older state of the period is refused before any work (no lost update)."""
    if period.version != expected_version:
        raise VersionConflict(expected_version, period.version)


def require_rota(store: RotaStore, period_id: int) -> RotaVersion:
    version = store.current_version(period_id)
    if version is None:
        raise LivingRotaError("perioden har ingen turnus ennå; løs den først")
    return version


def _doctor(problem: RotaProblem, doctor_id: str) -> None:
    if doctor_id not in {d.id for d in problem.doctors}:
        raise LivingRotaError(f"ukjent lege «{doctor_id}» i perioden")


def _changes(detail: Sequence[Any]) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in detail]


# --- repair after illness --------------------------------------------------------------------------------------------


def repair(
    store: RotaStore,
    period_id: int,
    doctor_id: str,
    start: date,
    end: date,
    who: str,
    *,
    expected_version: int,
    why: str = "",
    time_limit_s: float = 20.0,
) -> tuple[RotaVersion | None, RepairResult]:
    """Mark a doctor away from `start` to `end` and repair the rota: only what must change, fewest changed
    assignments first, then fairness. Stores the next version with an «absence» and a «repair» event listing every
    changed assignment, and keeps the absence in the period's problem (later repairs and candidates respect it).
    With nothing to change, only the absence is recorded (version None)."""
    period = require_period(store, period_id)
    require_current(period, expected_version)
    rota = require_rota(store, period_id)
    _doctor(period.problem, doctor_id)
    if end < start:
        raise LivingRotaError(f"til-dato {end} er før fra-dato {start}")
    problem = apply_availability(period.problem, store.availability(period_id))
    try:
        result = repair_rota(
            problem, rota.assignments, doctor_id, start, end, time_limit_s=time_limit_s, fixed=pins(store, period_id)
        )
    except RepairError as error:
        raise LivingRotaError("ingen lovlig reparasjon: " + "; ".join(error.reasons)) from error
    except ValueError as error:
        raise LivingRotaError(str(error)) from error
    absence = {"doctor": doctor_id, "from": start.isoformat(), "to": end.isoformat()}
    kept = next(d for d in result.problem.doctors if d.id == doctor_id).unavailable
    new_problem = period.problem.model_copy(
        update={
            "doctors": tuple(
                d.model_copy(update={"unavailable": kept}) if d.id == doctor_id else d for d in period.problem.doctors
            )
        }
    )
    detail = {
        **absence,
        "changed_assignments": result.changed_assignments,
        "proven_minimal": result.proven_minimal,
        "changes": _changes(result.changes),
    }
    if not result.changes:
        store.update_period(period_id, expected_version, who, problem=new_problem, why=why)
        store.add_event(period_id, who, "absence", absence, why, version=rota.number)
        return None, result
    version = store.add_version(
        period_id,
        result.assignments,
        who,
        expected_version=expected_version,
        source="repair",
        status=rota.status,
        note=why,
        problem=new_problem,
        events=[("absence", absence, why), ("repair", detail, why)],
    )
    return version, result


# --- one assignment: manual edit, pin, candidates --------------------------------------------------------------------


def edit(
    store: RotaStore, period_id: int, change: RotaChange, who: str, *, expected_version: int, why: str = ""
) -> RotaVersion:
    """Give one duty to another doctor (or fill an open one, or swap two), checked by the rota rules first; a
    locked (pinned) duty must be unlocked before it moves. Refused: `RuleRefusal` naming the rule."""
    period = require_period(store, period_id)
    require_current(period, expected_version)
    rota = require_rota(store, period_id)
    problem = apply_availability(period.problem, store.availability(period_id))
    locked = {(a.date, a.shift_type, a.doctor, a.role) for a in pins(store, period_id)}
    moving = [(change.date, change.shift_type, change.from_doctor, change.role)]
    if change.kind == "swap" and change.with_date is not None and change.with_shift is not None:
        moving.append((change.with_date, change.with_shift, change.to_doctor, change.role))
    for day, shift, doctor, role in moving:
        if doctor is not None and (day, shift, doctor, role) in locked:
            raise LivingRotaError(f"{doctor} {shift} {day.isoformat()} er låst; lås opp vakten før den flyttes")
    try:
        violations = check_change(problem, rota.assignments, change)
        after = apply_change(problem, rota.assignments, change)
    except ChangeError as error:
        raise LivingRotaError(str(error)) from error
    if violations:
        raise RuleRefusal(violations)
    changes = diff_rotas(rota.assignments, after)
    detail = {"change": change.model_dump(mode="json"), "changes": _changes(changes)}
    if change.kind == "swap":
        source: VersionSource = "swap"
        event: EventKind = "swap"
    else:
        source, event = "manual_edit", "manual_edit"
    return store.add_version(
        period_id,
        after,
        who,
        expected_version=expected_version,
        source=source,
        status=rota.status,
        note=why,
        events=[(event, detail, why)],
    )


def pin(
    store: RotaStore,
    period_id: int,
    assignment: Assignment,
    who: str,
    *,
    expected_version: int,
    pinned: bool = True,
    why: str = "",
) -> RotaVersion | None:
    """Lock a doctor on a duty (kept by later solves; a manual edit must unlock it first), or unlock it. If the doctor
    is not on that duty yet, the duty is first given to the doctor (checked by the rules: `RuleRefusal`); returns
    that new version, else None."""
    period = require_period(store, period_id)
    require_current(period, expected_version)
    rota = require_rota(store, period_id)
    _doctor(period.problem, assignment.doctor)
    new_version: RotaVersion | None = None
    if pinned and assignment not in rota.assignments:
        holders = [
            a.doctor
            for a in rota.assignments
            if (a.date, a.shift_type, a.role) == (assignment.date, assignment.shift_type, assignment.role)
        ]
        instance = next(
            (i for i in expand_shifts(period.problem) if i.key == (assignment.date, assignment.shift_type)), None
        )
        if instance is None:
            raise LivingRotaError(f"vakt {assignment.shift_type} går ikke {assignment.date.isoformat()}")
        full = assignment.role is Role.BAKVAKT or len(holders) >= instance.doctors
        change = RotaChange(
            kind="give",
            date=assignment.date,
            shift_type=assignment.shift_type,
            from_doctor=holders[0] if full and holders else None,
            to_doctor=assignment.doctor,
            role=assignment.role,
        )
        new_version = edit(store, period_id, change, who, expected_version=expected_version, why=why)
        expected_version += 1
    elif not pinned and assignment not in pins(store, period_id):
        raise LivingRotaError("vakten er ikke låst")
    store.update_period(period_id, expected_version, who, why=why)
    store.add_event(
        period_id,
        who,
        "pin",
        {"assignment": assignment.model_dump(mode="json"), "pinned": pinned},
        why,
        version=(new_version or rota).number,
    )
    return new_version


def shift_candidates(
    store: RotaStore, period_id: int, day: date, shift: str, *, replacing: str | None = None
) -> CandidateReport:
    """«Hvem kan ta vakten»: the legal candidates for an open shift (or `replacing`'s place), ranked by fairness."""
    period = require_period(store, period_id)
    rota = require_rota(store, period_id)
    problem = apply_availability(period.problem, store.availability(period_id))
    try:
        return candidates(problem, rota.assignments, day, shift, replacing=replacing)
    except ChangeError as error:
        raise LivingRotaError(str(error)) from error


# --- reports ---------------------------------------------------------------------------------------------------------


def period_hours(store: RotaStore, period_id: int, number: int | None = None) -> list[MonthHours]:
    """Hours per doctor per month (weekday evening, night, weekend, holiday; bakvakt apart) of the live rota (or of
    version `number`)."""
    period = require_period(store, period_id)
    version = require_rota(store, period_id) if number is None else store.version(period_id, number)
    if version is None:
        raise LivingRotaError(f"versjon {number} finnes ikke")
    return payroll_hours(period.problem, version.assignments)


def period_coverage(store: RotaStore, period_id: int, *, include_daytime: bool = False) -> CoverageReport:
    """Every hour of the period with no doctor on duty: by the shift times alone before a rota exists."""
    period = require_period(store, period_id)
    version = store.current_version(period_id)
    return coverage_report(
        period.problem, None if version is None else version.assignments, include_daytime=include_daytime
    )


def doctor_calendar(store: RotaStore, legevakt_id: int, doctor_id: str) -> str:
    """An iCalendar file with the doctor's duties in every published period of the legevakt (live rota)."""
    from legeplan.legevakt.io import rota_ics

    parts = []
    for period, version in published_history(store, legevakt_id):
        own = [a for a in version.assignments if a.doctor == doctor_id]
        parts.append(rota_ics(period.problem, own))
    if not parts:
        return _empty_calendar()
    head = parts[0].split("BEGIN:VEVENT")[0].replace("END:VCALENDAR\r\n", "")
    events = []
    for part in parts:
        for block in part.split("BEGIN:VEVENT")[1:]:
            events.append("BEGIN:VEVENT" + block.replace("END:VCALENDAR\r\n", ""))
    return head + "".join(events) + "END:VCALENDAR\r\n"


def _empty_calendar() -> str:
    from legeplan.legevakt.io import VTIMEZONE_EUROPE_OSLO

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//legeplan//legevakt//NO", "CALSCALE:GREGORIAN"]
    return "\r\n".join([*lines, *VTIMEZONE_EUROPE_OSLO, "END:VCALENDAR"]) + "\r\n"


__all__ = [
    "LivingRotaError",
    "RuleRefusal",
    "doctor_calendar",
    "edit",
    "fairness_report",
    "member_registers",
    "period_coverage",
    "period_hours",
    "period_problem",
    "pin",
    "pins",
    "published_history",
    "repair",
    "require_period",
    "require_rota",
    "shift_candidates",
    "solve_now",
    "solve_problem",
    "store_solution",
]
