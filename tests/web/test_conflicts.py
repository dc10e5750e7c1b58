"""No lost update: of simultaneous saves of one doctor exactly one wins, and a stale form never reverts a change."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

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
    assert row and row.groups() == ("0.5", bjorn_form["employment_fraction"])
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
