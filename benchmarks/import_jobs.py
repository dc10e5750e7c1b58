"""Register imports as jobs: how long other requests take while a large import is checked, and how fast hostile
files are refused. Prints figures.

    python benchmarks/import_jobs.py
"""

from __future__ import annotations

import io
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

from legeplan.register.demo import demo_register
from legeplan.register.io import write_csv
from legeplan.web.app import create_app

PASSWORD = "benchmark-passord"


def big_register_zip(folder: Path, copies: int) -> bytes:
    """The demo register's CSV files with the physician rows repeated `copies` times (ids made unique)."""
    source = Path(write_csv(demo_register(), folder / "demo.zip"))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            data = archive.read(info).decode("utf-8-sig")
            if "lege" in info.filename and "kontor" not in info.filename:
                header, *rows = data.splitlines()
                more = [
                    row.replace(row.split(";")[0], f"{row.split(';')[0]}x{n}", 1) for n in range(copies) for row in rows
                ]
                data = "\n".join([header, *rows, *more]) + "\n"
            target.writestr(info.filename, data)
    return out.getvalue()


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        app = create_app(f"sqlite:///{folder / 'bench.sqlite'}", demo=True, demo_password=PASSWORD)
        client = TestClient(app)
        token = client.post("/api/login", json={"username": "admin", "password": PASSWORD}).json()["csrf_token"]
        headers = {"X-CSRF-Token": token}
        client.get("/m/3804/rota")
        for label, filename, data in (
            ("zip bomb (40 MB of zeros)", "bombe.zip", _bomb()),
            ("register, 68 x 120 physicians", "stor.zip", big_register_zip(folder, 120)),
            ("register, 68 x 200 physicians", "for-stor.zip", big_register_zip(folder, 200)),
        ):
            t0 = time.perf_counter()
            job = client.post("/api/register/import", files={"file": (filename, data, "x")}, headers=headers)
            enqueue = time.perf_counter() - t0
            samples: list[float] = []
            done = threading.Event()

            def poll(job_id: str = job.json()["id"], finished: threading.Event = done) -> None:
                app.state.job_queue.wait(job_id, 600)
                finished.set()

            threading.Thread(target=poll, daemon=True).start()
            while not done.is_set():
                s0 = time.perf_counter()
                assert client.get("/m/3804/rota").status_code == 200
                samples.append(time.perf_counter() - s0)
                time.sleep(0.2)
            total = time.perf_counter() - t0
            result = client.get(job.json()["status_url"]).json()
            outcome = "issues: " + result["result"]["issues"][0]["message"] if result["result"].get("issues") else "ok"
            print(f"{label}: {len(data) // 1024} KB, enqueue {enqueue * 1000:.0f} ms, job {total:.1f} s ({outcome})")
            if samples:
                print(
                    f"  rota page meanwhile: median {statistics.median(samples) * 1000:.0f} ms, "
                    f"max {max(samples) * 1000:.0f} ms over {len(samples)} requests"
                )
        app.state.job_queue.close()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("leger.csv", b"0" * (40 * 1024 * 1024 + 1))
    return out.getvalue()


if __name__ == "__main__":
    main()
