"""Web fixtures: an app on a fresh SQLite file with the demo municipality, and logged-in clients per role."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.web.app import create_app
from legeplan.web.auth import hash_password

DEMO_PASSWORD = "demo-passord-123"
PASSWORD = "riktig-passord-1"


@pytest.fixture(scope="session")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo municipality, demo admin and three users, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("web-template") / "web.sqlite"
    web_app = create_app(f"sqlite:///{path}", demo=True, demo_password=DEMO_PASSWORD)
    store = web_app.state.web_store
    store.add_user("redaktor", hash_password(PASSWORD), "editor", "3804")
    store.add_user("leser", hash_password(PASSWORD), "viewer", "3804")
    store.add_user("bodo", hash_password(PASSWORD), "admin", "1804")
    web_app.state.storage.dispose()
    return path


@pytest.fixture
def app(seeded_database: Path, tmp_path: Path) -> Iterator[FastAPI]:
    copy = tmp_path / "web.sqlite"
    shutil.copyfile(seeded_database, copy)
    web_app = create_app(f"sqlite:///{copy}", demo=True, demo_password=DEMO_PASSWORD)
    yield web_app
    web_app.state.storage.dispose()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(app: FastAPI) -> Callable[[str], tuple[TestClient, str]]:
    """A client logged in through the login form, and its CSRF token."""

    def _login(username: str) -> tuple[TestClient, str]:
        client = TestClient(app, follow_redirects=False)
        password = DEMO_PASSWORD if username == "admin" else PASSWORD
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 303, response.text
        page = client.get("/import" if username != "leser" else "/m/3804")
        return client, csrf_of(page.text)

    return _login
