"""Login throttling in the database: parallel guesses, several processes, no lockout of `admin` by a stranger."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from legeplan.storage.security_tables import LoginAttemptRow, ThrottleRule
from legeplan.web.app import create_app
from legeplan.web.auth import PAIR_RULE

from .conftest import DEMO_PASSWORD, PASSWORD


def _unblock(app: FastAPI) -> None:
    """Pretend the waiting time has passed."""
    with app.state.storage.session() as session:
        session.execute(update(LoginAttemptRow).values(blocked_until=datetime(2000, 1, 1)))


def _try(app: FastAPI, username: str, password: str, client: str = "10.0.0.1") -> int:
    response = TestClient(app, client=(client, 4000)).post(
        "/api/login", json={"username": username, "password": password}
    )
    return response.status_code


def test_parallel_guesses_do_not_get_past_the_limit(app: FastAPI) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(lambda i: _try(app, "leser", f"gjetning-{i}"), range(24)))
    assert codes.count(401) == PAIR_RULE.free and codes.count(429) == 24 - PAIR_RULE.free
    failed = [e for e in app.state.web_store.audit_log(limit=500) if e.action == "mislykket innlogging"]
    assert len(failed) == PAIR_RULE.free  # only five passwords were ever checked


def test_the_throttle_is_shared_by_several_server_processes(app: FastAPI) -> None:
    for i in range(PAIR_RULE.free):
        assert _try(app, "leser", f"gjetning-{i}") == 401
    second = create_app(app.state.storage.url)  # another worker process on the same database
    try:
        assert _try(second, "leser", PASSWORD) == 429
    finally:
        second.state.storage.dispose()


def test_blocks_double_with_each_further_attempt(app: FastAPI) -> None:
    for i in range(PAIR_RULE.free):
        assert _try(app, "leser", f"gjetning-{i}") == 401
    blocked = TestClient(app, client=("10.0.0.1", 4000)).post("/api/login", json={"username": "leser", "password": "x"})
    assert blocked.status_code == 429 and 50 <= int(blocked.headers["Retry-After"]) <= 61
    assert "Vent" in blocked.json()["detail"]
    _unblock(app)
    assert _try(app, "leser", "gjetning-6") == 401
    again = TestClient(app, client=("10.0.0.1", 4000)).post("/api/login", json={"username": "leser", "password": "x"})
    assert again.status_code == 429 and 110 <= int(again.headers["Retry-After"]) <= 121


def test_a_stranger_cannot_lock_the_admin_out(app: FastAPI) -> None:
    # One stranger: locked out himself after five tries; the admin, elsewhere, is not affected.
    for i in range(PAIR_RULE.free):
        assert _try(app, "admin", f"gjetning-{i}", client="203.0.113.9") == 401
    assert _try(app, "admin", DEMO_PASSWORD, client="203.0.113.9") == 429
    assert _try(app, "admin", DEMO_PASSWORD, client="192.0.2.10") == 200
    # Many strangers together: the account is slowed down (at most a minute), never locked.
    codes = [_try(app, "admin", f"gjetning-{i}", client=f"198.51.100.{i}") for i in range(15)]
    assert 429 in codes
    answer = TestClient(app, client=("192.0.2.10", 4000)).post(
        "/api/login", json={"username": "admin", "password": DEMO_PASSWORD}
    )
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) <= 61
    _unblock(app)  # after the short wait the owner gets in
    assert _try(app, "admin", DEMO_PASSWORD, client="192.0.2.10") == 200


def test_one_client_spraying_many_accounts_is_slowed_down(app: FastAPI) -> None:
    codes = [_try(app, f"bruker{i}", "Vinter2024!", client="198.51.100.77") for i in range(31)]
    assert codes[:30] == [401] * 30 and codes[30] == 429
    assert _try(app, "leser", PASSWORD, client="198.51.100.78") == 200


def test_blocks_grow_exponentially_up_to_the_cap() -> None:
    rule = ThrottleRule("x", free=3, base=timedelta(seconds=1), cap=timedelta(seconds=5), window=timedelta(hours=1))
    assert rule.delays() == [(3, timedelta(seconds=1)), (4, timedelta(seconds=2)), (5, timedelta(seconds=4))]


def test_login_outcomes_are_audited(app: FastAPI) -> None:
    assert _try(app, "leser", "feil-passord") == 401
    assert _try(app, "leser", PASSWORD) == 200
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "redaktor", "password": PASSWORD}).json()["csrf_token"]
    assert client.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 204
    for i in range(PAIR_RULE.free):
        _try(app, "bodo", f"gjetning-{i}")
    assert _try(app, "bodo", "gjetning") == 429
    log = [(e.action, e.username, e.municipality_code) for e in app.state.web_store.audit_log(limit=500)]
    assert ("mislykket innlogging", "leser", None) in log
    assert ("innlogging", "leser", "3804") in log
    assert ("utlogging", "redaktor", "3804") in log
    assert ("innlogging sperret", "bodo", None) in log
