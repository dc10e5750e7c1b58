"""Repair a published rota when a doctor falls ill or is away: change as few assignments as possible, then be fair.

The absence is added to the doctor's ``unavailable`` dates and only a *window* around it is re-solved with the
solver's own hard model (:func:`legeplan.legevakt.solver._build_hard_model`, so the same rules): every assignment
outside the window is fixed, and so is every assignment in a margin either side of it (long enough for any duty's
rest period to reach into the window), which keeps rest and night-rest rules right at the window's edges.

Tier 1 minimises the number of changed assignments (assignments removed plus assignments added). Every assignment
the absence forbids must go, and each vakt it leaves open needs a new doctor, so ``removed + vacated vakter`` is a lower
bound for *any* repair, however large its window. When CP-SAT proves the window optimum and it equals that bound, the
repair is the proven global minimum; otherwise the window is doubled until it reaches the bound or the whole period
(where CP-SAT's optimality proof is itself global). Tier 2 then minimises the total deviation from the pro-rata share
(:func:`legeplan.legevakt.rules.fairness_targets`) over the whole period, with the number of changes held at the
minimum.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from ortools.sat.python import cp_model
from pydantic import Field

from legeplan.i18n import end_before_start
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.candidates import loads, window_margin_days
from legeplan.legevakt.model import Assignment, DateRange, Role, RotaModel, RotaProblem, ShiftInstance
from legeplan.legevakt.patterns import pattern_forbidden, pattern_pins
from legeplan.legevakt.pins import apply_pins
from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, blocking_rules, check_rota, count_loads, in_category, uncovered
from legeplan.legevakt.solver import FAIRNESS_SCALE, _add_hints, _build_hard_model

#: First window: the absence plus this many days either side; doubled while the lower bound is not reached.
INITIAL_WINDOW_DAYS = 2
#: At most this many seconds for the fairness tier of each window (the change count is already minimal).
FAIRNESS_TIME_S = 1.0


class ChangedAssignment(RotaModel):
    """One slot whose doctor changed: ``from_doctor`` None means added, ``to_doctor`` None means removed."""

    date: _dt.date
    shift_type: str
    role: Role
    from_doctor: str | None
    to_doctor: str | None


class RepairResult(RotaModel):
    problem: RotaProblem = Field(description="The problem with the absence added to the doctor's unavailable dates")
    assignments: tuple[Assignment, ...]
    changes: tuple[ChangedAssignment, ...]
    changed_assignments: int = Field(description="Assignments removed plus assignments added")
    lower_bound: int = Field(description="Removed (forbidden by the absence) plus the vakter they leave open")
    proven_minimal: bool
    window_start: date
    window_end: date
    fairness_deviation: float | None = Field(
        description="Sum of deviations from pro-rata share, all categories, in vakter (None: nothing to re-solve)"
    )
    seconds: float


class RepairError(ValueError):
    """No legal repair exists (or none was found in time); ``reasons`` says why."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = tuple(reasons)


def with_absence(problem: RotaProblem, doctor_id: str, start: date, end: date) -> RotaProblem:
    """The problem with ``doctor_id`` unavailable from ``start`` to ``end`` (both included)."""
    doctors = []
    found = False
    for doctor in problem.doctors:
        if doctor.id == doctor_id:
            found = True
            doctor = doctor.model_copy(update={"unavailable": (*doctor.unavailable, DateRange(start=start, end=end))})
        doctors.append(doctor)
    if not found:
        raise KeyError(f"ukjent lege {doctor_id!r}")
    return problem.model_copy(update={"doctors": tuple(doctors)})


def duties_in_absence(
    problem: RotaProblem, assignments: Sequence[Assignment], doctor_id: str, start: date, end: date
) -> list[Assignment]:
    """The duties of `doctor_id` an absence from `start` to `end` takes away: on a day of it, or a shift running past
    midnight into its first day (the `fravær` rule of `blocking_rules`, which the repair and the checker apply)."""
    absent = with_absence(problem, doctor_id, start, end)
    doctor = next(d for d in absent.doctors if d.id == doctor_id)
    shifts = {instance.key: instance for instance in expand_shifts(absent)}
    return [
        a
        for a in assignments
        if a.doctor == doctor_id
        and (a.date, a.shift_type) in shifts
        and "fravær" in blocking_rules(doctor, shifts[(a.date, a.shift_type)])
    ]


def diff_rotas(before: Sequence[Assignment], after: Sequence[Assignment]) -> list[ChangedAssignment]:
    """Slot by slot (date, shift, role): who left and who came, paired into one row where both happened."""
    old = {(a.date, a.shift_type, a.role, a.doctor) for a in before}
    new = {(a.date, a.shift_type, a.role, a.doctor) for a in after}
    gone: dict[tuple[date, str, Role], list[str]] = defaultdict(list)
    came: dict[tuple[date, str, Role], list[str]] = defaultdict(list)
    for day, shift, role, doctor in sorted(old - new):
        gone[(day, shift, role)].append(doctor)
    for day, shift, role, doctor in sorted(new - old):
        came[(day, shift, role)].append(doctor)
    rows: list[ChangedAssignment] = []
    for slot in sorted(set(gone) | set(came), key=lambda s: (s[0], s[1], s[2].value)):
        left, right = gone.get(slot, []), came.get(slot, [])
        for i in range(max(len(left), len(right))):
            rows.append(
                ChangedAssignment(
                    date=slot[0],
                    shift_type=slot[1],
                    role=slot[2],
                    from_doctor=left[i] if i < len(left) else None,
                    to_doctor=right[i] if i < len(right) else None,
                )
            )
    return rows


class _WindowOutcome(RotaModel):
    status: str
    changes: int = 0
    assignments: tuple[Assignment, ...] = ()
    window_start: date | None = None
    window_end: date | None = None


def _solve_window(
    problem: RotaProblem,
    rota: Sequence[Assignment],
    instances: Sequence[ShiftInstance],
    targets: dict[str, dict[str, float]],
    bound: int,
    window: tuple[date, date],
    time_limit_s: float,
    workers: int,
    locked: Sequence[Assignment] = (),
) -> _WindowOutcome:
    margin = timedelta(days=window_margin_days(problem))
    sub_start = max(problem.start, window[0] - margin)
    sub_end = min(problem.end, window[1] + margin)
    sub = problem.model_copy(update={"start": sub_start, "end": sub_end})
    sub_instances = expand_shifts(sub)
    model, variables = _build_hard_model(sub, sub_instances)
    kept = [a for a in locked if sub_start <= a.date <= sub_end]  # the legevaktsjef's pins and manual edits
    pins, banned = [*pattern_pins(sub, sub_instances), *kept], pattern_forbidden(sub, sub_instances)
    if apply_pins(model, variables, sub_instances, pins, banned):
        return _WindowOutcome(status="infeasible")  # a fixed duty of a pattern no one may keep

    original = {(a.doctor, a.date, a.shift_type, a.role) for a in rota}
    in_window = {i.index for i in sub_instances if window[0] <= i.date <= window[1]}
    change_terms: list[cp_model.LinearExprT] = []
    free: dict[tuple[str, int, Role], cp_model.IntVar] = {}
    for role, table in ((Role.VAKT, variables.vakt), (Role.BAKVAKT, variables.bakvakt)):
        for (doctor, idx), var in table.items():
            inst = sub_instances[idx]
            was = int((doctor, inst.date, inst.shift_type, role) in original)
            if idx not in in_window:
                model.add(var == was)
                continue
            free[(doctor, idx, role)] = var
            change_terms.append(1 - var if was else var)
    # Assignments the model has no variable for (now forbidden, e.g. by the absence) are removed in any repair.
    sub_keys = {(i.date, i.shift_type): i.index for i in sub_instances}
    forced = 0
    for doctor, day, shift, role in original:
        found = sub_keys.get((day, shift))
        if found is None:
            continue
        table = variables.vakt if role is Role.VAKT else variables.bakvakt
        if (doctor, found) not in table:
            if found not in in_window:
                return _WindowOutcome(status="margin")
            forced += 1

    # Fairness over the whole period: fixed load outside the window plus the window's variables.
    counts, _ = count_loads(problem, [a for a in rota if not window[0] <= a.date <= window[1]], instances)
    bakvakt_scale = round(FAIRNESS_SCALE * problem.bakvakt_weight)
    dev_terms: list[cp_model.IntVar] = []
    dev_parts: list[tuple[cp_model.IntVar, int, int, list[tuple[int, cp_model.IntVar]]]] = []
    per_doctor: dict[str, list[tuple[ShiftInstance, int, cp_model.IntVar]]] = defaultdict(list)
    for (doctor, idx, role), var in free.items():
        per_doctor[doctor].append((sub_instances[idx], FAIRNESS_SCALE if role is Role.VAKT else bakvakt_scale, var))
    for category in FAIRNESS_CATEGORIES:
        for doctor, target in targets[category].items():
            terms = [(scale, var) for inst, scale, var in per_doctor.get(doctor, []) if in_category(inst, category)]
            fixed = round(FAIRNESS_SCALE * counts[category].get(doctor, 0.0))
            scaled_target = round(FAIRNESS_SCALE * target)
            if not terms:
                continue  # constant deviation: no choice in the window changes it
            upper = fixed + sum(scale for scale, _ in terms) + scaled_target
            dev = model.new_int_var(0, upper, f"dev_{category}_{doctor}")
            load = fixed + cp_model.LinearExpr.weighted_sum([v for _, v in terms], [s for s, _ in terms])
            model.add(dev >= load - scaled_target)
            model.add(dev >= scaled_target - load)
            dev_terms.append(dev)
            dev_parts.append((dev, fixed, scaled_target, terms))

    # Hint the original rota where it is still allowed.
    _add_hints(
        model,
        (
            (var.index, int((doctor, sub_instances[idx].date, sub_instances[idx].shift_type, role) in original))
            for (doctor, idx, role), var in free.items()
        ),
    )

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = time_limit_s * 0.7
    changes = cp_model.LinearExpr.sum(change_terms)
    # The lower bound holds for every repair; stating it lets CP-SAT stop as soon as a repair reaches it.
    model.add(changes >= bound - forced)
    model.minimize(changes)
    t0 = time.perf_counter()
    status = solver.solve(model)
    tier1 = time.perf_counter() - t0
    if status == cp_model.INFEASIBLE:
        return _WindowOutcome(status="infeasible")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _WindowOutcome(status="unknown")
    best_changes = round(solver.objective_value)
    proven = status == cp_model.OPTIMAL
    chosen = {key for key, var in free.items() if solver.value(var)}
    model.add(changes <= best_changes)
    model.clear_hints()  # type: ignore[no-untyped-call]
    # A complete hint: the tier-1 rota and each deviation's smallest value for it, so CP-SAT starts from it at once.
    hint = dict(enumerate(solver.response_proto.solution))
    for dev, fixed, scaled_target, terms in dev_parts:
        hint[dev.index] = abs(fixed + sum(scale * hint[var.index] for scale, var in terms) - scaled_target)
    _add_hints(model, hint.items())
    model.minimize(cp_model.LinearExpr.sum(dev_terms))
    # Fairness is second: a good answer fast matters more here than CP-SAT's proof of the last hundredth.
    solver.parameters.max_time_in_seconds = max(0.2, min(FAIRNESS_TIME_S, time_limit_s - tier1))
    solver.parameters.cp_model_presolve = False  # the search starts from the complete hint at once
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {key for key, var in free.items() if solver.value(var)}
    kept = [a for a in rota if not window[0] <= a.date <= window[1]]
    added = [
        Assignment(date=sub_instances[idx].date, shift_type=sub_instances[idx].shift_type, doctor=doctor, role=role)
        for doctor, idx, role in chosen
    ]
    return _WindowOutcome(
        status="optimal" if proven else "feasible",
        changes=best_changes + forced,
        assignments=tuple(kept + added),
        window_start=window[0],
        window_end=window[1],
    )


def _lower_bound(problem: RotaProblem, rota: Sequence[Assignment], instances: Sequence[ShiftInstance]) -> int:
    """Changes every repair needs: each assignment the (new) problem forbids outright is removed, each vakt removed
    leaves a slot someone must fill, and each bakvakt removed from a shift that still has a doctor needing cover
    (:func:`rules.uncovered`) needs either a new bakvakt or a new doctor on vakt — at least one more change."""
    by_key = {i.key: i for i in instances}
    doctors = {d.id: d for d in problem.doctors}
    bound = 0
    stays: dict[tuple[date, str], list[Assignment]] = defaultdict(list)
    lost_backup: set[tuple[date, str]] = set()
    for a in rota:
        inst = by_key.get((a.date, a.shift_type))
        doctor = doctors.get(a.doctor)
        if inst is None or doctor is None:
            continue
        if blocking_rules(doctor, inst):
            bound += 2 if a.role is Role.VAKT else 1
            if a.role is Role.BAKVAKT:
                lost_backup.add(inst.key)
        else:
            stays[inst.key].append(a)
    for key in lost_backup:
        left = stays.get(key, [])
        on_duty = [doctors[a.doctor] for a in left if a.role is Role.VAKT]
        backups = [doctors[a.doctor] for a in left if a.role is Role.BAKVAKT]
        if uncovered(on_duty, backups):
            bound += 1
    return bound


def repair_rota(
    problem: RotaProblem,
    rota: Sequence[Assignment],
    doctor_id: str,
    start: date,
    end: date,
    *,
    time_limit_s: float = 20.0,
    workers: int = 2,
    fixed: Sequence[Assignment] = (),
) -> RepairResult:
    """The rota with ``doctor_id`` away from ``start`` to ``end``: fewest changed assignments (proven where possible),
    then the fairest among those; ``fixed`` assignments (pins, manual edits) never move. Raises
    :class:`RepairError` if no legal repair exists, naming a pinned duty of the absent doctor in the absence."""
    t0 = time.perf_counter()
    if end < start:
        raise ValueError(end_before_start(start, end))
    if end < problem.start or start > problem.end:
        raise ValueError(
            f"fraværet {start:%d.%m.%Y}–{end:%d.%m.%Y} er utenfor perioden "
            f"{problem.start:%d.%m.%Y}–{problem.end:%d.%m.%Y}"
        )
    clashes = duties_in_absence(problem, fixed, doctor_id, start, end)
    if clashes:
        raise RepairError(
            [f"{a.doctor} er låst til {a.shift_type} {a.date:%d.%m.%Y} i fraværet; fjern låsen først" for a in clashes]
        )
    new_problem = with_absence(problem, doctor_id, start, end)
    instances = expand_shifts(new_problem)
    bound = _lower_bound(new_problem, rota, instances)
    if bound == 0:  # the absence forbids no assignment: the rota stands as it is
        return RepairResult(
            problem=new_problem,
            assignments=tuple(rota),
            changes=(),
            changed_assignments=0,
            lower_bound=0,
            proven_minimal=True,
            window_start=start,
            window_end=end,
            fairness_deviation=None,
            seconds=round(time.perf_counter() - t0, 3),
        )
    _, targets = loads(new_problem, rota, instances)
    days = INITIAL_WINDOW_DAYS
    best: _WindowOutcome | None = None
    window = (start, end)
    last_status = "unknown"
    while True:
        window = (max(problem.start, start - timedelta(days=days)), min(problem.end, end + timedelta(days=days)))
        whole = window == (problem.start, problem.end)
        remaining = max(1.0, time_limit_s - (time.perf_counter() - t0))
        outcome = _solve_window(new_problem, rota, instances, targets, bound, window, remaining, workers, fixed)
        if outcome.status == "margin":
            raise RepairError(
                ["Turnusen bryter reglene utenfor fraværet; kjør «legeplan rota check» og rett den først"]
            )
        if outcome.status in ("optimal", "feasible") and (best is None or outcome.changes < best.changes):
            best = outcome
        last_status = outcome.status
        reached = best is not None and best.changes <= bound
        if reached or whole or time.perf_counter() - t0 > time_limit_s:
            break
        days *= 2
    if best is None:
        if last_status == "unknown":  # a time-out, not a proof
            raise RepairError(
                [f"Fant ingen lovlig reparasjon innen tidsgrensen ({time_limit_s:g} s); øk --time-limit og prøv igjen"]
            )
        reasons = [f"Ingen lovlig endring av turnusen dekker fraværet til {doctor_id} {start}–{end}"]
        violations = check_rota(new_problem, rota)
        if any(v.rule not in ("fravær",) for v in violations):
            reasons.append("Turnusen har regelbrudd fra før; kjør «legeplan rota check»")
        raise RepairError(reasons)
    proven = best.changes <= bound or (whole and best.status == "optimal")
    assignments = tuple(sorted(best.assignments, key=lambda a: (a.date, a.shift_type, a.role.value, a.doctor)))
    counts, _ = count_loads(new_problem, assignments, instances)
    deviation = sum(abs(counts[c].get(d, 0.0) - t) for c in FAIRNESS_CATEGORIES for d, t in targets[c].items())
    return RepairResult(
        problem=new_problem,
        assignments=assignments,
        changes=tuple(diff_rotas(rota, assignments)),
        changed_assignments=best.changes,
        lower_bound=bound,
        proven_minimal=proven,
        window_start=best.window_start or window[0],
        window_end=best.window_end or window[1],
        fairness_deviation=round(deviation, 3),
        seconds=round(time.perf_counter() - t0, 3),
    )
