"""Konklusjoner og prioriterte tiltak: the effect of the measures on the budget, year by year and by area, with the
Sandefjord action plan's own figures (seed 001, section 8: period 2021–2024)."""

from __future__ import annotations

from datetime import date

from legeplan.actions import ActionPlan, example_action_plan
from legeplan.report.chapters.tiltak import budget_by_area, plan_years


def test_sandefjord_budget_by_area_and_year() -> None:
    plan = example_action_plan()
    years = plan_years(plan, date(2020, 8, 1))
    assert years == [2021, 2022, 2023, 2024]
    areas, uncosted = budget_by_area(plan, years)
    # 2.1 ALIS-kontor 5–6 mill. (midpoint) in 2021 and 5.2 275 000 kr (no deadline: the first year).
    assert areas["Fastlegeordningen"] == {2021: 5_775_000, 2022: 0, 2023: 0, 2024: 0}
    # 9.2 «40 000 kr per år», fortløpende: every year.
    assert areas["Kommunale legeoppgaver – sykehjemslegeordningen"] == dict.fromkeys(years, 40_000)
    # 20.1 one more LIS1 in 2021: 140 000 kr; 25.1 samfunnsmedisin in 2022: 1 115 000 kr.
    assert areas["Leger i utdanning/spesialisering"][2021] == 140_000
    assert areas["Samfunnsmedisin"] == {2021: 0, 2022: 1_115_000, 2023: 0, 2024: 0}
    assert sum(sum(row.values()) for row in areas.values()) == 5_775_000 + 4 * 40_000 + 140_000 + 1_115_000
    costed = sum(1 for measure in plan.measures if measure.cost.expected is not None)
    assert uncosted == len(plan.measures) - costed


def test_plan_without_period_covers_four_years_after_the_register() -> None:
    assert plan_years(ActionPlan(), date(2024, 1, 1)) == [2025, 2026, 2027, 2028]
    assert plan_years(ActionPlan(period="2022–2025"), date(2024, 1, 1)) == [2022, 2023, 2024, 2025]
