"""Dimensioning scenarios in the browser: run the demo's Sandefjord scenario (seed 001) and edit a target."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from legeplan.capacity import dimension, parse_scenario
from legeplan.capacity.models import DimensioningResult

from .support import DEMO_CODE, LiveServer

pytestmark = pytest.mark.browser

BASE_SCENARIO = "Sandefjord"
TARGET_SCENARIO = "Sandefjord, mål 1 000 på lista"
# Seed 001: 54 hjemler in 2020, 11 retirements (at 70) in 2021-2028, base population 54 x 1 143 + 2 000 = 63 722,
# and SSB's 2 663 more by 2028 = 66 385.
SEED_POSITIONS = 54
SEED_RETIREMENTS_2021_2028 = 11
SEED_POPULATION = {2020: "63 722", 2028: "66 385"}


def stored_body(live_server: LiveServer, name: str) -> dict[str, Any]:
    for scenario in live_server.app.state.web_store.scenarios(DEMO_CODE):
        if scenario.name == name:
            body: dict[str, Any] = scenario.body
            return body
    raise AssertionError(f"no stored scenario named {name!r}")


def expected_result(body: dict[str, Any]) -> DimensioningResult:
    """The capacity engine's own answer for a scenario body, to hold the rendered table against."""
    return dimension(parse_scenario(body, source="test"))


def open_scenario(page: Page, name: str) -> None:
    page.goto(f"/m/{DEMO_CODE}/scenarios")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dimensjoneringsscenarier")
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))
    row.get_by_role("link", name="Vis resultat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resultat: {name}")


def table_rows(page: Page) -> list[list[str]]:
    body: Locator = page.locator("table.data tbody tr")
    expect(body.first).to_be_visible()
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in body.all()]


def test_run_sandefjord_scenario_shows_the_projection(admin_page: Page, live_server: LiveServer) -> None:
    open_scenario(admin_page, BASE_SCENARIO)

    rows = table_rows(admin_page)
    years = [int(r[0]) for r in rows]
    assert years == list(range(2020, 2029))
    by_year = {int(r[0]): r for r in rows}
    for year, population in SEED_POPULATION.items():
        assert by_year[year][1] == population
    assert {int(r[3]) for r in rows} == {SEED_POSITIONS}
    assert sum(int(r[4]) for r in rows if int(r[0]) >= 2021) == SEED_RETIREMENTS_2021_2028
    # What the browser shows is what the engine computed for the stored scenario.
    result = expected_result(stored_body(live_server, BASE_SCENARIO))
    assert [int(r[2]) for r in rows] == [r.positions_required for r in result.rows]
    assert [int(r[5]) for r in rows] == [r.to_recruit for r in result.rows]
    # Growth means more hjemler are needed in 2028 than exist today.
    assert int(by_year[2028][2]) > SEED_POSITIONS
    chart = admin_page.locator("figure.chart svg")
    expect(chart).to_be_visible()
    expect(admin_page.locator("ul.explanations li").first).not_to_be_empty()


def test_edit_target_list_length_changes_the_result(admin_page: Page, live_server: LiveServer) -> None:
    open_scenario(admin_page, TARGET_SCENARIO)
    before = {int(r[0]): int(r[2]) for r in table_rows(admin_page)}

    admin_page.get_by_role("link", name="Endre").first.click()
    target = admin_page.get_by_label("Mål for snittliste")
    # A negative target is refused field by field and nothing is saved.
    target.fill("-5")
    admin_page.get_by_role("button", name="Lagre").click()
    expect(admin_page.locator(".field.invalid .field-error").first).to_be_visible()
    assert stored_body(live_server, TARGET_SCENARIO)["target_list_length"] == 1000

    target = admin_page.get_by_label("Mål for snittliste")
    target.fill("1200")
    admin_page.get_by_role("button", name="Lagre").click()

    expect(admin_page).to_have_url(re.compile(rf"/m/{DEMO_CODE}/scenarios/\d+$"))
    expect(admin_page.get_by_role("status")).to_have_text("Scenarioet er lagret.")
    body = stored_body(live_server, TARGET_SCENARIO)
    assert body["target_list_length"] == 1200
    after = {int(r[0]): int(r[2]) for r in table_rows(admin_page)}
    assert after == {r.year: r.positions_required for r in expected_result(body).rows}
    # Longer lists need fewer hjemler.
    assert all(after[year] <= before[year] for year in before)
    assert after[2028] < before[2028]


def test_compare_two_scenarios_side_by_side(admin_page: Page, live_server: LiveServer) -> None:
    admin_page.goto(f"/m/{DEMO_CODE}/scenarios")
    admin_page.get_by_label("A", exact=True).select_option(label=BASE_SCENARIO)
    admin_page.get_by_label("B", exact=True).select_option(label=TARGET_SCENARIO)
    admin_page.get_by_role("button", name="Sammenlign", exact=True).click()

    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Sammenlign to scenarier")
    # Both scenarios on one chart (one shared y-axis), under a one-line conclusion naming both.
    chart = admin_page.locator("figure.chart svg")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    conclusion = admin_page.locator("p.conclusion")
    expect(conclusion).to_contain_text(BASE_SCENARIO)
    expect(conclusion).to_contain_text(TARGET_SCENARIO)
    # One full-width table, year by year: hjemler A, B and B − A, then snittliste A, B and B − A.
    table = admin_page.locator("table.compare")
    expect(table).to_be_visible()
    rows = [[c.strip() for c in r.locator("td").all_inner_texts()] for r in table.locator("tbody tr").all()]
    base = expected_result(stored_body(live_server, BASE_SCENARIO)).rows
    target = expected_result(stored_body(live_server, TARGET_SCENARIO)).rows
    assert [(int(r[0]), int(r[1]), int(r[2])) for r in rows] == [
        (a.year, a.positions_required, b.positions_required) for a, b in zip(base, target, strict=True)
    ]
    assert [int(r[3].replace("+", "").replace("−", "-")) for r in rows] == [
        b.positions_required - a.positions_required for a, b in zip(base, target, strict=True)
    ]
    last = table.locator("tbody tr").last.locator("td").last
    box, wrapper = last.bounding_box(), admin_page.locator("section.card .scroll").last.bounding_box()
    assert box and wrapper and box["x"] + box["width"] <= wrapper["x"] + wrapper["width"] + 1  # not clipped
