"""Compiled kernel of the workforce simulation: one (municipality, run) cell at a time, both cores in use.

The model is the one described in `legeplan.capacity.simulation`; this module only makes it fast. Each cell draws
from its own counter-based random stream (SplitMix64 seeded by a hash of the seed and the cell's index), so results
depend on the seed alone, not on how many threads ran or how the cells were chunked. Binomial draws are exact
(inversion, split into pieces whose mean stays small), so the distributions are those of NumPy's generator.

Percentiles are taken by counting: a year's average vacancy is a multiple of ½, so the values of all runs of one
municipality and year fit a small histogram, and the k-th smallest value is read off its cumulative counts. The
interpolation is NumPy's default ("linear"), so the result equals `np.percentile` of the same values.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_INVERSION_MEAN = 20.0
"""Largest mean of one inversion draw; larger draws are summed from pieces (exact, and q**n never underflows)."""
_BERNOULLI_MAX = 4
"""Up to this many trials, counting uniform draws below p is cheaper than one inversion (no pow): measured 1,17 s
against 1,25 s at 16 and 2,1 s at 0 for 357 municipalities x 1 000 runs x 20 years."""


@numba.njit(cache=True, inline="always")
def _mix(value: np.uint64) -> np.uint64:
    z = value
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def _uniform(state: np.uint64) -> tuple[float, np.uint64]:
    state = state + _GOLDEN
    return float(_mix(state) >> np.uint64(11)) * _TO_UNIT, state


@numba.njit(cache=True)
def _binomial_inversion(n: int, p: float, state: np.uint64) -> tuple[int, np.uint64]:
    """Binomial(n, p) for p <= 0.5 and small n·p by sequential search of the cumulative distribution."""
    q = 1.0 - p
    s = p / q
    a = (n + 1) * s
    while True:
        r = q**n
        u, state = _uniform(state)
        x = 0
        while u > r:
            u -= r
            x += 1
            if x > n:
                break
            r *= a / x - s
        if x <= n:
            return x, state


@numba.njit(cache=True)
def _binomial(n: int, p: float, state: np.uint64) -> tuple[int, np.uint64]:
    """Binomial(n, p), exact for every n and p."""
    if n <= 0 or p <= 0.0:
        return 0, state
    if p >= 1.0:
        return n, state
    if n <= _BERNOULLI_MAX:
        successes = 0
        for _ in range(n):
            u, state = _uniform(state)
            if u < p:
                successes += 1
        return successes, state
    flip = p > 0.5
    small = 1.0 - p if flip else p
    piece = max(1, int(_INVERSION_MEAN / small))
    total = 0
    left = n
    while left > 0:
        size = min(piece, left)
        drawn, state = _binomial_inversion(size, small, state)
        total += drawn
        left -= size
    return (n - total if flip else total), state


@numba.njit(cache=True, parallel=True)
def simulate_cells(
    seed: np.uint64,
    runs: int,
    aged_start: NDArray[np.int64],
    others_start: NDArray[np.int64],
    alis_start: NDArray[np.int64],
    vacant_start: NDArray[np.int64],
    training: NDArray[np.int64],
    hazard: NDArray[np.float64],
    turnover: NDArray[np.float64],
    alis_turnover: NDArray[np.float64],
    fill_probability: NDArray[np.float64],
    alis_share: NDArray[np.float64],
    lis1: NDArray[np.int64],
    lis1_share: NDArray[np.float64],
    growth: NDArray[np.int64],
    doubled_out: NDArray[np.int32],
) -> None:
    """Twice the year's average vacancies, shape (municipality, year, run), written into `doubled_out`.

    `alis_start` is (municipality, slot): the cohort in slot t % training completes its training in year t.
    """
    municipalities, years = hazard.shape
    slots = alis_start.shape[1]
    for cell in numba.prange(municipalities * runs):
        m = cell // runs
        run = cell % runs
        state = _mix(seed ^ _mix(np.uint64(cell) + _GOLDEN))
        aged = aged_start[m]
        others = others_start[m]
        vacant = vacant_start[m]
        alis = np.empty(slots, dtype=np.int64)
        for slot in range(slots):
            alis[slot] = alis_start[m, slot]
        period = training[m]
        for t in range(years):
            h = hazard[m, t]
            leaving, state = _binomial(aged, h + (1.0 - h) * turnover[m], state)
            aged -= leaving
            vacant += leaving
            leaving, state = _binomial(others, turnover[m], state)
            others -= leaving
            vacant += leaving
            for slot in range(period):
                leaving, state = _binomial(alis[slot], alis_turnover[m], state)
                alis[slot] -= leaving
                vacant += leaving
            vacant += growth[m, t]
            open_before = vacant
            own, state = _binomial(lis1[m], lis1_share[m], state)
            own = min(own, vacant)
            vacant -= own
            recruited, state = _binomial(vacant, fill_probability[m], state)
            vacant -= recruited
            recruited_alis, state = _binomial(recruited, alis_share[m], state)
            slot = t % period
            others += recruited - recruited_alis + alis[slot]  # this year's finishing cohort become specialists
            alis[slot] = own + recruited_alis
            doubled_out[m, t, run] = open_before + vacant


@numba.njit(cache=True, parallel=True)
def percentiles_of_doubled(doubled: NDArray[np.int32], levels: NDArray[np.float64]) -> NDArray[np.float64]:
    """`np.percentile(doubled / 2, levels, axis=2)` moved to (municipality, year, level), by counting."""
    municipalities, years, runs = doubled.shape
    out = np.empty((municipalities, years, levels.shape[0]))
    for index in numba.prange(municipalities * years):
        m = index // years
        t = index % years
        largest = 0
        for run in range(runs):
            largest = max(largest, doubled[m, t, run])
        counts = np.zeros(largest + 2, dtype=np.int64)
        for run in range(runs):
            counts[doubled[m, t, run]] += 1
        for k in range(levels.shape[0]):
            position = levels[k] / 100.0 * (runs - 1)
            below = int(np.floor(position))
            fraction = position - below
            low = _kth(counts, below)
            high = _kth(counts, min(below + 1, runs - 1))
            out[m, t, k] = 0.5 * (low + fraction * (high - low))
    return out


@numba.njit(cache=True, inline="always")
def _kth(counts: NDArray[np.int64], k: int) -> int:
    """The k-th smallest value (0-based) of the multiset whose histogram is `counts`."""
    seen = 0
    for value in range(counts.shape[0]):
        seen += counts[value]
        if seen > k:
            return value
    return int(counts.shape[0]) - 1
