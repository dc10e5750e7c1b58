"""Backup and restore of the whole database in one documented, versioned file (see docs/operations.md).

The file is a zip holding `manifest.json` and one JSON-lines file per table, `tables/<table>.jsonl`, one object per
row keyed by column name. Dates and times are ISO 8601 strings; everything else is plain JSON. The manifest says

    {"format": "legeplan-backup", "version": 1, "schema_revision": "<alembic revision>", "created": "<UTC ISO>",
     "database": "sqlite" | "postgresql", "tables": {"<table>": {"rows": n, "columns": [...]}, ...}}

Restore goes table by table in foreign-key order, so a backup from SQLite restores into PostgreSQL and back.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Integer, Table, delete, func, select
from sqlalchemy import text as sql_text

from legeplan.i18n import count, text
from legeplan.storage import models_registry
from legeplan.storage.base import Base
from legeplan.storage.repository import Storage

FORMAT = "legeplan-backup"
VERSION = 1
BATCH = 1000


class BackupError(RuntimeError):
    """A backup cannot be written or read; the message is one Norwegian sentence."""


@dataclass(frozen=True)
class BackupSummary:
    tables: int
    rows: int


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    models_registry.import_all()
    return list(Base.metadata.sorted_tables)


def schema_revision(connection: Connection) -> str | None:
    try:
        return connection.execute(sql_text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # no alembic_version table: an unmigrated database
        return None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _db_value(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[column].type
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _rows(connection: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.c)
    result = connection.execution_options(stream_results=True).execute(select(table).order_by(*order))
    for row in result.mappings():
        yield {key: _json_value(value) for key, value in row.items()}


def write_backup(storage: Storage, path: Path) -> BackupSummary:
    """Write every table of `storage` to the zip file `path` in one consistent read transaction."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": storage.engine.dialect.name,
        "tables": {},
    }
    total = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    with storage.engine.connect() as connection, connection.begin():
        if storage.engine.dialect.name == "postgresql":
            connection.execute(sql_text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        manifest["schema_revision"] = schema_revision(connection)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in tables():
                count = 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as handle:
                    for row in _rows(connection, table):
                        handle.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
                        count += 1
                manifest["tables"][table.name] = {"rows": count, "columns": [c.name for c in table.c]}
                total += count
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    partial.replace(path)
    return BackupSummary(tables=len(manifest["tables"]), rows=total)


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise BackupError(text("backup.bad_file", path=path, reason=str(error) or type(error).__name__)) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(text("backup.bad_file", path=path, reason="manifest.json mangler «format: legeplan-backup»"))
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise BackupError(text("backup.newer", version=version, supported=VERSION))
    return manifest


def row_count(connection: Connection) -> int:
    return sum(int(connection.scalar(select(func.count()).select_from(t)) or 0) for t in tables())


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: serial columns continue after the restored ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) == 1 and isinstance(keys[0].type, Integer) and keys[0].autoincrement in (True, "auto"):
            name, column = table.name, keys[0].name
            connection.execute(
                sql_text(
                    f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE((SELECT MAX({column}) FROM "
                    f'"{name}"), 1), (SELECT MAX({column}) FROM "{name}") IS NOT NULL)'
                ),
                {"t": f'"{name}"', "c": column},
            )


def read_backup(storage: Storage, path: Path, *, replace: bool = False) -> BackupSummary:
    """Restore the backup at `path` into `storage` (migrated to the newest schema) in one transaction. Refuses a
    database that holds data unless `replace`, which deletes it first."""
    manifest = read_manifest(path)
    known = {t.name: t for t in tables()}
    listed: dict[str, Any] = manifest.get("tables", {})
    for name, info in listed.items():
        unknown = [c for c in info.get("columns", []) if name not in known or c not in known[name].c]
        if name not in known or unknown:
            raise BackupError(
                text("backup.schema", backup=manifest.get("schema_revision"), current=_head_revision(storage))
            )
    total = 0
    with zipfile.ZipFile(path) as archive, storage.engine.connect() as connection, connection.begin():
        existing = row_count(connection)
        if existing and not replace:
            raise BackupError(text("backup.not_empty", rows=count(existing, "rad", "rader")))
        for table in reversed(tables()):
            connection.execute(delete(table))
        for table in tables():
            if table.name not in listed:
                continue
            batch: list[dict[str, Any]] = []
            with archive.open(f"tables/{table.name}.jsonl") as handle:
                for line in handle:
                    if not line.strip():
                        continue
                    raw = json.loads(line)
                    batch.append({k: _db_value(table, k, v) for k, v in raw.items()})
                    if len(batch) >= BATCH:
                        connection.execute(table.insert(), batch)
                        total += len(batch)
                        batch = []
            if batch:
                connection.execute(table.insert(), batch)
                total += len(batch)
        _reset_sequences(connection)
    return BackupSummary(tables=len(listed), rows=total)


def _head_revision(storage: Storage) -> str | None:
    with storage.engine.connect() as connection:
        return schema_revision(connection)
