"""The plan's workforce simulation starts from the register's own state, and its charts fit the band."""

from __future__ import annotations

from datetime import date

from legeplan.capacity import TURNOVER_NATIONAL, TURNOVER_NORD_NORGE, example_scenario, workforce_from_register
from legeplan.register.demo import demo_register
from legeplan.register.models import PositionStatus, Register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.charts import LineChart, Series, _line_y_range
from legeplan.report.document import Figure, Table
from legeplan.report.inputs import simulate_from_register


def _absence_blocks(inputs: PlanInputs) -> list[object]:
    document = build_plan(inputs)
    chapter = next(c for c in document.chapters if c.id == "vikardekning")
    return chapter.all_blocks()


def test_demo_simulation_starts_at_the_registers_vacancies() -> None:
    register = demo_register()
    vacant = sum(1 for p in register.positions if p.status is not PositionStatus.FILLED)
    simulation = simulate_from_register(register, example_scenario("sandefjord"), runs=200, years=10, seed=1)
    assert simulation.start_year == register.as_of.year + 1
    blocks = _absence_blocks(
        PlanInputs(register=register, scenario=example_scenario("sandefjord"), simulation=simulation)
    )
    table = next(b for b in blocks if isinstance(b, Table) and b.caption.startswith("Kostnad ved vikardrift"))
    assert table.rows[0][1] == str(vacant)
    figures = [b for b in blocks if isinstance(b, Figure)]
    assert len(figures) == 2
    for figure in figures:
        chart = figure.chart
        assert isinstance(chart, LineChart)
        assert chart.x[0] == register.as_of.year  # the base year is the register's observed state …
        series = chart.series[0]
        assert series.values[0] == series.lower[0] == series.upper[0] == vacant  # … 0 vacant, 0 kr
    assert "0 ledige hjemler" in " ".join(b.text for b in blocks if hasattr(b, "text"))


def test_workforce_comes_from_the_register(register: Register) -> None:
    # The conftest register, Bodø: 8 hjemler, one vacant, 5 GPs and 2 ALIS
    params = workforce_from_register(register)
    assert params.positions == 8
    assert params.vacant == 1
    assert len(params.gp_ages) == 5
    assert sum(params.alis_in_training) == 2
    assert params.turnover_rate == TURNOVER_NORD_NORGE  # 18xx is Nordland
    demo = workforce_from_register(demo_register())
    assert demo.turnover_rate == TURNOVER_NATIONAL  # Sandefjord is not in Nord-Norge
    assert demo.vacant == 0
    assert demo.positions == len(demo_register().positions)


def test_scenario_growth_opens_after_the_register_date() -> None:
    register = demo_register()
    params = workforce_from_register(register, example_scenario("sandefjord"), years=10)
    assert len(params.new_positions_per_year) == 10
    assert sum(params.new_positions_per_year) == 60 - len(register.positions)  # 60 hjemler needed by 2028


def test_line_chart_y_axis_fits_the_band() -> None:
    chart = LineChart(
        title="Ledige",
        x=[2020.0, 2021.0, 2022.0],
        series=[Series(name="Median", values=[0.0, 5.0, 8.5], lower=[0.0, 3.0, 5.0], upper=[0.0, 9.0, 11.5])],
    )
    low, high = _line_y_range(chart)
    assert low == 0
    assert high > 11.5 * 1.05  # headroom: the band's top is not the plot's edge


def test_simulation_of_a_register_without_positions_is_skipped(register: Register) -> None:
    empty = register.model_copy(update={"positions": (), "as_of": date(2024, 1, 1)})
    assert simulate_from_register(empty) is None
