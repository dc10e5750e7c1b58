"""Issue 14, item 3: heavy work never runs in the request. The Monte Carlo simulation of a scenario is a job with
progress and a stored result; the in-process worker of the SQLite default runs a configurable number of jobs at once
through the fair queue."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.jobs import JobFailure
from legeplan.jobs.handlers import JobContext, handler_for
from legeplan.jobs.runner import DEFAULT_WEB_WORKER_JOBS, BackgroundWorker, web_worker_jobs
from legeplan.legevakt import example_problem
from legeplan.storage.job_tables import JobStore
from legeplan.web.app import create_app

from .conftest import DEMO_PASSWORD, PASSWORD, csrf_of


@pytest.fixture
def quiet_app(seeded_database: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """The web app without its in-process worker: the test runs the queued jobs itself."""
    copy = tmp_path / "web.sqlite"
    shutil.copyfile(seeded_database, copy)
    web_app = create_app(f"sqlite:///{copy}", demo=True, demo_password=DEMO_PASSWORD, in_process_jobs=False)
    yield web_app
    web_app.state.storage.dispose()


def _login(app: FastAPI, username: str) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 303
    return client, csrf_of(client.get("/m/3804/scenarios/1").text)


def _run_queued(app: FastAPI) -> list[str]:
    store: JobStore = app.state.job_queue.store
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


def test_a_scenario_simulation_is_a_job_with_progress_and_a_stored_result(quiet_app: FastAPI) -> None:
    client, token = _login(quiet_app, "leser")
    assert 'action="/m/3804/scenarios/1/simulate"' in client.get("/m/3804/scenarios/1").text
    response = client.post("/m/3804/scenarios/1/simulate", data={"csrf_token": token, "runs": "200", "years": "5"})
    assert response.status_code == 303
    page_url = response.headers["location"]
    assert re.fullmatch(r"/m/3804/scenarios/1/simulation/[\w-]+", page_url)
    waiting = client.get(page_url)
    assert waiting.status_code == 200 and "I kø" in waiting.text and f'hx-get="{page_url}/progress"' in waiting.text
    job = quiet_app.state.job_queue.store.recent("3804", kind="scenario_simulation")[0]
    assert job.state == "queued" and job.payload == {"scenario_id": 1, "runs": 200, "years": 5}
    assert _run_queued(quiet_app) == ["done"]
    done = quiet_app.state.job_queue.get(job.id)
    assert done.progress["percent"] == 95 and done.progress["message"] == "200 av 200 simuleringer"
    simulation = done.result["simulation"]
    assert done.result["start"] == "register"  # the demo municipality has a register: its GPs' ages start it
    assert simulation["runs"] == 200 and len(simulation["bands"]) == 5
    assert simulation["start_year"] == 2021  # the year after the demo register's date (1.8.2020)
    assert client.get(f"{page_url}/progress").headers["HX-Redirect"] == page_url
    shown = client.get(page_url).text
    assert "Samlet vikarkostnad over perioden, median:" in shown and "<td>2025</td>" in shown


def test_simulation_input_is_bounded_and_jobs_are_scoped(quiet_app: FastAPI) -> None:
    client, token = _login(quiet_app, "leser")
    too_many = client.post("/m/3804/scenarios/1/simulate", data={"csrf_token": token, "runs": "10001"})
    assert too_many.status_code == 303 and too_many.headers["location"] == "/m/3804/scenarios/1"
    assert "mellom 1 og 10\u00a0000 simuleringer" in client.get("/m/3804/scenarios/1").text
    assert quiet_app.state.job_queue.store.recent("3804", kind="scenario_simulation") == []
    assert client.post("/m/3804/scenarios/1/simulate", data={"runs": "5"}).status_code == 403  # no CSRF token
    queued = client.post("/m/3804/scenarios/1/simulate", data={"csrf_token": token, "runs": "50", "years": "3"})
    page_url = queued.headers["location"]
    assert client.get(page_url.replace("/scenarios/1/", "/scenarios/2/")).status_code == 404  # not scenario 2's
    other, _token = _login(quiet_app, "bodo")  # admin of another municipality
    assert other.get(page_url).status_code == 404
    assert other.post("/m/3804/scenarios/1/simulate", data={"csrf_token": _token}).status_code == 404


def test_a_simulation_of_a_deleted_scenario_fails_with_a_reason(quiet_app: FastAPI) -> None:
    client, token = _login(quiet_app, "leser")
    page_url = client.post("/m/3804/scenarios/1/simulate", data={"csrf_token": token, "runs": "50"}).headers["location"]
    quiet_app.state.web_store.delete_scenario(1)
    assert _run_queued(quiet_app) == ["failed"]
    job = quiet_app.state.job_queue.store.recent("3804", kind="scenario_simulation")[0]
    assert job.error == "Scenarioet finnes ikke lenger."
    assert page_url.endswith(job.id)


def test_in_process_worker_concurrency_setting(monkeypatch: pytest.MonkeyPatch, quiet_app: FastAPI) -> None:
    monkeypatch.delenv("LEGEPLAN_WEB_WORKER_JOBS", raising=False)
    assert web_worker_jobs() == DEFAULT_WEB_WORKER_JOBS == 2
    monkeypatch.setenv("LEGEPLAN_WEB_WORKER_JOBS", "3")
    assert web_worker_jobs() == 3
    assert len(BackgroundWorker(quiet_app.state.storage).workers) == 3
    assert web_worker_jobs("0") == 1 and web_worker_jobs("500") == 16 and web_worker_jobs("to") == 2
    names = {w.name for w in BackgroundWorker(quiet_app.state.storage, concurrency=2).workers}
    assert len(names) == 2  # each slot claims under its own name
    with pytest.raises(ValueError):
        BackgroundWorker(quiet_app.state.storage, concurrency=0)


@pytest.mark.slow
def test_two_municipalities_jobs_run_at_the_same_time_in_process(quiet_app: FastAPI) -> None:
    """With two slots, a second municipality's job starts while the first one's solve runs (real child processes)."""
    store: JobStore = quiet_app.state.job_queue.store
    payload = {"problem": example_problem("small").model_dump(mode="json"), "time_limit_s": 8}
    first = store.enqueue("rota_solve", "redaktor", "3804", payload, max_attempts=1)
    second = store.enqueue("rota_solve", "bodo", "1804", payload, max_attempts=1)
    background = BackgroundWorker(quiet_app.state.storage, concurrency=2)
    background.wake()
    try:
        deadline = time.monotonic() + 90
        together = False
        while time.monotonic() < deadline and not together:
            states = [store.get(first).state, store.get(second).state]  # type: ignore[union-attr]
            together = states == ["running", "running"]
            if "done" in states and not together:
                break
            time.sleep(0.1)
        assert together, states
    finally:
        background.stop()


@pytest.mark.slow
def test_a_simulation_runs_in_the_worker_s_child_process(
    app: FastAPI, login: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end on the SQLite default: the in-process worker runs the job in a child process with its limits."""
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 303
    token = csrf_of(client.get("/m/3804/scenarios/1").text)
    page_url = client.post("/m/3804/scenarios/1/simulate", data={"csrf_token": token, "runs": "100"}).headers[
        "location"
    ]
    job_id = page_url.rsplit("/", 1)[1]
    job = app.state.job_queue.wait(job_id, 180)
    assert job is not None and job.state == "done", job
    assert "Samlet vikarkostnad" in client.get(page_url).text
