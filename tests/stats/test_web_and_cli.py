"""The fetch button on the dashboard side (POST /m/{code}/statistics/fetch, editor) and the CLI commands, against
the recorded responses; the schema migration; one test against the real SSB when it can be reached."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from legeplan.cli import app as cli_app
from legeplan.statistics.errors import OfflineError, ServiceError
from legeplan.statistics.ssb import PxWebClient
from legeplan.statistics.tables import POPULATION
from legeplan.storage import Storage
from legeplan.web.app import create_app
from legeplan.web.auth import hash_password

from .conftest import KUHR_URL, SSB_URL, FakePxWeb, Sleeps

PASSWORD = "riktig-passord-1"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo municipality and an editor and a viewer for 3804, built once; each test gets a copy."""
    path = tmp_path_factory.mktemp("stats-web") / "web.sqlite"
    app = create_app(f"sqlite:///{path}", demo=True, demo_password="demo-passord-123")
    app.state.web_store.add_user("redaktor", hash_password(PASSWORD), "editor", "3804")
    app.state.web_store.add_user("leser", hash_password(PASSWORD), "viewer", "3804")
    app.state.storage.dispose()
    return path


@pytest.fixture
def web(seeded: Path, tmp_path: Path, sleeps: Sleeps) -> Iterator[FastAPI]:
    copy = tmp_path / "web.sqlite"
    shutil.copyfile(seeded, copy)
    # No in-process worker: the fetch job runs here, in the test process, where the recorded responses are served.
    app = create_app(f"sqlite:///{copy}", demo=True, demo_password="demo-passord-123", in_process_jobs=False)
    app.state.ssb_url = SSB_URL
    app.state.kuhr_url = KUHR_URL
    app.state.statistics_sleep = sleeps
    yield app
    app.state.storage.dispose()


def _login(app: FastAPI, username: str) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
    page = client.get("/m/3804/statistics")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return client, match.group(1)


def run_queued_jobs(app: FastAPI) -> list[str]:
    """What a worker does, in this process (so respx serves the recorded responses): claim each queued job, run its
    handler with progress reports, store the outcome. Returns the final states."""
    from legeplan.jobs import JobFailure
    from legeplan.jobs.handlers import JobContext, handler_for

    store = app.state.job_queue.store
    states = []
    while (job := store.claim("test-worker")) is not None:

        def report(progress: dict[str, object], job_id: str = job.id, attempt: int = job.attempts) -> None:
            store.heartbeat(job_id, attempt, progress)

        try:
            result = handler_for(job.kind)(JobContext(job=job, storage=app.state.storage, report=report))
        except JobFailure as error:
            store.finish(job.id, job.attempts, "failed", error=str(error))
        else:
            store.finish(job.id, job.attempts, "done", result=result)
        finished = store.get(job.id)
        states.append(finished.state if finished else "gone")
    return states


def fetch(client: TestClient, app: FastAPI, token: str) -> str:
    """Press «Hent» and let the job run; the page the browser ends on after the job."""
    response = client.post("/m/3804/statistics/fetch", data={"csrf_token": token})
    assert response.status_code == 303
    job_page = response.headers["location"]
    assert re.fullmatch(r"/m/3804/statistics/job/[\w-]+", job_page)
    assert run_queued_jobs(app) == ["done"]
    ended = client.get(job_page)
    assert ended.status_code == 303 and ended.headers["location"] == "/m/3804/statistics"
    return client.get("/m/3804/statistics").text


def test_the_fetch_is_a_job_with_progress_not_a_request(fake_ssb: FakePxWeb, web: FastAPI) -> None:
    """Issue 14, item 3: the request only queues the fetch; nothing reaches SSB until a worker runs the job, and the
    page shows the job's state meanwhile (polled by htmx)."""
    client, token = _login(web, "redaktor")
    response = client.post("/m/3804/statistics/fetch", data={"csrf_token": token})
    assert response.status_code == 303
    job_page = response.headers["location"]
    assert fake_ssb.calls == []  # nothing fetched inside the request
    page = client.get(job_page)
    assert page.status_code == 200
    assert "Henting pågår" in page.text and "I kø" in page.text and f'hx-get="{job_page}/progress"' in page.text
    assert client.get(f"{job_page}/progress").status_code == 200
    job = web.state.job_queue.store.recent("3804", limit=1)[0]
    assert job.kind == "statistics_fetch" and job.owner == "redaktor" and job.payload["ssb_url"] == SSB_URL
    assert run_queued_jobs(web) == ["done"]
    assert fake_ssb.calls
    done = client.get(f"{job_page}/progress")
    assert done.headers["HX-Redirect"] == job_page
    assert web.state.job_queue.get(job.id).progress["percent"] >= 5
    # a viewer cannot follow the fetch job; an unknown job is not found
    leser, _token = _login(web, "leser")
    assert leser.get(job_page).status_code == 403
    assert client.get("/m/3804/statistics/job/finnes-ikke").status_code == 404


def test_editor_fetches_from_the_web_page(fake_ssb: FakePxWeb, web: FastAPI) -> None:
    client, token = _login(web, "redaktor")
    page = client.get("/m/3804/statistics").text
    assert "Hent offentlig statistikk" in page
    # in the municipality's menu, marked as the current page
    assert 'href="/m/3804/statistics" aria-current="page">Statistikk</a>' in page
    page = fetch(client, web, token)
    assert "Statistikk hentet:" in page
    assert "SSB tabell 07459 (1.1.2024) hentet" in page
    assert "Kommunenummer 3804 finnes ikke (lenger) i SSB-tabell 14288" in page  # not in the recorded projection
    assert "Gjennomsnittlig listelengde" in page and "SSB tabell 12005 (31.12.2023)" in page
    data = client.get("/m/3804/statistics.json").json()
    lists = next(f for f in data["figures"] if f["key"] == "listelengde")
    assert lists["municipality"]["value"] == 1110
    assert lists["country"]["value"] == 1060
    assert lists["county"] is None  # the recorded 12005 has no EKA38
    # the second press reads the cache: no new requests
    before = len(fake_ssb.calls)
    fetch(client, web, token)
    assert len(fake_ssb.calls) == before + 2  # only the projection (14746, 14288) that failed is tried again
    audit = web.state.web_store.audit_log("3804")
    assert any(entry.action == "statistics.fetch" for entry in audit)


def test_viewer_may_look_but_not_fetch(fake_ssb: FakePxWeb, web: FastAPI) -> None:
    client, token = _login(web, "leser")
    assert "Hent offentlig statistikk" not in client.get("/m/3804/statistics").text
    assert client.post("/m/3804/statistics/fetch", data={"csrf_token": token}).status_code == 403
    assert client.post("/m/3804/statistics/fetch", data={}).status_code == 403  # no CSRF token
    assert fake_ssb.calls == []


def test_cli_fetch_show_and_demand(fake_ssb: FakePxWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("LEGEPLAN_SSB_URL", SSB_URL)
    monkeypatch.setenv("LEGEPLAN_KUHR_URL", KUHR_URL)
    runner = CliRunner()
    first = runner.invoke(cli_app, ["statistics", "fetch", "-m", "1804", "--kuhr-years", "2015-2019", "--json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert [t["status"] for t in report["tables"]] == ["hentet"] * 5
    assert report["tables"][0]["citation"] == "SSB tabell 07459 (1.1.2024)"
    assert all(t["first_fetch"] for t in report["tables"])
    refreshed = runner.invoke(cli_app, ["statistics", "fetch", "-m", "1804", "--tables", "12005", "--refresh"])
    assert "SSB tabell 12005 (31.12.2023): ingen endringer siden forrige henting." in refreshed.output
    # KUHR has nothing for the default (recent) years in the recording: reported, and the cached years are kept
    assert refreshed.exit_code == 1
    assert "KUHR har ingen konsultasjonstakster for kommune 1804" in refreshed.output
    again = runner.invoke(cli_app, ["statistics", "fetch", "-m", "1804"])
    assert again.exit_code == 0
    assert "hurtigbuffer" in again.output
    show = runner.invoke(cli_app, ["statistics", "show", "-m", "1804"])
    assert show.exit_code == 0, show.output
    assert "Reservekapasitet" in show.output and "101,1" in show.output and "102,2" in show.output
    assert "(KUHR," in show.output  # measured consultations per inhabitant beside county and country
    demand = runner.invoke(cli_app, ["statistics", "demand", "-m", "1804", "--years", "2022,2025,2030", "--json"])
    assert demand.exit_code == 0, demand.output
    result = json.loads(demand.output)
    assert [row["year"] for row in result["years"]] == [2022, 2025, 2030]
    assert result["sources"]["positions"] == "SSB tabell 12005 (31.12.2023)"
    bad = runner.invoke(cli_app, ["statistics", "fetch", "-m", "1804", "--tables", "99999"])
    assert bad.exit_code == 2
    assert "legeplan kjenner ikke tabell 99999" in bad.output
    bad_years = runner.invoke(cli_app, ["statistics", "fetch", "-m", "1804", "--kuhr-years", "2023-2019"])
    assert bad_years.exit_code == 2 and "må være FRA-TIL" in bad_years.output


def test_cli_demand_example_bodo() -> None:
    result = CliRunner().invoke(cli_app, ["statistics", "demand", "--example", "bodo", "--years", "2022,2025"])
    assert result.exit_code == 0, result.output
    assert "Behov etter alder og etter liste: Bodø" in result.output
    assert "Listebasert (dagens metode)" in result.output
    bad = CliRunner().invoke(cli_app, ["statistics", "demand", "--example", "bodo", "--rates", "0-17"])
    assert bad.exit_code == 2 and "aldersgruppe=kontakter" in bad.output
    rates = "0-17=1,7, 18-49=3,50-66=3,5; 67-79=3.9;80-89=4,8,90+=3,5"
    given = CliRunner().invoke(cli_app, ["statistics", "demand", "--example", "bodo", "--rates", rates, "--json"])
    assert given.exit_code == 0, given.output
    assert json.loads(given.output)["rates"] == {
        "0-17": 1.7,
        "18-49": 3.0,
        "50-66": 3.5,
        "67-79": 3.9,
        "80-89": 4.8,
        "90+": 3.5,
    }
    wrong_groups = CliRunner().invoke(cli_app, ["statistics", "demand", "--example", "bodo", "--rates", "0-99=3"])
    assert wrong_groups.exit_code == 2
    assert "kontaktratene må gjelde nøyaktig aldersgruppene" in wrong_groups.output


def test_dimension_with_demand_by_age() -> None:
    runner = CliRunner()
    shown = runner.invoke(cli_app, ["dimension", "bodo", "--demand-by-age"])
    assert shown.exit_code == 0, shown.output
    assert "Behov etter alder og etter liste: Bodø" in shown.output
    as_json = runner.invoke(cli_app, ["dimension", "bodo", "--demand-by-age", "--json"])
    document = json.loads(as_json.output)
    years = {row["year"]: row for row in document["demand_by_age"]["years"]}
    assert years[2022]["positions_by_list"] == 51 and years[2022]["positions_by_demand"] == pytest.approx(51)
    assert years[2050]["positions_by_demand"] > years[2050]["positions_by_list"]
    assert "dimensioning" in document
    no_groups = runner.invoke(cli_app, ["dimension", "sandefjord", "--demand-by-age"])
    assert no_groups.exit_code == 2
    assert "--demand-by-age trenger en framskriving etter aldersgruppe" in no_groups.output


def test_cli_offline_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import respx

    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    with respx.mock() as router:
        router.get(url__startswith=SSB_URL).mock(side_effect=httpx.ConnectError("offline"))
        router.get(url__startswith=KUHR_URL).mock(side_effect=httpx.ConnectError("offline"))
        result = CliRunner().invoke(
            cli_app, ["statistics", "fetch", "-m", "1804", "--base-url", SSB_URL, "--kuhr-url", KUHR_URL]
        )
    assert result.exit_code == 1
    assert "Får ikke kontakt med SSB" in result.output


def test_migration_creates_the_cache_table(tmp_path: Path) -> None:
    storage = Storage(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        assert "statistics_cache" in inspect(storage.engine).get_table_names()
        from alembic import command

        from legeplan.storage.repository import alembic_config

        cfg = alembic_config(storage.url)
        command.downgrade(cfg, "0002_web")
        assert "statistics_cache" not in inspect(storage.engine).get_table_names()
        storage.migrate()  # an existing database upgrades
        assert "statistics_cache" in inspect(storage.engine).get_table_names()
    finally:
        storage.dispose()


@pytest.mark.network
def test_real_ssb_population_metadata() -> None:
    """Against data.ssb.no when reachable: 07459 still has Region/Kjonn/Alder/Tid and Bodø 1804."""
    client = PxWebClient(timeout_s=10.0, retries=1)
    try:
        metadata = client.metadata(POPULATION.id)
    except (OfflineError, ServiceError) as error:
        pytest.skip(f"SSB kan ikke nås: {error}")
    finally:
        client.close()
    assert {"Region", "Kjonn", "Alder", "ContentsCode", "Tid"} <= set(metadata.ids)
    assert "1804" in metadata.dimension("Region").codes


def test_dashboard_shows_the_comparison_after_a_fetch(fake_ssb: FakePxWeb, web: FastAPI) -> None:
    """Before a fetch the dashboard says none is fetched and links to the statistics page; after it, kommune /
    fylke / landet with the SSB table and date of each figure."""
    from legeplan.report.format import decimal

    client, token = _login(web, "redaktor")
    before = client.get("/m/3804").text
    assert "Ingen sammenligningstall fra SSB er hentet for kommunen ennå." in before
    assert 'href="/m/3804/statistics">Hent dem på statistikksiden</a>' in before
    assert "SSB tabell" not in before  # the register's figures are the register's
    fetch(client, web, token)
    page = client.get("/m/3804").text
    assert "Sammenlignet med fylket og landet" in page and "Ingen sammenligningstall" not in page
    row = re.search(r'<tr data-key="listelengde">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    # Sandefjord 31.12.2023 in the recorded 12005: 1 110 on the lists, no county (EKA38), the country 1 060
    listed, country = decimal(1110, 0), decimal(1060, 0)
    assert cells == ["Gjennomsnittlig listelengde", listed, "–", country, "SSB tabell 12005 (31.12.2023)"]
    assert '<tr data-key="befolkningsvekst">' in page and "SSB tabell 07459 (1.1.2020–1.1.2024)" in page
    assert "SSB tabell 11996 og 07459 (2023)" in page
