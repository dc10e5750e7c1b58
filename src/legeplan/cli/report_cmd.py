"""`legeplan report`: the Plan for legetjenesten as HTML, PDF or DOCX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from legeplan.cli.app import app
from legeplan.cli.errors import BAD_INPUT, show_progress

if TYPE_CHECKING:
    from legeplan.legevakt import LoadReport
    from legeplan.report.inputs import PlanInputs
    from legeplan.report.norm import LegevaktNorm

# Everything of the plan (matplotlib, WeasyPrint, python-docx, the engines) is imported inside the functions.

FORMATS = (".html", ".htm", ".pdf", ".docx")
#: Fixed seed so the plan's simulation is the same on every run.
DEMO_SEED = 2020
T = TypeVar("T")


def _demo_inputs(generated: date) -> PlanInputs:
    from legeplan.actions import example_action_plan
    from legeplan.capacity import example_scenario
    from legeplan.plan.text import demo_text_folder, read_text_folder
    from legeplan.register.demo import demo_register
    from legeplan.report.consistency import example_check_set, run_check_set
    from legeplan.report.inputs import PlanInputs

    register = demo_register()
    checks = run_check_set(example_check_set("sandefjord"))
    return PlanInputs(
        register=register,
        generated=generated,
        scenario=example_scenario("sandefjord"),
        action_plan=example_action_plan(),
        consistency_findings=checks.findings,
        consistency_checked=checks.checked,
        consistency_subject=checks.source,
        text=read_text_folder(demo_text_folder()),
    )


def _stored_inputs(code: str, as_of: date | None, generated: date) -> PlanInputs:
    """The register from storage, with earlier snapshots as history (trend, stability and turnover), and the latest
    stored plan text (`legeplan plan save`); see legeplan.report.stored."""
    from legeplan.report.stored import stored_inputs
    from legeplan.storage import open_storage

    storage = open_storage()
    try:
        return stored_inputs(storage, code, as_of=as_of, generated=generated)
    except LookupError as error:
        raise typer.BadParameter(
            f"fant ikke kommune {code} i databasen: {error}", param_hint="--municipality"
        ) from error
    finally:
        storage.dispose()


def _read(path: Path, option: str, loader: Callable[[Path], T], errors: tuple[type[Exception], ...]) -> T:
    """One input file through its engine's loader; a bad file is a usage error that names it."""
    try:
        return loader(path)
    except errors as error:
        message = str(error)
        raise typer.BadParameter(
            message if str(path) in message else f"{path}: {message}", param_hint=option
        ) from error


def _rota_load(problem_file: Path, rota_file: Path, norm: LegevaktNorm) -> LoadReport:
    """The per-doctor load of a solved rota (problem .toml/.json and rota .csv/.xlsx/.json)."""
    from pydantic import ValidationError

    from legeplan.documents import read_json
    from legeplan.i18n import field_path, validation_message
    from legeplan.legevakt.io import RotaFileError, load_problem, read_rota
    from legeplan.legevakt.load import analyse_load
    from legeplan.legevakt.model import Assignment, RotaSolution

    problem = _read(problem_file, "--rota-problem", load_problem, (RotaFileError,))

    def assignments(path: Path) -> list[Assignment]:
        if path.suffix.lower() == ".json":
            data = read_json(path, RotaFileError)
            try:
                return list(RotaSolution.model_validate(data).assignments)
            except ValidationError as error:
                problems = "; ".join(f"{field_path(e['loc'])}: {validation_message(e)}" for e in error.errors()[:10])
                raise RotaFileError(f"{path}: ugyldig turnus: {problems}") from error
        return read_rota(path)

    rota = _read(rota_file, "--rota", assignments, (RotaFileError, ValueError))
    try:
        return analyse_load(
            problem, rota, every_nth_weekday=norm.every_nth_weekday, every_mth_weekend=norm.every_mth_weekend
        )
    except (ValueError, KeyError) as error:
        raise typer.BadParameter(f"{rota_file} passer ikke til {problem_file}: {error}", param_hint="--rota") from error


def _file_option(flag: str, help: str) -> Any:
    return typer.Option(None, flag, help=help, dir_okay=False)


@app.command("report")
def report(
    out: list[Path] = typer.Option(
        ...,
        "--out",
        "-o",
        help="Utfil: plan.html, plan.pdf eller plan.docx; gjentas for flere formater fra samme beregning",
    ),
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    demo: bool = typer.Option(False, "--demo", help="Bruk demokommunen med eksempel på scenario og tiltaksplan"),
    as_of: str | None = typer.Option(None, "--as-of", help="Registeret per dato (ÅÅÅÅ-MM-DD); standard er siste"),
    title: str = typer.Option("Plan for legetjenesten", "--title", help="Tittel på forsiden"),
    actions: Path | None = _file_option("--actions", "Tiltaksplan (.toml, .json eller .xlsx)"),
    assumptions: Path | None = _file_option("--assumptions", "Økonomiske satser og forutsetninger (.toml/.json)"),
    institutions: Path | None = _file_option(
        "--institutions", "Institusjoner og enheter med legetimer (.toml/.json); erstatter registerets"
    ),
    checks: Path | None = _file_option("--checks", "Kontroll av tallene i forrige plan (.toml/.json)"),
    scenario: Path | None = _file_option("--scenario", "Dimensjoneringsscenario (.toml/.json)"),
    rota_problem: Path | None = _file_option("--rota-problem", "Vaktplanproblem (.toml/.json), brukes med --rota"),
    rota: Path | None = _file_option("--rota", "Løst vaktplan (.csv, .xlsx eller .json) for vaktbelastning"),
    legevakt_norm: Path | None = _file_option(
        "--legevakt-norm", "Kommunens egen legevaktnorm (.toml/.json); standard er Vefsn-modellen for små kommuner"
    ),
    simulation_runs: int = typer.Option(
        1000, "--simulation-runs", min=0, max=100_000, help="Kjøringer i simuleringen av ledige hjemler (0: ingen)"
    ),
    text: Path | None = typer.Option(
        None,
        "--text",
        help="Mappe med kommunens egen tekst, én Markdown-fil per kapittel (lages med legeplan plan init)",
        file_okay=False,
    ),
    internal: bool = typer.Option(
        False, "--internal", help="Intern versjon: tabeller per lege viser legenes navn (den offentlige viser ingen)"
    ),
) -> None:
    """Lag Plan for legetjenesten som HTML, PDF eller Word (DOCX)."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from legeplan.actions import ActionPlanError, load_action_plan
    from legeplan.capacity import ScenarioError, load_scenario
    from legeplan.duties import DutiesInputError, load_institutions
    from legeplan.economics import EconomicsInputError, load_assumptions
    from legeplan.plan.text import PlanTextError, read_text_folder
    from legeplan.report.build import build_plan
    from legeplan.report.consistency import CheckSetError, load_check_set, run_check_set
    from legeplan.report.inputs import simulate_from_register
    from legeplan.report.norm import LegevaktNormError, load_legevakt_norm
    from legeplan.report.render import ReportRenderError, render

    console = Console(stderr=True)
    for target in out:
        if target.suffix.lower() not in FORMATS:
            raise typer.BadParameter(f"{target}: ukjent format, bruk .html, .pdf eller .docx", param_hint="--out")
        if not target.parent.exists():
            raise typer.BadParameter(f"mappen {target.parent} finnes ikke", param_hint="--out")
    if len({target.resolve() for target in out}) < len(out):
        raise typer.BadParameter("samme utfil er oppgitt flere ganger", param_hint="--out")
    if demo == (municipality is not None):
        raise typer.BadParameter("oppgi enten --municipality KODE eller --demo")
    if demo and as_of is not None:
        raise typer.BadParameter("--as-of gjelder et lagret register (--municipality); demoregisteret har én dato")
    if (rota is None) != (rota_problem is None):
        raise typer.BadParameter("--rota og --rota-problem må oppgis sammen", param_hint="--rota")
    if not title.strip():
        raise typer.BadParameter("tittelen kan ikke være tom", param_hint="--title")
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
    changes: dict[str, Any] = {}
    if actions is not None:
        changes["action_plan"] = _read(actions, "--actions", load_action_plan, (ActionPlanError,))
    if assumptions is not None:
        changes["economics"] = _read(assumptions, "--assumptions", load_assumptions, (EconomicsInputError,))
    if institutions is not None:
        units = _read(institutions, "--institutions", load_institutions, (DutiesInputError,))
        changes["register"] = inputs.register.model_copy(update={"institutions": units})
    if checks is not None:
        result = run_check_set(_read(checks, "--checks", load_check_set, (CheckSetError,)))
        changes |= {
            "consistency_findings": result.findings,
            "consistency_checked": result.checked,
            "consistency_subject": result.source,
        }
    if scenario is not None:
        changes["scenario"] = _read(scenario, "--scenario", load_scenario, (ScenarioError,))
    if legevakt_norm is not None:
        changes["legevakt_norm"] = _read(legevakt_norm, "--legevakt-norm", load_legevakt_norm, (LegevaktNormError,))
    if rota is not None and rota_problem is not None:
        changes["legevakt_load"] = _rota_load(rota_problem, rota, changes.get("legevakt_norm", inputs.legevakt_norm))
    if text is not None:
        changes["text"] = _read(text, "--text", read_text_folder, (PlanTextError,))
    changes["internal"] = internal
    inputs = replace(inputs, **changes)
    if inputs.scenario is not None:
        # The scenario holds only assumptions; today's facts (hjemler, lists, ages, planned hjemler, the base year's
        # population) come from the register, so every chapter shows one value for each of them.
        from legeplan.capacity import scenario_from_register

        inputs = replace(inputs, scenario=scenario_from_register(inputs.register, inputs.scenario))
    if simulation_runs:
        # From the register's state on its date (hjemler, vacancies, GP ages); a scenario adds new hjemler.
        simulation = simulate_from_register(
            inputs.register, inputs.scenario, inputs.economics, runs=simulation_runs, years=10, seed=DEMO_SEED
        )
        inputs = replace(inputs, simulation=simulation)
    inputs = replace(inputs, title=title)

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not show_progress(),
    ) as progress:
        task = progress.add_task("Bygger planen", total=None)
        try:
            document = build_plan(inputs)
        except PlanTextError as error:
            raise typer.BadParameter(str(error), param_hint="--text") from error

        def advance(step: int, total: int, text: str) -> None:
            progress.update(task, description=text, completed=step - 1, total=total)

        # One built document, rendered once per format: the facts, engines and charts are not computed again
        # (the charts are cached per data version, so HTML and PDF share their SVG).
        for target in out:
            try:
                render(document, target, advance)
            except ReportRenderError as error:
                console.print(f"[red]Feil:[/red] {error}")
                raise typer.Exit(code=BAD_INPUT) from error
        progress.update(task, completed=progress.tasks[0].total or 1)
    figures = len(document.figures())
    tables = len(document.tables())
    console.print(
        f"[green]Skrev[/green] {', '.join(str(target) for target in out)} – {len(document.chapters)} kapitler, "
        f"{tables} tabeller, {figures} figurer "
        f"({document.organisation}, data per {document.as_of.strftime('%d.%m.%Y')}).",
        soft_wrap=True,
    )
