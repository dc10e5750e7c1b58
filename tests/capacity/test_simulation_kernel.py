"""The compiled simulation kernel: exact binomial draws, NumPy's percentiles, and the same distributions as the
NumPy reference engine it replaced (issue #15: "same model, same output distributions")."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.typing import NDArray

from legeplan.capacity import TURNOVER_NATIONAL, TURNOVER_NORD_NORGE, WorkforceParameters, simulate_percentiles
from legeplan.capacity.simulation_kernel import _binomial, percentiles_of_doubled
from legeplan.capacity.simulation_reference import reference_batch, reference_percentiles


@numba.njit(cache=True)
def _draws(n: int, p: float, count: int, seed: int) -> NDArray[np.int64]:
    out = np.empty(count, dtype=np.int64)
    state = np.uint64(seed)
    for index in range(count):
        out[index], state = _binomial(n, p, state)
    return out


@pytest.mark.parametrize(
    ("n", "p"), [(4, 0.75), (3, 0.1), (16, 0.128), (600, 0.128), (600, 0.9), (1000, 0.5), (0, 0.3), (7, 1.0)]
)
def test_binomial_draws_have_the_binomial_mean_and_variance(n: int, p: float) -> None:
    draws = _draws(n, p, 100_000, 12345)
    assert draws.min() >= 0
    assert draws.max() <= n
    mean, variance = n * p, n * p * (1 - p)
    if variance == 0:
        assert (draws == mean).all()
        return
    # Standard error of the mean sqrt(var / count); of the variance about var * sqrt(2 / count).
    assert draws.mean() == pytest.approx(mean, abs=5 * (variance / draws.size) ** 0.5)
    assert draws.var() == pytest.approx(variance, rel=5 * (2 / draws.size) ** 0.5 + 0.01)


def test_binomial_small_case_matches_the_probabilities() -> None:
    """Binomial(4; 0,75): every outcome's frequency within 5 standard errors of its probability."""
    draws = _draws(4, 0.75, 100_000, 7)
    counts = np.bincount(draws, minlength=5) / draws.size
    expected = np.array([0.25**4, 4 * 0.75 * 0.25**3, 6 * 0.75**2 * 0.25**2, 4 * 0.75**3 * 0.25, 0.75**4])
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected * (1 - expected) / draws.size).max()


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.int32, st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 40)), elements=st.integers(0, 60))
)
def test_percentiles_by_counting_equal_numpys(doubled: NDArray[np.int32]) -> None:
    levels = np.array([0.0, 10.0, 50.0, 90.0, 100.0])
    ours = percentiles_of_doubled(doubled, levels)
    numpys = np.moveaxis(np.percentile(doubled / 2, levels, axis=2), 0, -1)
    np.testing.assert_allclose(ours, numpys, rtol=0, atol=1e-9)


def _municipalities() -> list[WorkforceParameters]:
    return [
        WorkforceParameters(positions=4, gp_ages=[62, 45, 39], vacant=1, turnover_rate=TURNOVER_NORD_NORGE),
        WorkforceParameters(
            positions=60,
            gp_ages=[30 + (i * 7) % 40 for i in range(50)],
            alis_in_training=[2, 1, 0, 3],
            vacant=2,
            turnover_rate=TURNOVER_NATIONAL,
            lis1_per_year=2,
            new_positions_per_year=[1, 0, 1, 0, 1, 0],
            recruitment_lag_years=0.7,
        ),
        WorkforceParameters(
            positions=12, gp_ages=[55] * 10, training_years=4, alis_in_training=[1], recruitment_lag_years=2.0
        ),
    ]


def test_kernel_has_the_reference_engines_distributions() -> None:
    """Same model, other random numbers: per municipality and year the means agree within 5 standard errors and
    the 10/50/90 percentiles within one step of the half-vacancy grid plus sampling noise."""
    params = _municipalities()
    runs, years = 4000, 8
    ours_p, ours_cost = simulate_percentiles(params, runs=runs, years=years, seed=3)
    ref_vacant, ref_cost = reference_batch(params, runs=runs, years=years, seed=4)
    ref_p = np.moveaxis(np.percentile(ref_vacant, [10, 50, 90], axis=2), 0, -1)
    spread = ref_vacant.std(axis=2)
    assert np.abs(ours_p - ref_p).max() <= 1.0
    assert np.abs(ours_p - ref_p).mean() < 0.2
    from legeplan.capacity import simulate_batch

    ours_vacant, _ = simulate_batch(params, runs=runs, years=years, seed=5)
    difference = np.abs(ours_vacant.mean(axis=2) - ref_vacant.mean(axis=2))
    assert (difference <= 5 * np.sqrt(2 / runs) * spread + 1e-9).all()
    # Locum cost is vacancies times the municipality's constant, in both engines.
    np.testing.assert_allclose(ours_cost, ours_p * 1_000_000)
    assert ref_cost.max() > 0


def test_reference_percentiles_agree_with_reference_batch() -> None:
    """The reference kept for the benchmark still computes what the engine computed before."""
    params = _municipalities()[:1]
    vacant_p, _ = reference_percentiles(params, runs=50, years=3, seed=1)
    vacant, _ = reference_batch(params, runs=50, years=3, seed=1)
    np.testing.assert_allclose(vacant_p, np.moveaxis(np.percentile(vacant, [10, 50, 90], axis=2), 0, -1))


def test_simulations_from_several_threads_at_once() -> None:
    """The web app runs simulations in worker threads; numba's threading layer must not be entered twice."""
    from concurrent.futures import ThreadPoolExecutor

    params = _municipalities()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda seed: simulate_percentiles(params, runs=200, years=4, seed=seed), range(8)))
    assert all(np.isfinite(vacant).all() for vacant, _ in results)
    np.testing.assert_array_equal(results[0][0], simulate_percentiles(params, runs=200, years=4, seed=0)[0])
