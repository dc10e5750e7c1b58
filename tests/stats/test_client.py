"""SSB PxWebApi v2 client against the recorded responses: retry and backoff, the cell limit, throttling, and the
Norwegian messages for an unknown table, an unknown code and no network."""

from __future__ import annotations

import math

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st

from legeplan.statistics.errors import OfflineError, ServiceError, UnknownCodeError, UnknownTableError
from legeplan.statistics.http import Throttle
from legeplan.statistics.kuhr import KuhrClient, consultations_by_year
from legeplan.statistics.ssb import PxWebClient, split_selection, ssb_base_url
from legeplan.statistics.tables import DOCTOR_FTE, GP_LISTS, POPULATION, PROJECTION_TABLES

from .conftest import KUHR_URL, SSB_URL, FakePxWeb, Sleeps, problem


def test_population_for_bodo_with_county_and_country(fake_ssb: FakePxWeb, ssb_client: PxWebClient) -> None:
    fetched = ssb_client.fetch(POPULATION, "1804")
    assert fetched.query["Region"] == ("1804", "18", "0")
    assert fetched.query["Tid"] == ("2020", "2021", "2022", "2023", "2024")
    assert len(fetched.query["Alder"]) == 106
    data = fetched.dataset
    assert data.total(Region="1804", Tid="2022") == 52_697  # Bodø 1.1.2022, seed 003 age groups summed
    assert data.total(Region="0", Tid="2024") == 5_550_203
    bodo_80_89 = sum(data.total(Region="1804", Tid="2022", Alder=f"{a:03d}") or 0 for a in range(80, 90))
    assert bodo_80_89 == 1_800
    assert fetched.latest_period == "2024"
    assert fetched.parts == 1
    # the long age dimension is sent as *, the short ones as code lists
    assert "valueCodes%5BAlder%5D=%2A" in fake_ssb.calls[-1] or "valueCodes[Alder]=*" in fake_ssb.calls[-1]


def test_kostra_tables_use_kostra_region_codes(fake_ssb: FakePxWeb, ssb_client: PxWebClient) -> None:
    gp = ssb_client.fetch(GP_LISTS, "3804")
    assert gp.query["KOKkommuneregion0000"] == ("3804", "EAK")  # the recorded table has no EKA38
    assert gp.dataset.value(KOKkommuneregion0000="3804", ContentsCode="KOSgjsnlisteleng0000", Tid="2020") == 1143
    fte = ssb_client.fetch(DOCTOR_FTE, "1804")
    assert fte.query["KOKkommuneregion0000"] == ("1804", "EKA18", "EAK")
    assert fte.query["KOKfunksjon0000"] == ("241", "232", "233", "253", "256")


def test_split_by_cell_limit_gives_the_same_cube(fake_ssb: FakePxWeb, sleeps: Sleeps) -> None:
    whole = PxWebClient(SSB_URL, sleep=sleeps).fetch(POPULATION, "1804")
    fake_ssb.extract_cells.clear()
    small = PxWebClient(SSB_URL, sleep=sleeps, max_cells=500)
    split = small.fetch(POPULATION, "1804")
    assert split.parts > 1
    assert split.parts == len(fake_ssb.extract_cells)
    assert max(fake_ssb.extract_cells) <= 500
    assert sum(fake_ssb.extract_cells) == whole.dataset.cell_count == 3 * 2 * 106 * 5
    assert dict(split.dataset.cells) == dict(whole.dataset.cells)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["Region", "Kjonn", "Alder", "Tid", "ContentsCode"]),
        st.integers(min_value=1, max_value=6),
        min_size=1,
    ),
    st.integers(min_value=1, max_value=300),
)
def test_split_selection_covers_every_cell_once(sizes: dict[str, int], limit: int) -> None:
    selection = {name: tuple(f"{name}{i}" for i in range(n)) for name, n in sizes.items()}
    parts = split_selection(selection, limit)
    seen: list[tuple[str, ...]] = []
    for part in parts:
        assert math.prod(len(c) for c in part.values()) <= limit
        seen.extend(_cells(part))
    assert sorted(seen) == sorted(_cells(selection))


def _cells(selection: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    import itertools

    return list(itertools.product(*(selection[name] for name in sorted(selection))))


def test_429_then_200_retries_with_backoff(fake_ssb: FakePxWeb, ssb_client: PxWebClient, sleeps: Sleeps) -> None:
    fake_ssb.fail_next = [problem(429, "Too Many Requests"), problem(429, "Too Many Requests")]
    fetched = ssb_client.fetch(GP_LISTS, "1804")
    assert fetched.dataset.value(KOKkommuneregion0000="1804", ContentsCode="KOSantallavtaler0001", Tid="2023") == 53
    assert sleeps == [1.0, 2.0]  # backoff 1 s, 2 s (injected sleep: no waiting)
    assert ssb_client.retried == 2


def test_retry_after_header_is_honoured(fake_ssb: FakePxWeb, ssb_client: PxWebClient, sleeps: Sleeps) -> None:
    fake_ssb.fail_next = [httpx.Response(503, headers={"Retry-After": "7"})]
    ssb_client.metadata("12005")
    assert sleeps == [7.0]


def test_timeouts_are_retried_then_given_up(fake_ssb: FakePxWeb, sleeps: Sleeps) -> None:
    client = PxWebClient(SSB_URL, sleep=sleeps, retries=2)
    fake_ssb.fail_next = [httpx.ReadTimeout("slow")] * 3
    with pytest.raises(ServiceError) as caught:
        client.metadata("07459")
    assert "svarte ikke riktig etter 3 forsøk" in str(caught.value)
    assert "tidsavbrudd" in str(caught.value)
    assert sleeps == [1.0, 2.0]


def test_5xx_gives_up_after_retries(fake_ssb: FakePxWeb, sleeps: Sleeps) -> None:
    client = PxWebClient(SSB_URL, sleep=sleeps, retries=1)
    fake_ssb.fail_next = [httpx.Response(502), httpx.Response(502)]
    with pytest.raises(ServiceError, match="HTTP 502"):
        client.metadata("07459")


def test_unknown_table_is_a_norwegian_message(fake_ssb: FakePxWeb, ssb_client: PxWebClient) -> None:
    with pytest.raises(UnknownTableError) as caught:
        ssb_client.fetch(PROJECTION_TABLES[0], "1804")  # 14746 is not in the recorded service
    assert str(caught.value).startswith("SSB har ingen tabell 14746 (HTTP 404)")


def test_municipality_code_that_no_longer_exists(fake_ssb: FakePxWeb, ssb_client: PxWebClient) -> None:
    with pytest.raises(UnknownCodeError) as caught:
        ssb_client.fetch(POPULATION, "5401")  # Tromsø was 5401 until 2024, now 5501
    message = str(caught.value)
    assert "Kommunenummer 5401 finnes ikke (lenger) i SSB-tabell 07459" in message
    assert "5501" in message


def test_a_content_code_that_is_gone(fake_ssb: FakePxWeb, ssb_client: PxWebClient, cubes: dict) -> None:
    del cubes["12005"]["dimension"]["ContentsCode"]["category"]["index"]["KOSaapnelister0000"]
    cubes["12005"]["dimension"]["ContentsCode"]["category"]["index"] = {
        code: n for n, code in enumerate(cubes["12005"]["dimension"]["ContentsCode"]["category"]["index"])
    }
    cubes["12005"]["size"][1] -= 1
    with pytest.raises(UnknownCodeError, match="Koden KOSaapnelister0000 finnes ikke"):
        ssb_client.fetch(GP_LISTS, "1804")


def test_offline_is_a_norwegian_message_without_retries(sleeps: Sleeps) -> None:
    with respx.mock() as router:
        router.get(url__startswith=SSB_URL).mock(side_effect=httpx.ConnectError("Name or service not known"))
        client = PxWebClient(SSB_URL, sleep=sleeps)
        with pytest.raises(OfflineError) as caught:
            client.metadata("07459")
    assert str(caught.value).startswith("Får ikke kontakt med SSB")
    assert sleeps == []


def test_refused_query_names_the_problem(fake_ssb: FakePxWeb, ssb_client: PxWebClient) -> None:
    with pytest.raises(ServiceError, match="Missing selection for mandatory variable"):
        ssb_client.data("07459", {"Region": ("1804",)})


def test_throttle_waits_when_the_window_is_full() -> None:
    now = [0.0]
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    throttle = Throttle(3, 60.0, sleep=sleep, clock=lambda: now[0])
    for _ in range(3):
        throttle.wait()
        now[0] += 1.0
    throttle.wait()  # the 4th call within 60 s waits until the first is 60 s old
    assert waited == [57.0]
    now[0] += 100.0
    throttle.wait()
    assert waited == [57.0]


def test_client_throttles_to_the_services_limit(fake_ssb: FakePxWeb, sleeps: Sleeps) -> None:
    clock = [0.0]
    client = PxWebClient(SSB_URL, sleep=sleeps, clock=lambda: clock[0], calls_per_window=2, window_s=60.0)
    client.fetch(GP_LISTS, "1804")  # metadata + data = 2 calls
    client.metadata("07459")  # third call in the same window
    assert sleeps == [60.0]


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGEPLAN_SSB_URL", "http://localhost:9/api")
    assert ssb_base_url() == "http://localhost:9/api"
    assert ssb_base_url("http://x") == "http://x"


def test_kuhr_takstbruk_vefsn(fake_ssb: FakePxWeb, kuhr_client: KuhrClient) -> None:
    rows = kuhr_client.takstbruk(level="kommune", codes=("1824",), from_year=2015, to_year=2019)
    by_year = consultations_by_year(rows)
    assert by_year[2019] == 37_000  # seed 000: «ca 37.000 konsultasjoner … i Vefsn pr år»
    county = kuhr_client.takstbruk(level="fylke", codes=("18",), from_year=2019, to_year=2019)
    assert consultations_by_year(county)[2019] > 37_000
    assert "takstkoder=2ad%2C2ak" in fake_ssb.kuhr.calls[0] or "takstkoder=2ad,2ak" in fake_ssb.kuhr.calls[0]  # type: ignore[attr-defined]


def test_kuhr_refusal_is_norwegian(sleeps: Sleeps) -> None:
    with respx.mock() as router:
        router.get(url__startswith=KUHR_URL).mock(return_value=httpx.Response(400, json={"melding": "ugyldig"}))
        client = KuhrClient(KUHR_URL, sleep=sleeps)
        with pytest.raises(UnknownCodeError, match="KUHR \\(takstbruk\\) avviste spørringen"):
            client.takstbruk(level="kommune", codes=("9999",), from_year=2019, to_year=2019)
