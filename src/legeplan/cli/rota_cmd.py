"""CLI commands for the legevakt rota: ``legeplan rota solve|check|load|example|helligdager``.

Exit codes: 0 ok; 1 problems found (rule violations) or no rota (infeasible, or the time limit ran out before the
first valid rota); 2 bad input or usage (the message names the file, row and column; nothing is written). Numbers
are printed in bokmål format (``601,5``, ``6,2 %``). The engine (OR-Tools, openpyxl) is imported inside the
commands to keep start-up fast.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from legeplan.cli.app import app
from legeplan.i18n import decimal, number

if TYPE_CHECKING:
    from legeplan.legevakt.model import Assignment, RotaProblem, SolveProgress

PRESETS = ("nordsjo", "luster", "vefsn")  # legeplan.legevakt.presets.PRESETS, here for the help text

rota_app = typer.Typer(help="Legevaktturnus: lag, kontroller og analyser vaktbelastning.", no_args_is_help=True)
app.add_typer(rota_app, name="rota")

console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]Feil:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _number(option: str, value: float | None, low: float, high: float) -> None:
    """Reject non-finite and out-of-range numbers with a Norwegian message (exit code 2), not a traceback."""
    if value is None:
        return
    if not math.isfinite(value) or not low <= value <= high:
        raise _fail(f"{option} må være et tall fra {low:g} til {high:g}, ikke {value:g}")


def _percent(share: float) -> str:
    return f"{decimal(share * 100)} %"


def _problem(source: str) -> RotaProblem:
    """A problem file, or ``example:NAME`` for a shipped example."""
    from legeplan.legevakt.io import RotaFileError, example_problem, load_problem

    try:
        if source.startswith("example:"):
            return example_problem(source.removeprefix("example:"))
        return load_problem(source)
    except (RotaFileError, KeyError) as exc:
        raise _fail(str(exc)) from exc


def _rota(path: Path) -> list[Assignment]:
    from legeplan.legevakt.io import RotaFileError, read_rota

    try:
        return read_rota(path)
    except RotaFileError as exc:
        raise _fail(str(exc)) from exc


@rota_app.command("solve")
def solve(
    problem_file: Annotated[str, typer.Argument(help="Problem (.toml/.json) eller example:small")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Turnusfil: .csv, .xlsx, .ics eller .json")],
    time_limit: Annotated[float, typer.Option("--time-limit", "-t", help="Sekunder totalt (1–86400)")] = 30.0,
    workers: Annotated[int, typer.Option(help="CP-SAT-tråder (1–16)")] = 2,
) -> None:
    """Lag en legevaktturnus med CP-SAT: alle harde regler, deretter rettferdighet, spredning og ønsker."""
    _number("--time-limit", time_limit, 1, 86_400)
    _number("--workers", workers, 1, 16)
    if out.suffix.lower() not in (".csv", ".xlsx", ".ics", ".json"):
        raise _fail(f"{out}: ukjent filtype {out.suffix!r}; bruk .csv, .xlsx, .ics eller .json")
    if not out.parent.is_dir():
        raise _fail(f"{out}: mappen {out.parent} finnes ikke")
    problem = _problem(problem_file)
    from legeplan.legevakt.io import write_rota
    from legeplan.legevakt.solver import RotaInfeasibleError, solve_rota, unreached_tiers_text

    # The spinner only on a terminal: redirected output (a file, a pipe, a test) gets no progress lines.
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("Bygger modell …", total=None)

        def report(p: SolveProgress) -> None:
            bar.update(
                task, description=f"Nivå {p.tier} {p.tier_name}: mål {number(p.objective)}, grense {number(p.bound)}"
            )

        try:
            solution = solve_rota(problem, time_limit_s=time_limit, progress=report, num_workers=workers)
        except RotaInfeasibleError as exc:
            bar.stop()
            err_console.print("[bold red]Ingen gyldig turnus finnes.[/] Årsak:")
            for reason in exc.reasons:
                err_console.print(f"  • {escape(reason)}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=1) from exc
    if not solution.assignments:
        # The time limit (or a cancel) came before the first valid rota: no rota found, not an input error.
        reason = "; ".join(solution.explanation) or "fant ingen turnus"
        err_console.print(f"[bold red]Ingen turnus:[/] {escape(reason)}; øk --time-limit", highlight=False)
        raise typer.Exit(code=1)
    try:
        write_rota(problem, solution.assignments, out, solution)
    except OSError as exc:
        raise _fail(f"{out}: kan ikke skrives ({exc.strerror})") from exc
    table = Table(title=f"{escape(problem.name)}: {len(solution.assignments)} vakter, status {solution.status}")
    for column in ("Nivå", "Mål", "Verdi", "Bevist grense", "Gap", "Sekunder"):
        table.add_column(column)
    for tier_number, tier in enumerate(solution.tiers, start=1):
        table.add_row(
            str(tier_number),
            tier.name,
            number(tier.objective),
            number(tier.bound),
            _percent(tier.gap),
            decimal(tier.seconds),
        )
    console.print(table)
    for figure in solution.fairness:
        console.print(
            f"Rettferdighet {figure.category}: største avvik {number(figure.max_deviation)}, "
            f"snitt {number(figure.mean_deviation)}",
            highlight=False,
        )
    for note in solution.explanation:
        console.print(f"[yellow]{escape(note)}[/]", highlight=False)
    unreached = unreached_tiers_text(solution)
    if unreached:
        console.print(f"[yellow]{unreached}[/]", highlight=False)
    first = "–" if solution.first_feasible_s is None else decimal(solution.first_feasible_s, 2)
    solver_first = (
        "" if solution.first_solver_s is None else f" (CP-SATs første {decimal(solution.first_solver_s, 2)} s)"
    )
    console.print(
        f"Første gyldige turnus etter {first} s{solver_first}; skrevet til {escape(str(out))}", highlight=False
    )


@rota_app.command("check")
def check(
    rota_file: Annotated[Path, typer.Argument(help="Turnus (.csv/.xlsx/.json)")],
    problem_file: Annotated[str, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")],
    as_json: Annotated[bool, typer.Option("--json", help="Skriv regelbruddene som JSON")] = False,
) -> None:
    """Kontroller en turnus (f.eks. laget for hånd i Excel) mot reglene; lister hvert brudd."""
    problem = _problem(problem_file)
    assignments = _rota(rota_file)
    from legeplan.legevakt.rules import check_rota

    violations = check_rota(problem, assignments)
    if as_json:
        payload = {
            "rota": str(rota_file),
            "problem": problem.name,
            "duties": len(assignments),
            "violations": [v.model_dump(mode="json") for v in violations],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        if violations:
            raise typer.Exit(code=1)
        return
    if not violations:
        console.print("[green]Ingen regelbrudd.[/]")
        return
    table = Table(title=f"{number(len(violations))} regelbrudd")
    for column in ("Dato", "Lege", "Vakt", "Regel", "Beskrivelse"):
        table.add_column(column)
    for v in violations:
        table.add_row(str(v.date or ""), escape(v.doctor or ""), v.shift_type or "", v.rule, escape(v.message))
    console.print(table, highlight=False)
    raise typer.Exit(code=1)


@rota_app.command("load")
def load(
    rota_file: Annotated[Path | None, typer.Argument(help="Turnus (.csv/.xlsx/.json); utelates med --preset")] = None,
    problem_file: Annotated[str | None, typer.Option("--problem", "-p", help="Problemfil eller example:NAME")] = None,
    model: Annotated[str | None, typer.Option("--preset", help=f"Ferdig modell: {', '.join(PRESETS)}")] = None,
    year: Annotated[int, typer.Option(help="År for --preset (1900–2200)")] = 2026,
    every_weekday: Annotated[float | None, typer.Option(help="Grense: høyst hver N. hverdag (N ≥ 1)")] = None,
    every_weekend: Annotated[float | None, typer.Option(help="Grense: høyst hver M. helg (M ≥ 1)")] = None,
    ordinary_week: Annotated[float | None, typer.Option(help="Vanlig arbeidsuke i timer, f.eks. 47.5")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Skriv rapporten som JSON")] = False,
) -> None:
    """Vaktbelastning per lege: vakter og timer per måned, hyppighet og timer utover vanlig uke."""
    _number("--year", year, 1900, 2200)
    _number("--every-weekday", every_weekday, 1, 366)
    _number("--every-weekend", every_weekend, 1, 53)
    _number("--ordinary-week", ordinary_week, 0, 168)
    from legeplan.legevakt.load import analyse_load
    from legeplan.legevakt.presets import preset

    if model is not None:
        try:
            problem, assignments = preset(model, year)
        except KeyError as exc:
            raise _fail(str(exc)) from exc
    elif rota_file is not None and problem_file is not None:
        problem = _problem(problem_file)
        assignments = _rota(rota_file)
    else:
        raise _fail("oppgi ROTA og --problem, eller --preset")
    if (every_weekday is None) != (every_weekend is None):
        raise _fail("--every-weekday og --every-weekend må oppgis sammen")
    report = analyse_load(
        problem,
        assignments,
        every_nth_weekday=every_weekday,
        every_mth_weekend=every_weekend,
        ordinary_week_hours=ordinary_week,
    )
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{escape(problem.name)}: {report.weekdays} hverdager, {report.weekends} helger")
    columns = ["Lege", "Vakter", "Timer", "Netter", "Hver N. hverdag", "Hver M. helg", "t/uke", "t/uke ekstra"]
    if ordinary_week is not None:
        columns.append("Arbeidsuke i alt")
    for column in columns:
        table.add_column(column)
    for d in report.doctors:
        table.add_row(
            escape(d.name),
            number(d.shifts),
            number(d.hours),
            number(d.nights),
            number(d.every_nth_weekday) if d.every_nth_weekday else "–",
            number(d.every_mth_weekend) if d.every_mth_weekend else "–",
            number(d.hours_per_week),
            number(d.hours_per_week_on_top),
            *([number(d.total_hours_per_week)] if d.total_hours_per_week is not None else []),
        )
    console.print(table)
    months = sorted({m.month for d in report.doctors for m in d.months})
    if months:
        per_month = Table(title="Vakter / timer per måned")
        per_month.add_column("Lege")
        for month in months:
            per_month.add_column(month)
        for d in report.doctors:
            cells = {m.month: f"{m.shifts} / {number(m.hours)}" for m in d.months}
            per_month.add_row(escape(d.name), *(cells.get(month, "–") for month in months))
        console.print(per_month)
    if report.doctors_needed is not None:
        console.print(f"Leger som trengs for {report.limits}: [bold]{report.doctors_needed}[/]", highlight=False)


@rota_app.command("example")
def example(
    name: Annotated[str, typer.Argument(help="Eksempelnavn")] = "small",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Skriv problemet som .json")] = None,
) -> None:
    """Vis eller lagre et medfølgende eksempelproblem."""
    problem = _problem(f"example:{name}")
    text = problem.model_dump_json(indent=2)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Skrev {out}")


@rota_app.command("helligdager")
def holidays(year: Annotated[int, typer.Argument(help="År (1900–2200)")]) -> None:
    """Norske helligdager og høytidsdager for et år."""
    _number("ÅR", year, 1900, 2200)
    from legeplan.legevakt.calendar import norwegian_holidays

    for day, name in norwegian_holidays(year).items():
        typer.echo(f"{day.isoformat()}  {name}")
