"""Issue 14, item 7 (scale): a page of one municipality loads only that municipality's register rows, whatever another
municipality holds; what is cached per register version changes as soon as anything (any process) saves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from legeplan.register.demo import demo_register
from legeplan.register.models import Municipality, Physician, PhysicianRole, Register, Sex
from legeplan.storage import Storage
from legeplan.storage.tables import PhysicianRow, SnapshotRow

A = "3804"
B = "1804"
B_PHYSICIANS = 1500


def big_register(extra: int) -> Register:
    """Another municipality: the demo's structure under code 1804 and `extra` municipal doctors more."""
    demo = demo_register()
    dumped = demo.model_dump()
    for key in ("offices", "positions", "physicians", "institutions", "planned_positions"):
        for item in dumped[key]:
            item["municipality_code"] = B
    register = Register.model_validate(dumped)
    more = tuple(
        Physician(
            id=f"x{n}",
            municipality_code=B,
            name=f"Lege {n}",
            birth_year=1960 + n % 30,
            sex=Sex.FEMALE,
            role=PhysicianRole.MUNICIPAL,
            start_date=date(2015, 1, 1),
        )
        for n in range(extra)
    )
    municipality = Municipality(
        code=B, name="Storby", population=500_000, population_date=date(2020, 1, 1), centrality=1
    )
    return register.model_copy(update={"municipality": municipality, "physicians": (*register.physicians, *more)})


@contextmanager
def physician_rows_loaded() -> Iterator[list[int]]:
    """The snapshot id of every physician row the ORM loads while inside."""
    loaded: list[int] = []

    def on_load(target: PhysicianRow, _context: object) -> None:
        loaded.append(target.snapshot_id)

    event.listen(PhysicianRow, "load", on_load)
    try:
        yield loaded
    finally:
        event.remove(PhysicianRow, "load", on_load)


def snapshot_ids(storage: Storage, code: str) -> set[int]:
    with storage.session() as session:
        return set(session.scalars(select(SnapshotRow.id).where(SnapshotRow.municipality_code == code)))


def test_pages_of_a_load_no_row_of_a_big_b(app: FastAPI, login: Callable[[str], tuple[TestClient, str]]) -> None:
    storage: Storage = app.state.storage
    storage.save_register(big_register(B_PHYSICIANS))
    b_snapshots = snapshot_ids(storage, B)
    a_physicians = len(demo_register().physicians)
    for username in ("leser", "admin"):  # a user of A only, and the global admin whose menu lists B too
        client, _csrf = login(username)
        storage._registers.clear()  # cold: nothing of A decoded yet either
        with physician_rows_loaded() as loaded:
            for path in (f"/m/{A}", f"/m/{A}/register", f"/m/{A}/register?kind=physicians", f"/m/{A}/scenarios"):
                response = client.get(path)
                assert response.status_code == 200, path
        assert not b_snapshots & set(loaded), f"{username}: rows of {B} loaded"
        # A's current snapshot and, for the dashboard's trends, its earlier one: nothing else.
        assert len(loaded) <= 2 * a_physicians
    admin, _csrf = login("admin")
    assert "Storby" in admin.get("/").text  # B is listed for the global admin, by name only


def test_a_warm_page_loads_no_physician_row_at_all(
    app: FastAPI, login: Callable[[str], tuple[TestClient, str]]
) -> None:
    client, _csrf = login("leser")
    client.get(f"/m/{A}")
    client.get(f"/m/{A}/register")
    with physician_rows_loaded() as loaded:
        assert client.get(f"/m/{A}").status_code == 200
        assert client.get(f"/m/{A}/register").status_code == 200
    assert loaded == []  # the register and the dashboard's figures come from the per-version cache


def test_a_save_in_another_process_shows_at_once(app: FastAPI, login: Callable[[str], tuple[TestClient, str]]) -> None:
    """The caches are keyed by the stored register version, so a save through another Storage (another web process
    or a worker) is seen on the next page view without any message between the processes."""
    client, _csrf = login("leser")
    assert "Storby" not in client.get(f"/m/{A}/register?kind=offices").text
    other = Storage(app.state.storage.url)
    register = other.load_register(A)
    renamed = register.offices[0].model_copy(update={"name": "Omdøpt Legesenter"})
    other.save_register(register.model_copy(update={"offices": (renamed, *register.offices[1:])}))
    assert "Omdøpt Legesenter" in client.get(f"/m/{A}/register?kind=offices").text
    before = client.get(f"/m/{A}").text
    fewer = register.model_copy(update={"municipality": register.municipality.model_copy(update={"population": 1})})
    other.save_register(fewer)
    assert client.get(f"/m/{A}").text != before  # the dashboard's key figures follow the new population
    other.dispose()


def test_menu_names_come_from_the_newest_snapshot(app: FastAPI) -> None:
    storage: Storage = app.state.storage
    listed = {m.code: m for m in storage.list_municipalities()}
    assert listed[A].population == demo_register().municipality.population  # not the earlier snapshot's
    storage.save_register(big_register(0))
    assert {m.code for m in storage.list_municipalities()} == {A, B}


def test_deleting_a_snapshot_is_a_new_version(app: FastAPI) -> None:
    storage: Storage = app.state.storage
    before = storage.register_key(A)
    dates = storage.snapshot_dates(A)
    assert storage.delete_snapshot(A, dates[0])
    after = storage.register_key(A)
    assert before is not None and after is not None and before != after
    assert not storage.delete_snapshot(A, dates[0])
    assert storage.register_key(A) == after
