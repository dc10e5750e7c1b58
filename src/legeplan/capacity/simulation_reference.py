"""Today's NumPy implementation of the workforce simulation, kept as the reference the compiled kernel is tested
and benchmarked against (same model, same distributions; other random numbers).

Not used by the engine: `legeplan.capacity.simulation` runs `simulation_kernel`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from legeplan.capacity.simulation import WorkforceParameters, column, padded, retirement_hazards


def reference_batch(
    params: Sequence[WorkforceParameters],
    *,
    runs: int,
    years: int,
    seed: int | None = None,
    chunk_cells: int = 2_000_000,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Vacant hjemler (yearly average) and locum cost, shape (municipality, year, run), for many municipalities.

    Municipalities are processed in chunks of about `chunk_cells` (municipality x run) cells so memory stays bounded
    (about 60 bytes a cell for the state plus the int32/float32 output).
    """
    if runs < 1 or years < 1:
        raise ValueError("runs og years må være minst 1")
    rng = np.random.default_rng(seed)
    count = len(params)
    vacant_out = np.empty((count, years, runs), dtype=np.float32)
    cost_out = np.empty((count, years, runs), dtype=np.float32)
    per_chunk = max(1, chunk_cells // runs)
    for start in range(0, count, per_chunk):
        chunk = list(params[start : start + per_chunk])
        _simulate_chunk(
            chunk, runs, years, rng, vacant_out[start : start + len(chunk)], cost_out[start : start + len(chunk)]
        )
    return vacant_out, cost_out


def reference_percentiles(
    params: Sequence[WorkforceParameters],
    *,
    runs: int,
    years: int,
    percentiles: Sequence[int] = (10, 50, 90),
    seed: int | None = None,
    chunk_cells: int = 500_000,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percentiles of vacancies and locum cost, shape (municipality, year, percentile), for a whole region or country.

    Unlike `simulate_batch` this keeps only one chunk of runs in memory at a time, so 357 municipalities x 10 000
    runs x 20 years fit in a few hundred MB.
    """
    if runs < 1 or years < 1:
        raise ValueError("runs og years må være minst 1")
    rng = np.random.default_rng(seed)
    count = len(params)
    levels = list(percentiles)
    vacant_p = np.empty((count, years, len(levels)))
    cost_p = np.empty((count, years, len(levels)))
    per_chunk = max(1, chunk_cells // runs)
    for start in range(0, count, per_chunk):
        chunk = list(params[start : start + per_chunk])
        vacant = np.empty((len(chunk), years, runs), dtype=np.float32)
        cost = np.empty((len(chunk), years, runs), dtype=np.float32)
        _simulate_chunk(chunk, runs, years, rng, vacant, cost)
        end = start + len(chunk)
        vacant_p[start:end] = np.moveaxis(np.percentile(vacant, levels, axis=2), 0, -1)
        cost_p[start:end] = np.moveaxis(np.percentile(cost, levels, axis=2), 0, -1)
    return vacant_p, cost_p


def _simulate_chunk(
    params: list[WorkforceParameters],
    runs: int,
    years: int,
    rng: np.random.Generator,
    vacant_out: NDArray[np.float32],
    cost_out: NDArray[np.float32],
) -> None:
    """Simulate a chunk, split into groups with the same number of ALIS training years."""
    groups: dict[int, list[int]] = {}
    for index, p in enumerate(params):
        groups.setdefault(p.training_years, []).append(index)
    if len(groups) == 1:
        _simulate_uniform(params, runs, years, rng, vacant_out, cost_out)
        return
    for indices in groups.values():
        vacant = np.empty((len(indices), years, runs), dtype=np.float32)
        cost = np.empty((len(indices), years, runs), dtype=np.float32)
        _simulate_uniform([params[i] for i in indices], runs, years, rng, vacant, cost)
        vacant_out[indices] = vacant
        cost_out[indices] = cost


def _simulate_uniform(
    params: list[WorkforceParameters],
    runs: int,
    years: int,
    rng: np.random.Generator,
    vacant_out: NDArray[np.float32],
    cost_out: NDArray[np.float32],
) -> None:
    """All runs of municipalities sharing the ALIS training length, one year per step.

    ALIS are kept in a ring of `training` cohort slots (slot, municipality, run): the cohort in slot t % training
    completes its training in year t, and that slot then takes the year's new ALIS. An ALIS with k completed
    training years at the start sits in slot training - 1 - k.
    """
    size = (len(params), runs)
    aged_count, hazard = retirement_hazards(params, years)
    training = params[0].training_years
    aged = np.broadcast_to(aged_count[:, None], size).copy()
    others = np.broadcast_to(np.array([p.specialists_without_age for p in params])[:, None], size).copy()
    completed = padded([p.alis_in_training for p in params], training)  # (municipality, completed years)
    alis = np.broadcast_to(completed[:, ::-1].T[:, :, None], (training, *size)).copy()
    vacant = np.broadcast_to(np.array([p.vacant for p in params])[:, None], size).copy()
    turnover = column([p.turnover_rate for p in params])
    alis_turnover = column([p.turnover_rate if p.alis_turnover_rate is None else p.alis_turnover_rate for p in params])
    # Exponential waiting time with mean `lag` years: the chance a vacancy is filled within one year.
    fill_probability = column([1.0 - float(np.exp(-1.0 / p.recruitment_lag_years)) for p in params])
    alis_share = column([p.alis_share_of_recruits for p in params])
    lis1 = np.broadcast_to(np.array([p.lis1_per_year for p in params])[:, None], size)
    lis1_share = column([p.lis1_to_alis_share for p in params])
    cost = column([p.locum_cost_nok for p in params])
    growth = padded([p.new_positions_per_year for p in params], years)
    for t in range(years):
        # Retirement or turnover: one draw with the combined chance h + (1 - h) * turnover.
        leaving_aged = rng.binomial(aged, hazard[:, t : t + 1] + (1.0 - hazard[:, t : t + 1]) * turnover)
        aged -= leaving_aged
        leaving_others = rng.binomial(others, turnover)
        others -= leaving_others
        leaving_alis = rng.binomial(alis, alis_turnover[None])
        alis -= leaving_alis
        vacant += leaving_aged + leaving_others + leaving_alis.sum(axis=0) + growth[:, t : t + 1]
        open_before = vacant.copy()
        own = np.minimum(vacant, rng.binomial(lis1, lis1_share))
        vacant -= own
        recruited = rng.binomial(vacant, fill_probability)
        vacant -= recruited
        recruited_alis = rng.binomial(recruited, alis_share)
        slot = t % training
        others += recruited - recruited_alis + alis[slot]  # this year's finishing cohort become specialists
        alis[slot] = own + recruited_alis
        vacancy_years = 0.5 * (open_before + vacant)  # a vacancy filled this year was open about half of it
        vacant_out[:, t, :] = vacancy_years
        cost_out[:, t, :] = vacancy_years * cost
