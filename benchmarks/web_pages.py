"""Web response times: dashboard with cold vs cached charts, other pages, and the progress poll while a rota solves
(the server must stay responsive). Prints figures; ratios are against the cached dashboard measured in the same run.

    python benchmarks/web_pages.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from legeplan.web.app import create_app

PASSWORD = "benchmark-passord"


def timed(client: TestClient, path: str, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{Path(folder) / 'bench.sqlite'}", demo=True, demo_password=PASSWORD)
        client = TestClient(app)
        token = client.post("/api/login", json={"username": "admin", "password": PASSWORD}).json()["csrf_token"]
        t0 = time.perf_counter()
        client.get("/m/3804")
        cold = time.perf_counter() - t0
        cached = timed(client, "/m/3804")
        print(f"dashboard, cold charts:   {cold * 1000:7.0f} ms")
        print(f"dashboard, cached charts: {cached * 1000:7.0f} ms  (cold/cached = {cold / cached:.1f})")
        for path in ("/m/3804/register?kind=physicians", "/m/3804/scenarios/1", "/api/municipalities/3804/register"):
            median = timed(client, path)
            print(f"{path:40s} {median * 1000:7.0f} ms  ({median / cached:.2f} x cached dashboard)")
        job = client.post(
            "/api/municipalities/3804/rota",
            json={"example": "register", "time_limit_s": 10},
            headers={"X-CSRF-Token": token},
        ).json()
        time.sleep(0.5)
        poll = timed(client, f"/m/3804/rota/{job['id']}/progress", repeat=10)
        idle = timed(client, "/api/me", repeat=10)
        print(f"progress poll during solve: {poll * 1000:5.0f} ms  (/api/me idle {idle * 1000:.0f} ms)")
        app.state.rota_jobs.wait(job["id"], 60)
        app.state.storage.dispose()


if __name__ == "__main__":
    main()
