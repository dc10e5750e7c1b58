"""`legeplan template KIND` and `legeplan actions template`: empty, documented input files (comments in Norwegian)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from legeplan.cli.app import app
from legeplan.cli.plan_cmd import actions_app
from legeplan.templates import TEMPLATE_FILES, template_text

console = Console()


def _write_template(kind: str, out: Path | None) -> None:
    target = out or Path(TEMPLATE_FILES[kind])
    if target.suffix.lower() != ".toml":
        raise typer.BadParameter(f"malen er en TOML-fil: bruk .toml, ikke {target.name!r}", param_hint="--out")
    if target.exists():
        raise typer.BadParameter(f"{target} finnes allerede; velg et annet navn med --out", param_hint="--out")
    try:
        target.write_text(template_text(kind), encoding="utf-8")
    except OSError as error:
        console.print(f"[red]Feil:[/red] kan ikke skrive {target}: {error.strerror}")
        raise typer.Exit(1) from error
    console.print(f"Skrev mal til {target}")


@app.command("template")
def template(
    kind: Annotated[
        str, typer.Argument(help=f"Hvilken fil: {', '.join(TEMPLATE_FILES)} (registeret: register template)")
    ],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Filnavn (.toml)")] = None,
) -> None:
    """Lag en tom mal med forklaringer for en inndatafil."""
    if kind not in TEMPLATE_FILES:
        raise typer.BadParameter(f"ukjent mal {kind!r}; finnes: {', '.join(TEMPLATE_FILES)}", param_hint="KIND")
    _write_template(kind, out)


@actions_app.command("template")
def actions_template(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Filnavn (.toml)")] = None,
) -> None:
    """Lag en tom tiltaksplan med forklaringer."""
    _write_template("actions", out)
