"""A rota that takes per-doctor duty counts as its quotas: the aggregate relaxation's solution made concrete.

The aggregate relaxation (:mod:`legeplan.legevakt.bounds`) chooses how many vakter and bakvakter of each *class* of
shifts every doctor holds; the fairness tiers depend on a rota only through those counts. On the 200-doctor year its
solution reached a total deviation of 238,9 where the searches on the rota itself (local search, doctor
neighbourhoods, CP-SAT on the whole model) stopped at ≈ 250: moving a year's loads toward the shares takes chains of
exchanges across many doctors, which the count model makes in one step. What it leaves out (rest between shifts,
the calendar of absences) rarely binds when each doctor holds a few duties a year, so a greedy that walks the shifts in
time order can usually meet every quota:

* each shift goes to the doctors who may take it (the solver's variables: ``blocking_rules``) and hold no duty in
  conflict with it (:func:`legeplan.legevakt.rules.conflict_pairs`: overlap and rest), most urgent first — the
  largest share of their remaining quota of the shift's class over the shifts of that class still ahead of them;
  doctors without quota left come last, the least over their quota first;
* cover as the solver states it: when a doctor short of § 7 is on vakt and no competent co-worker is, one competent
  doctor not on the shift becomes bakvakt, chosen the same way from the bakvakt quotas.

Every rule that only depends on the shift and the doctor, staffing, cover, overlap and rest therefore hold by
construction; the solver still runs :func:`legeplan.legevakt.rules.check_rota` on the result and keeps it only if it
is valid and better than the rota it has. Pins are not handled here: the solver does not call this with pins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from legeplan.legevakt.bounds import ShiftClass, shift_class
from legeplan.legevakt.model import Assignment, Role, RotaProblem, ShiftInstance
from legeplan.legevakt.rules import conflict_pairs, gives_cover


def quota_rota(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    quotas: Mapping[tuple[str, ShiftClass], tuple[int, int]],
) -> list[Assignment] | None:
    """A rota meeting the staffing, cover, overlap and rest rules that gives each doctor as near as it can the
    ``quotas`` — (doctor, class) -> (vakter, bakvakter), :func:`legeplan.legevakt.bounds.class_counts` — using only
    the (doctor, shift) pairs in ``allowed`` per role; None when some shift finds no doctor it may go to."""
    competent = {d.id for d in problem.doctors if gives_cover(d)}
    conflicts = conflict_pairs(problem, instances)
    classes = [shift_class(i) for i in instances]
    may: dict[Role, dict[int, list[str]]] = {role: defaultdict(list) for role in Role}
    ahead: dict[tuple[str, ShiftClass, Role], int] = defaultdict(int)
    for role, pairs in allowed.items():
        for doctor, idx in sorted(pairs):
            may[role][idx].append(doctor)
            ahead[(doctor, classes[idx], role)] += 1
    left: dict[tuple[str, ShiftClass, Role], int] = defaultdict(int)
    total_left: dict[str, int] = defaultdict(int)
    for (doctor, cls), (vakter, bakvakter) in quotas.items():
        left[(doctor, cls, Role.VAKT)] += vakter
        left[(doctor, cls, Role.BAKVAKT)] += bakvakter
        total_left[doctor] += vakter + bakvakter
    held: dict[str, set[int]] = defaultdict(set)
    rota: list[Assignment] = []

    def rank(doctor: str, cls: ShiftClass, role: Role) -> tuple[float, int, str]:
        quota = left[(doctor, cls, role)]
        urgency = quota / (ahead[(doctor, cls, role)] + 1) if quota > 0 else quota - 1.0
        return (-urgency, -total_left[doctor], doctor)

    def take(doctor: str, inst: ShiftInstance, role: Role) -> None:
        left[(doctor, classes[inst.index], role)] -= 1
        total_left[doctor] -= 1
        held[doctor].add(inst.index)
        rota.append(Assignment(date=inst.date, shift_type=inst.shift_type, doctor=doctor, role=role))

    for inst in sorted(instances, key=lambda i: (i.start, i.index)):
        idx = inst.index
        cls = classes[idx]
        for role in Role:
            for doctor in may[role][idx]:
                ahead[(doctor, cls, role)] -= 1  # now the shifts of the class after this one
        free = [d for d in may[Role.VAKT][idx] if held[d].isdisjoint(conflicts[idx])]
        if len(free) < inst.doctors:
            return None
        chosen = sorted(free, key=lambda d: rank(d, cls, Role.VAKT))[: inst.doctors]
        for doctor in chosen:
            take(doctor, inst, Role.VAKT)
        needs_cover = any(d not in competent for d in chosen)
        covered_on_shift = inst.doctors > 1 and any(d in competent for d in chosen)
        if needs_cover and not covered_on_shift:
            backups = [
                d
                for d in may[Role.BAKVAKT][idx]
                if d in competent and d not in chosen and held[d].isdisjoint(conflicts[idx])
            ]
            if not backups:
                return None
            take(min(backups, key=lambda d: rank(d, cls, Role.BAKVAKT)), inst, Role.BAKVAKT)
    return rota
