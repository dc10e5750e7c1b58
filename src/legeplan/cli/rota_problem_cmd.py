"""`legeplan rota problem`: the rota problem the register implies, written as TOML or JSON for `rota solve`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from legeplan.cli.rota_cmd import rota_app

console = Console()
errors = Console(stderr=True)


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"ugyldig dato {value!r} (bruk ÅÅÅÅ-MM-DD)", param_hint=option) from exc


@rota_app.command("problem")
def rota_problem(
    period_from: Annotated[str, typer.Option("--from", help="Første dag i turnusen (ÅÅÅÅ-MM-DD)")],
    period_to: Annotated[str, typer.Option("--to", help="Siste dag i turnusen (ÅÅÅÅ-MM-DD)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Vaktproblemet: .toml eller .json")],
    municipality: Annotated[str | None, typer.Option("--municipality", "-m", help="Kommunenummer")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Demokommunens register")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Registerets dato (standard: nyeste)")] = None,
    shifts: Annotated[
        Path | None,
        typer.Option("--shifts", help="Hent vakttypene fra et eksisterende vaktproblem (standard: kveld, natt, helg)"),
    ] = None,
) -> None:
    """Skriv vaktproblemet registeret gir: legene som tar legevakt, med kompetanse etter § 7."""
    from legeplan.cli.register_cmd import load_register_or_exit, parse_date_option
    from legeplan.legevakt.io import RotaFileError, load_problem
    from legeplan.legevakt.register import problem_from_register
    from legeplan.templates import to_toml

    start, end = _date(period_from, "--from"), _date(period_to, "--to")
    if end < start:
        raise typer.BadParameter("--to må være samme dag som eller etter --from", param_hint="--to")
    suffix = out.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise typer.BadParameter(f"bruk .toml eller .json, ikke {out.name!r}", param_hint="--out")
    if demo == (municipality is not None):
        raise typer.BadParameter("oppgi enten --municipality KODE eller --demo", param_hint="--municipality")
    register = load_register_or_exit(demo, municipality, parse_date_option(as_of, "--as-of"))
    try:
        shift_types = load_problem(shifts).shift_types if shifts is not None else None
        problem = problem_from_register(register, start, end, shift_types=shift_types)
    except (RotaFileError, ValueError) as error:
        errors.print(f"[red]Feil:[/red] {error}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    document = problem.model_dump(mode="json", exclude_defaults=True)
    document["start"], document["end"] = problem.start, problem.end
    header = (
        f"Vaktproblem fra {register.municipality.name} ({register.municipality.code}), register per "
        f"{register.as_of.isoformat()}.\nLegene og deres kompetanse (akuttmedisinforskriften § 7) er hentet fra "
        "registeret; vakttyper og regler kan endres her."
    )
    text = problem.model_dump_json(indent=2, exclude_defaults=True) if suffix == ".json" else to_toml(document, header)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        errors.print(f"[red]Feil:[/red] kan ikke skrive {out}: {error.strerror}", markup=True, highlight=False)
        raise typer.Exit(1) from error
    competent = sum(1 for d in problem.doctors if d.meets_section7)
    console.print(
        f"Skrev {out}: {len(problem.doctors)} leger ({competent} kan ha vakt alene etter § 7), "
        f"{len(problem.shift_types)} vakttyper, {start.isoformat()}–{end.isoformat()}.",
        highlight=False,
    )
