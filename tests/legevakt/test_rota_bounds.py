"""The aggregate relaxation (legevakt/bounds.py): its fairness bounds are proven lower bounds of the full model."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from legeplan.legevakt import Doctor, solve_rota
from legeplan.legevakt.bounds import (
    aggregate_relaxation,
    largest_bounds,
    least_largest,
    max_duties,
    rounding_bounds,
    rounding_floor,
    spread_cost,
    spread_floor,
)
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.rules import conflict_pairs, fairness_targets, free_from
from legeplan.legevakt.solver import FAIRNESS_SCALE, _build_hard_model, _soft_objectives

from .helpers import KVELD, NATT, doctor_strategy, exact_solver, minimum, problem, specialist


def _bounds(p):  # type: ignore[no-untyped-def]
    instances = expand_shifts(p)
    model, variables = _build_hard_model(p, instances)
    targets = fairness_targets(p, instances)
    relaxation = aggregate_relaxation(
        p,
        instances,
        list(variables.vakt),
        list(variables.bakvakt),
        targets,
        FAIRNESS_SCALE,
        round(FAIRNESS_SCALE * p.bakvakt_weight),
    )
    objectives = _soft_objectives(p, instances, model, variables, None, targets)
    return model, objectives, relaxation


def test_rest_capacity_lifts_the_bound_above_the_integer_rounding() -> None:
    """Four nights, 16 hours' rest after a night (23–08, then 15 hours to the next): nobody takes two nights in a
    row, so the full-time doctor gets at most 2 of the 4 nights, not the 3 of a 2:1 share (target 2,67 / 1,33).
    Rounding alone proves 0,33 per doctor and category (1,33); capacity proves 0,67 each (2,67), which is optimal."""
    p = problem(
        specialist("a"),
        specialist("b", employment_fraction=0.5),
        shift_types=(NATT,),
        days=4,
        rest_after_night_hours=16,
    )
    _, _, relaxation = _bounds(p)
    assert relaxation.lower_bound(1, 5) == 2 * (67 + 67)
    solution = solve_rota(p, time_limit_s=5, num_workers=1)
    tier = solution.tiers[0]
    assert tier.objective == pytest.approx(2.68, abs=0.01) and tier.bound == pytest.approx(2.68, abs=0.01)


def test_max_duties_agrees_with_the_conflict_rules() -> None:
    """The greedy largest conflict-free set equals brute force over the rules' own conflict pairs."""
    p = problem(specialist("a"), shift_types=(KVELD, NATT), days=4, rest_after_night_hours=11)
    instances = expand_shifts(p)
    conflicts = conflict_pairs(p, instances)
    best = 0
    for mask in range(1 << len(instances)):
        chosen = [i for i in range(len(instances)) if mask >> i & 1]
        if all(b not in conflicts[a] for a in chosen for b in chosen):
            best = max(best, len(chosen))
    assert max_duties((i.start, free_from(p, i)) for i in instances) == best


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doctor_strategy, min_size=1, max_size=3, unique_by=lambda d: d.id), st.booleans())
def test_aggregate_bounds_never_exceed_the_full_optimum(doctors: list[Doctor], weekend: bool) -> None:
    """On problems small enough to solve to optimality, both aggregate bounds are at most the full model's optima."""
    p = problem(specialist("s1"), *doctors, shift_types=(KVELD, NATT), days=4 if not weekend else 7)
    model, objectives, relaxation = _bounds(p)
    solver = exact_solver()
    (_, tier1, _), (_, tier2, _) = objectives[:2]
    optimum1 = minimum(solver, model, tier1)
    if optimum1 is None:
        return
    assert relaxation.lower_bound(1, 5) <= optimum1
    model.add(tier1 <= optimum1)
    model.minimize(tier2)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert relaxation.lower_bound(2, 5, cap_sum=optimum1) <= round(solver.objective_value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2), min_size=1, max_size=7), st.integers(1, 4))
def test_spread_floor_is_the_least_clustering_of_every_count(caps: list[int], k: int) -> None:
    """The recurrence (proof in spread_floor's docstring) against enumeration of every day vector within the caps."""
    least: dict[int, int] = {}
    for days in itertools.product(*(range(c + 1) for c in caps)):
        n = sum(days)
        least[n] = min(least.get(n, 10**9), spread_cost(days, k))
    assert spread_floor(caps, k) == [least[n] for n in range(sum(caps) + 1)]


def test_spread_floor_hand_case() -> None:
    """Seven duties on seven days with windows of 3: every window holds 3 duties, 2 beyond one, in all 5 windows."""
    assert spread_floor([1] * 7, 3)[7] == 10
    assert spread_floor([1] * 7, 3)[3] == 0  # days 0, 3, 6
    assert spread_floor([1] * 7, 3)[4] == 2  # e.g. days 0, 1, 5, 6: only the windows 0–2 and 4–6 hold two


def test_tier3_bound_is_above_zero_when_the_shares_force_clustering() -> None:
    """Two doctors, kveld and natt for a week (kveld then natt is too little rest, natt then next day's kveld too):
    each takes one duty every day, so each has 2 beyond one in each of the 5 windows: 20 in all, proven."""
    p = problem(specialist("a"), specialist("b"), shift_types=(KVELD, NATT), days=7)
    _, _, relaxation = _bounds(p)
    assert relaxation.lower_bound(3, 5) == 20
    solution = solve_rota(p, time_limit_s=10, num_workers=1)
    spread = solution.tiers[2]
    assert spread.objective == 20 and spread.bound == 20 and spread.status == "optimal"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doctor_strategy, min_size=1, max_size=3, unique_by=lambda d: d.id), st.integers(2, 4))
def test_tier3_bound_never_exceeds_the_full_optimum(doctors: list[Doctor], spread_days: int) -> None:
    """Tiers 1 and 2 solved to optimality and fixed, then the spread: the relaxation's spread bound (with both caps)
    is at most the full model's optimum."""
    p = problem(specialist("s1"), *doctors, shift_types=(KVELD, NATT), days=5, spread_days=spread_days)
    model, objectives, relaxation = _bounds(p)
    solver = exact_solver()
    optima: list[int] = []
    for _, objective, _ in objectives[:3]:
        optimum = minimum(solver, model, objective)
        if optimum is None:
            return
        optima.append(optimum)
        model.add(objective <= optimum)
    assert relaxation.lower_bound(3, 5, cap_sum=optima[0], cap_max=optima[1]) <= optima[2]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=3),
    st.sampled_from([1, 2, 3, 5]),
    st.lists(st.integers(0, 24), min_size=1, max_size=4),
)
def test_rounding_floor_is_the_least_deviation_under_one_total(
    targets: list[int], step: int, totals: list[int]
) -> None:
    """The greedy over convex per-doctor costs (proof in rounding_floor's docstring) against enumeration of loads."""
    best = 10**12
    for loads in itertools.product(range(0, 30, step), repeat=len(targets)):
        if sum(loads) in totals:
            best = min(best, sum(abs(a - b) for a, b in zip(loads, targets, strict=True)))
    assert rounding_floor(targets, step, totals) == best


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 12), min_size=1, max_size=3),
    st.sampled_from([1, 2, 3, 5]),
    st.lists(st.integers(0, 24), min_size=1, max_size=4),
)
def test_least_largest_is_the_least_largest_deviation_under_one_total(
    targets: list[int], step: int, totals: list[int]
) -> None:
    """Bisection over the largest deviation against enumeration of loads (0 when no total is reachable)."""
    best: int | None = None
    for loads in itertools.product(range(0, 30, step), repeat=len(targets)):
        if sum(loads) in totals:
            worst = max(abs(a - b) for a, b in zip(loads, targets, strict=True))
            best = worst if best is None else min(best, worst)
    assert least_largest(targets, step, totals) == (best or 0)


def test_rounding_bound_of_the_holidays_hand_case() -> None:
    """Three doctors with an equal share of one holiday shift (target 1/3 each): rounding each share alone proves
    3 × 0,33 = 1,00, but one of them must take it: 0,67 + 0,33 + 0,33 = 1,33."""
    p = problem(specialist("a"), specialist("b"), specialist("c"), shift_types=(KVELD,), days=1)
    instances = expand_shifts(p)
    targets = {"alle": {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}}
    assert rounding_bounds(instances, targets, set(), 100, 100) == {"alle": 133}
    assert largest_bounds(instances, targets, set(), 100, 100) == {"alle": 67}  # the one who takes it


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doctor_strategy, min_size=1, max_size=3, unique_by=lambda d: d.id), st.booleans())
def test_rounding_bound_never_exceeds_the_tier1_optimum_without_it(doctors: list[Doctor], weekend: bool) -> None:
    """Tier 1 solved to optimality in the full model *without* the redundant constraint: the rounding bounds summed
    over the categories never exceed it (a wrong bound stated to CP-SAT would cut off the optimum)."""
    from legeplan.legevakt import solver as solver_module

    p = problem(specialist("s1"), *doctors, shift_types=(KVELD, NATT), days=4 if not weekend else 7)
    instances = expand_shifts(p)
    targets = fairness_targets(p, instances)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver_module, "rounding_bounds", lambda *args, **kwargs: {})
        patch.setattr(solver_module, "largest_bounds", lambda *args, **kwargs: {})
        model, variables = _build_hard_model(p, instances)
        (_, tier1, _), (_, tier2, _), *_ = _soft_objectives(p, instances, model, variables, None, targets)
    cp = exact_solver()
    if minimum(cp, model, tier1) is None:
        return
    backups = {idx for _, idx in variables.bakvakt}
    weight = round(FAIRNESS_SCALE * p.bakvakt_weight)
    bound = rounding_bounds(instances, targets, backups, FAIRNESS_SCALE, weight)
    assert sum(bound.values()) <= round(cp.objective_value)
    model.minimize(tier2)  # tier 2 alone, without tier 1 fixed: its bound holds for every rota
    assert cp.solve(model) == cp_model.OPTIMAL
    largest = largest_bounds(instances, targets, backups, FAIRNESS_SCALE, weight)
    assert sum(largest.values()) <= round(cp.objective_value)
