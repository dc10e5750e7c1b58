"""No lost update: of simultaneous saves of one doctor exactly one wins, and a stale form never reverts a change."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.i18n import NB
from legeplan.legevakt import example_problem
from legeplan.register.demo import demo_register

Login = Callable[[str], tuple[TestClient, str]]


def _edit_form(client: TestClient, physician_id: str) -> dict[str, str]:
    page = client.get(f"/m/3804/register/physicians/{physician_id}/edit")
    assert page.status_code == 200
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', page.text))
    fields.update(
        re.findall(
            r'<select id="f-[^"]+" name="([^"]+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected',
            page.text,
            re.S,
        )
    )
    return fields


def test_twenty_simultaneous_saves_of_one_doctor_one_wins_nineteen_get_conflicts(login: Login, app: FastAPI) -> None:
    doctor = demo_register().physicians[0]
    clients = [login("redaktor") for _ in range(20)]
    forms = [_edit_form(client, doctor.id) for client, _ in clients]
    assert len({f["version"] for f in forms}) == 1
    barrier = threading.Barrier(20)
    statuses: list[int] = [0] * 20

    def save(n: int) -> None:
        client, token = clients[n]
        data = {**forms[n], "csrf_token": token, "name": f"Lege nummer {n}"}
        barrier.wait()
        statuses[n] = client.post("/m/3804/register/physicians/save", data=data).status_code

    threads = [threading.Thread(target=save, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(statuses) == {303: 1, 409: 19}
    winner = statuses.index(303)
    stored = next(d for d in app.state.storage.load_register("3804").physicians if d.id == doctor.id)
    assert stored.name == f"Lege nummer {winner}"


def test_a_stale_form_does_not_revert_another_editor_s_change(login: Login, app: FastAPI) -> None:
    doctor = demo_register().physicians[1]
    (anne, anne_token), (bjorn, bjorn_token) = login("redaktor"), login("redaktor")
    anne_form, bjorn_form = _edit_form(anne, doctor.id), _edit_form(bjorn, doctor.id)
    # Anne changes the employment fraction; Bjørn, with the form he opened before, only changes the name.
    saved = anne.post(
        "/m/3804/register/physicians/save", data={**anne_form, "csrf_token": anne_token, "employment_fraction": "0,5"}
    )
    assert saved.status_code == 303
    stale = bjorn.post(
        "/m/3804/register/physicians/save", data={**bjorn_form, "csrf_token": bjorn_token, "name": "Bjørns navn"}
    )
    assert stale.status_code == 409
    assert "Noen andre har endret dette i mellomtiden" in stale.text
    row = re.search(
        r'<tr data-field="employment_fraction"><td>[^<]*</td><td class="theirs">([^<]*)</td>'
        r'<td class="yours">([^<]*)</td>',
        stale.text,
    )
    assert row and row.groups() == ("0,5", bjorn_form["employment_fraction"])  # Norwegian format (issue #16)
    stored = next(d for d in app.state.storage.load_register("3804").physicians if d.id == doctor.id)
    assert stored.employment_fraction == 0.5 and stored.name == doctor.name
    # Saving again from the conflict page (it carries the new version) is a deliberate overwrite.
    new_version = re.search(r'name="version" value="([^"]+)"', stale.text)
    assert new_version
    again = bjorn.post(
        "/m/3804/register/physicians/save",
        data={
            **bjorn_form,
            "csrf_token": bjorn_token,
            "name": "Bjørns navn",
            "version": new_version.group(1),
            "employment_fraction": "0,5",
        },
    )
    assert again.status_code == 303
    stored = next(d for d in app.state.storage.load_register("3804").physicians if d.id == doctor.id)
    assert stored.employment_fraction == 0.5 and stored.name == "Bjørns navn"


def test_a_stale_scenario_save_gets_a_conflict_in_the_form_and_409_in_the_api(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    scenario = app.state.web_store.scenarios("3804")[0]
    form = client.get(f"/m/3804/scenarios/{scenario.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version and int(version.group(1)) == scenario.version
    api = TestClient(app)
    api_token = api.post("/api/login", json={"username": "redaktor", "password": "riktig-passord-1"}).json()
    headers = {"X-CSRF-Token": api_token["csrf_token"]}
    first = api.patch(
        f"/api/municipalities/3804/scenarios/{scenario.id}",
        json={"retirement_age": 68, "version": scenario.version},
        headers=headers,
    )
    assert first.status_code == 200 and first.json()["version"] == scenario.version + 1
    stale_api = api.patch(
        f"/api/municipalities/3804/scenarios/{scenario.id}",
        json={"retirement_age": 66, "version": scenario.version},
        headers=headers,
    )
    assert stale_api.status_code == 409
    assert stale_api.json()["current"]["body"]["retirement_age"] == 68 and "Konflikt" in stale_api.json()["detail"]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', form))
    fields["rounding"] = scenario.body.get("rounding", "nearest")
    values = {**fields, "csrf_token": token, "retirement_age": "67"}
    stale_form = client.post(f"/m/3804/scenarios/{scenario.id}/edit", data=values)
    assert stale_form.status_code == 409 and "Noen andre har endret dette" in stale_form.text
    assert re.search(
        r'data-field="retirement_age"><td>[^<]*</td><td class="theirs">68</td><td class="yours">67</td>',
        stale_form.text,
    )
    assert app.state.web_store.scenario(scenario.id).body["retirement_age"] == 68


def test_scenarios_and_rotas_are_deleted_softly_and_restored(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    viewer, viewer_token = login("leser")
    scenario = app.state.web_store.scenarios("3804")[0]
    assert viewer.post(f"/m/3804/scenarios/{scenario.id}/delete", data={"csrf_token": viewer_token}).status_code == 403
    assert client.post(f"/m/3804/scenarios/{scenario.id}/delete", data={"csrf_token": token}).status_code == 303
    assert scenario.id not in [s.id for s in app.state.web_store.scenarios("3804")]
    assert client.get(f"/m/3804/scenarios/{scenario.id}").status_code == 404
    page = client.get("/m/3804/scenarios").text
    assert "Slettet" in page and f"/m/3804/scenarios/{scenario.id}/restore" in page
    assert client.post(f"/m/3804/scenarios/{scenario.id}/restore", data={"csrf_token": token}).status_code == 303
    assert client.get(f"/m/3804/scenarios/{scenario.id}").status_code == 200
    denied = NB["audit.action.denied"]  # the viewer's refused delete is audited too (issue #14)
    actions = [e.action for e in app.state.web_store.audit_log("3804") if e.action != denied][:2]
    assert actions == ["Gjenopprett", NB["audit.action.deleted"]]
    # A stored rota the same way.
    problem = example_problem("small")
    app.state.web_store.save_rota("r1", "3804", "redaktor", "feasible", problem.model_dump_json(), None)
    assert client.post("/legevakt/prov/3804/r1/delete", data={"csrf_token": token}).status_code == 303
    assert client.get("/legevakt/prov/3804/r1").status_code == 404
    assert "/legevakt/prov/3804/r1/restore" in client.get("/legevakt/prov/3804").text
    assert client.post("/legevakt/prov/3804/r1/restore", data={"csrf_token": token}).status_code == 303
    assert client.get("/legevakt/prov/3804/r1").status_code == 200


def test_api_entity_update_with_a_stale_version_gets_409_and_both_values(app: FastAPI) -> None:
    doctor = demo_register().physicians[2]
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "redaktor", "password": "riktig-passord-1"}).json()
    headers = {"X-CSRF-Token": token["csrf_token"]}
    url = f"/api/municipalities/3804/register/physicians/{doctor.id}"
    got = client.get(url).json()
    body = {k: v for k, v in got["entity"].items() if k != "municipality_code"}
    first = client.put(url, json={**body, "name": "Først", "version": got["version"]}, headers=headers)
    assert first.status_code == 200 and first.json()["entity"]["name"] == "Først"
    assert first.json()["version"] != got["version"]
    stale = client.put(url, json={**body, "birth_year": 1970, "version": got["version"]}, headers=headers)
    assert stale.status_code == 409
    answer = stale.json()
    assert answer["current"]["entity"]["name"] == "Først" and answer["yours"]["birth_year"] == 1970
    assert answer["detail"].startswith("Konflikt")
    bad = client.put(url, json={**body, "birth_year": "gammel", "version": first.json()["version"]}, headers=headers)
    assert bad.status_code == 422 and "birth_year" in bad.json()["detail"]
    stored = next(d for d in app.state.storage.load_register("3804").physicians if d.id == doctor.id)
    assert stored.name == "Først" and stored.birth_year == doctor.birth_year
