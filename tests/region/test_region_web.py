"""The region page and its JSON: the Helse Nord figures come through the web layer, behind login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from legeplan.web.app import create_app
from legeplan.web.routes import region as region_routes

PASSWORD = "region-passord-123"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("region-web") / "web.sqlite"


@pytest.fixture(scope="module")
def client(database: Path) -> Iterator[TestClient]:
    """The real app with the demo data, logged in through the login form as the demo admin."""
    app = create_app(f"sqlite:///{database}", demo=True, demo_password=PASSWORD)
    client = TestClient(app, follow_redirects=False)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 303, response.text
    yield client
    app.state.storage.dispose()


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
    assert 'href="/region"' in response.text and "/static/style.css" in response.text  # the app's own layout


def test_region_selection_restricts_the_figures(client: TestClient) -> None:
    whole = client.get("/region/data.json").json()["stability"]["total"]["agreements_at_end"]
    region_ids = [r.id for r in region_routes.helse_nord_dataset().regions]
    sizes = [client.get("/region/data.json", params={"region": rid}).json() for rid in region_ids[:2]]
    assert all(0 < s["stability"]["total"]["agreements_at_end"] <= whole for s in sizes)


def test_bad_region_and_period_are_named(client: TestClient) -> None:
    unknown = client.get("/region/data.json", params={"region": "finnes-ikke"})
    assert unknown.status_code == 404 and "ukjent region" in unknown.text
    backwards = client.get("/region/data.json", params={"from": "2019-03-01", "to": "2017-10-01"})
    assert backwards.status_code == 422 and "periodeslutt" in backwards.text


def test_region_page_needs_login(database: Path) -> None:
    app = create_app(f"sqlite:///{database}")
    anonymous = TestClient(app, follow_redirects=False)
    for path in ("/region", "/region/data.json"):
        response = anonymous.get(path)
        assert response.status_code in (303, 401), path
        assert response.status_code == 401 or response.headers["location"].startswith("/login")
    app.state.storage.dispose()


def test_region_page_shows_helse_nords_figure_beside_ours(client: TestClient) -> None:
    page = client.get("/region").text
    assert "Helse Nord (avtaler/stabile)" in page and "186/171 (92 %) *" in page and "97/78" in page
    assert "Samme kommune" in page
    body = client.get("/region/data.json").json()["stability"]["by_population"]
    assert body["published"]["10 000 – 19 999 innb."] == {
        "agreements_at_end": 186,
        "stable": 171,
        "printed_percent": 92,
    }
    assert "641" in body["note"]
