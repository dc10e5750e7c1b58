"""CPU time per web request, the measure behind `web_load.py` that a busy machine does not blur: the app is called
directly as an ASGI application (no HTTP server, no load client), one logged-in viewer loads the dashboard `/m/3804`
and the register page `/m/3804/register` again and again, and the process CPU time (all threads) per request is
printed. At 50 users with p95 < 250 ms on 2 cores shared with the load client, a request may cost about 5 ms CPU in
the app plus what the HTTP server (uvicorn) adds.

    python benchmarks/web_cpu.py                    # SQLite, 300 requests per page
    python benchmarks/web_cpu.py --profile register # pyinstrument profile of one page (dev extra)
    python benchmarks/web_cpu.py --database postgresql   # needs LEGEPLAN_TEST_POSTGRES_URL
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_load import CODE, PASSWORD, postgres_database, seed

PAGES = {"dashboard": f"/m/{CODE}", "register": f"/m/{CODE}/register"}


class Asgi:
    """Calls an ASGI app the way uvicorn does: one scope per request, the body collected from the send messages."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookie = b""

    async def request(self, method: str, path: str, body: bytes = b"", json_body: bool = False) -> tuple[int, bytes]:
        path_only, _, query = path.partition("?")
        headers = [(b"host", b"testserver"), (b"accept", b"text/html"), (b"user-agent", b"web_cpu")]
        if self.cookie:
            headers.append((b"cookie", self.cookie))
        if body:
            kind = b"application/json" if json_body else b"application/x-www-form-urlencoded"
            headers.append((b"content-type", kind))
            headers.append((b"content-length", str(len(body)).encode()))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path_only,
            "raw_path": path_only.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": {},
        }
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        status = 0
        chunks: list[bytes] = []

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"set-cookie" and value.startswith(b"legeplan_session="):
                        self.cookie = value.split(b";", 1)[0]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


@contextmanager
def database(name: str) -> Iterator[str]:
    if name == "postgresql":
        base = os.environ.get("LEGEPLAN_TEST_POSTGRES_URL")
        if not base:
            raise SystemExit("LEGEPLAN_TEST_POSTGRES_URL er ikke satt")
        with postgres_database(base) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'cpu.sqlite'}"


async def measure(app: Any, count: int, profile: str | None) -> dict[str, float]:
    client = Asgi(app)
    status, body = await client.request(
        "POST", "/api/login", json.dumps({"username": "last", "password": PASSWORD}).encode(), json_body=True
    )
    assert status == 200, (status, body[:300])
    for path in PAGES.values():  # warm: caches built, charts drawn, templates compiled
        for _ in range(5):
            status, body = await client.request("GET", path)
            assert status == 200 and b"<html" in body[:200], (path, status, body[:300])
    results: dict[str, float] = {}
    for page, path in PAGES.items():
        profiler = None
        if profile == page:
            import anyio.to_thread
            from pyinstrument import Profiler

            async def inline(func: Any, *args: Any, **_kwargs: Any) -> Any:
                return func(*args)

            anyio.to_thread.run_sync = inline  # type: ignore[assignment]  # one thread: the profile sees it all

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        cpu0 = time.process_time()
        for _ in range(count):
            status, body = await client.request("GET", path)
            assert status == 200, (path, status)
        results[page] = (time.process_time() - cpu0) / count
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per page (default 300)")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--profile", choices=tuple(PAGES), help="print a pyinstrument profile of this page")
    args = parser.parse_args()
    from legeplan.web.app import create_app

    with database(args.database) as url:
        seed(url)
        app = create_app(url)
        try:
            results = asyncio.run(measure(app, args.requests, args.profile))
        finally:
            app.state.job_queue.close()
            app.state.storage.dispose()
    for page, seconds in results.items():
        print(f"{args.database:10s} {page:9s} {seconds * 1000:6.2f} ms CPU per request".replace(".", ","))


if __name__ == "__main__":
    main()
