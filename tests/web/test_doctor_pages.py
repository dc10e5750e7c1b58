"""The doctor's side of the living rota (issue #12): scoping of the role lege, «Mine vakter», «Ønsker og fravær»,
swap and give-away requests checked by the rota rules, approval as a new rota version, auto-approve, inbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.legevakt.living import AvailabilityInput, ShiftRef
from legeplan.legevakt.model import Assignment
from legeplan.living_rota import solve_problem
from legeplan.storage.rota_store import RotaStore

from .conftest import csrf_of
from .living_setup import PASSWORD, Living, add_lege, build

Login = Callable[[str], tuple[TestClient, str]]


@pytest.fixture
def living(app: FastAPI) -> Living:
    return build(app.state.storage)


@pytest.fixture
def lege_login(app: FastAPI) -> Callable[[str], tuple[TestClient, str]]:
    def _login(username: str) -> tuple[TestClient, str]:
        client = TestClient(app, follow_redirects=False)
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        page = client.get("/lege")
        assert page.status_code == 200, page.text
        return client, csrf_of(page.text)

    return _login


def ref(day: object, shift: str) -> str:
    return f"{day}|{shift}|vakt"


def test_lege_lands_on_mine_vakter_and_sees_own_shifts(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, _ = lege_login("lege_a")
    assert client.get("/").headers["location"] == "/lege"
    page = client.get("/lege").text
    assert "Mine vakter" in page and "Sandefjord legevakt" in page
    own = re.search(r'<table class="data own-shifts">.*?</table>', page, re.S)
    assert own is not None
    # A has the kveld on M and the natt on M+7, and nothing else.
    assert own.group(0).count("<tr>") == 3
    assert living.monday.strftime("%d.%m.%Y") in own.group(0)
    whole = client.get(f"/lege/periode/{living.period.id}").text
    for doctor in (living.a, living.b, living.c, living.d):
        assert doctor.name in whole  # the whole published rota, with names


def test_lege_cannot_read_register_other_pages_or_other_legevakt(
    app: FastAPI, living: Living, lege_login: Login
) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, _ = lege_login("lege_a")
    for path in (
        "/m/3804",
        "/m/3804/register?kind=physicians",
        "/api/municipalities/3804/register",
        "/import",
        "/m/3804/rota",
        "/audit",
        "/admin/users",
        "/region",
    ):
        assert client.get(path).status_code == 404, path
    store = RotaStore(app.state.storage)
    other = store.create_legevakt("Bodø legevakt", ["1804"], "bodo")
    period = store.create_period(other.id, living.period.problem, "bodo", name="Annen")
    assert client.get(f"/lege/periode/{period.id}").status_code == 404
    assert client.get(f"/lege/periode/{period.id}/onsker").status_code == 404
    assert "Bodø legevakt" not in client.get("/lege").text
    # The legevaktsjef's pages are not the lege's.
    assert client.get(f"/lege/sjef/{living.legevakt.id}/foresporsler").status_code == 404


def test_a_lege_whose_physician_left_the_register_sees_nothing(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "ghost", "L999")
    client, _ = lege_login("ghost")
    page = client.get("/lege").text
    assert "ikke knyttet til en lege" in page
    assert client.get(f"/lege/periode/{living.period.id}").status_code == 404


def test_wishes_until_deadline_then_read_only(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    draft = living.draft
    day = draft.start + timedelta(days=2)
    response = client.post(
        f"/lege/periode/{draft.id}/onsker",
        data={
            "csrf_token": csrf,
            "kind": "wish_off",
            "start": day.isoformat(),
            "end": day.isoformat(),
            "shift_type": "natt",
            "note": "bryllup",
        },
    )
    assert response.status_code == 303, response.text
    store = RotaStore(app.state.storage)
    entries = store.availability(draft.id, living.a.id)
    assert [(e.kind, e.start, e.shift_type) for e in entries] == [("wish_off", day, "natt")]
    # The solver gets it as an «avoid» wish for that day and shift.
    problem = solve_problem(store, store.period(draft.id))  # type: ignore[arg-type]
    assert any(w.doctor == living.a.id and w.date == day and w.kind == "avoid" for w in problem.wishes)
    # Outside the period: refused with a Norwegian message, nothing stored.
    bad = client.post(
        f"/lege/periode/{draft.id}/onsker",
        data={
            "csrf_token": csrf,
            "kind": "unavailable",
            "start": (draft.end + timedelta(days=1)).isoformat(),
            "end": (draft.end + timedelta(days=2)).isoformat(),
        },
    )
    assert bad.status_code == 400 and "Datoene må ligge i perioden" in bad.text
    # The deadline passes: read-only, with the message, and neither add nor delete works.
    period = store.period(draft.id)
    assert period is not None
    store.update_period(draft.id, period.version, "redaktor", wish_deadline=draft.start - timedelta(days=60))
    page = client.get(f"/lege/periode/{draft.id}/onsker").text
    assert "Fristen for ønsker og fravær var" in page and 'name="kind"' not in page
    late = client.post(
        f"/lege/periode/{draft.id}/onsker",
        data={"csrf_token": csrf, "kind": "unavailable", "start": day.isoformat(), "end": day.isoformat()},
    )
    assert late.status_code == 409 and "Fristen for ønsker og fravær var" in late.text
    deleted = client.post(f"/lege/periode/{draft.id}/onsker/{entries[0].id}/slett", data={"csrf_token": csrf})
    assert deleted.status_code == 409
    assert len(store.availability(draft.id, living.a.id)) == 1


def test_own_entry_can_be_deleted_and_others_not(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    add_lege(app.state.web_store, "lege_b", living.b.id)
    store = RotaStore(app.state.storage)
    day = living.draft.start
    theirs = store.add_availability(
        living.draft.id,
        AvailabilityInput(physician_id=living.b.id, start=day, end=day, kind="unavailable"),
        "lege_b",
    )
    client, csrf = lege_login("lege_a")
    assert (
        client.post(f"/lege/periode/{living.draft.id}/onsker/{theirs.id}/slett", data={"csrf_token": csrf}).status_code
        == 404
    )
    assert "Ingenting lagt inn." in client.get(f"/lege/periode/{living.draft.id}/onsker").text
    other, csrf_b = lege_login("lege_b")
    assert (
        other.post(f"/lege/periode/{living.draft.id}/onsker/{theirs.id}/slett", data={"csrf_token": csrf_b}).status_code
        == 303
    )
    assert store.availability(living.draft.id, living.b.id) == []
    # The legevaktsjef sees every entry.
    editor = TestClient(app, follow_redirects=False)
    editor.post("/login", data={"username": "redaktor", "password": PASSWORD})
    store.add_availability(
        living.draft.id,
        AvailabilityInput(physician_id=living.c.id, start=day, end=day, kind="wish_on"),
        "lege_c",
    )
    listing = editor.get(f"/lege/sjef/{living.legevakt.id}/onsker").text
    assert living.c.name in listing and "Ønsker vakt" in listing


def test_swap_that_breaks_rest_is_refused_naming_the_rule(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_b", living.b.id)
    client, csrf = lege_login("lege_b")
    m = living.monday
    before = RotaStore(app.state.storage).versions(living.period.id)
    response = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={
            "csrf_token": csrf,
            "kind": "swap",
            "vakt": ref(m + timedelta(days=7), "kveld"),
            "colleague": f"{living.c.id}|{m + timedelta(days=1)}|kveld",
        },
    )
    assert response.status_code == 409
    assert "regel: hviletid" in response.text and "bare 7,5 timer fri" in response.text
    store = RotaStore(app.state.storage)
    assert store.requests(living.period.id) == []
    assert store.versions(living.period.id) == before


def test_giveaway_to_a_colleague_tells_only_the_rule(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    m = living.monday
    to_old = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m, "kveld"), "to": living.e.id},
    )
    assert to_old.status_code == 409 and "regel: alder_60" in to_old.text
    assert "62 år" not in to_old.text  # the colleague's age is not the requester's business
    to_lis1 = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m, "kveld"), "to": living.lis1.id},
    )
    assert to_lis1.status_code == 409 and "regel: lis1_alene" in to_lis1.text
    # The give-away page lists only eligible colleagues: not the 62-year-old, not the LIS1.
    form = client.get(f"/lege/periode/{living.period.id}/gi-bort", params={"vakt": ref(m, "kveld")}).text
    assert f'value="{living.d.id}"' in form
    assert f'value="{living.e.id}"' not in form and f'value="{living.lis1.id}"' not in form


def test_swap_approved_makes_a_new_version_with_event_and_messages(
    app: FastAPI, living: Living, lege_login: Login
) -> None:
    web = app.state.web_store
    add_lege(web, "lege_a", living.a.id)
    add_lege(web, "lege_d", living.d.id)
    client, csrf = lege_login("lege_a")
    m = living.monday
    sent = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={
            "csrf_token": csrf,
            "kind": "swap",
            "vakt": ref(m, "kveld"),
            "colleague": f"{living.d.id}|{m + timedelta(days=1)}|natt",
            "note": "familie",
        },
    )
    assert sent.status_code == 303, sent.text
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    assert request.state == "pending"
    # The legevaktsjef got a message; the header counts it.
    editor = TestClient(app, follow_redirects=False)
    editor.post("/login", data={"username": "redaktor", "password": PASSWORD})
    listing = editor.get(f"/lege/sjef/{living.legevakt.id}/foresporsler").text
    assert 'data-unread="1"' in listing and living.a.name in listing
    page = listing
    approved = editor.post(
        f"/lege/sjef/foresporsel/{request.id}/godkjenn",
        data={"csrf_token": csrf_of(page), "version": str(request.version)},
    )
    assert approved.status_code == 303
    versions = store.versions(living.period.id)
    assert [v.number for v in versions] == [1, 2] and versions[-1].source == "swap"
    new = {(a.date, a.shift_type): a.doctor for a in versions[-1].assignments}
    assert new[(m, "kveld")] == living.d.id and new[(m + timedelta(days=1), "natt")] == living.a.id
    # The published version stays readable as it was.
    assert store.published_version(living.period.id).number == 1  # type: ignore[union-attr]
    (event,) = store.events(living.period.id, kind="swap")
    assert event.who == "redaktor" and event.why == "familie" and event.version == 2
    assert event.detail["from"] == living.a.id and event.detail["to"] == living.d.id
    assert store.request(request.id).state == "approved"  # type: ignore[union-attr]
    # Both doctors are told; the requester sees the new duty in «Mine vakter».
    inbox = client.get("/meldinger").text
    assert "Forespørselen din er godkjent" in inbox
    mine = client.get("/lege").text
    assert (m + timedelta(days=1)).strftime("%d.%m.%Y") in mine
    other, _ = lege_login("lege_d")
    assert "Vaktene dine i Vårperiode er endret" in other.get("/meldinger").text
    # Deciding again is refused, nothing changes.
    again = editor.post(
        f"/lege/sjef/foresporsel/{request.id}/godkjenn",
        data={"csrf_token": csrf_of(page), "version": str(request.version)},
    )
    assert again.status_code == 303
    assert len(store.versions(living.period.id)) == 2


def test_stale_request_is_refused_at_approval_and_nothing_changes(
    app: FastAPI, living: Living, lege_login: Login
) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    m = living.monday
    client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m, "kveld"), "to": living.d.id},
    )
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    # Meanwhile the legevaktsjef gives A's kveld to C by hand.
    from legeplan.legevakt.candidates import RotaChange
    from legeplan.living_rota import edit

    period = store.period(living.period.id)
    assert period is not None
    edit(
        store,
        period.id,
        RotaChange(date=m, shift_type="kveld", from_doctor=living.a.id, to_doctor=living.c.id),
        "redaktor",
        expected_version=period.version,
    )
    from legeplan.notices import SmtpConfig
    from legeplan.rota_requests import StaleRequest, approve

    with pytest.raises(StaleRequest, match="Turnusen er endret siden"):
        approve(store, app.state.web_store, SmtpConfig(), request.id, "redaktor", expected_version=request.version)
    assert len(store.versions(period.id)) == 2
    assert store.request(request.id).state == "pending"  # type: ignore[union-attr]


def test_auto_approve_applies_a_legal_request_at_once(app: FastAPI, lege_login: Login) -> None:
    living = build(app.state.storage, auto_approve=True)
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    m = living.monday
    response = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m, "kveld"), "to": living.d.id},
    )
    assert response.status_code == 303
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    assert request.state == "approved" and request.decided_by == "automatisk"
    current = store.current_version(living.period.id)
    assert current is not None and current.source == "giveaway"
    assert any(a.date == m and a.shift_type == "kveld" and a.doctor == living.d.id for a in current.assignments)
    # A give-away to anyone still waits for the legevaktsjef, who picks the taker from the legal candidates.
    anyone = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m + timedelta(days=7), "natt"), "to": ""},
    )
    assert anyone.status_code == 303
    pending = store.requests(living.period.id, state="pending")
    assert len(pending) == 1 and pending[0].to_physician is None


def test_withdraw_own_pending_request(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    add_lege(app.state.web_store, "lege_b", living.b.id)
    client, csrf = lege_login("lege_a")
    client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(living.monday, "kveld"), "to": ""},
    )
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    other, csrf_b = lege_login("lege_b")
    assert (
        other.post(
            f"/lege/foresporsel/{request.id}/trekk", data={"csrf_token": csrf_b, "version": str(request.version)}
        ).status_code
        == 303
    )
    assert store.request(request.id).state == "pending"  # type: ignore[union-attr]
    client.post(f"/lege/foresporsel/{request.id}/trekk", data={"csrf_token": csrf, "version": str(request.version)})
    assert store.request(request.id).state == "withdrawn"  # type: ignore[union-attr]


def test_reject_tells_the_requester_with_the_reason(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(living.monday, "kveld"), "to": living.d.id},
    )
    store = RotaStore(app.state.storage)
    (request,) = store.requests(living.period.id)
    editor = TestClient(app, follow_redirects=False)
    editor.post("/login", data={"username": "redaktor", "password": PASSWORD})
    page = editor.get(f"/lege/sjef/{living.legevakt.id}/foresporsler").text
    editor.post(
        f"/lege/sjef/foresporsel/{request.id}/avvis",
        data={"csrf_token": csrf_of(page), "version": str(request.version), "why": "for kort varsel"},
    )
    assert store.request(request.id).state == "rejected"  # type: ignore[union-attr]
    assert len(store.versions(living.period.id)) == 1
    inbox = client.get("/lege").text
    assert 'data-unread="1"' in inbox
    messages = client.get("/meldinger").text
    assert "Forespørselen din er avslått" in messages and "for kort varsel" in messages
    assert "data-unread" not in client.get("/lege").text  # read once shown


def test_calendar_token_create_serve_and_revoke(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    client.post(f"/lege/kalender/{living.legevakt.id}", data={"csrf_token": csrf})
    page = client.get("/lege").text
    match = re.search(r"/kalender/([A-Za-z0-9_-]+)\.ics", page)
    assert match is not None
    feed = TestClient(app).get(f"/kalender/{match.group(1)}.ics")
    assert feed.status_code == 200 and feed.text.count("BEGIN:VEVENT") == 2 and "Europe/Oslo" in feed.text
    assert match.group(1) not in client.get("/lege").text  # shown once
    (token,) = RotaStore(app.state.storage).calendar_tokens(living.legevakt.id, living.a.id)
    client.post(f"/lege/kalender/{living.legevakt.id}/{token.id}/trekk", data={"csrf_token": csrf})
    assert TestClient(app).get(f"/kalender/{match.group(1)}.ics").status_code == 404


def test_request_for_a_shift_not_ones_own_is_refused(app: FastAPI, living: Living, lege_login: Login) -> None:
    add_lege(app.state.web_store, "lege_a", living.a.id)
    client, csrf = lege_login("lege_a")
    response = client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(living.monday, "natt"), "to": living.d.id},
    )
    assert response.status_code == 409
    assert RotaStore(app.state.storage).requests(living.period.id) == []


def test_shift_ref_round_trip() -> None:
    from legeplan.web.routes.doctor import parse_ref

    assert parse_ref("2026-04-07|natt|bakvakt") == ShiftRef.model_validate(
        {"date": "2026-04-07", "shift_type": "natt", "role": "bakvakt"}
    )


def test_admin_creates_a_lege_tied_to_a_register_physician(app: FastAPI, living: Living, login: Login) -> None:
    admin, csrf = login("admin")
    page = admin.get("/admin/users").text
    assert f'value="3804:{living.a.id}"' in page  # the physician picker
    missing = admin.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "ny_lege", "password": "Fjellvann-Mose-93", "role": "lege"},
    )
    assert missing.status_code == 400 and "Velg legen i registeret" in missing.text
    made = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "ny_lege",
            "password": "Fjellvann-Mose-93",
            "role": "lege",
            "physician": f"3804:{living.a.id}",
            "email": "ny@example.org",
        },
    )
    assert made.status_code == 303, made.text
    user = next(u for u in app.state.web_store.list_users() if u.username == "ny_lege")
    assert (user.role, user.physician_municipality, user.physician_id, user.email) == (
        "lege",
        "3804",
        living.a.id,
        "ny@example.org",
    )
    client = TestClient(app, follow_redirects=False)
    client.post("/login", data={"username": "ny_lege", "password": "Fjellvann-Mose-93"})
    assert "Sandefjord legevakt" in client.get("/lege").text


def test_cli_lists_the_requests_of_a_period(app: FastAPI, living: Living, lege_login: Login) -> None:
    from typer.testing import CliRunner

    from legeplan.cli import app as cli

    add_lege(app.state.web_store, "lege_b", living.b.id)
    client, csrf = lege_login("lege_b")
    m = living.monday
    client.post(
        f"/lege/periode/{living.period.id}/foresporsel",
        data={"csrf_token": csrf, "kind": "giveaway", "vakt": ref(m, "natt"), "to": ""},
    )
    url = app.state.storage.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["legevakt", "requests", str(living.period.id), "--database-url", url])
    assert result.exit_code == 0, result.output
    assert f"Gi bort: {living.b.id} → hvem som helst som kan" in result.output
    assert "Venter på legevaktsjefen" in result.output
    empty = CliRunner().invoke(
        cli, ["legevakt", "requests", str(living.period.id), "--state", "approved", "--database-url", url]
    )
    assert empty.exit_code == 0 and "Ingen forespørsler" in empty.output


def test_publishing_a_period_tells_its_doctors(app: FastAPI, living: Living, lege_login: Login) -> None:

    add_lege(app.state.web_store, "lege_a", living.a.id)
    store = RotaStore(app.state.storage)
    draft = store.period(living.draft.id)
    assert draft is not None
    duty = Assignment(date=draft.start, shift_type="kveld", doctor=living.a.id)
    store.add_version(draft.id, [duty], "redaktor", expected_version=draft.version, source="solve")
    editor = TestClient(app, follow_redirects=False)
    editor.post("/login", data={"username": "redaktor", "password": PASSWORD})
    page = editor.get(f"/legevakt/periode/{draft.id}").text
    current = store.period(draft.id)
    assert current is not None
    published = editor.post(
        f"/legevakt/periode/{draft.id}/publiser", data={"csrf_token": csrf_of(page), "version": str(current.version)}
    )
    assert published.status_code == 303, published.text
    client, _ = lege_login("lege_a")
    inbox = client.get("/meldinger").text
    assert "Turnusen Sommerperiode er publisert" in inbox and "Du har 1 vakter" in inbox
