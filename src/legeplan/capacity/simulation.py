"""Stochastic workforce simulation: vacant hjemler and locum cost per year, as percentile bands.

Each run follows counts, not individual doctors, so that all runs (and many municipalities) advance together as
NumPy arrays. A year in one run:

1. today's GPs reach the retirement age (hazard from their age distribution) and leave;
2. every GP, specialist or ALIS, leaves with the turnover probability (Helse Nord: 12.8 %/yr in Nord-Norge,
   7.3 % nationally, seed 004);
3. new hjemler from the dimensioning open as vacancies;
4. vacancies are filled: first by the municipality's own LIS1 doctors who go on to ALIS, then by external recruitment
   where a vacancy's waiting time is exponential with the mean recruitment lag, a share of recruits being ALIS;
5. ALIS become specialists after the training years (5);
6. vacancies are counted as the year's average (one filled this year was open about half of it) and cost the
   locum (vikarbyrå) premium; Vefsn (seed 000): «mer enn én million kroner pr år».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.capacity.dimension import dimension
from legeplan.capacity.models import Scenario

TURNOVER_NORD_NORGE = 0.128
"""Annual turnover of GPs in Nord-Norge (Helse Nord report, seed 004)."""
TURNOVER_NATIONAL = 0.073
"""Annual turnover of GPs in Norway as a whole (seed 004)."""
LOCUM_COST_PER_VACANCY_NOK = 1_000_000
"""A vacant hjemmel filled by agency locums costs more than one million kroner a year (Vefsn plan, seed 000)."""

ProgressCallback = Callable[[int, int], None]
"""Called as progress(done, total) after each chunk of municipalities."""


class WorkforceParameters(BaseModel):
    """One municipality's GP workforce and the rates that drive it."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    positions: int = Field(gt=0, description="Fastlegehjemler ved start")
    gp_ages: list[int] = Field(default_factory=list, description="Alder for legene i hjemlene ved start")
    alis_in_training: list[int] = Field(
        default_factory=list, description="ALIS ved start: antall etter fullførte utdanningsår (indeks 0-4)"
    )
    vacant: int = Field(default=0, ge=0, description="Ledige hjemler ved start")
    retirement_age: int = Field(default=70, ge=60, le=80)
    turnover_rate: float = Field(default=TURNOVER_NORD_NORGE, ge=0, le=1)
    alis_turnover_rate: float | None = Field(default=None, ge=0, le=1, description="Standard: som turnover_rate")
    recruitment_lag_years: float = Field(default=1.0, ge=0.1, le=20)
    alis_share_of_recruits: float = Field(default=0.5, ge=0, le=1)
    lis1_per_year: int = Field(default=0, ge=0, description="LIS1-stillinger i kommunen per år")
    lis1_to_alis_share: float = Field(default=0.3, ge=0, le=1, description="Andel LIS1 som blir ALIS i kommunen")
    training_years: int = Field(default=5, ge=1, le=10)
    locum_cost_nok: float = Field(default=LOCUM_COST_PER_VACANCY_NOK, ge=0)
    new_positions_per_year: list[int] = Field(default_factory=list, description="Nye hjemler år 1, 2, ...")

    @model_validator(mode="after")
    def _consistent(self) -> WorkforceParameters:
        if len(self.alis_in_training) > self.training_years:
            raise ValueError(f"alis_in_training har flere enn {self.training_years} utdanningsår")
        filled = len(self.gp_ages) + sum(self.alis_in_training) + self.vacant
        if filled > self.positions:
            raise ValueError(
                f"{len(self.gp_ages)} leger + {sum(self.alis_in_training)} ALIS + {self.vacant} ledige er flere enn "
                f"{self.positions} hjemler"
            )
        return self

    @property
    def specialists_without_age(self) -> int:
        """Filled positions whose doctor's age is not given: treated as young specialists (no retirement)."""
        return self.positions - len(self.gp_ages) - sum(self.alis_in_training) - self.vacant


class YearBand(BaseModel):
    """Percentiles of one year's vacancies and locum cost across runs."""

    model_config = ConfigDict(frozen=True)

    year: int
    vacant: dict[int, float]
    locum_cost_nok: dict[int, float]
    mean_vacant: float
    mean_locum_cost_nok: float


class SimulationResult(BaseModel):
    """Percentile bands per year; `percentiles` are e.g. (10, 50, 90)."""

    model_config = ConfigDict(frozen=True)

    runs: int
    years: int
    start_year: int
    percentiles: list[int]
    turnover_rate: float
    bands: list[YearBand]
    total_locum_cost_nok: dict[int, float]


def _retirement_hazards(
    params: Sequence[WorkforceParameters], years: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Initial aged GPs per municipality and the share of those remaining who retire each year (municipality, year).

    The hazard is the deterministic retirements in year t divided by the initial GPs not yet retired, so that without
    turnover the expected retirements match the age distribution exactly.
    """
    aged = np.array([len(p.gp_ages) for p in params], dtype=np.int64)
    hazard = np.zeros((len(params), years))
    for index, p in enumerate(params):
        remaining = len(p.gp_ages)
        for t in range(years):
            retiring = sum(1 for age in p.gp_ages if max(0, p.retirement_age - age) == t)
            hazard[index, t] = retiring / remaining if remaining else 0.0
            remaining -= retiring
    return aged, hazard


def _padded(values: Sequence[Sequence[int]], width: int) -> NDArray[np.int64]:
    out = np.zeros((len(values), width), dtype=np.int64)
    for index, row in enumerate(values):
        out[index, : min(width, len(row))] = list(row)[:width]
    return out


def simulate_batch(
    params: Sequence[WorkforceParameters],
    *,
    runs: int,
    years: int,
    seed: int | None = None,
    chunk_cells: int = 2_000_000,
    progress: ProgressCallback | None = None,
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
        if progress is not None:
            progress(min(start + per_chunk, count), count)
    return vacant_out, cost_out


def simulate_percentiles(
    params: Sequence[WorkforceParameters],
    *,
    runs: int,
    years: int,
    percentiles: Sequence[int] = (10, 50, 90),
    seed: int | None = None,
    chunk_cells: int = 500_000,
    progress: ProgressCallback | None = None,
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
        if progress is not None:
            progress(end, count)
    return vacant_p, cost_p


def _column(values: Sequence[float]) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)[:, None]


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
    aged_count, hazard = _retirement_hazards(params, years)
    training = params[0].training_years
    aged = np.broadcast_to(aged_count[:, None], size).copy()
    others = np.broadcast_to(np.array([p.specialists_without_age for p in params])[:, None], size).copy()
    completed = _padded([p.alis_in_training for p in params], training)  # (municipality, completed years)
    alis = np.broadcast_to(completed[:, ::-1].T[:, :, None], (training, *size)).copy()
    vacant = np.broadcast_to(np.array([p.vacant for p in params])[:, None], size).copy()
    turnover = _column([p.turnover_rate for p in params])
    alis_turnover = _column([p.turnover_rate if p.alis_turnover_rate is None else p.alis_turnover_rate for p in params])
    # Exponential waiting time with mean `lag` years: the chance a vacancy is filled within one year.
    fill_probability = _column([1.0 - float(np.exp(-1.0 / p.recruitment_lag_years)) for p in params])
    alis_share = _column([p.alis_share_of_recruits for p in params])
    lis1 = np.broadcast_to(np.array([p.lis1_per_year for p in params])[:, None], size)
    lis1_share = _column([p.lis1_to_alis_share for p in params])
    cost = _column([p.locum_cost_nok for p in params])
    growth = _padded([p.new_positions_per_year for p in params], years)
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


def simulate_workforce(
    params: WorkforceParameters,
    *,
    runs: int = 2000,
    years: int = 20,
    start_year: int = 2025,
    seed: int | None = None,
    percentiles: Sequence[int] = (10, 50, 90),
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Percentile bands of vacant hjemler and locum cost per year for one municipality."""
    chunk = max(1, runs // 10)
    vacant_parts: list[NDArray[np.float32]] = []
    cost_parts: list[NDArray[np.float32]] = []
    rng = np.random.default_rng(seed)
    done = 0
    while done < runs:
        size = min(chunk, runs - done)
        vacant, cost = simulate_batch([params], runs=size, years=years, seed=int(rng.integers(2**63)))
        vacant_parts.append(vacant[0])
        cost_parts.append(cost[0])
        done += size
        if progress is not None:
            progress(done, runs)
    vacant_all = np.concatenate(vacant_parts, axis=1).astype(np.float64)
    cost_all = np.concatenate(cost_parts, axis=1).astype(np.float64)
    levels = list(percentiles)
    vacant_p = np.percentile(vacant_all, levels, axis=1)
    cost_p = np.percentile(cost_all, levels, axis=1)
    bands = [
        YearBand(
            year=start_year + t,
            vacant={level: float(vacant_p[i, t]) for i, level in enumerate(levels)},
            locum_cost_nok={level: float(cost_p[i, t]) for i, level in enumerate(levels)},
            mean_vacant=float(vacant_all[t].mean()),
            mean_locum_cost_nok=float(cost_all[t].mean()),
        )
        for t in range(years)
    ]
    totals = np.percentile(cost_all.sum(axis=0), levels)
    return SimulationResult(
        runs=runs,
        years=years,
        start_year=start_year,
        percentiles=levels,
        turnover_rate=params.turnover_rate,
        bands=bands,
        total_locum_cost_nok={level: float(totals[i]) for i, level in enumerate(levels)},
    )


def workforce_from_scenario(scenario: Scenario, **rates: Any) -> WorkforceParameters:
    """Simulation parameters from a dimensioning scenario: its hjemler, GP ages, retirement age and the new hjemler
    the dimensioning finds year by year, or the planned ALIS hjemler when there are more of them."""
    result = dimension(scenario)
    opened = scenario.positions
    growth: list[int] = []
    for row in result.rows:  # simulation year 0 is the scenario's base year
        target = max(opened, row.positions_required, row.positions_existing)
        growth.append(target - opened)
        opened = target
    ages = scenario.gp_ages[: scenario.positions]
    return WorkforceParameters(
        positions=scenario.positions,
        gp_ages=ages,
        retirement_age=scenario.retirement_age,
        new_positions_per_year=growth,
        **rates,
    )
