"""Live changes to a published rota: is a swap or give-away legal, and who can take an open shift?

Both questions are answered by the one rule set of :mod:`legeplan.legevakt.rules`: the change is applied to a copy of
the rota and :func:`~legeplan.legevakt.rules.check_rota` is run on a *window* around the affected dates only — the
affected days plus enough days either side that every duty whose rest period can reach them is included — before and
after the change. The violations the change introduces are those found after and not before. That keeps a check on a
one-year rota to a few milliseconds while applying exactly the rules the solver and the full checker apply (rest and
night rest, 60+ and 55+ exemptions, absence, § 7 competence and bakvakt, LIS1).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Literal, Self

from pydantic import Field, model_validator

from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Identifier, Role, RotaModel, RotaProblem, ShiftInstance, Violation
from legeplan.legevakt.rules import (
    FAIRNESS_CATEGORIES,
    RULE_TEXT,
    check_rota,
    count_loads,
    fairness_targets,
    in_category,
)

#: Rule families that say nothing about the doctor taking the shift: a shift that is open before the change may stay
#: short-staffed in a candidate check (taking it only helps).
_COVERAGE_RULES = frozenset({"dekning"})


class RotaChange(RotaModel):
    """Give a duty to another doctor, or swap two duties between two named doctors.

    ``give``: ``from_doctor``'s duty (``date``, ``shift_type``, ``role``) goes to ``to_doctor``. ``swap``: in addition,
    ``to_doctor``'s duty (``with_date``, ``with_shift``, same role) goes to ``from_doctor``. An empty ``from_doctor``
    means the shift is open and ``to_doctor`` takes it.
    """

    kind: Literal["give", "swap"] = "give"
    date: _dt.date
    shift_type: Identifier
    from_doctor: Identifier | None = None
    to_doctor: Identifier
    role: Role = Role.VAKT
    with_date: _dt.date | None = None
    with_shift: Identifier | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.kind == "swap" and (self.with_date is None or self.with_shift is None or self.from_doctor is None):
            raise ValueError("et bytte trenger --from, --with-date og --with-shift")
        if self.kind == "give" and (self.with_date is not None or self.with_shift is not None):
            raise ValueError("--with-date og --with-shift gjelder bare bytte")
        if self.from_doctor == self.to_doctor:
            raise ValueError("--from og --to er samme lege")
        return self

    @property
    def dates(self) -> tuple[_dt.date, ...]:
        return (self.date,) if self.with_date is None else (self.date, self.with_date)

    @property
    def doctors(self) -> tuple[str, ...]:
        return tuple(d for d in (self.from_doctor, self.to_doctor) if d is not None)


class ChangeError(ValueError):
    """The change does not fit the rota (unknown doctor or shift, or the doctor does not have that duty)."""


def _same(a: Assignment, day: date, shift: str, doctor: str, role: Role) -> bool:
    return a.date == day and a.shift_type == shift and a.doctor == doctor and a.role is role


def apply_change(problem: RotaProblem, rota: Sequence[Assignment], change: RotaChange) -> list[Assignment]:
    """The rota after the change; raises :class:`ChangeError` if the change does not fit the rota."""
    known = {d.id for d in problem.doctors}
    shift_ids = {s.id for s in problem.shift_types}
    for doctor in change.doctors:
        if doctor not in known:
            raise ChangeError(f"ukjent lege {doctor!r}")
    for shift in (change.shift_type, change.with_shift):
        if shift is not None and shift not in shift_ids:
            raise ChangeError(f"ukjent vakttype {shift!r}")
    result = list(rota)
    moves: list[tuple[date, str, str | None, str]] = [
        (change.date, change.shift_type, change.from_doctor, change.to_doctor)
    ]
    if change.kind == "swap":
        assert change.with_date is not None and change.with_shift is not None and change.from_doctor is not None
        moves.append((change.with_date, change.with_shift, change.to_doctor, change.from_doctor))
    for day, shift, giver, taker in moves:
        if giver is not None:
            found = next((i for i, a in enumerate(result) if _same(a, day, shift, giver, change.role)), None)
            if found is None:
                raise ChangeError(f"{giver} har ikke {change.role.value} {shift} {day.isoformat()} i turnusen")
            del result[found]
        result.append(Assignment(date=day, shift_type=shift, doctor=taker, role=change.role))
    return result


def window_margin_days(problem: RotaProblem) -> int:
    """Days either side of a date that a duty's length plus its rest period can reach."""
    longest = max(s.hours for s in problem.shift_types)
    rest = max(problem.min_rest_hours, problem.rest_after_night_hours)
    return math.ceil((longest + rest) / 24) + 1


def _window(problem: RotaProblem, days: Iterable[date]) -> RotaProblem:
    margin = timedelta(days=window_margin_days(problem))
    chosen = list(days)
    start = max(problem.start, min(chosen) - margin)
    end = min(problem.end, max(chosen) + margin)
    # model_copy skips validation: wishes outside the window do not matter to check_rota.
    return problem.model_copy(update={"start": start, "end": end})


_Key = tuple[str, date | None, str | None, str | None, str]


def _key(v: Violation) -> _Key:
    """A violation's identity; the message tells two breaches of one rule on one duty apart (e.g. rest after two
    different earlier duties)."""
    return (v.rule, v.date, v.doctor, v.shift_type, v.message)


def introduced_violations(
    problem: RotaProblem,
    before: Sequence[Assignment],
    after: Sequence[Assignment],
    days: Iterable[date],
    *,
    known: set[_Key] | None = None,
) -> list[Violation]:
    """Violations of ``after`` that ``before`` does not have, checked on a window around ``days`` only (``known``:
    the violations of ``before`` on that window, when the caller already has them)."""
    window = _window(problem, days)
    old = known if known is not None else window_violations(window, before)
    return [v for v in check_rota(window, _part(window, after)) if _key(v) not in old]


def _part(window: RotaProblem, rota: Sequence[Assignment]) -> list[Assignment]:
    return [a for a in rota if window.start <= a.date <= window.end]


def window_violations(window: RotaProblem, rota: Sequence[Assignment]) -> set[_Key]:
    return {_key(v) for v in check_rota(window, _part(window, rota))}


def check_change(problem: RotaProblem, rota: Sequence[Assignment], change: RotaChange) -> list[Violation]:
    """Every rule the swap or give-away would break (empty: the change is legal). Incremental: only the window around
    the changed dates is checked, with the same :func:`~legeplan.legevakt.rules.check_rota` as the full rota."""
    after = apply_change(problem, rota, change)
    return introduced_violations(problem, rota, after, change.dates)


class Candidate(RotaModel):
    """A doctor who may take the shift and what it does to the doctor's fairness (deviation from pro-rata share)."""

    doctor: str
    name: str
    load: float = Field(description="Vakter (bakvakt weighted) so far in the category 'alle'")
    target: float = Field(description="Pro-rata share in the category 'alle'")
    deviation_before: float = Field(description="Sum over the shift's categories of |load − share| before")
    deviation_after: float = Field(description="The same sum if the doctor takes the shift")

    @property
    def fairness_change(self) -> float:
        return round(self.deviation_after - self.deviation_before, 3)


class Excluded(RotaModel):
    doctor: str
    name: str
    rules: tuple[str, ...]
    reasons: tuple[str, ...]


class CandidateReport(RotaModel):
    date: _dt.date
    shift_type: str
    open_slots: int
    candidates: tuple[Candidate, ...]
    excluded: tuple[Excluded, ...]


def _instance(problem: RotaProblem, day: date, shift: str) -> ShiftInstance:
    window = problem.model_copy(update={"start": max(problem.start, day), "end": min(problem.end, day)})
    for inst in expand_shifts(window) if problem.start <= day <= problem.end else []:
        if inst.shift_type == shift:
            return inst
    raise ChangeError(f"vakten «{shift}» går ikke {day:%d.%m.%Y} eller er utenfor perioden")


def loads(
    problem: RotaProblem, rota: Iterable[Assignment], instances: Sequence[ShiftInstance]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Each doctor's load and pro-rata target per fairness category (as :func:`rules.fairness_figures` counts)."""
    counts, bakvakter = count_loads(problem, rota, instances)
    return counts, fairness_targets(problem, instances, bakvakter)


def candidates(
    problem: RotaProblem,
    rota: Sequence[Assignment],
    day: date,
    shift: str,
    *,
    replacing: str | None = None,
    instances: Sequence[ShiftInstance] | None = None,
) -> CandidateReport:
    """Who can take the shift (open, or ``replacing``'s place), ranked by what it does to fairness; the others with
    the rules that exclude them (rule id and the Norwegian rule text)."""
    inst = _instance(problem, day, shift)
    on_duty = {a.doctor for a in rota if a.date == day and a.shift_type == shift and a.role is Role.VAKT}
    on_shift = {a.doctor for a in rota if a.date == day and a.shift_type == shift}
    if replacing is not None and replacing not in on_duty:
        raise ChangeError(f"{replacing} har ikke vakt {shift} {day.isoformat()}")
    open_slots = inst.doctors - len(on_duty) + (1 if replacing is not None else 0)
    if open_slots <= 0:
        raise ChangeError(
            f"vakt {shift} {day.isoformat()} er fullt besatt; oppgi legen som skal erstattes (--replacing)"
        )
    instances = list(instances) if instances is not None else expand_shifts(problem)
    counts, targets = loads(problem, rota, instances)
    categories = [c for c in FAIRNESS_CATEGORIES if in_category(inst, c)]
    known = window_violations(_window(problem, [day]), rota)
    found: list[Candidate] = []
    excluded: list[Excluded] = []
    for doctor in problem.doctors:
        if doctor.id in on_shift and doctor.id != replacing:
            excluded.append(
                Excluded(doctor=doctor.id, name=doctor.name, rules=("dobbel",), reasons=(RULE_TEXT["dobbel"],))
            )
            continue
        if doctor.id == replacing:
            continue
        change = RotaChange(date=day, shift_type=shift, from_doctor=replacing, to_doctor=doctor.id)
        changed = apply_change(problem, rota, change)
        broken = [
            v
            for v in introduced_violations(problem, rota, changed, [day], known=known)
            if v.rule not in _COVERAGE_RULES
        ]
        if broken:
            rules = tuple(dict.fromkeys(v.rule for v in broken))
            excluded.append(
                Excluded(
                    doctor=doctor.id,
                    name=doctor.name,
                    rules=rules,
                    reasons=tuple(dict.fromkeys(v.message for v in broken)),
                )
            )
            continue
        before = after = 0.0
        for category in categories:
            target = targets[category].get(doctor.id)
            if target is None:
                continue
            load = counts[category].get(doctor.id, 0.0)
            before += abs(load - target)
            after += abs(load + 1 - target)
        found.append(
            Candidate(
                doctor=doctor.id,
                name=doctor.name,
                load=round(counts["alle"].get(doctor.id, 0.0), 3),
                target=round(targets["alle"].get(doctor.id, 0.0), 3),
                deviation_before=round(before, 3),
                deviation_after=round(after, 3),
            )
        )
    found.sort(key=lambda c: (c.fairness_change, c.load - c.target, c.doctor))
    return CandidateReport(
        date=day,
        shift_type=shift,
        open_slots=open_slots,
        candidates=tuple(found),
        excluded=tuple(excluded),
    )
