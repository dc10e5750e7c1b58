"""The dimensioning starts from the register: recruitment counts every new hjemmel (ALIS, decided, growth), free
capacity follows the target list length, planned list reductions imply a list length, and one year has one
population."""

from __future__ import annotations

from datetime import date

import pytest

from legeplan.capacity import (
    AgeGroupPopulation,
    Projection,
    Scenario,
    dimension,
    example_scenario,
    implied_list_length,
    scenario_from_register,
)
from legeplan.register.demo import demo_register, generated_register
from legeplan.register.models import (
    Physician,
    PhysicianRole,
    PlannedPosition,
    PlannedPositionKind,
    Position,
    ReductionReason,
    Register,
    Sex,
)

#: Bodø's «Estimert behov for nye fastlegestillinger neste 9 år» (seed 003), 2020-2028.
BODO_YEARS = list(range(2020, 2029))
BODO_GROWTH = [1, 0, 0, 0, 0, 1, 0, 0, 0]
BODO_REPLACEMENT = [2, 4, 1, 0, 0, 1, 1, 2, 1]
BODO_ALIS = [1, 0, 2, 3, 2, 3, 0, 1, 1]
BODO_TOTAL = [4, 4, 3, 3, 2, 5, 1, 3, 2]


def _linear(start_year: int, start: float, end_year: int, end: float) -> Projection:
    return Projection(
        years=[
            AgeGroupPopulation(year=start_year, by_age={"alle": start}),
            AgeGroupPopulation(year=end_year, by_age={"alle": end}),
        ]
    )


def bodo_register() -> Register:
    """51 hjemler with 1 080 listed each (April 2021); GPs aged so that retirement at 67 gives the plan's
    «Erstatning for naturlig avgang» row; the plan's new hjemler (growth and ALIS) as planned hjemler."""
    code = "1804"
    base = generated_register(code, "Bodø", population=52_560, positions=51, alis=0, as_of=date(2020, 1, 1))
    positions = tuple(
        p.model_copy(update={"list_ceiling": 1100, "listed_patients": 1080, "status": "filled"}) for p in base.positions
    )
    # Ages in 2020: retiring at 67 in year 2020 + (67 - age); the others 30-58.
    retiring_ages = [age for age, count in zip(range(67, 58, -1), BODO_REPLACEMENT, strict=True) for _ in range(count)]
    ages = retiring_ages + [30 + i % 29 for i in range(51 - len(retiring_ages))]
    physicians = tuple(
        Physician(
            id=f"L{i + 1:03d}",
            municipality_code=code,
            name=f"Lege {i + 1}",
            birth_year=2020 - age,
            sex=Sex.FEMALE,
            role=PhysicianRole.GP,
            position_id=positions[i].id,
            start_date=date(2015, 1, 1),
        )
        for i, age in enumerate(ages)
    )
    planned: list[PlannedPosition] = []
    for kind, row in ((PlannedPositionKind.GROWTH, BODO_GROWTH), (PlannedPositionKind.ALIS, BODO_ALIS)):
        for year, count in zip(BODO_YEARS, row, strict=True):
            planned += [
                PlannedPosition(id=f"{kind.value}-{year}-{n}", municipality_code=code, kind=kind, year=year)
                for n in range(count)
            ]
    return base.model_copy(
        update={"positions": positions, "physicians": physicians, "agreements": (), "planned_positions": tuple(planned)}
    )


def test_bodo_recruitment_table_counts_alis_growth_and_replacements() -> None:
    """Seed 003: TOTALT 4 4 3 3 2 5 1 3 2 = 27 for 2020-2028 (the plan's ALIS row sums to 13, not the printed 8);
    13 for the plan period 2022-2025 («10 - 13 legehjemler»)."""
    scenario = Scenario(
        name="Bodø",
        projection=_linear(2020, 52_560, 2028, 52_560 + 8 * 148),
        positions=51,
        average_list_length=1080,
        retirement_age=67,
    )
    result = dimension(scenario_from_register(bodo_register(), scenario))
    rows = [result.row(year) for year in BODO_YEARS]
    assert [row.retirements for row in rows] == BODO_REPLACEMENT
    assert [row.alis_positions for row in rows] == BODO_ALIS
    assert [row.growth_planned for row in rows] == BODO_GROWTH
    assert [row.to_recruit for row in rows] == BODO_TOTAL
    assert sum(row.to_recruit for row in rows) == 27
    assert sum(row.to_recruit for row in rows if 2022 <= row.year <= 2025) == 13
    assert all(row.need_positions == 0 for row in rows)  # the planned hjemler cover the need
    assert "rekruttere 27 fastleger" in result.explanations[-1]


def test_bodo_list_length_with_a_growth_hjemmel_and_eight_alis() -> None:
    """(51·1080 + 592)/(52 + 8) = 928: the growth hjemmel counts as a planned hjemmel without being typed as ALIS."""
    register = generated_register("1804", "Bodø", population=52_560, positions=51, alis=0, as_of=date(2022, 1, 1))
    register = register.model_copy(
        update={
            "positions": tuple(
                p.model_copy(update={"list_ceiling": 1080, "listed_patients": 1080}) for p in register.positions
            ),
            "planned_positions": (
                PlannedPosition(id="V1", municipality_code="1804", kind=PlannedPositionKind.GROWTH, year=2023),
                *(
                    PlannedPosition(id=f"A{n}", municipality_code="1804", kind=PlannedPositionKind.ALIS, year=2024)
                    for n in range(8)
                ),
            ),
        }
    )
    scenario = Scenario(
        name="Bodø", projection=_linear(2022, 52_560, 2026, 52_560 + 592), positions=51, average_list_length=1080
    )
    result = dimension(scenario_from_register(register, scenario))
    last = result.row(2026)
    assert last.positions_existing == 60
    assert last.average_list_length == pytest.approx((51 * 1080 + 592) / 60)
    assert sum(row.new_positions for row in result.rows) == 9
    assert sum(row.to_recruit for row in result.rows) >= 9


def test_vefsn_decided_14th_hjemmel_is_recruited() -> None:
    """Seed 000 5.2.3: 13 fastleger; «Opprettelse av en 14.legehjemmel er vedtatt i kommunestyret november 2020»."""
    register = generated_register("1824", "Vefsn", population=13_400, positions=13, alis=2, as_of=date(2021, 1, 1))
    decided = PlannedPosition(
        id="H014", municipality_code="1824", kind=PlannedPositionKind.GROWTH, year=2021, decided=date(2020, 11, 1)
    )
    result = dimension(scenario_from_register(register.model_copy(update={"planned_positions": (decided,)})))
    first = result.row(2021)
    assert (first.positions_existing, first.growth_planned, first.new_positions) == (14, 1, 1)
    assert first.to_recruit == first.retirements + 1


def test_free_capacity_follows_the_target_list_length_and_explains_a_negative_value() -> None:
    """Sandefjord demo (61 722 listed on 54 hjemler) with lists cut to 973: 54 × 973 = 52 542 places, 9 180 patients
    without a place (−17,5 %), not today's 1,6 %."""
    scenario = example_scenario("sandefjord").model_copy(update={"target_list_length": 973.0})
    result = dimension(scenario_from_register(demo_register(), scenario))
    first = result.rows[0]
    assert first.free_places == pytest.approx(54 * 973 - 61_722)
    assert first.free_capacity_share == pytest.approx((54 * 973 - 61_722) / (54 * 973))
    assert "Ledig kapasitet er negativ: 9 180 flere pasienter enn listene har plass til når listene kortes til 973" in (
        first.explanation
    )
    assert "9,4 hjemler til" in first.explanation


def test_planned_list_reductions_imply_the_list_length() -> None:
    """Vefsn (seed 000 5.2.2): the self-employed GPs want 400-500 fewer places in all, and the municipal lists 400
    fewer for ALIS training. 13 lists of 1 000: (13 000 - 450 - 400)/13 = 934,6."""
    register = generated_register("1824", "Vefsn", population=13_400, positions=13, alis=0)
    positions = []
    for i, position in enumerate(register.positions):
        reduction, reason = (0, None)
        if i < 9:
            reduction, reason = (50, ReductionReason.OWN_WISH)  # 9 × 50 = 450
        elif i < 13:
            reduction, reason = (100, ReductionReason.ALIS)  # 4 × 100 = 400
        positions.append(
            Position.model_validate(
                {
                    **position.model_dump(),
                    "list_ceiling": 1000,
                    "listed_patients": 1000,
                    "planned_reduction": reduction,
                    "reduction_reason": reason,
                }
            )
        )
    register = register.model_copy(update={"positions": tuple(positions)})
    assert implied_list_length(register) == pytest.approx((13_000 - 850) / 13)
    scenario = scenario_from_register(register)
    assert scenario.target_list_length == pytest.approx(934.615, abs=1e-3)
    result = dimension(scenario)
    assert result.rows[0].positions_required == 14  # 13 000 / 934,6 = 13,9


def test_the_base_year_population_is_the_registers() -> None:
    """The demo plan showed 64 500 inhabitants (register) and 63 722 (scenario) for 2020: now both are 64 500 and the
    projected growth (+2 663 by 2028) is kept."""
    result = dimension(scenario_from_register(demo_register(), example_scenario("sandefjord")))
    assert result.rows[0].population == pytest.approx(64_500)
    assert result.row(2028).population == pytest.approx(64_500 + 2_663)
    assert result.current_positions == 54 and result.current_average_list == pytest.approx(1143, abs=0.5)


def test_without_a_scenario_the_population_is_held_and_said_so() -> None:
    register = generated_register("5001", "Testby", population=20_000, positions=20)
    scenario = scenario_from_register(register)
    assert [row.total for row in scenario.projection.years] == [20_000, 20_000]
    assert "uendret" in scenario.projection.source


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(
    alis=st.lists(st.integers(0, 3), min_size=5, max_size=5),
    growth=st.lists(st.integers(0, 2), min_size=5, max_size=5),
    replacements=st.lists(st.integers(0, 2), min_size=5, max_size=5),
    end_population=st.integers(9_000, 16_000),
)
def test_recruitment_counts_each_new_hjemmel_once(
    alis: list[int], growth: list[int], replacements: list[int], end_population: int
) -> None:
    """Recruitment = retirements + planned replacements + every new hjemmel (planned or needed), and the planned
    hjemler plus the needed ones always cover the need: nothing is left out and nothing is counted twice."""
    scenario = Scenario(
        name="Egenskap",
        projection=_linear(2021, 12_000, 2025, end_population),
        positions=12,
        average_list_length=1000,
        alis_planned={2021 + i: n for i, n in enumerate(alis) if n},
        growth_planned={2021 + i: n for i, n in enumerate(growth) if n},
        replacements_planned={2021 + i: n for i, n in enumerate(replacements) if n},
        gp_ages=[40 + i * 2 for i in range(12)],
    )
    result = dimension(scenario)
    opened = 12
    for row in result.rows:
        assert row.new_positions == row.alis_positions + row.growth_planned + row.need_positions
        assert row.to_recruit == row.retirements + row.replacements + row.new_positions
        opened += row.new_positions
        assert opened >= row.positions_required
        assert row.positions_existing == 12 + sum(alis[: row.year - 2020]) + sum(growth[: row.year - 2020])
    assert sum(row.alis_positions for row in result.rows) == sum(alis)
    assert sum(row.replacements for row in result.rows) == sum(replacements)


def test_a_scenario_file_can_plan_growth_hjemler_without_calling_them_alis(tmp_path: object) -> None:
    """Bodø: (51·1080 + 592)/(52 + 8) with the growth hjemmel as `growth_planned`, in a scenario file alone."""
    from pathlib import Path

    from legeplan.capacity import load_scenario

    path = Path(str(tmp_path)) / "bodo.toml"
    path.write_text(
        'name = "Bodø"\npositions = 51\naverage_list_length = 1080\n'
        'growth_planned = { "2023" = 1 }\nalis_planned = { "2024" = 8 }\n'
        "[[projection]]\nyear = 2022\nby_age = { alle = 52560 }\n"
        "[[projection]]\nyear = 2026\nby_age = { alle = 53152 }\n",
        encoding="utf-8",
    )
    result = dimension(load_scenario(path))
    assert result.row(2026).average_list_length == pytest.approx((51 * 1080 + 592) / 60)
    assert result.row(2023).growth_planned == 1 and result.row(2024).alis_positions == 8
