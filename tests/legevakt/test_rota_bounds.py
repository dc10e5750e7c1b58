"""The aggregate relaxation (legevakt/bounds.py): its fairness bounds are proven lower bounds of the full model."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from legeplan.legevakt import DateRange, Doctor, solve_rota
from legeplan.legevakt.bounds import aggregate_relaxation, max_duties
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.rules import conflict_pairs, fairness_targets, free_from
from legeplan.legevakt.solver import FAIRNESS_SCALE, _build_hard_model, _soft_objectives

from .helpers import KVELD, NATT, problem, specialist


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


doctor_strategy = st.builds(
    lambda i, age, months, lis1, frac, off: Doctor(
        id=f"d{i}",
        name=f"D{i}",
        age=age,
        clinical_months=months,
        legevakter=40 if months else 0,
        lis1=lis1,
        employment_fraction=frac,
        unavailable=(DateRange(start=date(2026, 1, 5 + off), end=date(2026, 1, 5 + off)),) if off >= 0 else (),
    ),
    st.integers(0, 99),
    st.integers(26, 58),
    st.sampled_from([0, 36]),
    st.booleans(),
    st.sampled_from([0.5, 1.0]),
    st.integers(-2, 3),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doctor_strategy, min_size=1, max_size=3, unique_by=lambda d: d.id), st.booleans())
def test_aggregate_bounds_never_exceed_the_full_optimum(doctors: list[Doctor], weekend: bool) -> None:
    """On problems small enough to solve to optimality, both aggregate bounds are at most the full model's optima."""
    p = problem(specialist("s1"), *doctors, shift_types=(KVELD, NATT), days=4 if not weekend else 7)
    model, objectives, relaxation = _bounds(p)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    (_, tier1, _), (_, tier2, _) = objectives[:2]
    model.minimize(tier1)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return
    assert status == cp_model.OPTIMAL
    optimum1 = round(solver.objective_value)
    assert relaxation.lower_bound(1, 5) <= optimum1
    model.add(tier1 <= optimum1)
    model.minimize(tier2)
    assert solver.solve(model) == cp_model.OPTIMAL
    assert relaxation.lower_bound(2, 5, cap_sum=optimum1) <= round(solver.objective_value)
