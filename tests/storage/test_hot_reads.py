"""The reads every page makes go through the database driver (`Storage.fetch`): the same answers as SQLAlchemy gives,
on SQLite and PostgreSQL, and a pooled PostgreSQL connection the server dropped while it sat idle is replaced instead
of failing the request."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, text

from legeplan.register.demo import demo_register
from legeplan.storage import Storage, repository
from legeplan.storage.repository import _municipalities_query, _register_key_query


def test_fetch_answers_as_sqlalchemy_does(storage: Storage) -> None:
    register = demo_register()
    storage.save_register(register)
    code = register.municipality.code
    with storage.reading() as connection:
        expected_menu = [tuple(row) for row in connection.execute(_municipalities_query())]
        expected_key = [tuple(row) for row in connection.execute(_register_key_query(False), {"code": code})]
    assert storage.fetch(_municipalities_query()) == expected_menu
    fetched = storage.fetch(_register_key_query(False), {"code": code})
    assert fetched == expected_key
    snapshot_id, as_of, created, version = fetched[0]
    assert isinstance(as_of, date) and as_of == register.as_of  # converted as SQLAlchemy does (text on SQLite)
    assert isinstance(created, datetime) and version == 1
    assert storage.fetch(_register_key_query(False), {"code": "0000"}) == []
    key = storage.register_key(code)
    assert key is not None and key[1] == snapshot_id
    storage.save_register(register)
    assert storage.register_key(code) != key  # a save is a new key


@pytest.mark.postgres
def test_a_dropped_idle_connection_is_replaced(storage_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not storage_url.startswith("postgresql"):
        pytest.skip("only a database server drops connections")
    storage = Storage(storage_url)
    try:
        storage.save_register(demo_register())
        pid = storage.fetch(_pid_query())[0][0]
        admin = create_engine(storage_url)  # the server ends the pooled connection (as a restart would)
        with admin.begin() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        monkeypatch.setattr(repository, "PING_AFTER_IDLE_S", 0.0)  # the connection counts as idle
        assert storage.fetch(_municipalities_query())[0][0] == "3804"
        assert storage.fetch(_pid_query())[0][0] != pid
    finally:
        storage.dispose()


def _pid_query():  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    return select(func.pg_backend_pid())
