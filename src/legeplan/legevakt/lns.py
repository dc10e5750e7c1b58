"""Large-neighbourhood search by doctor for the spread and wish tiers, from a valid rota.

CP-SAT on the whole year model spends most of a tier's share on presolve (80 000+ variables) and often returns the
rota it was hinted with. This search instead re-solves small neighbourhoods exactly: a few doctors are chosen (one
with clustering or unmet wishes and partners of the same § 7 class), every duty they hold is freed, and a small
CP-SAT model hands the same duties out again among them. Each neighbourhood keeps

* the staffing of every shift: per shift, role and § 7 class the freed doctors hold as many duties as before, so
  ``dekning`` and cover (:func:`legeplan.legevakt.rules.uncovered`, the solver's bakvakt conditions) hold unchanged;
* every doctor's load in every fairness category: a doctor keeps as many duties of each role and each *kind* (the
  set of fairness categories a shift lies in) as before, so tiers 1 and 2 keep their value exactly;
* the hard rules per doctor: only pairs the solver has variables for (``blocking_rules``), nothing forbidden, at most
  one duty per shift, at most one duty in each conflict clique (:func:`legeplan.legevakt.rules.conflict_cliques`:
  overlap and rest), nothing in conflict with a pinned duty; pinned duties never move.

The neighbourhood's objective is the doctors' spread excess (weighted above every wish) plus their unmet wishes, the
same measure as the solver's tiers 3 and 4. The current rota is a solution of every neighbourhood and is hinted, so
the total never gets worse. The caller still runs :func:`legeplan.legevakt.rules.check_rota` on the result.

:func:`improve_fairness_by_doctors` is the same search for tier 1: the loads may move between the freed doctors
(staffing per shift, role and § 7 class still kept), the objective is the group's total deviation from the pro-rata
targets — the other doctors' loads do not change, so tier 1 falls by exactly the group's gain — and no deviation may
grow above the largest of its category, so tier 2 does not grow either.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from legeplan.legevakt.model import Assignment, Role, RotaProblem, ShiftInstance, Wish
from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, conflict_cliques, gives_cover, in_category

Duty = tuple[str, int, Role]


def doctor_costs(
    problem: RotaProblem, instances: Sequence[ShiftInstance], duties: Mapping[str, Mapping[int, Role]]
) -> dict[str, tuple[int, int]]:
    """(spread excess, unmet wishes) per doctor, counted as the solver's tiers 3 and 4 count them: windows of
    ``spread_days`` days, each duty beyond one in a window is one; an avoided matching vakt is one, a wanted date
    without a matching vakt is one."""
    k = problem.spread_days
    period = (problem.end - problem.start).days + 1
    offset = [(i.date - problem.start).days for i in instances]
    wishes: dict[str, list[Wish]] = defaultdict(list)
    for wish in problem.wishes:
        wishes[wish.doctor].append(wish)
    found: dict[str, tuple[int, int]] = {}
    for doctor in problem.doctors:
        held = duties.get(doctor.id, {})
        per_day: dict[int, int] = defaultdict(int)
        for idx in held:
            per_day[offset[idx]] += 1
        excess = 0
        for start in range(max(0, period - k + 1)):
            count = sum(per_day.get(start + j, 0) for j in range(k))
            excess += max(0, count - 1)
        unmet = 0
        for wish in wishes.get(doctor.id, ()):
            hits = sum(
                1
                for idx, role in held.items()
                if role is Role.VAKT
                and instances[idx].date == wish.date
                and (wish.shift_type is None or instances[idx].shift_type == wish.shift_type)
            )
            unmet += (hits == 0) if wish.kind == "want" else hits
        found[doctor.id] = (excess, unmet)
    return found


@dataclass
class _Context:
    """What every neighbourhood of one search shares."""

    problem: RotaProblem
    instances: Sequence[ShiftInstance]
    may_hold: Mapping[Role, set[tuple[str, int]]]
    pinned: set[Duty]
    banned: set[Duty]
    competent: set[str]
    duties: dict[str, dict[int, Role]]
    kind: list[tuple[bool, ...]] = field(default_factory=list)
    cliques: list[list[int]] = field(default_factory=list)
    clique_of: dict[int, list[int]] = field(default_factory=dict)
    offset: list[int] = field(default_factory=list)
    wishes_of: dict[str, list[Wish]] = field(default_factory=dict)
    #: fairness mode: category -> doctor -> scaled target; role -> scaled weight; category -> largest deviation
    goal: dict[str, dict[str, int]] = field(default_factory=dict)
    weight: dict[Role, int] = field(default_factory=dict)
    worst: dict[str, int] = field(default_factory=dict)
    #: shift -> doctor -> role, kept in step with ``duties`` by :func:`_replace`
    holders: dict[int, dict[str, Role]] = field(default_factory=dict)


def _context(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    rota: Sequence[Assignment],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    fixed: Collection[Duty],
    forbidden: Collection[Duty],
) -> _Context:
    index_of = {i.key: i.index for i in instances}
    duties: dict[str, dict[int, Role]] = defaultdict(dict)
    for duty in rota:
        duties[duty.doctor][index_of[(duty.date, duty.shift_type)]] = duty.role
    cliques = conflict_cliques(problem, instances)
    clique_of: dict[int, list[int]] = defaultdict(list)
    for number, clique in enumerate(cliques):
        for idx in clique:
            clique_of[idx].append(number)
    wishes_of: dict[str, list[Wish]] = defaultdict(list)
    for wish in problem.wishes:
        wishes_of[wish.doctor].append(wish)
    holders: dict[int, dict[str, Role]] = defaultdict(dict)
    for doctor, held in duties.items():
        for idx, role in held.items():
            holders[idx][doctor] = role
    return _Context(
        holders=holders,
        problem=problem,
        instances=instances,
        may_hold={role: set(pairs) for role, pairs in allowed.items()},
        pinned=set(fixed),
        banned=set(forbidden),
        competent={d.id for d in problem.doctors if gives_cover(d)},
        duties=duties,
        kind=[tuple(in_category(i, c) for c in FAIRNESS_CATEGORIES) for i in instances],
        cliques=cliques,
        clique_of=clique_of,
        offset=[(i.date - problem.start).days for i in instances],
        wishes_of=wishes_of,
    )


def _replace(ctx: _Context, doctor: str, held: dict[int, Role]) -> None:
    for idx in ctx.duties.get(doctor, {}):
        ctx.holders[idx].pop(doctor, None)
    ctx.duties[doctor] = held
    for idx, role in held.items():
        ctx.holders.setdefault(idx, {})[doctor] = role


def _assignments(ctx: _Context) -> list[Assignment]:
    return [
        Assignment(date=ctx.instances[idx].date, shift_type=ctx.instances[idx].shift_type, doctor=d, role=role)
        for d, held in ctx.duties.items()
        for idx, role in held.items()
    ]


def _group(
    ctx: _Context, centre: str, size: int, rng: random.Random, prefer: Sequence[str] = (), *, mixed: bool = False
) -> list[str]:
    """The centre and partners: first from ``prefer``, then at random; unless ``mixed``, of the centre's § 7 class
    (only they can take the centre's vakter when staffing per class is kept)."""
    same = [d for d in ctx.duties if d != centre and (mixed or (d in ctx.competent) == (centre in ctx.competent))]
    rng.shuffle(same)
    first = [d for d in prefer if d in same][: (size - 1) // 2]
    rest = [d for d in same if d not in first]
    return [centre, *first, *rest[: size - 1 - len(first)]]


def improve_by_doctors(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    rota: Sequence[Assignment],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    *,
    seconds: float = 5.0,
    neighbourhood: int | None = None,
    step_s: float = 1.0,
    seed: int = 0,
    fixed: Collection[Duty] = (),
    forbidden: Collection[Duty] = (),
    spread_only: bool = False,
    window_days: int = 0,
) -> list[Assignment]:
    """``rota`` with less clustering and then fewer unmet wishes, never more, every fairness load unchanged, within
    about ``seconds``: repeated exact re-solves of ``neighbourhood`` doctors (see the module text). With
    ``spread_only`` the search centres on clustering only and ends when no doctor has any. Every other neighbourhood
    frees only ``window_days`` around one of the centre's duties, for twice as many doctors (0: never)."""
    deadline = time.perf_counter() + seconds
    if neighbourhood is None:
        # Measured on the year benchmark, 10 s from the greedy start (clustering 202): 3 doctors reached 0, 5 reached
        # 1 (and fewer unmet wishes: 26 against 30), 8 reached 18; month windows for twice the doctors 15-17.
        neighbourhood = 3 if spread_only else 5
    rng = random.Random(seed)
    ctx = _context(problem, instances, rota, allowed, fixed, forbidden)
    costs = doctor_costs(problem, instances, ctx.duties)
    weight = len(problem.wishes) + 1
    while time.perf_counter() < deadline - 0.05:
        bad = [d for d in sorted(ctx.duties) if costs[d][0] or (costs[d][1] and not spread_only)]
        if not bad:
            break
        worst = sorted(bad, key=lambda d: (-costs[d][0] * weight - costs[d][1], d))
        centre = rng.choice(worst[: max(3, len(worst) // 3)])
        # Every other neighbourhood is a month around one of the centre's duties, with twice the doctors.
        days = None
        size = neighbourhood
        if window_days and rng.random() < 0.5:
            middle = ctx.offset[rng.choice(sorted(ctx.duties[centre]))]
            days = (middle - window_days // 2, middle + window_days // 2)
            size = 2 * neighbourhood
        group = _group(ctx, centre, size, rng)
        result = _solve_group(ctx, group, min(step_s, deadline - time.perf_counter()), fairness=False, days=days)
        if result is None:
            continue
        new_costs = doctor_costs(problem, instances, {**ctx.duties, **result})
        before = sum(costs[d][0] * weight + costs[d][1] for d in group)
        after = sum(new_costs[d][0] * weight + new_costs[d][1] for d in group)
        if after < before:
            for d in group:
                _replace(ctx, d, result[d])
                costs[d] = new_costs[d]
    return _assignments(ctx)


def _deviations(ctx: _Context, doctor: str, held: Mapping[int, Role]) -> dict[str, int]:
    """A doctor's scaled deviation from the target per category, for the duties ``held``."""
    load: dict[str, int] = defaultdict(int)
    for idx, role in held.items():
        for column, category in enumerate(FAIRNESS_CATEGORIES):
            if ctx.kind[idx][column]:
                load[category] += ctx.weight[role]
    return {c: abs(load[c] - goal[doctor]) for c, goal in ctx.goal.items() if doctor in goal}


def improve_fairness_by_doctors(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    rota: Sequence[Assignment],
    targets: Mapping[str, Mapping[str, float]],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    *,
    scale: int = 100,
    seconds: float = 5.0,
    neighbourhood: int = 6,
    step_s: float = 1.0,
    seed: int = 0,
    fixed: Collection[Duty] = (),
    forbidden: Collection[Duty] = (),
    stop_at: float = 0.0,
) -> list[Assignment]:
    """``rota`` with a smaller total deviation from the pro-rata ``targets`` (tier 1, scaled by ``scale`` as the
    solver scales it), never larger, and no category's largest deviation larger (tier 2), within about ``seconds``;
    it stops early once the total is at most ``stop_at`` (scaled)."""
    deadline = time.perf_counter() + seconds
    rng = random.Random(seed)
    ctx = _context(problem, instances, rota, allowed, fixed, forbidden)
    ctx.goal = {c: {d: round(scale * t) for d, t in targets.get(c, {}).items()} for c in FAIRNESS_CATEGORIES}
    ctx.weight = {Role.VAKT: scale, Role.BAKVAKT: round(scale * problem.bakvakt_weight)}
    devs = {d.id: _deviations(ctx, d.id, ctx.duties.get(d.id, {})) for d in problem.doctors}
    ctx.worst = {c: max((dv.get(c, 0) for dv in devs.values()), default=0) for c in FAIRNESS_CATEGORIES}
    names = sorted(d for d in devs if ctx.duties.get(d) or any(devs[d].values()))
    for d in names:
        ctx.duties.setdefault(d, {})
    while time.perf_counter() < deadline - 0.05:
        total = {d: sum(devs[d].values()) for d in names}
        if sum(total.values()) <= stop_at:
            break
        worst = sorted((d for d in names if total[d]), key=lambda d: (-total[d], d))
        if not worst:
            break
        centre = rng.choice(worst[: max(3, len(worst) // 4)])
        # Partners whose loads lean the other way in the centre's worst category first.
        category = max(devs[centre], key=lambda c: devs[centre][c])
        sign = _signed(ctx, centre, category)
        prefer = sorted(names, key=lambda d: sign * _signed(ctx, d, category))
        group = _group(ctx, centre, neighbourhood, rng, prefer, mixed=True)
        result = _solve_group(ctx, group, min(step_s, deadline - time.perf_counter()), fairness=True)
        if result is None:
            continue
        after = {d: _deviations(ctx, d, result[d]) for d in group}
        if sum(sum(a.values()) for a in after.values()) < sum(total[d] for d in group):
            for d in group:
                _replace(ctx, d, result[d])
                devs[d] = after[d]
    return _assignments(ctx)


def _signed(ctx: _Context, doctor: str, category: str) -> int:
    """Load minus target (scaled) of one doctor in one category; 0 without a target."""
    goal = ctx.goal.get(category, {}).get(doctor)
    if goal is None:
        return 0
    column = FAIRNESS_CATEGORIES.index(category)
    load = sum(ctx.weight[r] for i, r in ctx.duties.get(doctor, {}).items() if ctx.kind[i][column])
    return load - goal


def _staffing_and_cover(
    ctx: _Context,
    model: cp_model.CpModel,
    group: Sequence[str],
    x: Mapping[tuple[str, int, Role], cp_model.IntVar],
    shifts: Collection[int],
) -> None:
    """On each freed shift, with the other doctors' duties fixed, the solver's own staffing and cover constraints
    (``solver._build_hard_model``): exactly the doctors the shift needs on vakt; at most one bakvakt, none beyond the
    doctors short of § 7 on vakt and none beside a competent co-worker on vakt; each doctor short of § 7 on vakt
    covered by the bakvakt or (on shifts of several doctors) a competent co-worker."""
    inside = set(group)
    for idx in shifts:
        inst = ctx.instances[idx]
        # Fixed: the other doctors' duties and the group's pinned ones.
        out = [(d, r) for d, r in ctx.holders.get(idx, {}).items() if d not in inside or (d, idx, r) in ctx.pinned]
        out_competent = sum(1 for d, r in out if r is Role.VAKT and d in ctx.competent)
        out_needing = sum(1 for d, r in out if r is Role.VAKT and d not in ctx.competent)
        out_backup = sum(1 for _, r in out if r is Role.BAKVAKT)
        vakter = [v for d in group if (v := x.get((d, idx, Role.VAKT))) is not None]
        model.add(cp_model.LinearExpr.sum(vakter) == inst.doctors - out_competent - out_needing)
        needs = [v for d in group if d not in ctx.competent and (v := x.get((d, idx, Role.VAKT))) is not None]
        co_workers = (
            [v for d in group if d in ctx.competent and (v := x.get((d, idx, Role.VAKT))) is not None]
            if inst.doctors > 1
            else []
        )
        backups = cp_model.LinearExpr.sum([v for d in group if (v := x.get((d, idx, Role.BAKVAKT))) is not None])
        backup_count = backups + out_backup
        model.add(backup_count <= 1)
        model.add(backup_count <= cp_model.LinearExpr.sum(needs) + out_needing)
        for co in co_workers:
            model.add(backup_count + co <= 1)
        fixed_co = out_competent if inst.doctors > 1 else 0
        if fixed_co:
            model.add(backup_count <= 0)
        cover = backup_count + cp_model.LinearExpr.sum(co_workers) + fixed_co
        for need in needs:
            model.add(cover >= need)
        if out_needing:
            model.add(cover >= 1)


def _solve_group(
    ctx: _Context,
    group: Sequence[str],
    seconds: float,
    *,
    fairness: bool,
    days: tuple[int, int] | None = None,
) -> dict[str, dict[int, Role]] | None:
    """The group's duties handed out again (the best found within ``seconds``), or None if nothing was found.
    ``fairness``: loads may move and the objective is the group's total deviation (tier 1); else every doctor keeps
    their duties per kind and role and the objective is spread, then wishes (tiers 3 and 4). ``days``: only the
    duties between these day offsets (both included) are freed; the others stay, like pinned ones."""
    if seconds <= 0.05:
        return None
    problem, instances, competent, kind = ctx.problem, ctx.instances, ctx.competent, ctx.kind
    model = cp_model.CpModel()
    free: dict[tuple[int, Role], dict[bool, int]] = defaultdict(lambda: defaultdict(int))
    kept: dict[str, dict[int, Role]] = {d: {} for d in group}
    per_kind: dict[tuple[str, tuple[bool, ...], Role], int] = defaultdict(int)
    for d in group:
        for idx, role in ctx.duties.get(d, {}).items():
            if (d, idx, role) in ctx.pinned or (days is not None and not days[0] <= ctx.offset[idx] <= days[1]):
                kept[d][idx] = role
            else:
                free[(idx, role)][d in competent] += 1
                per_kind[(d, kind[idx], role)] += 1
    x: dict[tuple[str, int, Role], cp_model.IntVar] = {}
    slots = {(idx, role) for idx, _ in free for role in Role} if fairness else set(free)
    for idx, role in sorted(slots):
        for d in group:
            if (d, idx) not in ctx.may_hold[role] or (d, idx, role) in ctx.banned:
                continue
            if any(
                other == idx or any(n in ctx.clique_of.get(idx, ()) for n in ctx.clique_of.get(other, ()))
                for other in kept[d]
            ):
                continue  # in conflict with a pinned duty
            var = model.new_bool_var(f"x_{d}_{idx}_{role}")
            x[(d, idx, role)] = var
            model.add_hint(var, int(ctx.duties.get(d, {}).get(idx) is role))
    if fairness:
        _staffing_and_cover(ctx, model, group, x, {idx for idx, _ in free})
    else:
        on_shift: dict[tuple[int, Role, bool], list[cp_model.IntVar]] = defaultdict(list)
        of_kind: dict[tuple[str, tuple[bool, ...], Role], list[cp_model.IntVar]] = defaultdict(list)
        for (d, idx, role), var in x.items():
            on_shift[(idx, role, d in competent)].append(var)
            of_kind[(d, kind[idx], role)].append(var)
        for (idx, role), by_class in free.items():
            for cls, count in by_class.items():
                model.add(cp_model.LinearExpr.sum(on_shift[(idx, role, cls)]) == count)
        for (d, kinds, role), count in per_kind.items():
            model.add(cp_model.LinearExpr.sum(of_kind[(d, kinds, role)]) == count)
    by_doctor: dict[str, dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
    for (d, idx, _), var in x.items():
        by_doctor[d][idx].append(var)
    objective: list[cp_model.LinearExprT] = []
    weight = len(problem.wishes) + 1
    k = problem.spread_days
    period = (problem.end - problem.start).days + 1
    for d in group:
        held = by_doctor[d]
        for own in held.values():
            if len(own) > 1:
                model.add_at_most_one(own)
        for number in {n for idx in held for n in ctx.clique_of.get(idx, ())}:
            members = [v for idx in ctx.cliques[number] for v in held.get(idx, ())]
            if len(members) > 1:
                model.add_at_most_one(members)
        if fairness:
            for column, category in enumerate(FAIRNESS_CATEGORIES):
                goal = ctx.goal[category].get(d)
                if goal is None:
                    continue
                fixed_load = sum(ctx.weight[r] for i, r in kept[d].items() if kind[i][column])
                terms = [(ctx.weight[r], v) for (dd, i, r), v in x.items() if dd == d and kind[i][column]]
                load = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms]) + fixed_load
                dev = model.new_int_var(0, max(ctx.worst[category], 0), f"dev_{d}_{category}")
                model.add(dev >= load - goal)
                model.add(dev >= goal - load)
                objective.append(dev)
            continue
        per_day: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
        for idx, own in held.items():
            per_day[ctx.offset[idx]].extend(own)
        for idx in kept[d]:
            per_day[ctx.offset[idx]].append(1)
        starts = {s for day in per_day for s in range(max(0, day - k + 1), min(day, period - k) + 1)}
        for s in sorted(starts):
            window = [v for j in range(k) for v in per_day.get(s + j, ())]
            if len(window) < 2:
                continue
            excess = model.new_int_var(0, len(window), f"e_{d}_{s}")
            model.add(sum(window) <= 1 + excess)
            objective.append(weight * excess)
        for wish in ctx.wishes_of.get(d, ()):
            matching: list[cp_model.LinearExprT] = []
            for idx in {*held, *kept[d]}:
                inst = instances[idx]
                if inst.date == wish.date and (wish.shift_type is None or inst.shift_type == wish.shift_type):
                    if idx in kept[d]:
                        matching.append(int(kept[d][idx] is Role.VAKT))
                    elif (d, idx, Role.VAKT) in x:
                        matching.append(x[(d, idx, Role.VAKT)])
            if wish.kind == "avoid":
                objective.extend(matching)
            else:
                granted = model.new_bool_var(f"w_{d}_{wish.date}")
                model.add(sum(matching) >= granted)
                objective.append(1 - granted)
    model.minimize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    result = {d: dict(kept[d]) for d in group}
    for (d, idx, role), var in x.items():
        if solver.value(var):
            result[d][idx] = role
    return result
