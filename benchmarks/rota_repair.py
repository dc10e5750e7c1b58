"""Benchmark: repair a published one-year rota (60 doctors) when one doctor is ill for a week; incremental checks.

Prints, in the same run:

* repair: seconds and changed assignments (proven minimal or not), against a full re-solve of the year with the
  absence (`solve_rota`, its seconds and how many assignments it changes);
* swap/give-away check (`check_change`): mean and largest milliseconds over many random changes;
* «who can take it» (`candidates`): seconds for one open shift.

The published rota is the greedy pro-rata rota (valid under every rule), or with ``--solve-first S`` a CP-SAT rota.
Not a test: run it by hand,

    python benchmarks/rota_repair.py --resolve-time 60
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from rota_year import year_problem

from legeplan.legevakt import check_rota, solve_rota
from legeplan.legevakt.baseline import pro_rata_rota
from legeplan.legevakt.candidates import RotaChange, candidates, check_change
from legeplan.legevakt.model import Role
from legeplan.legevakt.repair import diff_rotas, repair_rota, with_absence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--doctors", type=int, default=60)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--week", default="2026-03-09", help="first day of the absence")
    parser.add_argument("--solve-first", type=float, default=0.0, help="publish a CP-SAT rota solved this long")
    parser.add_argument("--resolve-time", type=float, default=60.0, help="time limit of the full re-solve baseline")
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    problem = year_problem(args.doctors, args.year, args.seed)
    rota = []
    if args.solve_first:
        solved = solve_rota(problem, time_limit_s=args.solve_first, num_workers=args.workers)
        rota = list(solved.assignments)
        print(f"Publisert turnus: CP-SAT, status {solved.status}, {solved.seconds:.1f} s")
    if not rota:
        rota = pro_rata_rota(problem)
        print("Publisert turnus: grådig forholdsmessig turnus")
    assert not check_rota(problem, rota), "the published rota must be valid"
    start = date.fromisoformat(args.week)
    end = start + timedelta(days=6)
    in_week = [a for a in rota if start <= a.date <= end and a.role is Role.VAKT]
    ill = max({a.doctor for a in in_week}, key=lambda d: sum(1 for a in in_week if a.doctor == d))
    print(
        f"Problem: {len(problem.doctors)} leger, {len(rota)} tildelinger; {ill} syk {start}–{end} "
        f"({sum(1 for a in in_week if a.doctor == ill)} vakter den uka)"
    )

    result = repair_rota(problem, rota, ill, start, end, time_limit_s=20, workers=args.workers)
    assert not check_rota(result.problem, result.assignments)
    print(
        f"Reparasjon: {result.seconds:.2f} s, {result.changed_assignments} endrede tildelinger "
        f"({len(result.changes)} rader), nedre grense {result.lower_bound}, "
        f"{'bevist minimal' if result.proven_minimal else 'ikke bevist'}; vindu {result.window_start}–"
        f"{result.window_end}; samlet avvik {result.fairness_deviation:.2f}"
    )

    rng = random.Random(args.seed)
    vakter = [a for a in rota if a.role is Role.VAKT]
    timings: list[float] = []
    illegal = 0
    for _ in range(args.checks):
        a = rng.choice(vakter)
        if rng.random() < 0.5:
            b = rng.choice([x for x in vakter if x.doctor != a.doctor and abs((x.date - a.date).days) < 30])
            change = RotaChange(
                kind="swap",
                date=a.date,
                shift_type=a.shift_type,
                from_doctor=a.doctor,
                to_doctor=b.doctor,
                with_date=b.date,
                with_shift=b.shift_type,
            )
        else:
            other = rng.choice([d.id for d in problem.doctors if d.id != a.doctor])
            change = RotaChange(date=a.date, shift_type=a.shift_type, from_doctor=a.doctor, to_doctor=other)
        t0 = time.perf_counter()
        illegal += bool(check_change(problem, rota, change))
        timings.append((time.perf_counter() - t0) * 1000)
    print(
        f"Bytte-/bortgi-kontroll: {args.checks} endringer, snitt {statistics.mean(timings):.1f} ms, "
        f"median {statistics.median(timings):.1f} ms, maks {max(timings):.1f} ms ({illegal} ulovlige)"
    )

    open_duty = in_week[0]
    t0 = time.perf_counter()
    report = candidates(problem, rota, open_duty.date, open_duty.shift_type, replacing=open_duty.doctor)
    print(
        f"Kandidater for {open_duty.shift_type} {open_duty.date}: {time.perf_counter() - t0:.2f} s, "
        f"{len(report.candidates)} lovlige, {len(report.excluded)} utelukket"
    )

    if args.resolve_time > 0:
        new_problem = with_absence(problem, ill, start, end)
        t0 = time.perf_counter()
        full = solve_rota(new_problem, time_limit_s=args.resolve_time, num_workers=args.workers)
        seconds = time.perf_counter() - t0
        if not full.assignments:
            print(
                f"Full ny løsning (grunnlinje): ingen turnus innen {seconds:.1f} s (status {full.status}); "
                f"reparasjonen endret {result.changed_assignments} på {result.seconds:.2f} s"
            )
            return
        old = {(a.date, a.shift_type, a.role, a.doctor) for a in rota}
        new = {(a.date, a.shift_type, a.role, a.doctor) for a in full.assignments}
        print(
            f"Full ny løsning (grunnlinje): {seconds:.1f} s, status {full.status}, {len(old ^ new)} endrede "
            f"tildelinger ({len(diff_rotas(rota, full.assignments))} rader); reparasjonen endret "
            f"{result.changed_assignments}"
        )


if __name__ == "__main__":
    main()
