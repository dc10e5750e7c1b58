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
its optimum — or CP-SAT's proven bound on it — is a lower bound for the full model's tier.

The spread tier (tier 3) is bounded the same way: a doctor's clustering depends on the days of their duties, and the
fewest possible for ``n`` duties on the days the doctor may work is :func:`spread_floor` (exact, by dynamic
programming, proof there). The aggregate model adds each doctor's total ``n`` and ``spread ≥ floor(n)``; with tiers 1
and 2 capped at the values the solver fixed, its optimum is a lower bound of tier 3, above 0 whenever the shares force
some doctor to work more often than once per ``spread_days`` days. It is small (a few
thousand integers for 60 doctors and a year) and solves to optimality in well under a second; the solver states the
bound as a redundant constraint on the tier, which is what lets CP-SAT prove a small gap on a year-long rota.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
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


def shared_windows(first: int, second: int, days: int, k: int) -> int:
    """How many of the windows of ``k`` consecutive days (starts ``0 … days − k``) contain both day offsets."""
    a, b = min(first, second), max(first, second)
    return max(0, min(a, days - k) - max(0, b - k + 1) + 1)


def spread_cost(per_day: Sequence[int], k: int) -> int:
    """The spread tier's measure for one doctor: over every window of ``k`` consecutive days, the duties beyond one."""
    return sum(max(0, sum(per_day[s : s + k]) - 1) for s in range(len(per_day) - k + 1))


def spread_floor(caps: Sequence[int], k: int, most: int | None = None) -> list[int]:
    """``floor[n]``: the least spread cost (:func:`spread_cost`) of ``n`` duties on days with at most ``caps[t]``
    duties on day ``t``, for ``n = 0 … min(most, Σ caps)``.

    Proof of the recurrence. Sort a doctor's duties by day. The duties inside one window lie on an interval of days, so
    they are a contiguous run of the sorted list: a window holding ``c ≥ 1`` duties contains exactly ``c − 1``
    consecutive pairs of the list, and ``max(0, c − 1)`` is that count for ``c = 0`` too. Summing over windows and
    swapping the sums, the cost is ``Σ over consecutive pairs (a, b) of shared_windows(a, b)``, a sum over the gaps
    between consecutive duties (two duties on one day share every window of that day). So ``G[j][t]``, the least cost
    of ``j`` duties with the last ones — ``c`` of them — on day ``t``, is ``(c − 1)·shared(t, t)`` plus, when
    ``j > c``, the least ``G[j − c][s] + shared(s, t)`` over earlier days ``s``; ``shared(s, t) = 0`` once
    ``t − s ≥ k``, so those ``s`` enter through a running minimum. ``floor[n] = min_t G[n][t]``. Every rota gives each
    doctor a vector of duties per day within the caps (a cap being the most duties of that day the rules let one
    doctor take), so ``floor[n]`` never exceeds the doctor's spread in a rota with ``n`` duties; a test checks the
    recurrence against enumeration of every vector.
    """
    days = len(caps)
    top = sum(caps) if most is None else min(most, sum(caps))
    if days < k or top <= 0:
        return [0] * (max(top, 0) + 1)
    big = 10**9
    cap = np.asarray(caps, dtype=np.int64)
    same_day = np.array([shared_windows(d, d, days, k) for d in range(days)], dtype=np.int64)
    near = {
        gap: np.array([shared_windows(d - gap, d, days, k) if d >= gap else 0 for d in range(days)], dtype=np.int64)
        for gap in range(1, k)
    }
    layers: list[np.ndarray] = [np.full(days, big, dtype=np.int64)]  # G[0] unused: "no earlier duty" is handled apart
    floor = [0]
    for j in range(1, top + 1):
        layer = np.full(days, big, dtype=np.int64)
        for c in range(1, min(j, int(cap.max())) + 1):
            inner = (c - 1) * same_day
            if j == c:
                best = np.zeros(days, dtype=np.int64)
            else:
                prev = layers[j - c]
                running = np.minimum.accumulate(prev)
                best = np.full(days, big, dtype=np.int64)
                best[k:] = running[: days - k]
                for gap, shared in near.items():
                    shifted = np.full(days, big, dtype=np.int64)
                    shifted[gap:] = prev[: days - gap]
                    best = np.minimum(best, shifted + shared)
            layer = np.minimum(layer, np.where(cap >= c, np.minimum(best + inner, big), big))
        layers.append(layer)
        floor.append(int(layer.min()))
    return floor


def rounding_floor(targets: Sequence[int], step: int, totals: Iterable[int]) -> int:
    """The least ``Σ |L_d − τ_d|`` over loads ``L_d ∈ {0, step, 2·step, …}`` whose sum is one of ``totals`` (scaled
    targets ``τ_d ≥ 0``; a large number when no total can be reached).

    Start every load at ``f_d``, the largest multiple of ``step`` at most ``τ_d`` (remainder ``r_d``): cost ``Σ r_d``.
    Reaching the total needs ``m = (T − Σ f_d) / step`` more steps. A doctor's cost is convex in their load: the first
    step up changes it by ``step − 2·r_d``, every further step by ``+step``, every step down by ``+step``. So for
    ``m ≥ 0`` the cheapest ``m`` increments are the smallest first steps (each at most ``step``) and then ``+step``
    each; for ``m < 0`` every step costs ``+step``. Summing convex functions under one total this way is exact, and a
    test checks it against enumeration."""
    f = [t - t % step for t in targets]
    r = [t % step for t in targets]
    base = sum(r)
    firsts = sorted(step - 2 * x for x in r)
    prefix = [0]
    for delta in firsts:
        prefix.append(prefix[-1] + delta)
    best = 10**12
    for total in totals:
        extra = total - sum(f)
        if extra % step:
            continue
        m = extra // step
        if m >= 0:
            k = min(m, len(firsts))
            cost = base + prefix[k] + (m - k) * step
        elif -m <= sum(x // step for x in f):
            cost = base - m * step
        else:
            continue
        best = min(best, cost)
    return best


def least_largest(targets: Sequence[int], step: int, totals: Iterable[int]) -> int:
    """The least ``max |L_d − τ_d|`` over loads ``L_d ∈ {0, step, 2·step, …}`` whose sum is one of ``totals`` (0 when
    no total can be reached). For a bound ``D`` each load may lie between the smallest multiple of ``step`` at least
    ``max(0, τ_d − D)`` and the largest at most ``τ_d + D``; the sums so reachable are every multiple of ``step``
    between the sums of those ends, and a larger ``D`` only widens them, so the least ``D`` is found by bisection."""
    wanted = sorted({t for t in totals if t % step == 0})
    if not targets or not wanted:
        return 0

    def reachable(limit: int) -> bool:
        low = high = 0
        for t in targets:
            lo = -(-max(0, t - limit) // step) * step
            hi = (t + limit) // step * step
            if lo > hi:
                return False
            low, high = low + lo, high + hi
        return any(low <= total <= high for total in wanted)

    top = max(targets) + max(wanted) + step
    if not reachable(top):
        return 0
    lo, hi = 0, top
    while lo < hi:
        middle = (lo + hi) // 2
        if reachable(middle):
            hi = middle
        else:
            lo = middle + 1
    return lo


def rounding_bounds(
    instances: Sequence[ShiftInstance],
    targets: Mapping[str, Mapping[str, float]],
    bakvakt_shifts: Collection[int],
    scale: int,
    bakvakt_scale: int,
) -> dict[str, int]:
    """Per fairness category, a lower bound of the summed deviations (scaled): :func:`rounding_floor` with the
    category's load total ``scale·V + bakvakt_scale·b`` — ``V`` its vakt slots (all filled, by doctors who share it),
    ``b`` from 0 to the number of its shifts that can have a bakvakt (``bakvakt_shifts``, at most one each) — and
    every load a multiple of ``gcd(scale, bakvakt_scale)``. Each doctor's deviation is tied to one common total,
    which the per-doctor rounding floor of :func:`add_fairness_terms` does not see (200 doctors × a year: the
    holidays' 36 slots and ≈ 10 bakvakter over 198 doctors with a share of 0,24 each cost ≈ 70, not the 45 of
    rounding each share alone)."""
    return _per_category(instances, targets, bakvakt_shifts, scale, bakvakt_scale, rounding_floor)


def largest_bounds(
    instances: Sequence[ShiftInstance],
    targets: Mapping[str, Mapping[str, float]],
    bakvakt_shifts: Collection[int],
    scale: int,
    bakvakt_scale: int,
) -> dict[str, int]:
    """Per fairness category, a lower bound of its largest deviation (scaled, tier 2): :func:`least_largest` with the
    totals and steps of :func:`rounding_bounds` (200 doctors × a year, holidays: 46 of 198 doctors with a share of
    0,24 must take one, so the largest deviation is at least 0,73, not the 0,24 of rounding alone)."""
    return _per_category(instances, targets, bakvakt_shifts, scale, bakvakt_scale, least_largest)


def _per_category(
    instances: Sequence[ShiftInstance],
    targets: Mapping[str, Mapping[str, float]],
    bakvakt_shifts: Collection[int],
    scale: int,
    bakvakt_scale: int,
    least: Callable[[Sequence[int], int, Iterable[int]], int],
) -> dict[str, int]:
    found: dict[str, int] = {}
    step = math.gcd(scale, bakvakt_scale) if bakvakt_scale else scale
    for category in FAIRNESS_CATEGORIES:
        goal = [round(scale * t) for t in targets.get(category, {}).values()]
        members = [i for i in instances if in_category(i, category)]
        if not goal or not members or min(goal) < 0:
            continue
        slots = sum(i.doctors for i in members)
        backups = sum(1 for i in members if i.index in bakvakt_shifts) if bakvakt_scale else 0
        value = least(goal, step, [scale * slots + bakvakt_scale * b for b in range(backups + 1)])
        if 0 < value < 10**12:
            found[category] = value
    return found


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
    least_total: Mapping[str, int] | None = None,
    least_worst: Mapping[str, int] | None = None,
) -> FairnessTerms:
    """Deviation of each doctor's scaled load from the scaled pro-rata target, per category, and its maximum.

    The scaled load is a sum of step sizes (``scale`` per vakt, the bakvakt weight per bakvakt), so it is a multiple
    of their gcd and the deviation is at least the target's distance to the nearest such multiple: stating it lets
    CP-SAT prove a useful bound (the LP relaxation alone proves almost nothing). The full model and the aggregate
    relaxation both build their fairness tiers here, so they measure the same thing. ``least_total``: per category a
    proven lower bound of its summed deviations (:func:`rounding_bounds`), ``least_worst`` of its largest
    (:func:`largest_bounds`), both stated as redundant constraints.
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
        if least_total and category in least_total:
            model.add(
                cp_model.LinearExpr.sum([d for c, _, d, *_ in found.deviations if c == category])
                >= least_total[category]
            )
        if least_worst and category in least_worst:
            model.add(worst >= least_worst[category])
    return found


@dataclass
class AggregateBounds:
    """The aggregate relaxation, built once; :meth:`lower_bound` solves it for one tier."""

    model: cp_model.CpModel
    terms: FairnessTerms
    #: (doctor, class) -> vakt count, bakvakt count (or None)
    counts: dict[tuple[str, ShiftClass], tuple[cp_model.IntVar, cp_model.IntVar | None]]
    #: doctor -> the most duties the rules let them take on each day of the period (for the spread floor)
    day_caps: dict[str, list[int]] = field(default_factory=dict)
    #: doctor -> the most duties the rules let them take in the whole period
    most_duties: dict[str, int] = field(default_factory=dict)
    spread_days: int = 3

    def lower_bound(
        self,
        tier: int,
        time_limit_s: float,
        *,
        cap_sum: int | None = None,
        cap_max: int | None = None,
        hint: Mapping[tuple[str, ShiftClass], tuple[int, int]] | None = None,
    ) -> int:
        """Proven lower bound (scaled) of tier 1 (sum of deviations), tier 2 (sum of the largest deviations, with
        the sum of deviations at most ``cap_sum``) or tier 3 (spread, unscaled, with tier 1 at most ``cap_sum`` and
        tier 2 at most ``cap_max``); 0 when nothing is proven in time. ``hint``: a rota's vakt and bakvakt count per
        doctor and class (:func:`class_counts`), a complete first solution."""
        return self.solve(tier, time_limit_s, cap_sum=cap_sum, cap_max=cap_max, hint=hint).bound

    def solve(
        self,
        tier: int,
        time_limit_s: float,
        *,
        cap_sum: int | None = None,
        cap_max: int | None = None,
        hint: Mapping[tuple[str, ShiftClass], tuple[int, int]] | None = None,
        linearization: int = 1,
        stop_gap: float | None = None,
        workers: int = 1,
        presolve: bool = False,
        halt: threading.Event | None = None,
    ) -> AggregateResult:
        """:meth:`lower_bound` with the best aggregate solution found: its counts are a target for a rota
        (:func:`legeplan.legevakt.quota.quota_rota`). ``linearization``: CP-SAT's ``linearization_level`` (2 proved
        236,8 of the 200-doctor year's tier 1 in 20 s against 216,8 with 1; with 1 the 60-doctor year is solved in
        2,2 s against 3,2 s). Any level gives a valid bound: it changes how CP-SAT searches, not the model.
        ``stop_gap``: stop once a solution is within this relative gap of the proven bound (the solver's target gap).
        ``workers`` and ``presolve``: CP-SAT's; with 2 workers and presolve the 120-doctor year's tier 1 was solved to
        optimality in 9 s, where 1 worker without presolve was stuck at 139,2 against 111,5 after 30 s. ``halt``: the
        search stops soon after it is set (a cancelled or finished rota search), with what it has."""
        model = self.model.clone()

        def total(variables: list[cp_model.IntVar]) -> cp_model.LinearExpr:
            return cp_model.LinearExpr.sum([model.get_int_var_from_proto_index(v.index) for v in variables])

        if cap_sum is not None:
            model.add(total(self.terms.sum_terms) <= cap_sum)
        if cap_max is not None:
            model.add(total(self.terms.max_terms) <= cap_max)
        spread: list[tuple[str, cp_model.IntVar, cp_model.IntVar, list[int]]] = []
        if tier == 3:
            for doctor_id, caps in self.day_caps.items():
                parts = [
                    model.get_int_var_from_proto_index(var.index)
                    for (doc, _), pair in self.counts.items()
                    if doc == doctor_id
                    for var in pair
                    if var is not None
                ]
                if not parts:
                    continue
                least_of = spread_floor(caps, self.spread_days, most=self.most_duties.get(doctor_id))
                if not least_of[-1]:
                    continue  # no number of duties forces clustering on this doctor
                duties = model.new_int_var(0, len(least_of) - 1, f"duties_{doctor_id}")
                model.add(duties == sum(parts))
                least = model.new_int_var(0, max(least_of), f"spread_{doctor_id}")
                model.add_element(duties, least_of, least)
                spread.append((doctor_id, duties, least, least_of))
            if not spread:
                return AggregateResult(bound=0)
            model.minimize(cp_model.LinearExpr.sum([least for _, _, least, _ in spread]))
        else:
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
            for doctor_id, duties, least, floors in spread:
                n = sum(sum(hint.get(key, (0, 0))) for key in self.counts if key[0] == doctor_id)
                values[duties.index] = min(n, len(floors) - 1)
                values[least.index] = floors[values[duties.index]]
            model.proto.solution_hint.vars.extend(list(values))
            model.proto.solution_hint.values.extend(list(values.values()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = max(0.1, time_limit_s)
        # Without presolve by default: it took half the time to the proven optimum at 60 doctors.
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.linearization_level = linearization
        finished = threading.Event()
        if halt is not None:
            watched = halt

            def watch() -> None:
                while not finished.wait(0.05):
                    if watched.is_set():
                        solver.stop_search()
                        return

            threading.Thread(target=watch, daemon=True).start()
        try:
            status = solver.solve(model, _StopAtGap(stop_gap) if stop_gap is not None else None)
        finally:
            finished.set()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = solver.response_proto.solution
            counts = {
                key: (found[v.index], found[b.index] if b is not None else 0) for key, (v, b) in self.counts.items()
            }
            value = round(solver.objective_value)
            bound = value if status == cp_model.OPTIMAL else max(0, math.ceil(solver.best_objective_bound - 1e-6))
            return AggregateResult(bound=bound, counts=counts, value=value)
        if status == cp_model.UNKNOWN:
            try:
                return AggregateResult(bound=max(0, math.ceil(solver.best_objective_bound - 1e-6)))
            except RuntimeError:  # no response at all
                return AggregateResult(bound=0)
        return AggregateResult(bound=0)


class _StopAtGap(cp_model.CpSolverSolutionCallback):
    """Stops the search once a solution is within ``gap`` (relative) of the proven bound."""

    def __init__(self, gap: float) -> None:
        super().__init__()
        self.gap = gap

    def on_solution_callback(self) -> None:
        if self.objective_value - self.best_objective_bound <= self.gap * max(1.0, abs(self.objective_value)):
            self.stop_search()


@dataclass(frozen=True)
class AggregateResult:
    """A proven lower bound of a tier (scaled) and the best aggregate solution found, if any."""

    bound: int
    #: (doctor, class) -> (vakter, bakvakter) of the best solution; None when none was found
    counts: dict[tuple[str, ShiftClass], tuple[int, int]] | None = None
    #: that solution's objective (scaled): no rota with these counts has a different tier value
    value: int | None = None


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

    backup_shift_set = {idx for _, idx in bakvakt_pairs}
    least_total = rounding_bounds(instances, targets, backup_shift_set, scale, bakvakt_scale)
    least_worst = largest_bounds(instances, targets, backup_shift_set, scale, bakvakt_scale)
    terms = add_fairness_terms(model, instances, targets, load_terms, scale, least_total, least_worst)
    day_caps: dict[str, list[int]] = {}
    most_duties: dict[str, int] = {}
    period = (problem.end - problem.start).days + 1
    for doc, own_shifts in allowed.items():
        by_day: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        for idx in own_shifts:
            by_day[(instances[idx].date - problem.start).days].append(spans[idx])
        day_caps[doc] = [max_duties(by_day[day]) if day in by_day else 0 for day in range(period)]
        most_duties[doc] = max_duties(spans[idx] for idx in own_shifts)
    return AggregateBounds(
        model=model,
        terms=terms,
        counts=counts,
        day_caps=day_caps,
        most_duties=most_duties,
        spread_days=problem.spread_days,
    )
