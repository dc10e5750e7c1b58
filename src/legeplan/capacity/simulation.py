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

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from legeplan.capacity.dimension import dimension
from legeplan.capacity.models import Scenario
from legeplan.capacity.simulation_kernel import percentiles_of_doubled, simulate_cells

TURNOVER_NORD_NORGE = 0.128
"""Annual turnover of GPs in Nord-Norge (Helse Nord report, seed 004)."""
TURNOVER_NATIONAL = 0.073
"""Annual turnover of GPs in Norway as a whole (seed 004)."""
LOCUM_COST_PER_VACANCY_NOK = 1_000_000
"""A vacant hjemmel filled by agency locums costs more than one million kroner a year (Vefsn plan, seed 000)."""

_KERNEL_LOCK = threading.Lock()
"""numba's default threading layer (workqueue) must not be entered from two threads at once; the web app's
threads take turns (each call uses both cores anyway)."""

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


def retirement_hazards(
    params: Sequence[WorkforceParameters], years: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Initial aged GPs per municipality and the share of those remaining who retire each year (municipality, year).

    The hazard is the deterministic retirements in year t divided by the initial GPs not yet retired, so that without
    turnover the expected retirements match the age distribution exactly.
    """
    aged = np.array([len(p.gp_ages) for p in params], dtype=np.int64)
    hazard = np.zeros((len(params), years))
    for index, p in enumerate(params):
        due = np.bincount(np.maximum(0, p.retirement_age - np.asarray(p.gp_ages, dtype=np.int64)), minlength=years)
        remaining = len(p.gp_ages) - np.concatenate(([0], np.cumsum(due[: years - 1])))
        hazard[index] = np.divide(due[:years], remaining, out=np.zeros(years), where=remaining > 0)
    return aged, hazard


def padded(values: Sequence[Sequence[int]], width: int) -> NDArray[np.int64]:
    """Rows of different lengths as one (row, width) array, cut or padded with zeros."""
    out = np.zeros((len(values), width), dtype=np.int64)
    for index, row in enumerate(values):
        out[index, : min(width, len(row))] = list(row)[:width]
    return out


def column(values: Sequence[float]) -> NDArray[np.float64]:
    """A (n, 1) column, so per-municipality rates broadcast over runs."""
    return np.asarray(values, dtype=np.float64)[:, None]


def _doubled_vacancies(params: Sequence[WorkforceParameters], runs: int, years: int, seed: int) -> NDArray[np.int32]:
    """Twice the yearly average vacancies, (municipality, year, run), from the compiled kernel."""
    aged, hazard = retirement_hazards(params, years)
    training = np.array([p.training_years for p in params], dtype=np.int64)
    slots = int(training.max())
    alis = np.zeros((len(params), slots), dtype=np.int64)
    for index, p in enumerate(params):  # an ALIS with k completed years sits in slot training - 1 - k
        for completed, count in enumerate(p.alis_in_training):
            alis[index, p.training_years - 1 - completed] = count
    rates = [
        (
            p.turnover_rate,
            p.turnover_rate if p.alis_turnover_rate is None else p.alis_turnover_rate,
            # Exponential waiting time with mean `lag` years: the chance a vacancy is filled within one year.
            1.0 - float(np.exp(-1.0 / p.recruitment_lag_years)),
            p.alis_share_of_recruits,
            p.lis1_to_alis_share,
        )
        for p in params
    ]
    turnover, alis_turnover, fill, alis_share, lis1_share = (
        np.array(r, dtype=np.float64) for r in zip(*rates, strict=True)
    )
    doubled = np.empty((len(params), years, runs), dtype=np.int32)
    with _KERNEL_LOCK:
        simulate_cells(
            np.uint64(seed),
            runs,
            aged,
            np.array([p.specialists_without_age for p in params], dtype=np.int64),
            alis,
            np.array([p.vacant for p in params], dtype=np.int64),
            training,
            hazard,
            turnover,
            alis_turnover,
            fill,
            alis_share,
            np.array([p.lis1_per_year for p in params], dtype=np.int64),
            lis1_share,
            padded([p.new_positions_per_year for p in params], years),
            doubled,
        )
    return doubled


def _chunks(count: int, runs: int, chunk_cells: int) -> list[tuple[int, int]]:
    per_chunk = max(1, chunk_cells // runs)
    return [(start, min(count, start + per_chunk)) for start in range(0, count, per_chunk)]


def _check_size(runs: int, years: int) -> None:
    if runs < 1 or years < 1:
        raise ValueError("runs og years må være minst 1")


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

    Municipalities are processed in chunks of about `chunk_cells` (municipality x run) cells so the kernel's
    working memory stays bounded.
    """
    _check_size(runs, years)
    rng = np.random.default_rng(seed)
    count = len(params)
    vacant_out = np.empty((count, years, runs), dtype=np.float32)
    cost_out = np.empty((count, years, runs), dtype=np.float32)
    for start, end in _chunks(count, runs, chunk_cells):
        chunk = params[start:end]
        doubled = _doubled_vacancies(chunk, runs, years, int(rng.integers(2**63)))
        vacant_out[start:end] = doubled * np.float32(0.5)
        cost_out[start:end] = (
            vacant_out[start:end] * np.array([p.locum_cost_nok for p in chunk], dtype=np.float32)[:, None, None]
        )
        if progress is not None:
            progress(end, count)
    return vacant_out, cost_out


def simulate_percentiles(
    params: Sequence[WorkforceParameters],
    *,
    runs: int,
    years: int,
    percentiles: Sequence[int] = (10, 50, 90),
    seed: int | None = None,
    chunk_cells: int = 2_000_000,
    progress: ProgressCallback | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percentiles of vacancies and locum cost, shape (municipality, year, percentile), for a whole region or country.

    Unlike `simulate_batch` this keeps only one chunk of runs in memory at a time (4 bytes a cell-year), so
    357 municipalities x 10 000 runs x 20 years fit in a few hundred MB. The locum cost is the vacancies times a
    per-municipality constant, so its percentiles are the vacancies' percentiles times that constant.
    """
    _check_size(runs, years)
    rng = np.random.default_rng(seed)
    count = len(params)
    levels = np.asarray(list(percentiles), dtype=np.float64)
    vacant_p = np.empty((count, years, len(levels)))
    for start, end in _chunks(count, runs, chunk_cells):
        doubled = _doubled_vacancies(params[start:end], runs, years, int(rng.integers(2**63)))
        with _KERNEL_LOCK:
            vacant_p[start:end] = percentiles_of_doubled(doubled, levels)
        if progress is not None:
            progress(end, count)
    cost_p = vacant_p * np.array([p.locum_cost_nok for p in params], dtype=np.float64)[:, None, None]
    return vacant_p, cost_p


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
