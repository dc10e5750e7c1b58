"""The region page and its JSON: the Helse Nord figures come through the web layer, behind login."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.middleware.sessions import SessionMiddleware

from legeplan.storage.web_tables import User
from legeplan.web import region_routes
from legeplan.web.auth import LoginRequired, current_user

VIEWER = User(id=1, username="ks-radgiver", role="viewer", municipality_code=None)


class _NoUsers:
    def get_user(self, user_id: int) -> User | None:
        return None


def _app(logged_in: bool) -> FastAPI:
    app = FastAPI()
    app.add_middleware(SessionMiddleware, secret_key="test")
    app.state.web_store = _NoUsers()
    app.include_router(region_routes.router)

    @app.exception_handler(LoginRequired)
    async def _login(_request: Request, _exc: LoginRequired) -> JSONResponse:
        return JSONResponse({"detail": "login"}, status_code=401)

    if logged_in:
        app.dependency_overrides[current_user] = lambda: VIEWER
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(_app(logged_in=True))


def test_region_json_gives_464_of_552(client: TestClient) -> None:
    body = client.get("/region/data.json").json()
    total = body["stability"]["total"]
    assert (total["stable"], total["agreements_at_end"]) == (464, 552)
    assert round(100 * total["stable"] / total["agreements_at_end"]) == 84
    by_centrality = body["stability"]["by_centrality"]
    assert sum(row["agreements_at_end"] for row in by_centrality["rows"]) == 552


def test_region_page_shows_tables_and_charts(client: TestClient) -> None:
    response = client.get("/region", params={"from": "2017-10-01", "to": "2019-03-01"})
    assert response.status_code == 200
    assert "<svg" in response.text
    assert "464" in response.text and "552" in response.text
    assert "Hele datasettet" in response.text


def test_region_selection_restricts_the_figures(client: TestClient) -> None:
    whole = client.get("/region/data.json").json()["stability"]["total"]["agreements_at_end"]
    region_ids = [r.id for r in region_routes.helse_nord_dataset().regions]
    sizes = [client.get("/region/data.json", params={"region": rid}).json() for rid in region_ids[:2]]
    assert all(0 < s["stability"]["total"]["agreements_at_end"] <= whole for s in sizes)


def test_bad_region_and_period_are_named(client: TestClient) -> None:
    unknown = client.get("/region/data.json", params={"region": "finnes-ikke"})
    assert unknown.status_code == 404 and "region" in unknown.json()["detail"]
    backwards = client.get("/region/data.json", params={"from": "2019-03-01", "to": "2017-10-01"})
    assert backwards.status_code == 422 and "to" in backwards.json()["detail"]


def test_region_page_needs_login() -> None:
    anonymous = TestClient(_app(logged_in=False))
    assert anonymous.get("/region").status_code == 401
    assert anonymous.get("/region/data.json").status_code == 401
