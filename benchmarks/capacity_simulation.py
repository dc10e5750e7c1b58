"""Benchmark: workforce simulation for all 357 municipalities x 10 000 runs x 20 years.

Prints throughput (run-years per second) of the compiled simulation (numba, both cores) and two baselines measured
in the same run: the previous vectorised NumPy engine (`legeplan.capacity.simulation_reference`, on --reference-runs
runs, scaled linearly) and a naive per-run, per-doctor Python loop on a small slice; plus peak memory.
Not a test: run it by hand,

    python benchmarks/capacity_simulation.py                 # the full 357 x 10 000 x 20
    python benchmarks/capacity_simulation.py --runs 1000     # quicker
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import time

import numpy as np

from legeplan.capacity import TURNOVER_NATIONAL, TURNOVER_NORD_NORGE, WorkforceParameters, simulate_percentiles
from legeplan.capacity.simulation_reference import reference_percentiles

MUNICIPALITIES = 357
NORTH_SHARE = 0.2  # about a fifth of the municipalities are in Nordland, Troms and Finnmark


def municipalities(count: int, seed: int) -> list[WorkforceParameters]:
    """Synthetic but realistic-sized municipalities: median about 6 hjemler, a few with several hundred."""
    rng = random.Random(seed)
    result = []
    for index in range(count):
        positions = max(1, min(600, round(math.exp(rng.gauss(1.9, 1.1)))))
        vacant = sum(rng.random() < 0.05 for _ in range(positions))
        ages = [rng.randint(30, 69) for _ in range(positions - vacant)]
        north = index < count * NORTH_SHARE
        result.append(
            WorkforceParameters(
                positions=positions,
                gp_ages=ages,
                vacant=vacant,
                retirement_age=70,
                turnover_rate=TURNOVER_NORD_NORGE if north else TURNOVER_NATIONAL,
                recruitment_lag_years=1.5 if north else 0.7,
                lis1_per_year=1 if positions > 10 else 0,
                new_positions_per_year=[1 if rng.random() < positions / 200 else 0 for _ in range(20)],
            )
        )
    return result


def naive_run(params: WorkforceParameters, years: int, rng: random.Random) -> list[float]:
    """The same model one doctor and one run at a time in plain Python: the baseline a first attempt would be."""
    doctors = [("aged", max(0, params.retirement_age - age)) for age in params.gp_ages]
    doctors += [("specialist", 99)] * params.specialists_without_age
    vacant = params.vacant
    fill = 1.0 - math.exp(-1.0 / params.recruitment_lag_years)
    vacancy_years = []
    for t in range(years):
        staying = []
        for kind, due in doctors:
            rate = (
                params.turnover_rate
                if kind != "alis" or params.alis_turnover_rate is None
                else params.alis_turnover_rate
            )
            if (kind == "aged" and due == t) or rng.random() < rate:
                vacant += 1
            else:
                staying.append((kind, due))
        doctors = staying
        vacant += params.new_positions_per_year[t] if t < len(params.new_positions_per_year) else 0
        before = vacant
        own = sum(rng.random() < params.lis1_to_alis_share for _ in range(params.lis1_per_year))
        own = min(own, vacant)
        vacant -= own
        doctors += [("alis", t + params.training_years)] * own
        recruited = sum(rng.random() < fill for _ in range(vacant))
        vacant -= recruited
        for _ in range(recruited):
            doctors.append(
                ("alis", t + params.training_years)
                if rng.random() < params.alis_share_of_recruits
                else ("specialist", 99)
            )
        doctors = [("specialist", 99) if kind == "alis" and due <= t else (kind, due) for kind, due in doctors]
        vacancy_years.append(0.5 * (before + vacant))
    return vacancy_years


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--municipalities", type=int, default=MUNICIPALITIES)
    parser.add_argument("--chunk-cells", type=int, default=500_000)
    parser.add_argument("--baseline-runs", type=int, default=100)
    parser.add_argument("--reference-runs", type=int, default=1000)
    args = parser.parse_args()

    params = municipalities(args.municipalities, seed=2026)
    positions = sum(p.positions for p in params)
    print(
        f"{len(params)} kommuner, {positions} hjemler (største {max(p.positions for p in params)}), "
        f"{args.runs} simuleringer x {args.years} år"
    )

    # Baseline: naive loop on a slice of every 20th municipality, a few runs each.
    sample = params[::20]
    rng = random.Random(1)
    started = time.perf_counter()
    for p in sample:
        for _ in range(args.baseline_runs):
            naive_run(p, args.years, rng)
    naive_seconds = time.perf_counter() - started
    sample_share = sum(p.positions for p in sample) / positions * len(params) / len(sample)
    naive_rate = len(sample) * args.baseline_runs * args.years / naive_seconds  # municipality-run-years per second
    print(
        f"naiv Python-løkke: {len(sample)} kommuner x {args.baseline_runs} simuleringer på {naive_seconds:.2f} s "
        f"= {naive_rate:,.0f} kommune-simuleringsår/s (utvalget har {sample_share:.2f}x snittstørrelsen)"
    )

    # Warm-up: the kernel is compiled (or loaded from numba's cache) on first use; that is not the simulation.
    started = time.perf_counter()
    simulate_percentiles(params[:2], runs=10, years=args.years, seed=1)
    print(f"kompilering/lasting av kjernen: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    reference_percentiles(params, runs=args.reference_runs, years=args.years, seed=7)
    reference_seconds = (time.perf_counter() - started) * args.runs / args.reference_runs
    print(
        f"forrige NumPy-motor: {args.reference_runs} simuleringer på "
        f"{reference_seconds * args.reference_runs / args.runs:.1f} s, "
        f"skalert til {args.runs}: {reference_seconds:.1f} s"
    )

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - started
        if now - last[0] > 10 or done == total:
            last[0] = now
            print(f"  {done}/{total} kommuner etter {now:.1f} s", flush=True)

    started = time.perf_counter()
    vacant, cost = simulate_percentiles(
        params, runs=args.runs, years=args.years, seed=7, chunk_cells=args.chunk_cells, progress=progress
    )
    seconds = time.perf_counter() - started
    run_years = len(params) * args.runs * args.years
    rate = run_years / seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The naive rate is per municipality of the sample's size; scale it to the average size before comparing.
    naive_equivalent = naive_rate * sample_share
    print(f"kompilert kjerne: {run_years:,} kommune-simuleringsår på {seconds:.1f} s = {rate:,.0f}/s")
    print(f"forhold mot forrige NumPy-motor: {reference_seconds / seconds:.1f}x")
    print(
        f"forhold mot naiv løkke: {rate / naive_equivalent:,.0f}x (naiv løkke ville brukt ca. "
        f"{run_years / naive_equivalent / 60:,.1f} minutter)"
    )
    print(f"maks minne (RSS): {peak_mb:,.0f} MB")
    total_p50 = cost[:, :, 1].sum(axis=0)
    print(
        f"landet, median vikarkostnad år 1: {total_p50[0] / 1e6:,.0f} mill. kr, år {args.years}: "
        f"{total_p50[-1] / 1e6:,.0f} mill. kr; median ledige hjemler år {args.years}: "
        f"{vacant[:, -1, 1].sum():,.0f}"
    )
    assert np.isfinite(cost).all()


if __name__ == "__main__":
    main()
