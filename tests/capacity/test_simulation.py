"""The stochastic workforce simulation: turnover, retirement, recruitment lag, ALIS pipeline, locum cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from legeplan.capacity import (
    LOCUM_COST_PER_VACANCY_NOK,
    TURNOVER_NATIONAL,
    TURNOVER_NORD_NORGE,
    WorkforceParameters,
    example_scenario,
    simulate_batch,
    simulate_workforce,
    workforce_from_scenario,
)


def test_defaults_are_the_helse_nord_and_vefsn_figures() -> None:
    assert TURNOVER_NORD_NORGE == 0.128  # seed 004: 12,8 % i Nord-Norge
    assert TURNOVER_NATIONAL == 0.073  # seed 004: 7,3 % nasjonalt
    assert LOCUM_COST_PER_VACANCY_NOK == 1_000_000  # seed 000: mer enn én million kroner pr år
    assert WorkforceParameters(positions=10).turnover_rate == TURNOVER_NORD_NORGE


def test_no_turnover_no_retirement_no_growth_means_no_vacancies() -> None:
    params = WorkforceParameters(positions=20, turnover_rate=0.0)
    vacant, cost = simulate_batch([params], runs=50, years=10, seed=3)
    assert vacant.shape == (1, 10, 50)
    assert vacant.max() == 0
    assert cost.max() == 0


def test_retirements_follow_the_age_distribution() -> None:
    """Three GPs aged 69 retire in year 1 at 70; without turnover and with instant recruitment nothing else happens."""
    params = WorkforceParameters(
        positions=10, gp_ages=[69, 69, 69, 40], retirement_age=70, turnover_rate=0.0, recruitment_lag_years=0.1
    )
    vacant, _ = simulate_batch([params], runs=2000, years=3, seed=1)
    # Year 1: the four aged GPs retire with hazard 3/4 (three expected), each opening filled with chance 1 - e^-10:
    # about half a year open each, 1,5 on average. The mean of 2 000 runs has a standard error of 0,0097 (the
    # retirements are Binomial(4; 0,75)), so 4 standard errors.
    assert vacant[0, 1].mean() == pytest.approx(1.5, abs=0.04)
    assert vacant[0, 0].max() == 0


def test_higher_turnover_costs_more_in_locums() -> None:
    base = workforce_from_scenario(example_scenario("bodo"))
    north = simulate_workforce(base, runs=400, years=10, seed=7)
    national = simulate_workforce(
        base.model_copy(update={"turnover_rate": TURNOVER_NATIONAL}), runs=400, years=10, seed=7
    )
    assert north.total_locum_cost_nok[50] > national.total_locum_cost_nok[50]
    assert north.bands[-1].mean_vacant > national.bands[-1].mean_vacant


def test_a_vacancy_year_costs_the_locum_premium() -> None:
    params = WorkforceParameters(positions=5, vacant=2, turnover_rate=0.0, recruitment_lag_years=20)
    vacant, cost = simulate_batch([params], runs=300, years=2, seed=2)
    np.testing.assert_allclose(cost, vacant * LOCUM_COST_PER_VACANCY_NOK, rtol=1e-6)


def test_alis_become_specialists_after_five_years() -> None:
    """ALIS in their 5th year leave only by turnover; with none, they stay and the positions stay filled."""
    params = WorkforceParameters(positions=6, alis_in_training=[1, 1, 1, 1, 2], turnover_rate=0.0)
    vacant, _ = simulate_batch([params], runs=20, years=8, seed=0)
    assert vacant.max() == 0
    leaving = WorkforceParameters(positions=6, alis_in_training=[6], turnover_rate=0.0, alis_turnover_rate=1.0)
    vacant, _ = simulate_batch([leaving], runs=20, years=1, seed=0)
    assert vacant[0, 0].min() > 0  # all six ALIS left in year 0


@pytest.mark.parametrize("completed", [0, 2, 4])
def test_alis_turn_into_specialists_exactly_when_training_ends(completed: int) -> None:
    """ALIS never leave (ALIS turnover 0) but specialists always do (turnover 1): the hjemler stay filled while the
    six are in training and empty the year after they finish, 5 - completed years on. Fails if ALIS never became
    specialists (no vacancy ever) or became them too early or late (vacancy in another year)."""
    params = WorkforceParameters(
        positions=6,
        alis_in_training=[0] * completed + [6],
        turnover_rate=1.0,
        alis_turnover_rate=0.0,
        recruitment_lag_years=20,
        alis_share_of_recruits=0.0,
    )
    vacant, _ = simulate_batch([params], runs=50, years=8, seed=0)
    finished = 5 - completed  # the first year they are specialists (and leave)
    assert vacant[0, :finished].max() == 0
    assert vacant[0, finished:].min() >= 5  # all six left; a slow recruit may fill one part of the year


def test_own_lis1_doctors_fill_vacancies() -> None:
    slow = WorkforceParameters(positions=30, vacant=6, turnover_rate=0.0, recruitment_lag_years=10)
    with_lis1 = slow.model_copy(update={"lis1_per_year": 4, "lis1_to_alis_share": 1.0})
    plain = simulate_workforce(slow, runs=300, years=3, seed=5)
    helped = simulate_workforce(with_lis1, runs=300, years=3, seed=5)
    assert helped.bands[2].mean_vacant < plain.bands[2].mean_vacant


def test_progress_callback_reaches_the_total() -> None:
    seen: list[tuple[int, int]] = []
    simulate_workforce(
        WorkforceParameters(positions=10), runs=100, years=3, seed=1, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (100, 100)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_more_doctors_than_positions_is_rejected() -> None:
    with pytest.raises(ValidationError, match="flere enn 2 hjemler"):
        WorkforceParameters(positions=2, gp_ages=[50, 51, 52])


def test_growth_from_the_dimensioning() -> None:
    params = workforce_from_scenario(example_scenario("sandefjord"))
    assert params.new_positions_per_year[0] == 3  # 7 % ledig kapasitet: 3 hjemler i dag
    assert params.positions + sum(params.new_positions_per_year) == 60


@settings(max_examples=25, deadline=None)
@given(
    positions=st.integers(1, 80),
    turnover=st.floats(0.0, 0.5),
    lag=st.floats(0.1, 5.0),
    growth=st.lists(st.integers(0, 3), max_size=6),
    vacant_share=st.floats(0, 1),
)
def test_vacancies_never_exceed_positions(
    positions: int, turnover: float, lag: float, growth: list[int], vacant_share: float
) -> None:
    params = WorkforceParameters(
        positions=positions,
        vacant=int(positions * vacant_share),
        turnover_rate=turnover,
        recruitment_lag_years=lag,
        new_positions_per_year=growth,
    )
    vacant, cost = simulate_batch([params, params], runs=30, years=6, seed=11, chunk_cells=30)
    total = positions + np.cumsum(np.pad(growth, (0, 6 - len(growth))))
    assert (vacant >= 0).all()
    assert (vacant <= total[None, :, None] + 1e-6).all()
    assert (cost >= 0).all()


def test_percentiles_for_many_municipalities_are_ordered_and_bounded() -> None:
    from legeplan.capacity import simulate_percentiles

    small = WorkforceParameters(positions=3, gp_ages=[68, 50], vacant=1)
    large = WorkforceParameters(positions=40, gp_ages=list(range(30, 70)), turnover_rate=TURNOVER_NATIONAL)
    vacant, cost = simulate_percentiles([small, large, small], runs=200, years=4, seed=3, chunk_cells=250)
    assert vacant.shape == cost.shape == (3, 4, 3)
    assert (np.diff(vacant, axis=2) >= 0).all()  # P10 <= P50 <= P90
    assert (vacant[0] <= 3).all()
    assert vacant[1, :, 1].mean() > vacant[0, :, 1].mean()


def test_municipalities_with_different_training_lengths_keep_their_order() -> None:
    """Chunks are split by ALIS training length; results must come back in the municipalities' order."""
    short = WorkforceParameters(positions=4, alis_in_training=[4], training_years=3, turnover_rate=0.0)
    empty = WorkforceParameters(positions=50, vacant=50, turnover_rate=0.0, recruitment_lag_years=20)
    vacant, _ = simulate_batch([empty, short, empty], runs=10, years=4, seed=1)
    assert vacant[1].max() == 0
    assert vacant[0].min() > 30 and vacant[2].min() > 30  # about 5 % a year filled
