"""Register lists (issue #16): search, filters, sorting and pages on the server; Norwegian formats; generated ids
and references chosen from lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.register.demo import demo_register
from legeplan.web.forms import form_fields, form_values
from legeplan.web.listing import PAGE_SIZE, ListQuery, display_value, list_page, next_id, parse_query

Login = Callable[[str], tuple[TestClient, str]]


def _query(**values: str) -> ListQuery:
    return parse_query(values, form_fields("physicians"))


def test_active_physicians_by_default_and_left_ones_on_request() -> None:
    register = demo_register()
    everyone = list_page(register, "physicians", form_fields("physicians"), _query(status="all"))
    active = list_page(register, "physicians", form_fields("physicians"), _query())
    left = list_page(register, "physicians", form_fields("physicians"), _query(status="left"))
    expected_active = sum(1 for d in register.physicians if d.active_at(register.as_of))
    assert active.total == expected_active
    assert left.total == len(register.physicians) - expected_active
    assert everyone.total == len(register.physicians)


def test_search_ignores_case_and_accents_and_sort_is_numeric() -> None:
    register = demo_register()
    fields = form_fields("physicians")
    name = register.physicians[0].name
    found = list_page(register, "physicians", fields, _query(q=name.upper(), status="all"))
    assert found.total >= 1 and all(name.upper() in row["name"].upper() for row in found.rows)
    by_year = list_page(register, "physicians", fields, _query(status="all", sort="birth_year", desc="1"))
    years = [int(row["birth_year"]) for row in by_year.rows]
    assert years == sorted(years, reverse=True)
    assert years[0] == max(d.birth_year for d in register.physicians)


def test_pages_of_fifty_rows() -> None:
    register = demo_register()
    fields = form_fields("physicians")
    total = len(register.physicians)
    assert total > PAGE_SIZE  # the demo has 68 physicians
    first = list_page(register, "physicians", fields, _query(status="all"))
    second = list_page(register, "physicians", fields, _query(status="all", page="2"))
    assert (first.shown_from, first.shown_to, first.pages) == (1, PAGE_SIZE, 2)
    assert (second.shown_from, second.shown_to) == (PAGE_SIZE + 1, total)
    assert {r["id"] for r in first.rows}.isdisjoint({r["id"] for r in second.rows})
    beyond = list_page(register, "physicians", fields, _query(status="all", page="999"))
    assert beyond.page == 2  # a page past the end shows the last one
    assert _query(page="x").page == 1 and _query(sort="not_a_field").sort == ""


def test_norwegian_formats_in_lists_and_forms() -> None:
    assert display_value(7.5) == "7,5"
    assert display_value(1.0) == "1"
    assert display_value(142.5) == "142,5"
    assert display_value(12345) == "12\u00a0345"
    assert display_value(date(2001, 1, 1)) == "01.01.2001"
    assert display_value(True) == "Ja"
    register = demo_register()
    doctor = register.physicians[0].model_copy(update={"employment_fraction": 0.75, "municipal_duty_hours": 7.5})
    assert form_values(doctor)["employment_fraction"] == "0,75"
    assert form_values(doctor)["municipal_duty_hours"] == "7,5"


def test_next_id_follows_the_registers_own_numbering() -> None:
    register = demo_register()
    new = next_id(register, "physicians")
    assert new not in {d.id for d in register.physicians}
    assert re.fullmatch(r"L\d+", new)
    numbers = [int(d.id[1:]) for d in register.physicians if d.id[1:].isdigit()]
    assert int(new[1:]) == max(numbers) + 1


def test_register_page_filters_sorts_and_counts(login: Login) -> None:
    client, _ = login("leser")
    page = client.get("/m/3804/register", params={"kind": "physicians", "status": "all", "sort": "birth_year"})
    assert page.status_code == 200
    assert 'aria-sort="ascending"' in page.text
    assert re.search(r"Viser 1–50 av \d+\.", page.text)
    assert "Neste side" in page.text
    empty = client.get("/m/3804/register", params={"kind": "physicians", "q": "finnes-ikke-zzz"})
    assert "Ingen rader." in empty.text
    long_query = client.get("/m/3804/register", params={"kind": "physicians", "q": "x" * 10_000})
    assert long_query.status_code == 200


def test_new_physician_gets_an_id_and_references_are_lists(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    form = client.get("/m/3804/register/physicians/new")
    assert '<select id="f-position_id"' in form.text
    assert "(ikke satt)" in form.text.split('id="f-sex"', 1)[1].split("</select>", 1)[0]  # no preset gender
    response = client.post(
        "/m/3804/register/physicians/save",
        data={
            "csrf_token": token,
            "id": "",
            "name": "Ny Lege",
            "birth_year": "1990",
            "sex": "F",
            "start_date": "2024-01-01",
            "employment_fraction": "0,8",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    assert "q=L" in response.headers["location"]
    shown = client.get(response.headers["location"])
    assert "Ny Lege" in shown.text and "0,8" in shown.text


def test_a_new_scenario_starts_from_the_register(login: Login, app: FastAPI) -> None:
    """Issue #10: the web scenario is prefilled from the register; only projection and targets come from the example."""
    from legeplan.capacity import parse_scenario

    register = app.state.storage.load_register("3804")
    positions = list(register.positions)
    positions[0] = positions[0].model_copy(update={"listed_patients": positions[0].listed_patients - 123})
    app.state.storage.save_register(register.model_copy(update={"positions": tuple(positions)}))
    client, token = login("redaktor")
    assert 'name="from_register" value="1" checked' in client.get("/m/3804/scenarios").text
    answer = client.post(
        "/m/3804/scenarios",
        data={"csrf_token": token, "example": "sandefjord", "name": "Fra registeret", "from_register": "1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    stored = next(s for s in app.state.web_store.scenarios("3804") if s.name == "Fra registeret")
    scenario = parse_scenario(stored.body)
    assert scenario.positions == len(positions)
    assert scenario.listed_patients == sum(p.listed_patients for p in positions)  # the register's, typed once
    assert scenario.listed_patients == sum(p.listed_patients for p in register.positions) - 123
