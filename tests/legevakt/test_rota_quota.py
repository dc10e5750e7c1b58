"""The rota made from the aggregate relaxation's counts (legevakt/quota.py) and the tier-1 start it gives the solver."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legeplan.legevakt import Doctor, check_rota, example_problem
from legeplan.legevakt.bounds import aggregate_relaxation, class_counts, shift_class
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import Assignment, Role, RotaProblem
from legeplan.legevakt.quota import quota_rota
from legeplan.legevakt.rules import count_loads, fairness_targets
from legeplan.legevakt.solver import FAIRNESS_SCALE, _build_hard_model, _soft_objectives, solve_rota

from .helpers import KVELD, NATT, doctor_strategy, exact_solver, minimum, problem, specialist


def _allowed(p: RotaProblem):  # type: ignore[no-untyped-def]
    _, variables = _build_hard_model(p, expand_shifts(p))
    return {Role.VAKT: set(variables.vakt), Role.BAKVAKT: set(variables.bakvakt)}


def _counts(p: RotaProblem, rota: list[Assignment]):  # type: ignore[no-untyped-def]
    instances = expand_shifts(p)
    index_of = {i.key: i.index for i in instances}
    return class_counts(instances, ((a.doctor, index_of[(a.date, a.shift_type)], a.role is Role.BAKVAKT) for a in rota))


def _tier1(p: RotaProblem, rota: list[Assignment]) -> int:
    """Tier 1 of a rota as the solver measures it: per doctor and category max(|load − target|, rounding floor)."""
    instances = expand_shifts(p)
    targets = fairness_targets(p, instances)
    counts, _ = count_loads(p, rota, instances)
    total = 0
    for category, per_doctor in targets.items():
        for doctor, target in per_doctor.items():
            goal = round(FAIRNESS_SCALE * target)
            floor = min(goal % FAIRNESS_SCALE, FAIRNESS_SCALE - goal % FAIRNESS_SCALE)
            total += max(abs(round(FAIRNESS_SCALE * counts[category].get(doctor, 0.0)) - goal), floor)
    return total


def test_quotas_are_met_on_a_hand_case() -> None:
    """Five weekday evenings, quotas 3 and 2: the greedy meets both exactly and the rota passes the checker."""
    p = problem(specialist("a"), specialist("b"), shift_types=(KVELD,), days=5)
    instances = expand_shifts(p)
    quotas = {("a", shift_class(instances[0])): (3, 0), ("b", shift_class(instances[0])): (2, 0)}
    rota = quota_rota(p, instances, _allowed(p), quotas)
    assert rota is not None and check_rota(p, rota) == []
    assert _counts(p, rota) == quotas


def test_a_doctor_short_of_section7_gets_a_bakvakt_from_the_quota() -> None:
    """A LIS1 on vakt needs a competent bakvakt: the bakvakt quota of «b» is used, not «a»'s (who has none)."""
    lis = Doctor(id="l", name="L", age=28, lis1=True, clinical_months=6)
    p = problem(specialist("a"), specialist("b"), lis, shift_types=(KVELD,), days=3)
    instances = expand_shifts(p)
    key = shift_class(instances[0])
    quotas = {("a", key): (2, 0), ("b", key): (0, 1), ("l", key): (1, 0)}
    rota = quota_rota(p, instances, _allowed(p), quotas)
    assert rota is not None and check_rota(p, rota) == []
    assert _counts(p, rota) == quotas


def test_rest_is_kept_when_the_quotas_ask_too_much() -> None:
    """One doctor asked to take four nights in a row with 16 hours' rest after each: no rota breaks the rest rule,
    the other doctor takes what the first cannot."""
    p = problem(specialist("a"), specialist("b"), shift_types=(NATT,), days=4, rest_after_night_hours=16)
    instances = expand_shifts(p)
    key = shift_class(instances[0])
    rota = quota_rota(p, instances, _allowed(p), {("a", key): (4, 0), ("b", key): (0, 0)})
    assert rota is not None and check_rota(p, rota) == []
    assert _counts(p, rota) == {("a", key): (2, 0), ("b", key): (2, 0)}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(doctor_strategy, min_size=1, max_size=3, unique_by=lambda d: d.id), st.booleans())
def test_relaxation_counts_give_a_valid_rota_within_the_proven_bound(doctors: list[Doctor], weekend: bool) -> None:
    """On problems small enough to solve the full model to optimality: the relaxation's bound (either CP-SAT
    linearization, stopped at a target gap or not, one worker or two with presolve) is at most the full optimum of
    tier 1; the quota rota passes the checker and is never below that optimum; when it meets every quota, its tier 1
    is the relaxation's own value."""
    p = problem(specialist("s1"), *doctors, shift_types=(KVELD, NATT), days=4 if not weekend else 7)
    instances = expand_shifts(p)
    model, variables = _build_hard_model(p, instances)
    targets = fairness_targets(p, instances)
    relaxation = aggregate_relaxation(
        p, instances, list(variables.vakt), list(variables.bakvakt), targets, FAIRNESS_SCALE, FAIRNESS_SCALE
    )
    (_, tier1, _), *_ = _soft_objectives(p, instances, model, variables, None, targets)
    optimum = minimum(exact_solver(), model, tier1)
    if optimum is None:
        return
    for level, stop_gap, workers in ((1, None, 1), (2, 0.01, 1), (2, 1.0, 1), (1, 0.01, 2)):
        result = relaxation.solve(1, 5, linearization=level, stop_gap=stop_gap, workers=workers, presolve=workers > 1)
        assert result.bound <= optimum
        assert result.counts is not None and result.value is not None and result.bound <= result.value
        allowed = {Role.VAKT: set(variables.vakt), Role.BAKVAKT: set(variables.bakvakt)}
        rota = quota_rota(p, instances, allowed, result.counts)
        if rota is None:
            continue
        assert check_rota(p, rota) == []
        assert _tier1(p, rota) >= optimum
        made = _counts(p, rota)
        if all(made.get(key, (0, 0)) == pair for key, pair in result.counts.items() if pair != (0, 0)):
            assert _tier1(p, rota) <= result.value


def test_solver_tier1_starts_from_the_quota_rota_and_proves_the_small_example() -> None:
    """The small example: tier 1 reaches the relaxation's bound (a proven optimum, reported as such), the rota
    passes the checker and its reported tier 1 is the rota's own."""
    p = example_problem("small")
    solution = solve_rota(p, time_limit_s=10, num_workers=1)
    assert check_rota(p, list(solution.assignments)) == []
    tier = solution.tiers[0]
    assert tier.bound <= tier.objective
    assert round(tier.objective * FAIRNESS_SCALE) == _tier1(p, list(solution.assignments))
    assert tier.gap <= 0.01


def test_a_cancel_during_the_huge_path_returns_at_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On the year-size path (thresholds lowered) the solver waits for the relaxation of tier 1; a cancel ends the
    wait and the search at once, not after the relaxation's share of the limit (30 s here)."""
    import threading
    import time

    from legeplan.legevakt import solver
    from legeplan.legevakt.bounds import AggregateResult

    halted: list[bool] = []

    def slow_relaxation(relaxation, seconds, halt):  # type: ignore[no-untyped-def]
        halted.append(halt.wait(30))  # a relaxation that takes its whole share unless halted
        return AggregateResult(bound=0)

    monkeypatch.setattr(solver, "LARGE_MODEL_VARIABLES", 0)
    monkeypatch.setattr(solver, "HUGE_MODEL_VARIABLES", 0)
    monkeypatch.setattr(solver, "_tier1_relaxation", slow_relaxation)
    cancel = threading.Event()
    threading.Timer(1.0, cancel.set).start()
    started = time.perf_counter()
    solution = solver.solve_rota(example_problem("small"), time_limit_s=60, num_workers=1, cancel=cancel)
    assert time.perf_counter() - started < 15
    assert solution.status == "cancelled"
    # Either no rota yet, or a valid one.
    assert not solution.assignments or check_rota(example_problem("small"), list(solution.assignments)) == []
    time.sleep(0.5)
    assert halted == [True]  # the relaxation was stopped, not left running for its share
