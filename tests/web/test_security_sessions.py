"""Server-side sessions, cookie flags and security headers (issue #14, findings from the penetration test)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from legeplan.storage.security_tables import SessionRow
from legeplan.web.app import create_app
from legeplan.web.security import SESSION_COOKIE

from .conftest import DEMO_PASSWORD, PASSWORD

Login = Callable[[str], tuple[TestClient, str]]
NEW_PASSWORD = "Blå-fjord-sykkel-9"
TEMPLATES = Path(__file__).parents[2] / "src" / "legeplan" / "web" / "templates"


def _cookie(client: TestClient) -> str:
    value = client.cookies.get(SESSION_COOKIE)
    assert value, "no session cookie"
    return value


def _with_cookie(app: FastAPI, cookie: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, cookie)
    return client


def _form_login(app: FastAPI, username: str, password: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": username, "password": password}).status_code == 303
    return client


def test_cookie_is_a_random_token_and_the_database_keeps_only_its_hash(login: Login, app: FastAPI) -> None:
    client, _token = login("leser")
    cookie = _cookie(client)
    assert len(cookie) >= 40 and re.fullmatch(r"[A-Za-z0-9_-]+", cookie)
    with app.state.storage.session() as session:
        ids = list(session.scalars(select(SessionRow.id)))
    assert hashlib.sha256(cookie.encode()).hexdigest() in ids
    assert cookie not in ids


def test_cookie_of_a_deleted_user_does_not_become_the_next_user_with_the_same_id(login: Login, app: FastAPI) -> None:
    admin, token = login("admin")
    created = {"csrf_token": token, "password": NEW_PASSWORD, "role": "viewer", "municipality_code": "3804"}
    assert admin.post("/admin/users", data={**created, "username": "gjest1"}).status_code == 303
    guest = _form_login(app, "gjest1", NEW_PASSWORD)
    saved_cookie = _cookie(guest)
    old_id = app.state.web_store.user_with_hash("gjest1")[0].id
    assert admin.post(f"/admin/users/{old_id}/delete", data={"csrf_token": token}).status_code == 303
    new_admin = {**created, "username": "sjef2", "role": "admin", "municipality_code": ""}
    assert admin.post("/admin/users", data=new_admin).status_code == 303
    assert app.state.web_store.user_with_hash("sjef2")[0].id == old_id  # SQLite reused the id
    stale = _with_cookie(app, saved_cookie)
    assert stale.get("/api/me").status_code == 401
    assert stale.get("/admin/users").status_code == 303  # to the login page


def test_a_session_of_a_reused_id_is_refused_even_if_it_was_not_revoked(app: FastAPI) -> None:
    """Belt and braces: the session names its user, so a user deleted outside the web app (no revocation) and an id
    reused by SQLite still do not hand the session to the new user."""
    store = app.state.web_store
    from legeplan.web.auth import hash_password

    temp = store.add_user("midlertidig", hash_password(NEW_PASSWORD), "viewer", "3804")
    client = _form_login(app, "midlertidig", NEW_PASSWORD)
    store.delete_user(temp.id)
    reused = store.add_user("nyadmin", hash_password(NEW_PASSWORD), "admin", None)
    assert reused.id == temp.id
    assert client.get("/api/me").status_code == 401


def test_logout_ends_the_session_for_a_saved_copy_of_the_cookie(app: FastAPI) -> None:
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "redaktor", "password": PASSWORD}).json()["csrf_token"]
    saved_cookie = _cookie(client)
    assert client.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 204
    copy = _with_cookie(app, saved_cookie)
    assert copy.get("/api/me").status_code == 401
    write = copy.post("/api/municipalities/3804/rota", json={"time_limit_s": 1}, headers={"X-CSRF-Token": token})
    assert write.status_code == 401


def test_logout_form_ends_the_session_too(login: Login, app: FastAPI) -> None:
    client, token = login("leser")
    saved_cookie = _cookie(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert _with_cookie(app, saved_cookie).get("/api/me").status_code == 401


def test_idle_and_absolute_expiry(login: Login, app: FastAPI) -> None:
    client, _token = login("leser")
    key = hashlib.sha256(_cookie(client).encode()).hexdigest()
    assert client.get("/api/me").status_code == 200
    with app.state.storage.session() as session:
        row = session.get(SessionRow, key)
        assert row is not None
        earlier = row.last_seen - timedelta(hours=3)
        session.execute(update(SessionRow).where(SessionRow.id == key).values(last_seen=earlier))
    assert client.get("/api/me").status_code == 401  # idle for longer than two hours

    other, _token = login("leser")
    key = hashlib.sha256(_cookie(other).encode()).hexdigest()
    with app.state.storage.session() as session:
        row = session.get(SessionRow, key)
        assert row is not None
        session.execute(update(SessionRow).where(SessionRow.id == key).values(expires_at=row.created_at))
    assert other.get("/api/me").status_code == 401  # past the absolute lifetime although active


def test_changing_the_password_ends_every_other_session(app: FastAPI) -> None:
    first = _form_login(app, "redaktor", PASSWORD)
    second = _form_login(app, "redaktor", PASSWORD)
    page = first.get("/account")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    weak = first.post(
        "/account/password", data={"csrf_token": token, "current_password": PASSWORD, "new_password": "Passord12345!"}
    )
    assert weak.status_code == 400 and "for vanlig" in weak.text
    wrong = first.post(
        "/account/password", data={"csrf_token": token, "current_password": "feil", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 400 and "Feil passord" in wrong.text
    changed = first.post(
        "/account/password", data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert second.get("/api/me").status_code == 401
    assert first.get("/api/me").status_code == 200  # this browser got a new session
    fresh = TestClient(app).post("/api/login", json={"username": "redaktor", "password": NEW_PASSWORD})
    assert fresh.status_code == 200


def test_losing_a_role_ends_the_users_sessions(login: Login, app: FastAPI) -> None:
    editor, _token = login("redaktor")
    admin, token = login("admin")
    editor_id = app.state.web_store.user_with_hash("redaktor")[0].id
    assert admin.post(f"/admin/users/{editor_id}/role", data={"csrf_token": token, "role": "viewer"}).status_code == 303
    assert app.state.web_store.get_user(editor_id).role == "viewer"
    assert editor.get("/api/me").status_code == 401
    assert any(e.action == "endret rolle" and e.after == {"role": "viewer"} for e in app.state.web_store.audit_log())


def test_cookie_flags_without_and_with_https(app: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = TestClient(app).post("/api/login", json={"username": "leser", "password": PASSWORD})
    cookie = plain.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in plain.headers

    monkeypatch.setenv("LEGEPLAN_HTTPS", "1")
    https_app = create_app(f"sqlite:///{tmp_path / 'https.sqlite'}", demo=True, demo_password=DEMO_PASSWORD)
    try:
        client = TestClient(https_app, base_url="https://testserver")
        answer = client.post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD})
        assert answer.status_code == 200
        assert "Secure" in answer.headers["set-cookie"] and "HttpOnly" in answer.headers["set-cookie"]
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
        assert client.get("/api/me").status_code == 200
    finally:
        https_app.state.storage.dispose()


def test_security_headers_and_a_csp_without_inline_script(login: Login) -> None:
    client, _token = login("admin")
    for url in ("/login", "/m/3804", "/admin/users", "/docs", "/finnes-ikke"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_template_or_page_has_inline_script_or_event_handlers(login: Login) -> None:
    inline_handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not inline_handler.search(source), template.name
        assert not inline_script.search(source), template.name
        assert "javascript:" not in source.lower(), template.name
    client, _token = login("admin")
    for url in ("/docs", "/admin/users", "/m/3804/register?kind=offices"):
        html = client.get(url).text
        assert not inline_handler.search(html) and not inline_script.search(html), url
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/swagger-init.js").status_code == 200


def test_a_user_name_cannot_run_script_in_the_admins_browser(login: Login, app: FastAPI) -> None:
    """A name stored before the stricter name rule (or by another tool) is shown as text, never inside script."""
    from legeplan.web.auth import hash_password

    evil = "x');alert(document.cookie);//"
    app.state.web_store.add_user(evil, hash_password(NEW_PASSWORD), "viewer", "3804")
    client, _token = login("admin")
    html = client.get("/admin/users").text
    assert "onsubmit" not in html and "alert(document.cookie)" in html
    assert 'data-confirm="Slette x&#39;);alert(document.cookie);//?"' in html or "x&#39;);alert" in html
    assert "<script>" not in html
