"""The web register edits the decided and planned hjemler and shows the new physician facts in Norwegian."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.web.forms import form_fields

Login = Callable[[str], tuple[TestClient, str]]


def test_new_fields_have_norwegian_labels() -> None:
    labels = {f.name: f.label for f in form_fields("physicians")}
    assert labels["clinical_months"] == "Måneder klinisk tjeneste"
    assert labels["exemption_kind"] == "Type fritak fra legevakt"
    planned = {f.name: f.label for f in form_fields("planned_positions")}
    assert planned["decided"] == "Vedtatt (dato)" and planned["kind"] == "Type"


def test_a_decided_hjemmel_is_added_and_a_bad_replacement_refused(login: Login, app: FastAPI) -> None:
    client, token = login("admin")
    page = client.get("/m/3804/register?kind=planned_positions")
    assert page.status_code == 200 and "Planlagte hjemler" in page.text
    saved = client.post(
        "/m/3804/register/planned_positions/save",
        data={"csrf_token": token, "id": "H055", "kind": "growth", "year": "2021", "decided": "2020-11-01"},
    )
    assert saved.status_code == 303, saved.text
    assert app.state.storage.load_register("3804").planned_positions[0].id == "H055"
    bad = client.post(
        "/m/3804/register/planned_positions/save",
        data={"csrf_token": token, "id": "E1", "kind": "replacement", "year": "2022", "replaces": "H999"},
    )
    assert bad.status_code == 400 and "H999" in bad.text
