"""Optional two-factor login (TOTP) for administrators."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import DEMO_PASSWORD

Login = Callable[[str], tuple[TestClient, str]]


def _enrol(login: Login) -> str:
    client, token = login("admin")
    page = client.post("/account/totp/start", data={"csrf_token": token})
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    assert "otpauth://totp/legeplan:admin?secret=" in page.text
    wrong = client.post("/account/totp/confirm", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400 and "Feil kode" in wrong.text
    right = client.post("/account/totp/confirm", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 303
    return secret


def test_an_admin_turns_on_two_factor_and_then_needs_the_code(login: Login, app: FastAPI) -> None:
    secret = _enrol(login)
    client = TestClient(app, follow_redirects=False)
    step_one = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    assert step_one.headers["location"] == "/login/totp"
    assert client.get("/api/me").status_code == 401  # the password alone gives no session
    assert client.get("/m/3804").status_code == 303
    form = client.get("/login/totp")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    wrong = client.post("/login/totp", data={"csrf_token": token, "code": "123456"})
    assert wrong.status_code == 400 and "Feil kode" in wrong.text
    right = client.post("/login/totp", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 303
    assert client.get("/api/me").json()["username"] == "admin"
    actions = [e.action for e in app.state.web_store.audit_log()]
    assert "slo på tofaktor" in actions and "feil tofaktorkode" in actions


def test_the_api_login_needs_the_code_too(login: Login, app: FastAPI) -> None:
    secret = _enrol(login)
    client = TestClient(app)
    assert client.post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD}).status_code == 401
    answer = client.post(
        "/api/login", json={"username": "admin", "password": DEMO_PASSWORD, "totp": pyotp.TOTP(secret).now()}
    )
    assert answer.status_code == 200


def test_wrong_codes_are_throttled(login: Login, app: FastAPI) -> None:
    _enrol(login)
    client = TestClient(app)
    codes = [
        client.post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD, "totp": "000000"}).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429


def test_a_code_works_once(login: Login, app: FastAPI) -> None:
    """A code seen over someone's shoulder (or logged by a proxy) cannot be used again within its 90-second window."""
    secret = _enrol(login)
    code = pyotp.TOTP(secret).now()
    first = TestClient(app).post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD, "totp": code})
    assert first.status_code == 200
    again = TestClient(app).post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD, "totp": code})
    assert again.status_code == 401
    assert "feil tofaktorkode" in [e.action for e in app.state.web_store.audit_log()]
    older = pyotp.TOTP(secret).at(datetime.now() - timedelta(seconds=30))
    late = TestClient(app).post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD, "totp": older})
    assert late.status_code == 401  # an earlier step of the window is used up too
