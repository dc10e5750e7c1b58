"""The register survives a round trip through SQLite and PostgreSQL, snapshots keep history, saves are atomic."""

from __future__ import annotations

import os
from datetime import date

import pytest
from alembic import command
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import DEMO_PERIOD, demo_register
from legeplan.register.history import stability
from legeplan.register.models import Position, Register
from legeplan.storage.repository import RegisterNotFoundError, Storage, alembic_config


def test_register_round_trip_is_exact(storage: Storage) -> None:
    register = demo_register()
    storage.save_register(register)
    assert storage.load_register(register.municipality.code) == register
    assert [m.code for m in storage.list_municipalities()] == [register.municipality.code]


def test_snapshots_keep_history_and_load_by_date(storage: Storage) -> None:
    old = demo_register()
    new_position = Position(id="H055", municipality_code="3804", list_ceiling=1000, listed_patients=0)
    grown = old.model_copy(
        update={
            "as_of": date(2021, 8, 1),
            "municipality": old.municipality.model_copy(update={"population": 65_000}),
            "positions": (*old.positions, new_position),
        }
    )
    storage.save_register(old)
    storage.save_register(grown)
    assert storage.snapshot_dates("3804") == [old.as_of, grown.as_of]
    assert len(storage.load_register("3804").positions) == 55
    assert len(storage.load_register("3804", as_of=date(2021, 1, 1)).positions) == 54
    assert [r.municipality.population for r in storage.history("3804")] == [64_500, 65_000]
    with pytest.raises(RegisterNotFoundError):
        storage.load_register("3804", as_of=date(2000, 1, 1))


def test_saving_the_same_date_replaces_that_snapshot(storage: Storage) -> None:
    register = demo_register()
    storage.save_register(register)
    fewer = register.model_copy(update={"positions": register.positions[:10]})
    storage.save_register(fewer)
    assert storage.snapshot_dates("3804") == [register.as_of]
    assert len(storage.load_register("3804").positions) == 10


def test_failed_save_changes_nothing(storage: Storage) -> None:
    register = demo_register()
    storage.save_register(register)
    # Bypass validation to force a database error half-way through the write (duplicate primary key).
    broken = Register.model_construct(**{**dict(register), "positions": (*register.positions, register.positions[0])})
    with pytest.raises(IntegrityError):
        storage.save_register(broken)
    assert storage.load_register("3804") == register


def test_unknown_municipality_is_a_clear_error(storage: Storage) -> None:
    with pytest.raises(RegisterNotFoundError, match="9999"):
        storage.load_register("9999")


def test_stability_from_stored_history(storage: Storage) -> None:
    storage.save_register(demo_register())
    loaded = storage.load_register("3804")
    result = stability(loaded.agreements, *DEMO_PERIOD)
    assert (result.stable, result.agreements_at_end) == (45, 54)


def test_migrations_match_the_models(storage_url: str) -> None:
    store = Storage(storage_url)
    cfg = alembic_config(storage_url)
    with store.engine.connect() as connection:
        cfg.attributes["connection"] = connection
        command.check(cfg)  # raises if the models have changes no migration covers
    store.dispose()


def test_cli_keyfigures_reads_from_the_database(storage_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Storage(storage_url)
    store.save_register(demo_register())
    store.dispose()
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", storage_url)
    result = CliRunner().invoke(app, ["keyfigures", "--municipality", "3804", "--json"])
    assert result.exit_code == 0, result.output
    assert '"listed_patients": 61722' in result.stdout
    missing = CliRunner().invoke(app, ["keyfigures", "--municipality", "9999"])
    assert missing.exit_code != 0 and "9999" in missing.output
    assert os.environ["LEGEPLAN_DATABASE_URL"] == storage_url
