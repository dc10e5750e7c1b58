"""The dimensioning engine against the seed plans' own figures (Sandefjord seed 001, Bodø seed 003)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.capacity import (
    Projection,
    RoundingRule,
    Scenario,
    dimension,
    example_scenario,
    retirements_by_year,
    round_positions,
    years_per_new_position,
)


def sandefjord(**changes: object) -> Scenario:
    """Sandefjord today: 54 hjemler, snittliste 1 143, 1 013 ledige plasser; +2 663 innbyggere fram til 2028."""
    base = example_scenario("sandefjord")
    return base.model_copy(update=changes)


def test_sandefjord_free_capacity_today_is_1_6_percent() -> None:
    result = dimension(sandefjord(target_free_share=None))
    assert result.current_positions == 54
    assert result.current_average_list == pytest.approx(1143)
    assert result.current_free_share is not None
    assert round(result.current_free_share * 100, 1) == 1.6
    assert result.rows[0].free_places == pytest.approx(1013)


def test_sandefjord_growth_of_2663_needs_just_over_two_positions() -> None:
    result = dimension(sandefjord(target_free_share=None))
    last = result.row(2028)
    assert last.population - result.rows[0].population == pytest.approx(2663)
    assert last.growth_positions == pytest.approx(2663 / 1143)
    assert round(last.growth_positions, 1) == 2.3
    assert last.positions_required == 56  # "i overkant av 2" nye hjemler, rounded to nearest
    assert any("2,3 nye hjemler" in line for line in result.explanations)


def test_sandefjord_seven_percent_free_capacity_needs_3_18_more_positions_rounded_to_3() -> None:
    result = dimension(sandefjord(target_free_share=0.07))
    today = result.row(2020)
    assert today.capacity_positions == pytest.approx(3.18, abs=0.005)
    assert today.positions_required == 57  # 54 + 3: the plan rounds to nearest
    assert today.new_positions == 3
    up = dimension(sandefjord(target_free_share=0.07, rounding=RoundingRule.UP))
    assert up.row(2020).positions_required == 58


def test_sandefjord_list_length_1000_means_62_positions_8_more() -> None:
    result = dimension(sandefjord(target_free_share=None, target_list_length=1000))
    today = result.row(2020)
    assert today.positions_needed == pytest.approx(54 * 1143 / 1000)
    assert today.positions_required == 62
    assert today.positions_required - result.current_positions == 8
    assert any("62 hjemler, 8 flere enn i dag" in line for line in result.explanations)


def test_sandefjord_eleven_retire_at_70_in_2021_to_2028() -> None:
    result = dimension(sandefjord())
    assert sum(row.retirements for row in result.rows if 2021 <= row.year <= 2028) == 11
    earlier = dimension(sandefjord(retirement_age=67))
    assert sum(row.retirements for row in earlier.rows) > 11


def test_recruitment_is_retirements_plus_new_positions() -> None:
    result = dimension(sandefjord())
    for row in result.rows:
        assert row.to_recruit == row.retirements + row.new_positions
    assert sum(row.new_positions for row in result.rows) == result.rows[-1].positions_required - 54


def test_bodo_mmmm_projection_from_the_plan() -> None:
    projection = example_scenario("bodo").projection
    assert [row.year for row in projection.years] == [2022, 2025, 2030, 2035, 2050]
    assert projection.year(2022).by_age["80-89"] == 1800
    assert projection.year(2025).by_age["80-89"] == 2116
    assert round(projection.growth_share(2022, 2025, "80-89") * 100, 1) == 17.6
    # The plan states 14,8 % (336 -> 386 is 14.88 %, truncated) and 6,6 % (5 776 -> 6 156 is 6.58 %, rounded).
    assert projection.growth_share(2022, 2025, "90+") == pytest.approx(0.148, abs=0.001)
    assert projection.growth_share(2022, 2025, "67-79") == pytest.approx(0.066, abs=0.001)
    assert projection.growth(2022, 2025) == 592
    assert projection.growth(2022, 2025) / 4 == 148  # planperioden 2022-2026: 148 per år


def test_bodo_a_new_position_every_5_4_to_7_3_years() -> None:
    assert round(years_per_new_position(1080, 148), 1) == 7.3
    assert round(years_per_new_position(1080, 200), 1) == 5.4
    assert years_per_new_position(1080, 0) == math.inf


def test_bodo_without_weights_growth_is_592_over_1080() -> None:
    result = dimension(example_scenario("bodo").model_copy(update={"age_weights": None}))
    assert result.row(2025).growth_positions == pytest.approx(592 / 1080)


def test_age_weights_make_ageing_count_more_than_head_count() -> None:
    bodo = example_scenario("bodo")
    weighted = dimension(bodo).row(2050)
    plain = dimension(bodo.model_copy(update={"age_weights": None})).row(2050)
    assert weighted.population == plain.population
    assert weighted.growth_positions > plain.growth_positions  # 80+ grows, 0-17 shrinks


def test_bodo_two_turn_67_in_the_plan_period() -> None:
    bodo = example_scenario("bodo")
    assert sum(1 for age in bodo.gp_ages if age > 60) == 10
    retiring = retirements_by_year(bodo.gp_ages, 2022, 67)
    assert sum(count for year, count in retiring.items() if 2022 <= year <= 2025) == 2


def test_alis_positions_shorten_lists() -> None:
    bodo = example_scenario("bodo")
    result = dimension(bodo)
    assert result.row(2025).positions_existing == 53
    assert result.row(2025).average_list_length == pytest.approx(result.row(2025).listed_patients / 53)


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        (3.18, RoundingRule.NEAREST, 3),
        (3.5, RoundingRule.NEAREST, 4),
        (2.5, RoundingRule.NEAREST, 3),
        (3.18, RoundingRule.UP, 4),
        (3.0, RoundingRule.UP, 3),
        (3.99, RoundingRule.DOWN, 3),
        (61.722, RoundingRule.NEAREST, 62),
    ],
)
def test_rounding_rules(value: float, rule: RoundingRule, expected: int) -> None:
    assert round_positions(value, rule) == expected


@settings(max_examples=60, deadline=None)
@given(
    positions=st.integers(1, 300),
    average=st.floats(300, 2500),
    free=st.integers(0, 5000),
    growth=st.integers(-5000, 20000),
    target=st.one_of(st.none(), st.floats(0.0, 0.2)),
    target_list=st.one_of(st.none(), st.floats(500, 2000)),
)
def test_needed_positions_give_the_target_list_and_free_share(
    positions: int, average: float, free: int, growth: int, target: float | None, target_list: float | None
) -> None:
    """With the required (unrounded) positions, lists are at the target length and the free share at least f."""
    population = 10 * positions * 1200
    projection = Projection(
        years=[{"year": 2024, "by_age": {"alle": population}}, {"year": 2030, "by_age": {"alle": population + growth}}]
    )
    scenario = Scenario(
        name="x",
        projection=projection,
        positions=positions,
        average_list_length=average,
        free_places=free,
        target_free_share=target,
        target_list_length=target_list,
    )
    result = dimension(scenario)
    for row in result.rows:
        parts = positions + row.growth_positions + row.capacity_positions + row.shorter_list_positions
        assert parts == pytest.approx(row.positions_needed)
        list_length = target_list or average
        places = row.positions_needed * list_length + (free if target is not None else 0)
        assert places >= row.listed_patients - 1e-6
        if target is not None:
            assert places == 0 or (places - row.listed_patients) / places >= target - 1e-9
        assert abs(row.positions_required - row.positions_needed) <= 0.5 + 1e-9


def test_bodo_plan_period_growth_of_148_a_year_means_a_position_every_7_3_years() -> None:
    """The plan: +592 over the plan period 2022-2026, 148 a year, list 1 080 -> a new hjemmel every 7.3 years."""
    projection = Projection(
        years=[{"year": 2022, "by_age": {"alle": 52697}}, {"year": 2026, "by_age": {"alle": 52697 + 592}}]
    )
    scenario = Scenario(name="Bodø", projection=projection, positions=51, average_list_length=1080)
    result = dimension(scenario)
    assert result.annual_population_growth == 148
    assert result.years_per_new_position is not None
    assert round(result.years_per_new_position, 1) == 7.3
    assert any("hvert 7,3 år" in line for line in result.explanations)


def test_listed_patients_from_population_when_no_list_figures() -> None:
    """Without list figures, listed = population - residents with a GP elsewhere + guest patients."""
    projection = Projection(years=[{"year": 2020, "by_age": {"alle": 63722}}])
    scenario = Scenario(
        name="x", projection=projection, positions=54, residents_listed_elsewhere=2000, guest_patients=150
    )
    assert scenario.current_listed == 63722 - 2000 + 150
    assert any("2 000 innbyggere har fastlege i en annen kommune" in line for line in dimension(scenario).explanations)


def test_a_shrinking_population_needs_no_new_positions() -> None:
    projection = Projection(years=[{"year": 2024, "by_age": {"alle": 5000}}, {"year": 2034, "by_age": {"alle": 4500}}])
    result = dimension(Scenario(name="x", projection=projection, positions=5, average_list_length=1000))
    assert result.years_per_new_position is None
    assert all(row.new_positions == 0 for row in result.rows)
    assert result.rows[-1].positions_required == 5  # 4.5 rounds half up
