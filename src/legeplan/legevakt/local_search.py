"""Local search on a valid rota toward the pro-rata shares: a better first hint for the CP-SAT tiers.

The greedy pro-rata rota (:func:`legeplan.legevakt.baseline.pro_rata_rota`) decides each shift once, in time order,
and ends a year ≈ 30 % above the proven bound of tier 1 (the total deviation from the pro-rata shares). This hill
climber improves it with two moves that keep every hard rule of :mod:`legeplan.legevakt.rules`:

* *give*: one duty (vakt or bakvakt) goes to another doctor who may take the shift (``blocking_rules``), holds no
  duty on it and none in conflict with it (:func:`conflict_pairs`: overlap and rest);
* *swap*: two doctors exchange one duty each, under the same conditions with the exchanged duties left out.

A vakt moves only between doctors who both meet § 7 or both do not, so cover (:func:`uncovered`) and the solver's
bakvakt conditions hold unchanged; a bakvakt moves only to a competent doctor. Pinned duties never move and
forbidden ones are never made. The caller still runs :func:`check_rota` on the result.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from legeplan.legevakt.model import Assignment, Role, RotaProblem, ShiftInstance
from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, conflict_pairs, gives_cover, in_category

Duty = tuple[str, int, Role]


def improve_fairness(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    rota: Sequence[Assignment],
    targets: dict[str, dict[str, float]],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    *,
    scale: int = 100,
    seconds: float = 2.0,
    fixed: Collection[Duty] = (),
    forbidden: Collection[Duty] = (),
) -> list[Assignment]:
    """``rota`` with a smaller total deviation from ``targets`` (never larger), within about ``seconds``.

    ``allowed``: the (doctor, shift index) pairs each role may use — the solver's variables, which exist exactly
    where :func:`blocking_rules` allows the doctor (and, for a bakvakt, where the doctor meets § 7 and someone on the
    shift may need cover)."""
    deadline = time.perf_counter() + seconds
    index_of = {i.key: i.index for i in instances}
    doctors = {d.id: d for d in problem.doctors}
    competent = {d for d, doc in doctors.items() if gives_cover(doc)}
    conflicts = conflict_pairs(problem, instances)
    weight = {Role.VAKT: scale, Role.BAKVAKT: round(scale * problem.bakvakt_weight)}
    categories = [[c for c in FAIRNESS_CATEGORIES if in_category(i, c)] for i in instances]
    goal = {c: {d: round(scale * t) for d, t in targets[c].items()} for c in FAIRNESS_CATEGORIES}
    may_hold = {role: set(pairs) for role, pairs in allowed.items()}
    pinned = set(fixed)
    banned = set(forbidden)

    holder: dict[tuple[int, Role], list[str]] = defaultdict(list)
    busy: dict[str, set[int]] = defaultdict(set)
    load: dict[str, dict[str, int]] = {c: defaultdict(int) for c in FAIRNESS_CATEGORIES}
    for duty in rota:
        idx = index_of[(duty.date, duty.shift_type)]
        holder[(idx, duty.role)].append(duty.doctor)
        busy[duty.doctor].add(idx)
        for c in categories[idx]:
            load[c][duty.doctor] += weight[duty.role]

    def dev(c: str, d: str, extra: int) -> int:
        target = goal[c].get(d)
        return 0 if target is None else abs(load[c][d] + extra - target)

    def change(d: str, idx: int, amount: int) -> int:
        """Change of the total deviation when ``d``'s load on shift ``idx``'s categories moves by ``amount``."""
        return sum(dev(c, d, amount) - dev(c, d, 0) for c in categories[idx])

    def may_take(d: str, idx: int, role: Role, leaving: int | None = None) -> bool:
        if (d, idx) not in may_hold[role] or (d, idx, role) in banned:
            return False
        others = busy[d] - {leaving} if leaving is not None else busy[d]
        return idx not in others and others.isdisjoint(conflicts[idx])

    def move(d: str, idx: int, role: Role, to: str) -> None:
        holder[(idx, role)].remove(d)
        holder[(idx, role)].append(to)
        busy[d].discard(idx)
        busy[to].add(idx)
        for c in categories[idx]:
            load[c][d] -= weight[role]
            load[c][to] += weight[role]

    def same_kind(a: str, b: str, role: Role) -> bool:
        return role is Role.BAKVAKT or ((a in competent) == (b in competent))

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for (idx, role), held in list(holder.items()):  # give
            w = weight[role]
            for d in list(held):
                if (d, idx, role) in pinned:
                    continue
                loss = change(d, idx, -w)
                best: tuple[int, str] | None = None
                for to in doctors:
                    if to == d:
                        continue
                    delta = loss + change(to, idx, w)
                    if delta >= 0 or (best is not None and delta >= best[0]):
                        continue
                    if same_kind(d, to, role) and may_take(to, idx, role):
                        best = (delta, to)
                if best is not None:
                    move(d, idx, role, best[1])
                    improved = True
            if time.perf_counter() > deadline:
                break
        # Swap: the change in deviation depends only on the two duties' category sets, so it is computed once per
        # pair of sets, and only improving pairs are searched for two concrete duties the rules allow.
        duties: dict[tuple[str, Role], dict[tuple[str, ...], list[int]]] = defaultdict(lambda: defaultdict(list))
        for (idx, role), held in holder.items():
            for d in held:
                if (d, idx, role) not in pinned:
                    duties[(d, role)][tuple(categories[idx])].append(idx)
        names = sorted(doctors)
        for i, a in enumerate(names):
            if time.perf_counter() > deadline:
                break
            for b in names[i + 1 :]:
                for role in (Role.VAKT, Role.BAKVAKT):
                    if not same_kind(a, b, role):
                        continue
                    w = weight[role]
                    improved |= _swap_pairs(a, b, role, w, duties, dev, may_take, move, load)
    return [
        Assignment(date=instances[idx].date, shift_type=instances[idx].shift_type, doctor=d, role=role)
        for (idx, role), held in holder.items()
        for d in held
    ]


def _swap_pairs(
    a: str,
    b: str,
    role: Role,
    w: int,
    duties: dict[tuple[str, Role], dict[tuple[str, ...], list[int]]],
    dev: Callable[[str, str, int], int],
    may_take: Callable[[str, int, Role, int | None], bool],
    move: Callable[[str, int, Role, str], None],
    load: dict[str, dict[str, int]],
) -> bool:
    """Swap improving duty pairs between ``a`` and ``b`` (one role) until none is left; True if any was made."""
    made = False
    found = True
    while found:
        found = False
        of_a, of_b = duties[(a, role)], duties[(b, role)]
        for cats_a, list_a in list(of_a.items()):
            for cats_b, list_b in list(of_b.items()):
                if cats_a == cats_b or not list_a or not list_b:
                    continue
                # a loses cats_a and gains cats_b; b the reverse (categories in both cancel out).
                delta = 0
                for c in set(cats_a) ^ set(cats_b):
                    sign = 1 if c in cats_b else -1
                    delta += dev(c, a, sign * w) - dev(c, a, 0) + dev(c, b, -sign * w) - dev(c, b, 0)
                if delta >= 0:
                    continue
                pair = next(
                    (
                        (x, y)
                        for x in list_a
                        for y in list_b
                        if x != y and may_take(a, y, role, x) and may_take(b, x, role, y)
                    ),
                    None,
                )
                if pair is None:
                    continue
                x, y = pair
                move(a, x, role, b)
                move(b, y, role, a)
                list_a.remove(x)
                list_b.remove(y)
                of_a[cats_b].append(y)
                of_b[cats_a].append(x)
                made = found = True
                break
            if found:
                break
    return made


def improve_spread_and_wishes(
    problem: RotaProblem,
    instances: Sequence[ShiftInstance],
    rota: Sequence[Assignment],
    allowed: Mapping[Role, Collection[tuple[str, int]]],
    *,
    seconds: float = 2.0,
    fixed: Collection[Duty] = (),
    forbidden: Collection[Duty] = (),
) -> list[Assignment]:
    """``rota`` with less clustering (the spread tier) and then fewer unmet wishes, by swaps that leave every
    doctor's load in every fairness category as it was (the two duties lie in the same categories), so the fairness
    tiers keep their value. Same rules as :func:`improve_fairness`."""
    deadline = time.perf_counter() + seconds
    index_of = {i.key: i.index for i in instances}
    competent = {d.id for d in problem.doctors if gives_cover(d)}
    conflicts = conflict_pairs(problem, instances)
    may_hold = {role: set(pairs) for role, pairs in allowed.items()}
    pinned, banned = set(fixed), set(forbidden)
    period = (problem.end - problem.start).days + 1
    offset = [(i.date - problem.start).days for i in instances]
    kind = [tuple(in_category(i, c) for c in FAIRNESS_CATEGORIES) for i in instances]
    wishes: dict[str, list[tuple[int, str | None, bool]]] = defaultdict(list)
    for wish in problem.wishes:
        wishes[wish.doctor].append(((wish.date - problem.start).days, wish.shift_type, wish.kind == "want"))
    duties: dict[str, dict[int, Role]] = defaultdict(dict)
    for duty in rota:
        duties[duty.doctor][index_of[(duty.date, duty.shift_type)]] = duty.role

    weight = len(problem.wishes) + len(instances) + 1  # one unit of spread outweighs every wish
    k = problem.spread_days

    def cost(d: str, held: dict[int, Role], days: Iterable[int] | None = None) -> int:
        """Spread excess (weighted above everything wishes can add) plus unmet wishes of one doctor, counting only
        windows and wishes that touch ``days`` (all when None): the change of a swap is local to its two days."""
        per_day: dict[int, int] = defaultdict(int)
        vakt_on: dict[int, list[int]] = defaultdict(list)
        for i, role in held.items():
            per_day[offset[i]] += 1
            if role is Role.VAKT:
                vakt_on[offset[i]].append(i)
        touched = set(per_day) if days is None else set(days)
        starts = {s for day in touched for s in range(max(0, day - k + 1), min(day, period - k) + 1)}
        excess = sum(max(0, sum(per_day.get(s + j, 0) for j in range(k)) - 1) for s in starts)
        unmet = 0
        for day, shift, want in wishes.get(d, ()):
            if day not in touched and days is not None:
                continue
            hits = sum(1 for i in vakt_on.get(day, ()) if shift is None or instances[i].shift_type == shift)
            unmet += (hits == 0) if want else hits
        return excess * weight + unmet

    def may_take(d: str, idx: int, role: Role, leaving: int) -> bool:
        if (d, idx) not in may_hold[role] or (d, idx, role) in banned:
            return False
        others = set(duties[d]) - {leaving}
        return idx not in others and others.isdisjoint(conflicts[idx])

    current = {d: cost(d, duties[d]) for d in duties}
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for a in sorted(current, key=current.__getitem__, reverse=True):
            if current[a] == 0 or time.perf_counter() > deadline:
                break
            for idx_a, role in list(duties[a].items()):
                if (a, idx_a, role) in pinned or idx_a not in duties[a]:
                    continue
                for b in current:
                    if b == a or (role is Role.VAKT and (a in competent) != (b in competent)):
                        continue
                    swapped = next(
                        (
                            idx_b
                            for idx_b, role_b in duties[b].items()
                            if role_b is role
                            and kind[idx_b] == kind[idx_a]
                            and (b, idx_b, role) not in pinned
                            and may_take(a, idx_b, role, idx_a)
                            and may_take(b, idx_a, role, idx_b)
                            and _better(a, b, idx_a, idx_b, role, duties, cost, offset)
                        ),
                        None,
                    )
                    if swapped is None:
                        continue
                    del duties[a][idx_a], duties[b][swapped]
                    duties[a][swapped] = role
                    duties[b][idx_a] = role
                    current[a], current[b] = cost(a, duties[a]), cost(b, duties[b])
                    improved = True
                    break
    return [
        Assignment(date=instances[idx].date, shift_type=instances[idx].shift_type, doctor=d, role=role)
        for d, held in duties.items()
        for idx, role in held.items()
    ]


def _better(
    a: str,
    b: str,
    idx_a: int,
    idx_b: int,
    role: Role,
    duties: dict[str, dict[int, Role]],
    cost: Callable[[str, dict[int, Role], Iterable[int] | None], int],
    offset: list[int],
) -> bool:
    """Whether swapping ``a``'s duty ``idx_a`` with ``b``'s ``idx_b`` lowers their summed cost."""
    held_a = {i: r for i, r in duties[a].items() if i != idx_a}
    held_a[idx_b] = role
    held_b = {i: r for i, r in duties[b].items() if i != idx_b}
    held_b[idx_a] = role
    days = (offset[idx_a], offset[idx_b])
    before = cost(a, duties[a], days) + cost(b, duties[b], days)
    return cost(a, held_a, days) + cost(b, held_b, days) < before
