"""Local search on the greedy start (legevakt/local_search.py): never breaks a rule, never worsens its goal."""

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legeplan.legevakt import Doctor, check_rota, example_problem
from legeplan.legevakt.baseline import pro_rata_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.local_search import improve_fairness, improve_spread_and_wishes
from legeplan.legevakt.model import Role
from legeplan.legevakt.rules import FAIRNESS_CATEGORIES, count_loads, fairness_targets
from legeplan.legevakt.solver import _build_hard_model

from .helpers import KVELD, NATT, problem, specialist


def _total_deviation(p, rota, instances, targets) -> float:  # type: ignore[no-untyped-def]
    counts, _ = count_loads(p, rota, instances)
    return sum(abs(counts[c].get(d, 0.0) - t) for c in FAIRNESS_CATEGORIES for d, t in targets[c].items())


def _clustering(p, rota) -> int:  # type: ignore[no-untyped-def]
    days = Counter((a.doctor, (a.date - p.start).days) for a in rota)
    period = (p.end - p.start).days + 1
    doctors = {d for d, _ in days}
    return sum(
        max(0, sum(days[(d, s + j)] for j in range(p.spread_days)) - 1)
        for d in doctors
        for s in range(period - p.spread_days + 1)
    )


def test_small_example_improves_and_stays_valid() -> None:
    p = example_problem("small")
    instances = expand_shifts(p)
    targets = fairness_targets(p, instances)
    _, variables = _build_hard_model(p, instances)
    allowed = {Role.VAKT: variables.vakt.keys(), Role.BAKVAKT: variables.bakvakt.keys()}
    greedy = pro_rata_rota(p)
    fairer = improve_fairness(p, instances, greedy, targets, allowed, seconds=2)
    assert check_rota(p, fairer) == []
    assert _total_deviation(p, fairer, instances, targets) <= _total_deviation(p, greedy, instances, targets)
    spread = improve_spread_and_wishes(p, instances, fairer, allowed, seconds=2)
    assert check_rota(p, spread) == []
    assert _clustering(p, spread) <= _clustering(p, fairer)
    # Swaps keep every doctor's load in every category.
    assert count_loads(p, spread, instances) == count_loads(p, fairer, instances)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.booleans(), st.sampled_from([0.5, 1.0])), min_size=2, max_size=5),
    st.integers(2, 4),
)
def test_moves_never_break_a_rule(kinds: list[tuple[bool, float]], spread_days: int) -> None:
    doctors = [
        Doctor(id=f"d{i}", name=f"D{i}", age=40, lis1=lis1, employment_fraction=frac, specialist=not lis1)
        for i, (lis1, frac) in enumerate(kinds)
    ]
    p = problem(
        specialist("s1"), specialist("s2"), *doctors, shift_types=(KVELD, NATT), days=10, spread_days=spread_days
    )
    instances = expand_shifts(p)
    greedy = pro_rata_rota(p)
    if check_rota(p, greedy):
        return
    targets = fairness_targets(p, instances)
    _, variables = _build_hard_model(p, instances)
    allowed = {Role.VAKT: variables.vakt.keys(), Role.BAKVAKT: variables.bakvakt.keys()}
    index_of = {i.key: i.index for i in instances}
    first = greedy[0]
    pinned = {(first.doctor, index_of[(first.date, first.shift_type)], first.role)}
    fairer = improve_fairness(p, instances, greedy, targets, allowed, seconds=1, fixed=pinned)
    assert check_rota(p, fairer) == []
    spread = improve_spread_and_wishes(p, instances, fairer, allowed, seconds=1, fixed=pinned)
    assert check_rota(p, spread) == []
    assert len(spread) == len(greedy)
    assert first in fairer and first in spread  # a pinned duty never moves
    assert _clustering(p, spread) <= _clustering(p, fairer)
