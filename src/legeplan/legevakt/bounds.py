"""Proven lower bounds for the fairness tiers from an aggregate relaxation of the rota model.

The fairness tiers depend on a rota only through each doctor's number of duties per *class* of shifts (the shifts
that lie in the same fairness categories, :func:`legeplan.legevakt.rules.in_category`, and need the same number of
doctors). The aggregate model has one integer per doctor, class and role instead of one 0/1 per doctor and shift, and
keeps only constraints every rota of the full model also meets:

* ``dekning``: the vakter of a class sum to its doctor slots;
* a doctor's duties in a set of shifts (one class, one category, all shifts) are at most the largest number of
  those shifts one doctor can take without overlap or too little rest (:func:`legeplan.legevakt.rules.free_from`: the
  shifts extended by their rest form an interval graph, whose largest independent set the greedy by earliest end
  finds), counting only the shifts the doctor may take at all (:func:`legeplan.legevakt.rules.blocking_rules`);
* cover: on one-doctor shifts there is exactly one bakvakt per vakt of a doctor short of § 7; on larger shifts at
  most one per such vakt and at most one per shift; only competent doctors are bakvakt.

Everything else (pins, patterns, the exact calendar of rest) is left out, which only makes the relaxation weaker, so
its optimum — or CP-SAT's proven bound on it — is a lower bound for the full model's tier. It is small (a few
thousand integers for 60 doctors and a year) and solves to optimality in well under a second; the solver states the
bound as a redundant constraint on the tier, which is what lets CP-SAT prove a small gap on a year-long rota.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ortools.sat.python import cp_model

from legeplan.legevakt.model import RotaProblem, ShiftInstance
from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, free_from, gives_cover, in_category

#: (membership per fairness category, one-doctor shift)
ShiftClass = tuple[tuple[bool, ...], bool]
#: Terms of a doctor's scaled load in one category: (coefficient, variable)
LoadTerms = list[tuple[int, cp_model.IntVar]]


def shift_class(inst: ShiftInstance) -> ShiftClass:
    return tuple(in_category(inst, c) for c in FAIRNESS_CATEGORIES), inst.doctors == 1


def max_duties(spans: Iterable[tuple[datetime, datetime]]) -> int:
    """The most of these shifts one doctor can take with no overlap and enough rest: each shift is ``(start, free
    from)`` (:func:`legeplan.legevakt.rules.free_from`), and the greedy by earliest ``free from`` is optimal on
    this interval graph."""
    count = 0
    free: datetime | None = None
    for start, until in sorted(spans, key=lambda s: (s[1], s[0])):
        if free is None or start >= free:
            count += 1
            free = until
    return count


@dataclass
class FairnessTerms:
    """The fairness tiers' variables in one model (full or aggregate)."""

    sum_terms: list[cp_model.IntVar] = field(default_factory=list)
    max_terms: list[cp_model.IntVar] = field(default_factory=list)
    #: (category, doctor, deviation, load terms, scaled target, smallest possible deviation) for hints
    deviations: list[tuple[str, str, cp_model.IntVar, LoadTerms, int, int]] = field(default_factory=list)
    #: category -> its largest-deviation variable
    worst: dict[str, cp_model.IntVar] = field(default_factory=dict)


def add_fairness_terms(
    model: cp_model.CpModel,
    instances: Sequence[ShiftInstance],
    targets: dict[str, dict[str, float]],
    load_terms: Callable[[str, str], LoadTerms],
    scale: int,
) -> FairnessTerms:
    """Deviation of each doctor's scaled load from the scaled pro-rata target, per category, and its maximum.

    The scaled load is a sum of step sizes (``scale`` per vakt, the bakvakt weight per bakvakt), so it is a multiple
    of their gcd and the deviation is at least the target's distance to the nearest such multiple: stating it lets
    CP-SAT prove a useful bound (the LP relaxation alone proves almost nothing). The full model and the aggregate
    relaxation both build their fairness tiers here, so they measure the same thing.
    """
    found = FairnessTerms()
    for category in FAIRNESS_CATEGORIES:
        members = [i for i in instances if in_category(i, category)]
        if not members or not targets[category]:
            continue
        upper = scale * (sum(i.doctors for i in members) + len(members))
        worst = model.new_int_var(0, upper, f"maxdev_{category}")
        found.max_terms.append(worst)
        found.worst[category] = worst
        for doctor_id, target in targets[category].items():
            terms = load_terms(doctor_id, category)
            load = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
            scaled_target = round(scale * target)
            dev = model.new_int_var(0, upper, f"dev_{category}_{doctor_id}")
            step = math.gcd(*{c for c, _ in terms}) if terms else scale
            remainder = scaled_target % step
            floor = min(remainder, step - remainder)
            model.add(dev >= floor)
            model.add(dev >= load - scaled_target)
            model.add(dev >= scaled_target - load)
            model.add(worst >= dev)
            found.sum_terms.append(dev)
            found.deviations.append((category, doctor_id, dev, terms, scaled_target, floor))
    return found


@dataclass
class AggregateBounds:
    """The aggregate relaxation, built once; :meth:`lower_bound` solves it for one tier."""

    model: cp_model.CpModel
    terms: FairnessTerms
    #: (doctor, class) -> vakt count, bakvakt count (or None)
    counts: dict[tuple[str, ShiftClass], tuple[cp_model.IntVar, cp_model.IntVar | None]]

    def lower_bound(
        self,
        tier: int,
        time_limit_s: float,
        *,
        cap_sum: int | None = None,
        hint: Mapping[tuple[str, ShiftClass], tuple[int, int]] | None = None,
    ) -> int:
        """Proven lower bound (scaled) of tier 1 (sum of deviations) or tier 2 (sum of the largest deviations, with
        the sum of deviations at most ``cap_sum``); 0 when nothing is proven in time. ``hint``: a rota's vakt and
        bakvakt count per doctor and class (:func:`class_counts`), a complete first solution."""
        model = self.model.clone()

        def total(variables: list[cp_model.IntVar]) -> cp_model.LinearExpr:
            return cp_model.LinearExpr.sum([model.get_int_var_from_proto_index(v.index) for v in variables])

        if cap_sum is not None:
            model.add(total(self.terms.sum_terms) <= cap_sum)
        model.minimize(total(self.terms.sum_terms if tier == 1 else self.terms.max_terms))
        if hint is not None:
            values: dict[int, int] = {}
            for key, (v, b) in self.counts.items():
                counted = hint.get(key, (0, 0))
                values[v.index] = counted[0]
                if b is not None:
                    values[b.index] = counted[1]
            worst: dict[str, int] = defaultdict(int)
            for category, _, dev, terms, target, floor in self.terms.deviations:
                values[dev.index] = max(floor, abs(sum(c * values[var.index] for c, var in terms) - target))
                worst[category] = max(worst[category], values[dev.index])
            values.update((var.index, worst[category]) for category, var in self.terms.worst.items())
            model.proto.solution_hint.vars.extend(list(values))
            model.proto.solution_hint.values.extend(list(values.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
        solver.parameters.cp_model_presolve = False  # presolve took half the time to the proven optimum
        status = solver.solve(model)
        if status == cp_model.OPTIMAL:
            return round(solver.objective_value)
        if status in (cp_model.FEASIBLE, cp_model.UNKNOWN):
            try:
                return max(0, math.ceil(solver.best_objective_bound - 1e-6))
            except RuntimeError:  # no response at all
                return 0
        return 0


def class_counts(
    instances: Sequence[ShiftInstance], duties: Iterable[tuple[str, int, bool]]
) -> dict[tuple[str, ShiftClass], tuple[int, int]]:
    """(doctor, class) -> (vakter, bakvakter) of a rota given as (doctor, shift index, is bakvakt)."""
    found: dict[tuple[str, ShiftClass], list[int]] = defaultdict(lambda: [0, 0])
    for doctor, idx, backup in duties:
        found[(doctor, shift_class(instances[idx]))][int(backup)] += 1
    return {key: (v, b) for key, (v, b) in found.items()}


def aggregate_relaxation(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    vakt_pairs: Collection[tuple[str, int]],
    bakvakt_pairs: Collection[tuple[str, int]],
    targets: dict[str, dict[str, float]],
    scale: int,
    bakvakt_scale: int,
) -> AggregateBounds:
    """The aggregate model over the doctor–shift pairs the full model has variables for (see the module text)."""
    model = cp_model.CpModel()
    classes: dict[ShiftClass, list[ShiftInstance]] = defaultdict(list)
    class_of: dict[int, ShiftClass] = {}
    spans: dict[int, tuple[datetime, datetime]] = {}
    for inst in instances:
        class_of[inst.index] = shift_class(inst)
        classes[class_of[inst.index]].append(inst)
        spans[inst.index] = (inst.start, free_from(problem, inst))
    allowed: dict[str, set[int]] = defaultdict(set)
    for doc, idx in (*vakt_pairs, *bakvakt_pairs):
        allowed[doc].add(idx)
    vakt_allowed: dict[tuple[str, ShiftClass], int] = defaultdict(int)
    for doc, idx in vakt_pairs:
        vakt_allowed[(doc, class_of[idx])] += 1
    bakvakt_allowed: dict[tuple[str, ShiftClass], int] = defaultdict(int)
    for doc, idx in bakvakt_pairs:
        bakvakt_allowed[(doc, class_of[idx])] += 1
    backup_shifts: dict[ShiftClass, set[int]] = defaultdict(set)
    for _, idx in bakvakt_pairs:
        backup_shifts[class_of[idx]].add(idx)

    competent = {d.id for d in problem.doctors if gives_cover(d)}
    counts: dict[tuple[str, ShiftClass], tuple[cp_model.IntVar, cp_model.IntVar | None]] = {}
    for doctor in problem.doctors:
        doc = doctor.id
        for key in classes:
            v_max = vakt_allowed.get((doc, key), 0)
            b_max = bakvakt_allowed.get((doc, key), 0) if doc in competent else 0
            if not v_max and not b_max:
                continue
            v = model.new_int_var(0, v_max, f"n_{doc}_{key}")
            b = model.new_int_var(0, b_max, f"nb_{doc}_{key}") if b_max else None
            counts[(doc, key)] = (v, b)
        own: dict[ShiftClass, list[int]] = defaultdict(list)
        for idx in sorted(allowed[doc]):
            own[class_of[idx]].append(idx)
        # Rest and overlap: at most the largest conflict-free subset, per class, per category and over all shifts.
        groups = [list(own), *([key] for key in own)]
        groups += [[k for k in own if k[0][column]] for column in range(1, len(FAIRNESS_CATEGORIES))]
        for keys in groups:
            parts = [var for key in keys if (doc, key) in counts for var in counts[(doc, key)] if var is not None]
            if parts:
                model.add(sum(parts) <= max_duties(spans[idx] for key in keys for idx in own[key]))

    for key, members in classes.items():
        vakter = [counts[(d.id, key)][0] for d in problem.doctors if (d.id, key) in counts]
        model.add(sum(vakter) == sum(i.doctors for i in members))
        needing = [counts[(d.id, key)][0] for d in problem.doctors if d.id not in competent and (d.id, key) in counts]
        backups = [b for d in problem.doctors if (d.id, key) in counts and (b := counts[(d.id, key)][1]) is not None]
        single = key[1]
        if single:  # one doctor: a bakvakt exactly when the doctor on vakt is short of § 7
            model.add(sum(backups) == sum(needing))
        else:
            model.add(sum(backups) <= sum(needing))
            model.add(sum(backups) <= len(backup_shifts.get(key, ())))

    def load_terms(doctor_id: str, category: str) -> LoadTerms:
        column = FAIRNESS_CATEGORIES.index(category)
        terms: LoadTerms = []
        for key in classes:
            if not key[0][column] or (doctor_id, key) not in counts:
                continue
            v, b = counts[(doctor_id, key)]
            terms.append((scale, v))
            if b is not None and bakvakt_scale:
                terms.append((bakvakt_scale, b))
        return terms

    terms = add_fairness_terms(model, instances, targets, load_terms, scale)
    return AggregateBounds(model=model, terms=terms, counts=counts)
