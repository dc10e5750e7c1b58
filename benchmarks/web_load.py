"""Load test of the web app as it runs in production: `legeplan serve --workers N` started as real server processes,
many logged-in users (each its own session, logged in with POST /api/login) loading the dashboard `/m/{kode}` and
the register page `/m/{kode}/register` as fast as the server answers, on SQLite (WAL) and on PostgreSQL.

For each database, each number of web processes and each number of users it prints requests per second, p50, p95
and p99 and the errors per page, the p95 against the 1-user baseline measured in the same run (the machine may be
shared, so absolute figures vary; the ratios are what to compare), and the CPU milliseconds per request of the server
processes (from /proc, all their threads) and of this load client: the server's CPU per request is the figure a busy
machine blurs least. The client is a lean HTTP/1.1 keep-alive client on asyncio streams (about 0,3 ms CPU per
request, a tenth of httpx's), so it takes little of the cores the servers need; every answer is checked (status 200,
the page's own mark in the body). Then another municipality gets 30 000 physicians
(stored directly through `legeplan.storage`) and the same cells run again: the first municipality's pages must be as
fast as without them. The goal (issue 14): at 50 users on a 2-core machine, dashboard and register p95 < 250 ms,
0 errors.

    python benchmarks/web_load.py                         # 30 s per cell, SQLite, and PostgreSQL if configured
    python benchmarks/web_load.py --duration 10 --processes 1,2 --database sqlite
    LEGEPLAN_TEST_POSTGRES_URL=postgresql+psycopg://legeplan:legeplan@127.0.0.1:5432/legeplan_test \\
        python benchmarks/web_load.py --database postgresql

PostgreSQL runs in a fresh schema of that database (created and dropped here), so nothing in it is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

CODE = "3804"  # the demo municipality (Sandefjord, 54 hjemler)
BIG_CODE = "1804"  # the other municipality that gets the 30 000 physicians
PASSWORD = "Belastning-test-2026!"
PAGES = {"dashboard": f"/m/{CODE}", "register": f"/m/{CODE}/register"}
GOAL_P95_S = 0.250


@dataclass
class PageStats:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]


@dataclass
class Cell:
    database: str
    big: bool
    processes: int
    users: int
    seconds: float
    pages: dict[str, PageStats]
    #: CPU seconds per request (all pages) of the server processes and of this load client, NaN where unknown.
    server_cpu: float = float("nan")
    client_cpu: float = float("nan")


# --- the database -------------------------------------------------------------------------------------------------


def seed(url: str) -> None:
    """The demo municipality, one viewer of it (the load users) and the other municipality without many physicians."""
    from legeplan.storage import Storage
    from legeplan.storage.web_tables import WebStore
    from legeplan.web.app import seed_demo
    from legeplan.web.auth import hash_password

    storage = Storage(url)
    store = WebStore(storage)
    seed_demo(storage, store, PASSWORD)
    if store.user_with_hash("last") is None:
        store.add_user("last", hash_password(PASSWORD), "viewer", CODE)
    storage.save_register(big_register(0))
    storage.dispose()


def big_register(physicians: int) -> object:
    """Another municipality (a copy of the demo's offices and hjemler under another code) with `physicians` extra
    physicians without a hjemmel (municipal doctors), built with the register models."""
    from legeplan.register.demo import demo_register
    from legeplan.register.models import Municipality, Physician, PhysicianRole, Register, Sex

    demo = demo_register()
    municipality = Municipality(
        code=BIG_CODE,
        name="Storby",
        population=900_000,
        population_date=demo.municipality.population_date,
        centrality=1,
    )

    def moved(items: tuple[object, ...]) -> tuple[object, ...]:
        out = []
        for item in items:
            dumped = item.model_dump()  # type: ignore[attr-defined]
            if "municipality_code" in dumped:
                dumped["municipality_code"] = BIG_CODE
            out.append(type(item).model_validate(dumped))  # type: ignore[attr-defined]
        return tuple(out)

    extra = tuple(
        Physician(
            id=f"x{n}",
            municipality_code=BIG_CODE,
            name=f"Lege Nummer {n}",
            birth_year=1950 + n % 45,
            sex=Sex.FEMALE if n % 2 else Sex.MALE,
            role=PhysicianRole.MUNICIPAL,
            start_date=date(2010, 1, 1),
        )
        for n in range(physicians)
    )
    return Register(
        as_of=demo.as_of,
        municipality=municipality,
        offices=moved(demo.offices),
        positions=moved(demo.positions),
        physicians=(*moved(demo.physicians), *extra),
        agreements=demo.agreements,
        institutions=moved(demo.institutions),
        planned_positions=moved(demo.planned_positions),
    )


def add_big(url: str, physicians: int) -> float:
    from legeplan.storage import Storage

    storage = Storage(url)
    t0 = time.perf_counter()
    storage.save_register(big_register(physicians))  # type: ignore[arg-type]
    storage.dispose()
    return time.perf_counter() - t0


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'load.sqlite'}"


def postgres_database(base: str) -> AbstractContextManager[str]:
    """A fresh schema in the given database, used through the search_path; dropped afterwards."""
    from legeplan.storage.schemas import temporary_schema

    return temporary_schema(base, "legeplan_load")


# --- the server ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (Linux /proc; NaN elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    try:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            with suppress(OSError):
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                if int(entry) == pid or int(fields[1]) == pid:
                    total += int(fields[11]) + int(fields[12])
    except OSError:
        return float("nan")
    return total / ticks


@contextmanager
def server(url: str, processes: int) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = dict(os.environ, LEGEPLAN_DATABASE_URL=url)
    command = [sys.executable, "-m", "legeplan", "serve", "--port", str(port), "--workers", str(processes)]
    log = tempfile.NamedTemporaryFile(prefix="web_load-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serveren stoppet: {Path(log.name).read_text(errors='replace')[-2000:]}")
            with suppress(httpx.HTTPError):
                if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("serveren svarte ikke innen 300 s")
            time.sleep(0.3)
        time.sleep(1.0 * processes)  # every worker process up and its app built
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        errors = Path(log.name).read_text(errors="replace")
        if "Traceback" in errors or "ERROR" in errors:
            print(f"# serverens feillogg ({log.name}):\n{errors[-3000:]}")
        else:
            Path(log.name).unlink()


# --- the load client ----------------------------------------------------------------------------------------------
#
# A lean HTTP/1.1 keep-alive client on asyncio streams: the load client shares the 2 cores with the servers, and
# httpx's async client cost several times the CPU per request. Each user still logs in with POST /api/login, keeps its
# own session cookie and connection, and every answer is checked: status 200 and the page's own mark in the body.

#: A piece of HTML only the page itself has (not the menu), to check that the body is the right page.
MARKS = {"dashboard": b'class="chart"', "register": b'class="list-filter"'}


class ClientError(Exception):
    """The connection broke or the answer was not HTTP."""


class Client:
    """One user: one keep-alive connection (reopened when the server closes it) and one session cookie."""

    def __init__(self, base: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host = host
        self.port = int(port or 80)
        self.cookie = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self.reader, self.writer

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        try:
            return await self._request(method, path, body)
        except (OSError, asyncio.IncompleteReadError, ValueError, ClientError) as error:
            await self.aclose()
            raise ClientError(str(error)) from error

    async def _request(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        reader, writer = await self._connection()
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/html\r\n"
        if self.cookie:
            head += f"Cookie: {self.cookie}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode("latin-1") + b"\r\n" + body)
        await writer.drain()
        status_line = await reader.readline()
        if not status_line.startswith(b"HTTP/1."):
            raise ClientError(f"ikke HTTP: {status_line[:80]!r}")
        status = int(status_line.split()[1])
        length = -1
        chunked = close = False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            value = value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "set-cookie" and value.startswith("legeplan_session="):
                self.cookie = value.split(";", 1)[0]
        if chunked:
            parts = []
            while (size := int((await reader.readline()).split(b";")[0], 16)) > 0:
                parts.append(await reader.readexactly(size))
                await reader.readline()
            await reader.readline()
            content = b"".join(parts)
        elif length >= 0:
            content = await reader.readexactly(length)
        else:
            content = await reader.read()
            close = True
        if close:
            await self.aclose()
        return status, content

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def login(base: str) -> Client:
    client = Client(base)
    body = json.dumps({"username": "last", "password": PASSWORD}).encode()
    for _attempt in range(5):
        with suppress(ClientError):
            status, content = await client.request("POST", "/api/login", body)
            if status == 200 and client.cookie:
                return client
        await asyncio.sleep(1.0)
    raise RuntimeError(f"innlogging feilet: {status} {content[:200]!r}")


async def user_loop(client: Client, stats: dict[str, PageStats], start: float, stop: float, rng: random.Random) -> None:
    """One user: pages one after another, as fast as the server answers; only requests started after `start` count."""
    names = list(PAGES)
    while (now := time.perf_counter()) < stop:
        page = rng.choice(names)
        t0 = time.perf_counter()
        try:
            status, content = await client.request("GET", PAGES[page])
            ok = status == 200 and b"<html" in content[:200] and MARKS[page] in content
        except ClientError:
            ok = False
        elapsed = time.perf_counter() - t0
        if now >= start:
            stats[page].latencies.append(elapsed)
            if not ok:
                stats[page].errors += 1


async def prime(base: str, processes: int) -> None:
    """Every web process builds its per-version caches (and imports matplotlib) on its first dashboard: send rounds of
    concurrent requests until a whole round is fast, so no cell measures a cold process."""
    clients = [await login(base) for _ in range(4 * processes)]

    async def pages(client: Client) -> None:
        for path in PAGES.values():
            with suppress(ClientError):
                await client.request("GET", path)

    deadline = time.perf_counter() + 180
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            await asyncio.gather(*(pages(client) for client in clients))
            if time.perf_counter() - t0 < 2.0:
                return
    finally:
        for client in clients:
            await client.aclose()


async def run_cell(
    base: str, pid: int, users: int, seconds: float, warmup: float
) -> tuple[dict[str, PageStats], float, float, float]:
    """The users' pages for `warmup` + `seconds`; returns the stats, the measured seconds and the server's and this
    client's CPU seconds per measured request."""
    clients = []
    for _ in range(users):  # sequential logins: the password hash is meant to be slow
        clients.append(await login(base))
    stats = {page: PageStats() for page in PAGES}
    start = time.perf_counter() + warmup
    stop = start + seconds
    rng = random.Random(14)
    loops = asyncio.gather(*(user_loop(c, stats, start, stop, random.Random(rng.random())) for c in clients))
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    server0, client0 = process_tree_cpu(pid), time.process_time()
    await loops
    measured = time.perf_counter() - start
    requests = max(1, sum(len(p.latencies) for p in stats.values()))
    server_cpu = (process_tree_cpu(pid) - server0) / requests
    client_cpu = (time.process_time() - client0) / requests
    for client in clients:
        await client.aclose()
    return stats, measured, server_cpu, client_cpu


# --- the report ---------------------------------------------------------------------------------------------------


def print_cell(cell: Cell, baseline: dict[str, float] | None) -> None:
    for page, stats in cell.pages.items():
        count = len(stats.latencies)
        p95 = stats.percentile(95)
        ratio = f"{p95 / baseline[page]:6.1f}x" if baseline and baseline.get(page) else "   1,0x"
        goal = "ok" if cell.users < 50 or (p95 <= GOAL_P95_S and stats.errors == 0) else "OVER MÅLET"
        print(
            f"{cell.database:10s} {'30k' if cell.big else '-':>4s} {cell.processes:>3d} {cell.users:>5d}  "
            f"{page:9s} {count / cell.seconds:7.1f} {stats.percentile(50) * 1000:7.0f} {p95 * 1000:7.0f} "
            f"{stats.percentile(99) * 1000:7.0f} {stats.errors:6d} {ratio} {cell.server_cpu * 1000:6.1f} "
            f"{cell.client_cpu * 1000:6.1f}  {goal}".replace(".", ",")
        )
    sys.stdout.flush()


HEADER = (
    "database   stor  pr  brukere side       req/s  p50 ms  p95 ms  p99 ms  feil   p95/1b CPU ms: server klient\n"
    "---------- ---- --- -------- --------- ------- ------- ------- ------- ------ ------- ------ ------"
)


def run_database(name: str, url: str, args: argparse.Namespace) -> list[Cell]:
    seed(url)
    cells: list[Cell] = []
    baselines: dict[int, dict[str, float]] = {}
    for big in (False, True) if not args.no_big else (False,):
        if big:
            took = add_big(url, args.physicians)
            print(f"# {name}: {args.physicians} leger lagret i kommune {BIG_CODE} ({took:.1f} s)".replace(".", ","))
        for processes in args.processes:
            with server(url, processes) as (base, pid):
                asyncio.run(prime(base, processes))
                for users in args.users:
                    stats, seconds, server_cpu, client_cpu = asyncio.run(
                        run_cell(base, pid, users, args.duration, args.warmup)
                    )
                    cell = Cell(name, big, processes, users, seconds, stats, server_cpu, client_cpu)
                    if users == min(args.users) and not big:
                        baselines[processes] = {p: s.percentile(95) for p, s in stats.items()}
                    print_cell(cell, baselines.get(processes))
                    cells.append(cell)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds per cell (default 30)")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds per cell before measuring (default 5)")
    parser.add_argument("--users", default="1,50", help="concurrent users per cell (default 1,50)")
    parser.add_argument("--processes", default="1,2,4", help="web processes (default 1,2,4)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--physicians", type=int, default=30_000, help="physicians in the other municipality")
    parser.add_argument("--no-big", action="store_true", help="skip the run with the large other municipality")
    args = parser.parse_args()
    args.users = sorted({int(u) for u in args.users.split(",")})
    args.processes = [int(p) for p in args.processes.split(",")]
    print(f"# web_load: {args.duration:g} s per cell, {os.cpu_count()} CPU-kjerner, sider {', '.join(PAGES.values())}")
    print(HEADER)
    cells: list[Cell] = []
    if args.database in ("sqlite", "both"):
        with sqlite_database() as url:
            cells += run_database("sqlite", url, args)
    postgres = os.environ.get("LEGEPLAN_TEST_POSTGRES_URL")
    if args.database in ("postgresql", "both"):
        if postgres:
            with postgres_database(postgres) as url:
                cells += run_database("postgresql", url, args)
        else:
            print("# PostgreSQL hoppet over: LEGEPLAN_TEST_POSTGRES_URL er ikke satt")
    # The 30 000 physicians must not slow the first municipality: p95 with them against without, same cell.
    plain = {(c.database, c.processes, c.users): c for c in cells if not c.big}
    for cell in (c for c in cells if c.big):
        before = plain.get((cell.database, cell.processes, cell.users))
        if before is None:
            continue
        ratios = ", ".join(
            f"{page} {stats.percentile(95) / before.pages[page].percentile(95):.2f}x"
            for page, stats in cell.pages.items()
        )
        print(
            f"# med {args.physicians} leger i {BIG_CODE} / uten: {cell.database}, {cell.processes} pr, "
            f"{cell.users} brukere: p95 {ratios}".replace(".", ",")
        )


if __name__ == "__main__":
    main()
