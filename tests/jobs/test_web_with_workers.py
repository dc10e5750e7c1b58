"""The web app only enqueues; a separate worker (here in the test process) runs the jobs, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from legeplan.jobs.runner import Worker
from legeplan.web.app import create_app
from legeplan.web.auth import hash_password

PASSWORD = "riktig-passord-1"


@pytest.mark.slow
def test_the_web_app_enqueues_and_a_separate_worker_solves(storage_url: str) -> None:
    on_sqlite = storage_url.startswith("sqlite")
    # PostgreSQL: by default `legeplan worker` runs the jobs, not the web process (SQLite: switched off here).
    app = create_app(storage_url, demo=True, in_process_jobs=False if on_sqlite else None)
    assert app.state.job_queue.background is None
    username = f"pg-{uuid.uuid4().hex[:8]}"
    app.state.web_store.add_user(username, hash_password(PASSWORD), "editor", "3804")
    client = TestClient(app)
    token = client.post("/api/login", json={"username": username, "password": PASSWORD}).json()["csrf_token"]
    started = client.post(
        "/api/municipalities/3804/rota", json={"example": "small", "time_limit_s": 2}, headers={"X-CSRF-Token": token}
    )
    assert started.status_code == 202
    job_id = started.json()["id"]
    assert client.get(f"/api/municipalities/3804/rota/{job_id}").json()["status"] == "queued"
    outcome = Worker(app.state.storage).run_once()
    assert outcome is not None and outcome.job_id == job_id and outcome.state == "done"
    status = client.get(f"/api/municipalities/3804/rota/{job_id}").json()
    assert status["percent"] == 100 and status["status"] in ("optimal", "feasible") and status["assignments"] > 0
    assert client.get(f"/legevakt/prov/3804/{job_id}/rota.csv").status_code == 200
    app.state.storage.dispose()
