"""The statistics cache on SQLite and PostgreSQL: the newest fetch wins, history is kept, payloads round-trip."""

from __future__ import annotations

from datetime import date, datetime

from legeplan.storage import Storage
from legeplan.storage.statistics_tables import StatisticsStore


def test_newest_fetch_wins_and_history_is_kept(storage: Storage) -> None:
    store = StatisticsStore(storage)
    payload = {"class": "dataset", "label": "07459: Befolkning", "value": [13412, None], "note": ["æøå «»"]}

    def save(table_id: str, document: object, day: int) -> None:
        store.save(
            source="ssb",
            table_id=table_id,
            municipality_code="1824",
            query={"Region": ["1824", "18", "0"], "Tid": ["2024"]},
            url="https://data.ssb.no/api/pxwebapi/v2/tables/07459/data",
            data_period="2024",
            data_date=date(2024, 1, 1),
            data_date_text="1.1.2024",
            payload=document,
            fetched_at=datetime(2025, 3, day, 12, 0),
        )

    save("07459", payload, 1)
    newer = dict(payload, value=[13390, None])
    save("07459", newer, 2)
    save("14288", payload, 3)
    latest = store.latest("ssb", "07459", "1824")
    assert latest is not None
    assert latest.payload == newer
    assert latest.data_date == date(2024, 1, 1) and latest.data_date_text == "1.1.2024"
    assert latest.query == {"Region": ["1824", "18", "0"], "Tid": ["2024"]}
    either = store.latest("ssb", ("14746", "14288"), "1824")
    assert either is not None and either.table_id == "14288"
    assert store.latest("kuhr", "takstbruk", "1824") is None
    assert store.latest("ssb", "07459", "1804") is None
    assert [h.table_id for h in store.history("1824")] == ["14288", "07459", "07459"]
