"""`legeplan report`: the Plan for legetjenesten as HTML, PDF or DOCX."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from legeplan.actions import example_action_plan
from legeplan.capacity import example_scenario
from legeplan.cli.app import app
from legeplan.register.demo import demo_register
from legeplan.report.build import PlanInputs, build_plan
from legeplan.report.consistency import example_check_set, run_check_set
from legeplan.report.render import ReportRenderError, render
from legeplan.report.sources import simulate_from_register
from legeplan.storage import open_storage

FORMATS = (".html", ".htm", ".pdf", ".docx")
#: Fixed seed so the demo plan's simulation is the same on every run.
DEMO_SEED = 2020


def _demo_inputs(generated: date) -> PlanInputs:
    register = demo_register()
    scenario = example_scenario("sandefjord")
    checks = run_check_set(example_check_set("sandefjord"))
    # From the register's state on its date (its hjemler, vacancies and GP ages); the scenario adds new hjemler.
    simulation = simulate_from_register(register, scenario, runs=1000, years=10, seed=DEMO_SEED)
    return PlanInputs(
        register=register,
        generated=generated,
        scenario=scenario,
        simulation=simulation,
        action_plan=example_action_plan(),
        consistency_findings=checks.findings,
        consistency_checked=checks.checked,
        consistency_subject=checks.source,
    )


def _stored_inputs(code: str, as_of: date | None, generated: date) -> PlanInputs:
    """The register from storage, with earlier snapshots as history (trend, stability and turnover)."""
    storage = open_storage()
    try:
        register = storage.load_register(code, as_of=as_of)
        history = tuple(
            storage.load_register(code, as_of=when) for when in storage.snapshot_dates(code) if when < register.as_of
        )
    except LookupError as error:
        raise typer.BadParameter(
            f"fant ikke kommune {code} i databasen: {error}", param_hint="--municipality"
        ) from error
    finally:
        storage.dispose()
    return PlanInputs(
        register=register,
        generated=generated,
        history=history,
        previous_register=history[0] if history else None,
    )


@app.command("report")
def report(
    out: Path = typer.Option(..., "--out", "-o", help="Utfil: plan.html, plan.pdf eller plan.docx"),
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    demo: bool = typer.Option(False, "--demo", help="Bruk demokommunen med eksempel på scenario og tiltaksplan"),
    as_of: str | None = typer.Option(None, "--as-of", help="Registeret per dato (ÅÅÅÅ-MM-DD); standard er siste"),
    title: str = typer.Option("Plan for legetjenesten", "--title", help="Tittel på forsiden"),
) -> None:
    """Lag Plan for legetjenesten som HTML, PDF eller Word (DOCX)."""
    console = Console(stderr=True)
    if out.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"{out}: ukjent format, bruk .html, .pdf eller .docx", param_hint="--out")
    if not out.parent.exists():
        raise typer.BadParameter(f"mappen {out.parent} finnes ikke", param_hint="--out")
    if demo == (municipality is not None):
        raise typer.BadParameter("oppgi enten --municipality KODE eller --demo")
    try:
        as_of_date = date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise typer.BadParameter(f"{as_of!r} er ikke en dato (ÅÅÅÅ-MM-DD)", param_hint="--as-of") from error
    today = date.today()
    if demo:
        inputs = _demo_inputs(today)
    else:
        assert municipality is not None
        inputs = _stored_inputs(municipality, as_of_date, today)
    inputs = replace(inputs, title=title)

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Bygger planen", total=None)
        document = build_plan(inputs)

        def advance(step: int, total: int, text: str) -> None:
            progress.update(task, description=text, completed=step - 1, total=total)

        try:
            render(document, out, advance)
        except ReportRenderError as error:
            console.print(f"[red]Feil:[/red] {error}")
            raise typer.Exit(code=1) from error
        progress.update(task, completed=progress.tasks[0].total or 1)
    figures = len(document.figures())
    tables = len(document.tables())
    console.print(
        f"[green]Skrev[/green] {out} – {len(document.chapters)} kapitler, {tables} tabeller, {figures} figurer "
        f"({document.organisation}, data per {document.as_of.strftime('%d.%m.%Y')}).",
        soft_wrap=True,
    )
