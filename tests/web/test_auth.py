"""Login, argon2 hashes, CSRF, roles, municipality scope and the audit log."""

from __future__ import annotations

from collections.abc import Callable

from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from legeplan.storage.web_tables import UserRow

from .conftest import DEMO_PASSWORD, PASSWORD

Login = Callable[[str], tuple[TestClient, str]]


def test_pages_and_api_need_login(app: FastAPI) -> None:
    client = TestClient(app)
    page = client.get("/m/3804", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert client.get("/api/municipalities").status_code == 401


def test_wrong_password_is_refused_with_a_message(app: FastAPI) -> None:
    client = TestClient(app)
    response = client.post("/login", data={"username": "admin", "password": "feil-passord"})
    assert response.status_code == 400
    assert "Feil brukernavn eller passord" in response.text
    assert client.post("/api/login", json={"username": "ukjent", "password": "x"}).status_code == 401


def test_passwords_are_stored_as_argon2_hashes(app: FastAPI) -> None:
    with app.state.storage.session() as session:
        hashes = list(session.scalars(select(UserRow.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(DEMO_PASSWORD not in h for h in hashes)


def test_the_production_hasher_is_strong_and_its_hashes_log_in(app: FastAPI, production_hasher: PasswordHasher) -> None:
    """The tests hash with the cheapest argon2id (tests/conftest.py); the real one keeps OWASP's parameters, and a
    user whose stored hash has them logs in (the check reads the parameters from the hash)."""
    assert production_hasher.type is Type.ID
    assert production_hasher.memory_cost >= 65536 and production_hasher.time_cost >= 3
    store = app.state.web_store
    user = store.user_with_hash("leser")
    assert user is not None
    store.set_password_hash(user[0].id, production_hasher.hash(PASSWORD))
    client = TestClient(app)
    assert client.post("/api/login", json={"username": "leser", "password": "feil-passord"}).status_code == 401
    assert client.post("/api/login", json={"username": "leser", "password": PASSWORD}).status_code == 200


def test_form_post_without_csrf_token_is_refused_and_changes_nothing(login: Login, app: FastAPI) -> None:
    client, _token = login("admin")
    before = app.state.storage.load_register("3804")
    response = client.post("/m/3804/register/offices/save", data={"id": "K99", "name": "Nytt legekontor"})
    assert response.status_code == 403
    assert app.state.storage.load_register("3804") == before


def test_api_write_needs_the_csrf_header(app: FastAPI) -> None:
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD}).json()["csrf_token"]
    assert client.post("/api/municipalities/3804/rota", json={"time_limit_s": 1}).status_code == 403
    wrong = client.post("/api/municipalities/3804/rota", json={"time_limit_s": 1}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403
    ok = client.post("/api/municipalities/3804/rota", json={"time_limit_s": 1}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 202


def test_viewer_reads_but_cannot_change(login: Login) -> None:
    client, token = login("leser")
    assert client.get("/m/3804/register?kind=physicians").status_code == 200
    response = client.post(
        "/m/3804/register/offices/save", data={"csrf_token": token, "id": "K99", "name": "Nytt legekontor"}
    )
    assert response.status_code == 403
    assert client.get("/admin/users").status_code == 403


def test_another_municipality_sees_nothing_of_the_physicians(login: Login) -> None:
    client, _token = login("bodo")
    assert client.get("/m/3804").status_code == 404
    assert client.get("/m/3804/register?kind=physicians").status_code == 404
    assert client.get("/api/municipalities/3804/register").status_code == 404
    assert client.get("/api/municipalities/3804/key-figures").status_code == 404
    assert client.get("/api/municipalities").json() == []
    page = client.get("/m/3804/register?kind=physicians")
    assert "Hansen" not in page.text and "birth_year" not in page.text


def test_changes_are_audited_with_before_and_after(login: Login) -> None:
    client, token = login("redaktor")
    edit = client.get("/m/3804/register/offices/K01/edit")
    assert edit.status_code == 200
    old_name = edit.text.split('name="name" value="')[1].split('"')[0]
    saved = client.post(
        "/m/3804/register/offices/save",
        data={"csrf_token": token, "old_id": "K01", "id": "K01", "name": "Omdøpt legesenter", "address": ""},
    )
    assert saved.status_code == 303
    admin, _ = login("admin")
    entries = admin.get("/api/audit").json()
    entry = next(e for e in entries if e["entity"] == "offices/K01")
    assert entry["username"] == "redaktor" and entry["action"] == "endret"
    assert entry["before"]["name"] == old_name and entry["after"]["name"] == "Omdøpt legesenter"


def test_admin_creates_users_with_validation_next_to_the_field(login: Login, app: FastAPI) -> None:
    client, token = login("admin")
    bad = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "nyleser",
            "password": "kort",
            "role": "sjef",
            "municipality_code": "38",
        },
    )
    assert bad.status_code == 400
    assert "minst 12 tegn" in bad.text and "Ugyldig valg" in bad.text and "Ukjent kommunenummer" in bad.text
    assert app.state.web_store.user_with_hash("nyleser") is None
    good = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "nyleser",
            "password": "langt-passord",
            "role": "viewer",
            "municipality_code": "3804",
        },
    )
    assert good.status_code == 303
    assert app.state.web_store.user_with_hash("nyleser") is not None


def test_municipal_admin_cannot_create_users_elsewhere(login: Login, app: FastAPI) -> None:
    client, token = login("bodo")
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "snik",
            "password": "langt-passord",
            "role": "admin",
            "municipality_code": "3804",
        },
    )
    assert response.status_code == 400
    assert app.state.web_store.user_with_hash("snik") is None


def test_repeated_wrong_passwords_lock_the_username(app: FastAPI) -> None:
    client = TestClient(app)
    for _ in range(5):
        assert client.post("/login", data={"username": "leser", "password": "gjetning"}).status_code == 400
    locked = client.post("/login", data={"username": "leser", "password": PASSWORD})
    assert locked.status_code == 429 and "For mange mislykkede forsøk" in locked.text
    assert client.post("/api/login", json={"username": "leser", "password": PASSWORD}).status_code == 429
    # Other users are not affected.
    assert client.post("/api/login", json={"username": "redaktor", "password": PASSWORD}).status_code == 200


def test_admin_deletes_users_of_own_municipality_only(login: Login, app: FastAPI) -> None:
    store = app.state.web_store
    leser = store.user_with_hash("leser")[0]
    bodo_admin, bodo_token = login("bodo")
    assert bodo_admin.post(f"/admin/users/{leser.id}/delete", data={"csrf_token": bodo_token}).status_code == 404
    assert store.get_user(leser.id) is not None
    admin, token = login("admin")
    assert admin.post(f"/admin/users/{leser.id}/delete", data={"csrf_token": token}).status_code == 303
    assert store.get_user(leser.id) is None
    assert any(e.entity == "user/leser" and e.after is None for e in store.audit_log())
