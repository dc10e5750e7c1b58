"""Benchmark: one-year rota for an inter-municipal legevakt with 60 doctors and 3 shift types.

Prints the time to the first feasible rota, the time to the final answer with each tier's gap, and compares fairness
with a simple round-robin rota measured in the same run. Not a test: run it by hand,

    python benchmarks/rota_year.py --time-limit 120
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from datetime import time as clock

from legeplan.legevakt import DateRange, Doctor, RotaProblem, ShiftType, Wish, check_rota, solve_rota
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.legevakt.calendar import expand_shifts
from legeplan.legevakt.model import DaySelector
from legeplan.legevakt.rules import fairness_figures
from legeplan.legevakt.solver import unreached_tiers_text


def year_problem(doctors: int, year: int, seed: int) -> RotaProblem:
    rng = random.Random(seed)
    shift_types = (
        ShiftType(id="kveld", name="Kveld", start=clock(15, 30), end=clock(23)),
        ShiftType(id="natt", name="Natt", start=clock(23), end=clock(8), on_site=False),
        ShiftType(
            id="helgdag",
            name="Helg/helligdag dag",
            start=clock(8),
            end=clock(15, 30),
            days=DaySelector.WEEKENDS_HOLIDAYS,
        ),
    )
    people = []
    for i in range(doctors):
        kind = i % 10
        age = rng.randint(30, 54)
        fields: dict[str, object] = {"specialist": True, "clinical_months": 120, "legevakter": 300}
        if kind == 0:
            fields = {"lis1": True, "clinical_months": 6}
            age = rng.randint(26, 32)
        elif kind == 1:
            fields = {"clinical_months": 18, "legevakter": 20}
        elif kind == 2 and i < 30:
            age = rng.randint(55, 59)
            fields["night_exempt"] = True
        elif kind == 3 and i < 40:
            age = rng.randint(60, 66)
            fields["opt_in_60"] = i < 20
        summer = date(year, 6, 22) + timedelta(weeks=rng.randint(0, 5))
        people.append(
            Doctor(
                id=f"d{i:02d}",
                name=f"Lege {i:02d}",
                age=age,
                employment_fraction=rng.choice([1.0, 1.0, 1.0, 0.8, 0.5]),
                unavailable=(DateRange(start=summer, end=summer + timedelta(days=20)),),
                **fields,  # type: ignore[arg-type]
            )
        )
    start, end = date(year, 1, 1), date(year, 12, 31)
    wishes = tuple(
        Wish(
            doctor=people[rng.randrange(doctors)].id,
            date=start + timedelta(days=rng.randrange(365)),
            kind=rng.choice(["avoid", "avoid", "want"]),
        )
        for _ in range(120)
    )
    return RotaProblem(
        name=f"Interkommunal legevakt {year}",
        start=start,
        end=end,
        shift_types=shift_types,
        doctors=tuple(people),
        wishes=wishes,
        rest_after_night_hours=11,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--doctors", type=int, default=60)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-warm-start", action="store_true", help="do not hint CP-SAT with the round-robin rota")
    args = parser.parse_args()

    problem = year_problem(args.doctors, args.year, args.seed)
    instances = expand_shifts(problem)
    print(f"Problem: {len(problem.doctors)} leger, {len(instances)} vakter, {len(problem.wishes)} ønsker")

    t0 = time.perf_counter()
    baseline = round_robin_rota(problem)
    baseline_s = time.perf_counter() - t0
    baseline_violations = check_rota(problem, baseline)

    solution = solve_rota(
        problem, time_limit_s=args.time_limit, num_workers=args.workers, warm_start=not args.no_warm_start
    )
    violations = check_rota(problem, solution.assignments)
    if not solution.assignments:
        print(f"CP-SAT: status {solution.status} etter {solution.seconds} s: {' '.join(solution.explanation)}")
        return

    print(
        f"CP-SAT: status {solution.status}, første gyldige etter {solution.first_feasible_s} s "
        f"(CP-SATs første {solution.first_solver_s} s), ferdig etter {solution.seconds} s, "
        f"regelbrudd {len(violations)}"
    )
    for tier in solution.tiers:
        print(
            f"  {tier.name:18s} verdi {tier.objective:9.2f}  grense {tier.bound:9.2f}  gap {tier.gap:6.1%}  "
            f"{tier.seconds:6.1f} s  ({tier.status})"
        )
    unreached = unreached_tiers_text(solution)
    if unreached:
        print(f"  {unreached}")
    print(
        f"Round-robin: {baseline_s:.2f} s, regelbrudd {len(baseline_violations)} "
        f"({', '.join(sorted({v.rule for v in baseline_violations})) or 'ingen'})"
    )
    ours = {f.category: f for f in solution.fairness}
    base = {f.category: f for f in fairness_figures(problem, baseline, instances)}
    header = ("kategori", "CP-SAT maks", "RR maks", "CP-SAT snitt", "RR snitt", "RR/CP-SAT")
    print(f"{header[0]:10s} {header[1]:>12s} {header[2]:>9s} {header[3]:>13s} {header[4]:>9s} {header[5]:>10s}")
    for category, figure in ours.items():
        other = base[category]
        ratio = other.mean_deviation / figure.mean_deviation if figure.mean_deviation else float("inf")
        print(
            f"{category:10s} {figure.max_deviation:12.2f} {other.max_deviation:9.2f} {figure.mean_deviation:13.2f} "
            f"{other.mean_deviation:9.2f} {ratio:10.1f}"
        )


if __name__ == "__main__":
    main()
