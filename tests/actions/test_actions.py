"""Action plans: Sandefjord section 8 (seed 001) as the example, round trips through TOML/JSON/XLSX, bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pydantic import ValidationError

from legeplan.actions import (
    ActionPlan,
    ActionPlanError,
    Cost,
    CostKind,
    FollowUp,
    Goal,
    Measure,
    Status,
    example_action_plan,
    load_action_plan,
    save_action_plan,
)


def test_sandefjord_example_has_25_goals_and_their_measures() -> None:
    plan = example_action_plan()
    assert len(plan.goals) == 25
    assert plan.goals[0].text.endswith("(7 % ledige plasser)")
    assert "Sandefjord" in plan.source
    assert all(plan.measures_for(goal.id) for goal in plan.goals)


def test_sandefjord_costs_as_in_the_table() -> None:
    plan = example_action_plan()
    office = plan.measures_for(2)[0]  # kommunalt fastlegekontor: "5-6 mill. kr."
    assert office.cost.kind == CostKind.RANGE and (office.cost.low, office.cost.high) == (5_000_000, 6_000_000)
    assert str(office.cost) == "5 000 000–6 000 000 kr"
    forum = next(m for m in plan.measures if "forum for alders" in m.title)
    assert str(forum.cost) == "40 000 kr per år"  # "40 000,- pr. år"
    samfunnsmedisin = plan.measures_for(25)[0]
    assert samfunnsmedisin.cost.amount == 1_115_000  # "1 115 000,-"
    assert str(plan.measures_for(3)[0].cost) == "Må beregnes"


def test_cost_total_adds_only_figures() -> None:
    total = example_action_plan().cost_total()
    # One-off: 275 000 + 140 000 + 1 115 000 known; the 5-6 MNOK office adds to the span only.
    assert total.known == 1_530_000
    assert (total.low, total.high) == (6_530_000, 7_530_000)
    # 9.2's "40 000 kr per år" is a yearly cost, summed apart.
    assert (total.per_year_known, total.per_year_low, total.per_year_high) == (40_000, 40_000, 40_000)
    assert total.uncosted > 0


@pytest.mark.parametrize("suffix", ["json", "toml", "xlsx"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    plan = example_action_plan().model_copy(
        update={
            "as_of": date(2021, 6, 1),
            "measures": (
                *example_action_plan().measures,
                Measure(
                    number="1.2",
                    goal=1,
                    title="Årlig rapport om ledig listekapasitet",
                    responsible="Kommuneoverlegen",
                    deadline="2022",
                    status=Status.IN_PROGRESS,
                    follow_up=(
                        FollowUp(date=date(2022, 1, 15), note="Første rapport levert", status=Status.DONE),
                        FollowUp(date=date(2022, 6, 1), note="Ny telling"),
                    ),
                ),
            ),
        }
    )
    path = tmp_path / f"plan.{suffix}"
    save_action_plan(plan, path)
    assert load_action_plan(path) == plan


def test_cost_needs_its_figures() -> None:
    with pytest.raises(ValidationError, match="trenger «amount»"):
        Cost(kind=CostKind.AMOUNT)
    with pytest.raises(ValidationError, match="større enn"):
        Cost(kind=CostKind.RANGE, low=6, high=5)


def test_measure_must_point_to_a_goal() -> None:
    with pytest.raises(ValidationError, match="styringsmål 2, som ikke finnes"):
        ActionPlan(goals=(Goal(id=1, text="Mål"),), measures=(Measure(number="2.1", goal=2, title="Tiltak"),))


def test_bad_json_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = {
        "goals": [{"id": 1, "text": "Mål"}],
        "measures": [{"number": "1.1", "goal": 1, "title": "T", "status": "x"}],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ActionPlanError, match=r"bad.json: felt «measures.0.status»"):
        load_action_plan(path)


def test_bad_xlsx_names_sheet_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    save_action_plan(example_action_plan(), path)
    book = load_workbook(path)
    book["Tiltak"]["G3"] = -5  # Beløp on the second measure
    book.save(path)
    with pytest.raises(ActionPlanError, match=r"ark «Tiltak», rad 3, felt «cost.amount»"):
        load_action_plan(path)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ActionPlanError, match="finnes ikke"):
        load_action_plan(tmp_path / "none.json")
    with pytest.raises(ActionPlanError, match="ukjent filtype"):
        save_action_plan(example_action_plan(), tmp_path / "plan.csv")


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() == s and s != ""
)
costs = st.one_of(
    st.builds(Cost, kind=st.just(CostKind.AMOUNT), amount=st.integers(0, 10**8).map(float)),
    st.integers(0, 10**7).flatmap(
        lambda low: st.builds(
            Cost, kind=st.just(CostKind.RANGE), low=st.just(float(low)), high=st.integers(low, 10**8).map(float)
        )
    ),
    st.sampled_from([Cost(kind=CostKind.TO_BE_CALCULATED), Cost(), Cost(kind=CostKind.SELF_FINANCING)]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, costs, st.sampled_from(list(Status))), min_size=1, max_size=6), texts)
def test_any_plan_survives_json_and_toml(tmp_path: Path, rows: list[tuple[str, Cost, Status]], goal: str) -> None:
    plan = ActionPlan(
        goals=(Goal(id=1, text=goal),),
        measures=tuple(
            Measure(number=f"1.{i}", goal=1, title=title, cost=cost, status=status)
            for i, (title, cost, status) in enumerate(rows, start=1)
        ),
    )
    for suffix in ("json", "toml"):
        path = tmp_path / f"p.{suffix}"
        save_action_plan(plan, path)
        assert load_action_plan(path) == plan
    total = plan.cost_total()
    assert total.low <= total.high


def test_excel_cost_kind_is_norwegian_and_english_codes_still_load(tmp_path: Path) -> None:
    path = tmp_path / "tiltak.xlsx"
    save_action_plan(example_action_plan(), path)
    sheet = load_workbook(path)["Tiltak"]
    header = [cell.value for cell in sheet[1]]
    kinds = {row[header.index("Kostnadstype")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"Intervall", "Beløp", "Må beregnes"} <= kinds
    assert not kinds & {"range", "amount", "to_be_calculated"}
    book = load_workbook(path)
    measures = book["Tiltak"]
    for row in measures.iter_rows(min_row=2):
        cell = row[header.index("Kostnadstype")]
        cell.value = {"Intervall": "range", "Beløp": "amount"}.get(str(cell.value), cell.value)
    book.save(path)
    assert load_action_plan(path) == example_action_plan()
