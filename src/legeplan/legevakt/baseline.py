"""A simple round-robin rota: the baseline the CP-SAT engine is compared with in benchmarks/rota_year.py.

Shifts are taken in time order and given to the next doctor in a fixed rotation who may take it (age, night
exemption, absence, rest); a doctor who does not meet § 7 and has no competent co-worker on the shift gets the next
competent doctor as bakvakt (:func:`legeplan.legevakt.rules.uncovered`). Employment
fractions, wishes and spread are ignored, which is what a hand-made "neste på lista" rota typically does.
"""

from __future__ import annotations

from datetime import UTC, datetime

from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Doctor, Role, RotaProblem, ShiftInstance
from legeplan.legevakt.rules import (
    FAIRNESS_CATEGORIES,
    blocking_rules,
    fairness_targets,
    free_from,
    gives_cover,
    in_category,
    uncovered,
)

#: Free from the start: shift times are aware (Europe/Oslo with fixed offsets), so the sentinel is aware too.
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def round_robin_rota(problem: RotaProblem) -> list[Assignment]:
    doctors = [d for d in problem.doctors if not d.age_exempt]
    competent = [d for d in doctors if gives_cover(d)]
    free_at: dict[str, datetime] = dict.fromkeys((d.id for d in doctors), _EARLIEST)
    assignments: list[Assignment] = []
    pointers = {"vakt": 0, "bakvakt": 0}

    def pick(pool: list[Doctor], inst: ShiftInstance, taken: set[str], key: str) -> Doctor | None:
        for step in range(len(pool)):
            doctor = pool[(pointers[key] + step) % len(pool)]
            if doctor.id in taken or blocking_rules(doctor, inst) or free_at[doctor.id] > inst.start:
                continue
            pointers[key] = (pointers[key] + step + 1) % len(pool)
            return doctor
        return None

    for inst in expand_shifts(problem):
        taken: set[str] = set()
        on_duty: list[Doctor] = []
        for _ in range(inst.doctors):
            doctor = pick(doctors, inst, taken, "vakt")
            if doctor is None:
                break
            taken.add(doctor.id)
            on_duty.append(doctor)
            free_at[doctor.id] = free_from(problem, inst)
            assignments.append(Assignment(date=inst.date, shift_type=inst.shift_type, doctor=doctor.id))
        if uncovered(on_duty, []) and competent:
            backup = pick(competent, inst, taken, "bakvakt")
            if backup is not None:
                free_at[backup.id] = free_from(problem, inst)
                assignments.append(
                    Assignment(date=inst.date, shift_type=inst.shift_type, doctor=backup.id, role=Role.BAKVAKT)
                )
    return assignments


def pro_rata_rota(problem: RotaProblem) -> list[Assignment]:
    """A greedy rota that follows the pro-rata targets: the solver's warm start (not the benchmark's baseline).

    Shifts are taken in time order; each slot goes to the doctor who may take it (age, night exemption, absence,
    rest) and is furthest behind their target in the shift's categories, counting a bakvakt ``bakvakt_weight`` of a
    vakt as the fairness tiers do. A doctor short of § 7 without a competent co-worker gets a competent bakvakt.
    """
    instances = expand_shifts(problem)
    targets = fairness_targets(problem, instances)
    free_at: dict[str, datetime] = dict.fromkeys((d.id for d in problem.doctors), _EARLIEST)
    load: dict[str, dict[str, float]] = {c: dict.fromkeys(t, 0.0) for c, t in targets.items()}
    assignments: list[Assignment] = []

    def behind(doctor: Doctor, inst: ShiftInstance, step: float) -> float:
        ratios = [
            (load[c][doctor.id] + step) / targets[c][doctor.id]
            for c in FAIRNESS_CATEGORIES
            if in_category(inst, c) and targets[c].get(doctor.id)
        ]
        return max(ratios, default=float("inf"))

    def pick(pool: list[Doctor], inst: ShiftInstance, taken: set[str], step: float) -> Doctor | None:
        candidates = [
            d for d in pool if d.id not in taken and not blocking_rules(d, inst) and free_at[d.id] <= inst.start
        ]
        if not candidates:
            return None
        chosen = min(candidates, key=lambda d: behind(d, inst, step))
        free_at[chosen.id] = free_from(problem, inst)
        taken.add(chosen.id)
        for c in FAIRNESS_CATEGORIES:
            if in_category(inst, c) and chosen.id in load[c]:
                load[c][chosen.id] += step
        return chosen

    competent = [d for d in problem.doctors if gives_cover(d)]
    for inst in instances:
        taken: set[str] = set()
        on_duty: list[Doctor] = []
        for _ in range(inst.doctors):
            doctor = pick(list(problem.doctors), inst, taken, 1.0)
            if doctor is None:
                break
            on_duty.append(doctor)
            assignments.append(Assignment(date=inst.date, shift_type=inst.shift_type, doctor=doctor.id))
        if uncovered(on_duty, []):
            backup = pick(competent, inst, taken, problem.bakvakt_weight)
            if backup is not None:
                assignments.append(
                    Assignment(date=inst.date, shift_type=inst.shift_type, doctor=backup.id, role=Role.BAKVAKT)
                )
    return assignments
