"""Operations: `legeplan worker` (runs background jobs), `legeplan backup` and `legeplan restore`.

Exit codes: 0 done, 1 failed (database, file, refused restore), 2 wrong use (typer's own usage errors)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from legeplan.cli.app import app
from legeplan.i18n import count, text

if TYPE_CHECKING:
    from legeplan.storage import Storage

DATABASE_OPTION = typer.Option(
    None, "--database-url", envvar="LEGEPLAN_DATABASE_URL", help="Database (standard: legeplan.sqlite)"
)


def _fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"Feil: {message}", err=True)
    raise typer.Exit(code)


def _storage(url: str | None) -> Storage:
    from legeplan.storage import StorageError, open_storage

    try:
        return open_storage(url)
    except StorageError as exc:
        _fail(str(exc))


@app.command()
def worker(
    database_url: str | None = DATABASE_OPTION,
    once: bool = typer.Option(False, "--once", help="Kjør det som ligger i køen, og stopp når køen er tom"),
    stale_after: float = typer.Option(
        30.0, "--stale-after", min=1.0, help="Sekunder uten livstegn før en annen arbeiders jobb regnes som tapt"
    ),
    max_jobs: int | None = typer.Option(None, "--max-jobs", min=1, help="Stopp etter så mange jobber"),
) -> None:
    """Kjør bakgrunnsjobber (turnusløsing, registerimport) fra databasen. Start så mange du vil, på flere maskiner."""
    from datetime import timedelta

    from legeplan.jobs.runner import Worker

    storage = _storage(database_url)
    runner = Worker(storage, stale_after=timedelta(seconds=stale_after))
    stop = threading.Event()

    def _stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    typer.echo(text("worker.started", name=runner.name, url=_safe(storage.url)))
    ran = runner.run(stop, idle_exit_s=0.0 if once else None, max_jobs=max_jobs)
    typer.echo(text("worker.stopped", count=count(ran, "jobb", "jobber")))


def _safe(url: str) -> str:
    from legeplan.storage.repository import _safe_url

    return _safe_url(url)


@app.command()
def backup(
    out: Path = typer.Option(..., "--out", help="Sikkerhetskopifil som skrives (.zip)"),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Skriv en sikkerhetskopi av hele databasen (registre, scenarier, turnuser, brukere, logg, jobber)."""
    from legeplan.storage.backup import BackupError, write_backup

    storage = _storage(database_url)
    try:
        summary = write_backup(storage, out)
    except (BackupError, OSError) as exc:
        _fail(str(exc))
    typer.echo(text("backup.written", path=out, rows=_rows(summary.rows), tables=_tables(summary.tables)))


@app.command()
def restore(
    file: Path = typer.Argument(..., help="Sikkerhetskopifil fra «legeplan backup»"),
    replace: bool = typer.Option(False, "--replace", help="Slett alt som finnes i databasen først"),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Les inn en sikkerhetskopi i en tom database (eller erstatt innholdet med --replace)."""
    from legeplan.storage.backup import BackupError, read_backup

    if not file.is_file():  # bad input (exit 2), before anything touches the database
        _fail(f"finner ikke sikkerhetskopien {file}", 2)
    storage = _storage(database_url)
    try:
        summary = read_backup(storage, file, replace=replace)
    except (BackupError, OSError) as exc:
        _fail(str(exc))
    typer.echo(text("backup.restored", path=file, rows=_rows(summary.rows), tables=_tables(summary.tables)))


def _rows(n: int) -> str:
    return count(n, "rad", "rader")


def _tables(n: int) -> str:
    return count(n, "tabell", "tabeller")
