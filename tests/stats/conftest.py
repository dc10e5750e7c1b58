"""A fake SSB PxWebApi v2 and KUHR takstbruk service over httpx (respx), serving the recorded cubes in fixtures/.

The fake answers like the real service: `/tables/{id}/metadata` is the cube without values, `/tables/{id}/data`
slices the cube to the `valueCodes[...]` asked for (a code list or `*`), an unknown table is 404 with a problem
body, an unknown code or a missing mandatory dimension is 400. It slices the raw recorded documents itself (not
with legeplan's reader), so a reader bug cannot hide behind the fake.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from legeplan.statistics.kuhr import KuhrClient
from legeplan.statistics.ssb import PxWebClient
from legeplan.storage import Storage
from legeplan.storage.statistics_tables import StatisticsStore

FIXTURES = Path(__file__).parent / "fixtures"
SSB_URL = "https://ssb.test/api/pxwebapi/v2"
KUHR_URL = "https://kuhr.test/api/opne-data/v1"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def problem(status: int, title: str, detail: str = "") -> httpx.Response:
    body = {"type": "https://tools.ietf.org/html/rfc9110", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


class FakePxWeb:
    """The recorded cubes behind SSB's URL scheme; counts requests and the cells of every extract."""

    def __init__(self, cubes: dict[str, dict[str, Any]]) -> None:
        self.cubes = cubes
        self.calls: list[str] = []
        self.extract_cells: list[int] = []
        self.fail_next: list[httpx.Response | Exception] = []

    def _codes(self, cube: dict[str, Any], dim: str) -> list[str]:
        index = cube["dimension"][dim]["category"]["index"]
        return sorted(index, key=index.get)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(str(request.url))
        if self.fail_next:
            failure = self.fail_next.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        parts = request.url.path.split("/tables/", 1)[1].strip("/").split("/")
        table_id, kind = parts[0], parts[1] if len(parts) > 1 else ""
        cube = self.cubes.get(table_id)
        if cube is None:
            return problem(404, "Non-existent table", f"Table {table_id} does not exist")
        if kind == "metadata":
            meta = copy.deepcopy(cube)
            meta.pop("value")
            return httpx.Response(200, json=meta)
        return self._data(cube, request.url.params)

    def _data(self, cube: dict[str, Any], params: httpx.QueryParams) -> httpx.Response:
        selected: list[list[str]] = []
        for dim in cube["id"]:
            raw = params.get(f"valueCodes[{dim}]")
            all_codes = self._codes(cube, dim)
            if raw is None:
                return problem(400, "Missing selection for mandatory variable", dim)
            codes = all_codes if raw == "*" else raw.split(",")
            unknown = [c for c in codes if c not in all_codes]
            if unknown:
                return problem(400, "Non-existent value", f"{dim}: {','.join(unknown)}")
            selected.append(codes)
        sizes = cube["size"]
        strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
        values = []
        for combo in itertools.product(*selected):
            position = sum(
                cube["dimension"][d]["category"]["index"][c] * s
                for d, c, s in zip(cube["id"], combo, strides, strict=True)
            )
            values.append(cube["value"][position])
        self.extract_cells.append(len(values))
        out = copy.deepcopy({k: v for k, v in cube.items() if k != "value"})
        out["size"] = [len(c) for c in selected]
        for dim, codes in zip(cube["id"], selected, strict=True):
            category = out["dimension"][dim]["category"]
            category["index"] = {c: i for i, c in enumerate(codes)}
            category["label"] = {c: category["label"][c] for c in codes}
        out["value"] = values
        return httpx.Response(200, json=out)


class FakeKuhr:
    """takstbruk/agtakst/{kommune|fylke|landet}/ar over the recorded rows, aggregated like the service does."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.calls: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(str(request.url))
        level = request.url.path.rstrip("/").split("/")[-2]
        p = request.url.params
        if "fagomraade" not in p or "fomar" not in p or "tomar" not in p:
            return httpx.Response(400, json={"melding": "fagomraade, fomar og tomar er obligatoriske"})
        first, last = int(p["fomar"]), int(p["tomar"])
        codes = {c.lower() for c in p.get("takstkoder", "").split(",") if c}
        rows = [r for r in self.rows if first <= r["ar"] <= last and (not codes or r["takstkode"].lower() in codes)]
        if level == "kommune":
            wanted = set(p.get("kommuner", "").split(","))
            return httpx.Response(200, json=[r for r in rows if r["behandler_kommunenr"] in wanted])
        key = "behandler_fylke"
        if level == "fylke":
            wanted = set(p.get("fylker", "").split(","))
            rows = [r for r in rows if r[key] in wanted]
        totals: dict[tuple[Any, ...], dict[str, Any]] = {}
        for r in rows:
            group = (r["ar"], r["takstkode"], r[key] if level == "fylke" else None)
            entry = totals.setdefault(
                group,
                {
                    "ar": r["ar"],
                    "takstkode": r["takstkode"],
                    "fagomraade": "LE",
                    "praksis_type_kode": "FALE",
                    "behandler_fylke": group[2],
                    "antall_regninger": 0,
                },
            )
            entry["antall_regninger"] += r["antall_regninger"]
        return httpx.Response(200, json=list(totals.values()))


@pytest.fixture
def cubes() -> dict[str, dict[str, Any]]:
    return {name: load(f"ssb_{name}.json") for name in ("07459", "14288", "12005", "11996")}


@pytest.fixture
def fake_ssb(cubes: dict[str, dict[str, Any]]) -> Iterator[FakePxWeb]:
    fake = FakePxWeb(cubes)
    with respx.mock(assert_all_called=False) as router:
        router.get(url__startswith=SSB_URL).mock(side_effect=fake.handle)
        fake_kuhr = FakeKuhr(load("kuhr_takstbruk_kommune_ar.json"))
        router.get(url__startswith=KUHR_URL).mock(side_effect=fake_kuhr.handle)
        fake.kuhr = fake_kuhr  # type: ignore[attr-defined]
        yield fake


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def ssb_client(sleeps: Sleeps) -> Iterator[PxWebClient]:
    client = PxWebClient(SSB_URL, sleep=sleeps)
    yield client
    client.close()


@pytest.fixture
def kuhr_client(sleeps: Sleeps) -> Iterator[KuhrClient]:
    client = KuhrClient(KUHR_URL, sleep=sleeps)
    yield client
    client.close()


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    store = Storage(f"sqlite:///{tmp_path / 'stats.sqlite'}")
    yield store
    store.dispose()


@pytest.fixture
def store(storage: Storage) -> StatisticsStore:
    return StatisticsStore(storage)
