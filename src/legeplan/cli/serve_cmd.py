"""`legeplan serve`: the web application (FastAPI + Jinja2 + htmx) on the embedded SQLite file or PostgreSQL."""

from __future__ import annotations

import os
import sys

import typer

from legeplan.cli.app import app


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Adresse å lytte på"),
    port: int = typer.Option(8000, min=1, max=65535, help="Port"),
    demo: bool = typer.Option(False, "--demo", help="Legg inn demokommunen og en demo-administrator"),
    database_url: str | None = typer.Option(
        None, "--database-url", envvar="LEGEPLAN_DATABASE_URL", help="Database (standard: legeplan.sqlite)"
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Antall webprosesser (uvicorn-arbeidere) som deler porten"
    ),
) -> None:
    """Start webapplikasjonen."""
    import uvicorn

    from legeplan.storage import StorageError
    from legeplan.web.app import create_app

    try:
        web_app = create_app(database_url, demo=demo)
    except StorageError as exc:
        typer.echo(f"Feil: {exc}", err=True)
        raise typer.Exit(2) from exc
    credentials = web_app.state.demo_credentials
    if credentials is not None:
        typer.echo(f"Demo-administrator: brukernavn «{credentials.username}», passord «{credentials.password}»")
    elif demo:
        typer.echo("Demodata finnes allerede; logg inn med demo-administratoren som ble laget første gang.")
    typer.echo(f"legeplan kjører på http://{host}:{port}/  (Ctrl+C for å stoppe)")
    sys.stdout.flush()  # the demo password must reach a log file before the server blocks
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="warning", access_log=False)
        return
    # Several processes: this one has migrated the database and seeded the demo; each worker process builds its own
    # app from the environment (sessions, jobs and caches' versions live in the database, so any process serves any
    # request).
    web_app.state.job_queue.close()
    web_app.state.storage.dispose()
    os.environ["LEGEPLAN_DATABASE_URL"] = web_app.state.storage.url
    uvicorn.run(
        "legeplan.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
