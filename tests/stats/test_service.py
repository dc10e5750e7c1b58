"""Fetching into the cache: provenance, what changed, offline use of the cache, the projection fallback, comparison
values and KUHR consultations — all against the recorded responses."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import respx

from legeplan.statistics.errors import StatisticsError
from legeplan.statistics.figures import (
    NotCachedError,
    comparison,
    consultations,
    figure,
    population,
    population_by_age,
)
from legeplan.statistics.inputs import contacts_comparison, contacts_per_inhabitant, projection_from_cache
from legeplan.statistics.kuhr import KuhrClient
from legeplan.statistics.service import Status, fetch_statistics
from legeplan.statistics.ssb import PxWebClient
from legeplan.storage import Storage
from legeplan.storage.statistics_tables import StatisticsStore

from .conftest import KUHR_URL, SSB_URL, FakePxWeb, Sleeps


def _fetch(store: StatisticsStore, code: str, ssb: PxWebClient, kuhr: KuhrClient, **options: Any):  # type: ignore[no-untyped-def]
    return fetch_statistics(store, code, ssb=ssb, kuhr=kuhr, this_year=2020, **options)


def test_fetch_stores_every_table_with_provenance(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    report = _fetch(store, "1804", ssb_client, kuhr_client)
    assert report.ok, [t.message for t in report.tables]
    statuses = {t.table_id: (t.status, t.data_date_text) for t in report.tables}
    assert statuses == {
        "07459": (Status.FETCHED, "1.1.2024"),
        "14288": (Status.FETCHED, "framskrevet fra 2022"),  # 14746 (newer) is not published: fell back
        "12005": (Status.FETCHED, "31.12.2023"),
        "11996": (Status.FETCHED, "2023"),
        "takstbruk": (Status.FETCHED, "2019"),
    }
    people = population(store, "1804")
    assert people.value == 53_712
    assert people.citation == "SSB tabell 07459 (1.1.2024)"
    assert people.data_date is not None and people.data_date.isoformat() == "2024-01-01"
    assert population(store, "1804", year=2022).citation == "SSB tabell 07459 (1.1.2022)"
    lists = figure(store, "1804", "listelengde")
    assert (lists.value, lists.citation) == (1069, "SSB tabell 12005 (31.12.2023)")


def test_later_runs_use_the_cache_without_network(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient, sleeps: Sleeps
) -> None:
    _fetch(store, "1804", ssb_client, kuhr_client)
    with respx.mock(assert_all_called=False) as router:  # every request would now fail
        router.get(url__startswith=SSB_URL).mock(side_effect=httpx.ConnectError("offline"))
        router.get(url__startswith=KUHR_URL).mock(side_effect=httpx.ConnectError("offline"))
        offline_ssb = PxWebClient(SSB_URL, sleep=sleeps)
        again = fetch_statistics(
            store, "1804", ssb=offline_ssb, kuhr=KuhrClient(KUHR_URL, sleep=sleeps), this_year=2020
        )
        assert {t.status for t in again.tables} == {Status.CACHED}
        assert offline_ssb.requests == 0
        assert router.calls.call_count == 0
        assert population(store, "1804").value == 53_712


def test_offline_without_cache_says_so_in_norwegian(store: StatisticsStore, sleeps: Sleeps) -> None:
    with respx.mock() as router:
        router.get(url__startswith=SSB_URL).mock(side_effect=httpx.ConnectError("offline"))
        router.get(url__startswith=KUHR_URL).mock(side_effect=httpx.ConnectError("offline"))
        report = fetch_statistics(
            store, "1804", ssb=PxWebClient(SSB_URL, sleep=sleeps), kuhr=KuhrClient(KUHR_URL, sleep=sleeps)
        )
    assert not report.ok
    assert all(t.status is Status.FAILED for t in report.tables)
    assert all(t.message.startswith("Får ikke kontakt med") for t in report.tables)
    with pytest.raises(NotCachedError, match="Kjør «legeplan statistics fetch -m 1804»"):
        population(store, "1804")


def test_refresh_tells_what_changed(
    fake_ssb: FakePxWeb,
    cubes: dict[str, Any],
    store: StatisticsStore,
    ssb_client: PxWebClient,
    kuhr_client: KuhrClient,
) -> None:
    _fetch(store, "1824", ssb_client, kuhr_client, table_ids=("07459",), with_kuhr=False)
    # SSB revises Vefsn 1.1.2024 from 13 412 to 13 390 (22 fewer 30-year-olds, men)
    revised = copy.deepcopy(cubes["07459"])
    dims = revised["dimension"]
    ids, sizes = revised["id"], revised["size"]
    index = [dims[d]["category"]["index"] for d in ids]
    codes = ("1824", "1", "030", "Personer1", "2024")
    position = 0
    for n, (idx, code) in enumerate(zip(index, codes, strict=True)):
        stride = 1
        for size in sizes[n + 1 :]:
            stride *= size
        position += idx[code] * stride
    revised["value"][position] -= 22
    fake_ssb.cubes["07459"] = revised
    cached = _fetch(store, "1824", ssb_client, kuhr_client, table_ids=("07459",), with_kuhr=False)
    assert cached.tables[0].status is Status.CACHED  # without --refresh nothing is fetched
    report = _fetch(store, "1824", ssb_client, kuhr_client, table_ids=("07459",), with_kuhr=False, refresh=True)
    (table,) = report.tables
    assert table.status is Status.FETCHED
    assert [c.text for c in table.changes] == ["Folkemengde 2024: 13\u00a0412 → 13\u00a0390"]
    assert population(store, "1824").value == 13_390
    unchanged = _fetch(store, "1824", ssb_client, kuhr_client, table_ids=("07459",), with_kuhr=False, refresh=True)
    assert unchanged.tables[0].changes == ()


def test_unknown_municipality_is_reported_per_table(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    report = _fetch(store, "5401", ssb_client, kuhr_client, table_ids=("07459", "12005"), with_kuhr=False)
    assert [t.status for t in report.tables] == [Status.FAILED, Status.FAILED]
    assert "Kommunenummer 5401 finnes ikke (lenger) i SSB-tabell 07459" in report.tables[0].message


def test_comparison_municipality_county_country(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    _fetch(store, "1804", ssb_client, kuhr_client)
    reserve = comparison(store, "1804", "reservekapasitet")
    assert reserve.municipality.value == 101.1
    assert reserve.county is not None and reserve.county.value == 102.2 and reserve.county.region == "EKA18"
    assert reserve.country is not None and reserve.country.value == 101.2 and reserve.country.region == "EAK"
    assert reserve.municipality.citation == "SSB tabell 12005 (31.12.2023)"
    people = comparison(store, "1804", "folkemengde", year=2024)
    assert (people.municipality.value, people.county and people.county.value) == (53_712, 243_081)
    assert people.country is not None and people.country.value == 5_550_203
    as_json = people.as_dict()
    assert as_json["country"]["citation"] == "SSB tabell 07459 (1.1.2024)"  # type: ignore[index]


def test_bodo_legeaarsverk_per_10000_seed(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    """Bodø plan (seed 003): 11,1 legeårsverk per 10 000 innbyggere in 2020 (KOSTRA)."""
    _fetch(store, "1804", ssb_client, kuhr_client)
    functions = ("241", "232", "233", "253")
    fte = sum(figure(store, "1804", f"legeaarsverk_{f}", year=2020).value for f in functions)
    fte += 0.7  # 256 (øyeblikkelig hjelp) is in the table but not a key figure
    inhabitants = population(store, "1804", year=2020).value
    assert round(fte / inhabitants * 10_000, 1) == 11.1


def test_kuhr_consultations_per_inhabitant_vefsn_seed(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    """Vefsn plan (seed 000): about 37 000 consultations a year, 2,78 per inhabitant."""
    _fetch(store, "1824", ssb_client, kuhr_client)
    measured = consultations(store, "1824")
    assert measured.value[2019] == 37_000
    rate = contacts_per_inhabitant(store, "1824", year=2019)
    assert rate is not None
    assert round(rate.value, 2) == 2.78
    assert rate.citation == "KUHR (NAV/Helfo) takstbruk (2019)"
    assert consultations(store, "1824", level="landet").value[2019] > measured.value[2019]
    beside = contacts_comparison(store, "1824")
    assert beside is not None and round(beside.municipality.value, 2) == 2.78
    assert beside.county is not None and beside.county.region == "18"
    county_consultations = consultations(store, "1824", level="fylke").value[2019]
    assert beside.county.value == pytest.approx(county_consultations / 241_906)  # Nordland 1.1.2020
    assert beside.country is not None and beside.country.region == "0"


def test_unknown_key_figure_is_named(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    with pytest.raises(StatisticsError, match="Ukjent nøkkeltall «legedekning»; kjente er folkemengde"):
        figure(store, "1804", "legedekning")


def test_population_by_age_and_projection_from_cache_bodo_seed(
    fake_ssb: FakePxWeb, store: StatisticsStore, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    _fetch(store, "1804", ssb_client, kuhr_client)
    ages = population_by_age(store, "1804", year=2022)
    assert sum(ages.value[a] for a in range(80, 90)) == 1_800
    projected = projection_from_cache(store, "1804", years=[2022, 2025, 2030])
    assert projected.citation == "SSB tabell 14288 (MMMM) (framskrevet fra 2022)"
    assert round(projected.value.growth_share(2022, 2025, "80-89"), 3) == 0.176  # Bodø: 80-89 år +17,6 %
    assert projected.value.growth(2022, 2025) == 592  # Bodø: «samlet befolkningsøkning på kun 592 personer»


def test_cache_survives_a_new_storage_and_keeps_history(
    fake_ssb: FakePxWeb, storage: Storage, ssb_client: PxWebClient, kuhr_client: KuhrClient
) -> None:
    store = StatisticsStore(storage)
    _fetch(store, "1804", ssb_client, kuhr_client, table_ids=("12005",), with_kuhr=False)
    _fetch(store, "1804", ssb_client, kuhr_client, table_ids=("12005",), with_kuhr=False, refresh=True)
    reopened = StatisticsStore(Storage(storage.url))
    history = reopened.history("1804")
    assert [h.table_id for h in history] == ["12005", "12005"]
    assert history[0].query["KOKkommuneregion0000"] == ["1804", "EKA18", "EAK"]
    assert history[0].url == f"{SSB_URL}/tables/12005/data"
    reopened.storage.dispose()
