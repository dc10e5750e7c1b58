"""CLI for the register: key figures (nøkkeltall), and register import/export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.cli.errors import BAD_INPUT

if TYPE_CHECKING:
    from legeplan.register.io import RegisterImportError
    from legeplan.register.keyfigures import KeyFigures
    from legeplan.register.models import Register
    from legeplan.storage import Storage

console = Console()
errors = Console(stderr=True)


def _fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """One Norwegian error line on stderr and the exit code; never a traceback."""
    errors.print(f"[red]Feil:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _open_storage() -> Storage:
    from legeplan.storage import StorageError, open_storage

    try:
        return open_storage()
    except StorageError as exc:
        _fail(str(exc))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _load_register(demo: bool, municipality: str | None, as_of: date | None) -> Register:
    if demo:
        from legeplan.register.demo import demo_register

        register = demo_register()
        if as_of is not None and as_of != register.as_of:
            _fail(
                f"demokommunen har bare registeret per {_day(register.as_of)}, ikke per {_day(as_of)}; "
                "ta bort --as-of, eller importer et register med historikk og bruk --municipality",
                2,
            )
        return register
    if municipality is None:
        raise typer.BadParameter("oppgi --municipality KODE eller --demo")
    from legeplan.storage import RegisterNotFoundError

    storage = _open_storage()
    try:
        return storage.load_register(municipality, as_of=as_of)
    except RegisterNotFoundError as exc:
        _fail(f"{exc}. Importer registeret først (legeplan register import FIL).")
    finally:
        storage.dispose()


def parse_date_option(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD option, or a Norwegian usage error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"ugyldig dato {value!r} (bruk ÅÅÅÅ-MM-DD)", param_hint=option) from exc


def load_register_or_exit(demo: bool, municipality: str | None, as_of: date | None) -> Register:
    """The register for --demo or --municipality (at --as-of): what every register-based command starts from."""
    return _load_register(demo, municipality, as_of)


def _day(when: date) -> str:
    """A date as a Norwegian reader writes it: 01.08.2020."""
    return when.strftime("%d.%m.%Y")


def _print_table(figures: KeyFigures) -> None:
    from legeplan.register.keyfigures import format_value

    table = Table(
        title=f"Nøkkeltall {figures.municipality_name} ({figures.municipality_code}) per {_day(figures.as_of)}",
        caption=f"Kilde: fastlegeregisteret for {figures.municipality_name} per {_day(figures.as_of)}",
    )
    table.add_column("Nøkkeltall")
    table.add_column("Verdi", justify="right")
    for field, label, value in figures.labelled():
        table.add_row(label, format_value(field, value))
    if figures.stability is not None and figures.turnover is not None:
        s, t = figures.stability, figures.turnover
        period = f"{_day(s.counts.start)}–{_day(s.counts.end)}"
        table.add_row(
            f"Stabilitet {period}", f"{s.stable}/{s.agreements_at_end} = {_percent(s.share)}", end_section=False
        )
        table.add_row(f"Turnover {period}", f"{t.ended}/{t.agreements_at_start} = {_percent(t.share)}")
    console.print(table)


@app.command("keyfigures")
def keyfigures(
    demo: Annotated[bool, typer.Option("--demo", help="Bruk den medfølgende demokommunen")] = False,
    municipality: Annotated[str | None, typer.Option("--municipality", "-m", help="Kommunenummer")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Dato for registeret (ÅÅÅÅ-MM-DD)")] = None,
    period_from: Annotated[str | None, typer.Option("--from", help="Start på periode for stabilitet/turnover")] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Slutt på periode for stabilitet/turnover")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON")] = False,
) -> None:
    """Nøkkeltall for fastlegeordningen: kapasitet, listelengde, alder, stabilitet og turnover."""
    from legeplan.register.keyfigures import compute_key_figures

    try:
        when = date.fromisoformat(as_of) if as_of else None
        start = date.fromisoformat(period_from) if period_from else None
        end = date.fromisoformat(period_to) if period_to else None
    except ValueError as exc:
        raise typer.BadParameter(f"ugyldig dato: {exc}") from exc
    if (start is None) != (end is None):
        raise typer.BadParameter("--from og --to må oppgis sammen")
    if start is not None and end is not None and end <= start:
        raise typer.BadParameter("--to må være etter --from")
    register = _load_register(demo, municipality, when)
    if when is not None and register.as_of != when and not as_json:
        console.print(f"Nærmeste lagrede register før {_day(when)} er per {_day(register.as_of)}.", highlight=False)
    period: tuple[date, date] | None = None
    if start is not None and end is not None:
        if end > register.as_of:
            _fail(
                f"--to ({end}) er etter registerdatoen ({register.as_of}); registeret vet ikke hvem som har "
                f"hjemlene etter {register.as_of}, så velg --to senest {register.as_of}",
                2,
            )
        period = (start, end)
    elif demo:
        from legeplan.register.demo import DEMO_PERIOD

        period = DEMO_PERIOD
    figures = compute_key_figures(register, period=period)
    if as_json:
        from legeplan.figures import plan_figures

        document = {**figures.model_dump(mode="json"), "figures": plan_figures(register).model_dump(mode="json")}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_table(figures)


register_app = typer.Typer(help="Fastlegeregisteret: import, eksport, mal og demodata.", no_args_is_help=True)
app.add_typer(register_app, name="register")


def _print_import_errors(error: RegisterImportError) -> None:
    table = Table(title=f"{len(error.issues)} feil – ingenting ble importert", title_style="bold red")
    for header in ("Fil/ark", "Rad", "Kolonne", "Feil"):
        table.add_column(header)
    for issue in error.issues:
        table.add_row(issue.source, "" if issue.row is None else str(issue.row), issue.column or "", issue.message)
    console.print(table)


@register_app.command("import")
def register_import(
    file: Annotated[Path, typer.Argument(help="Register som .xlsx, .zip med CSV-filer, eller en mappe med CSV-filer")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Bare kontroller, lagre ingenting")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Maskinlesbar JSON (også feilene)")] = False,
) -> None:
    """Importer registeret for en kommune (alt eller ingenting)."""
    from legeplan.register.io import RegisterImportError, parse_register, register_warnings

    try:
        register = parse_register(file)
    except RegisterImportError as exc:
        if as_json:
            issues = [{"source": i.source, "row": i.row, "column": i.column, "message": i.message} for i in exc.issues]
            typer.echo(json.dumps({"imported": False, "errors": issues}, ensure_ascii=False, indent=2))
        else:
            _print_import_errors(exc)
        raise typer.Exit(BAD_INPUT) from exc
    numbers = {
        "positions": len(register.positions),
        "physicians": len(register.physicians),
        "offices": len(register.offices),
        "agreements": len(register.agreements),
        "institutions": len(register.institutions),
    }
    counts = (
        f"{numbers['positions']} hjemler, {numbers['physicians']} leger, {numbers['offices']} legekontor, "
        f"{numbers['agreements']} avtaler, {numbers['institutions']} institusjoner"
        + (f", {len(register.planned_positions)} planlagte hjemler" if register.planned_positions else "")
    )
    warnings = register_warnings(register)
    if not dry_run:
        storage = _open_storage()
        try:
            storage.save_register(register)
        finally:
            storage.dispose()
    if as_json:
        document = {
            "imported": not dry_run,
            "municipality": register.municipality.model_dump(mode="json"),
            "as_of": register.as_of.isoformat(),
            "counts": numbers,
            "warnings": [
                {"source": w.source, "row": w.row, "column": w.column, "message": w.message} for w in warnings
            ],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for warning in warnings:
        console.print(f"[yellow]Merk:[/yellow] {warning}", highlight=False)
    if dry_run:
        console.print(
            f"[green]Gyldig[/green]: {register.municipality.name} per {_day(register.as_of)}: {counts}. Ikke lagret."
        )
    else:
        console.print(f"[green]Importert[/green]: {register.municipality.name} per {_day(register.as_of)}: {counts}.")


def _export_kind(out: Path) -> str:
    """xlsx, zip (CSV files) or folder (CSV files, a name without suffix or an existing folder); else exit 2."""
    suffix = out.suffix.lower()
    if suffix in (".xlsx", ".zip"):
        _check_parent(out)
        return suffix[1:]
    if out.is_dir() or not suffix:
        if out.exists() and not out.is_dir():
            _fail(f"{out} finnes og er ikke en mappe")
        return "folder"
    _fail(
        f"ukjent filtype {suffix!r} for --out: bruk .xlsx (Excel), .zip (CSV-filer i en zip) eller et mappenavn "
        "uten filendelse (CSV-filer i mappen)",
        2,
    )


def _check_parent(out: Path) -> None:
    parent = out.parent
    if not parent.is_dir():
        _fail(f"kan ikke skrive {out}: mappen {parent} finnes ikke")
    if out.is_dir():
        _fail(f"kan ikke skrive {out}: det er en mappe")


def _write(write: Callable[[], Path], out: Path) -> Path:
    try:
        return write()
    except OSError as exc:
        _fail(f"kan ikke skrive {out}: {exc.strerror or exc}")


@register_app.command("export")
def register_export(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Fil: .xlsx, .zip (CSV-filer) eller en mappe uten filendelse (CSV-filer)"),
    ],
    municipality: Annotated[str | None, typer.Option("--municipality", "-m", help="Kommunenummer")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Eksporter demokommunen")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Dato (ÅÅÅÅ-MM-DD)")] = None,
) -> None:
    """Eksporter registeret til Excel eller CSV."""
    from legeplan.register.io import write_csv, write_xlsx

    try:
        when = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise typer.BadParameter(f"ugyldig dato: {exc}") from exc
    kind = _export_kind(out)
    register = _load_register(demo, municipality, when)
    path = _write(lambda: write_xlsx(register, out) if kind == "xlsx" else write_csv(register, out), out)
    what = {"xlsx": "Excel-fil", "zip": "zip med CSV-filer", "folder": "mappe med CSV-filer"}[kind]
    console.print(f"Skrev {path} ({what})")


@register_app.command("template")
def register_template(
    out: Annotated[Path, typer.Option("--out", "-o", help="Excel-fil (.xlsx) for malen")] = Path("legeplan-mal.xlsx"),
) -> None:
    """Lag en tom Excel-mal med veiledning for import."""
    from legeplan.register.io import write_xlsx

    if out.suffix.lower() != ".xlsx":
        _fail(f"malen er en Excel-fil: --out må slutte på .xlsx, ikke {out.name!r}")
    _check_parent(out)
    console.print(f"Skrev mal til {_write(lambda: write_xlsx(None, out), out)}")


@register_app.command("demo")
def register_demo() -> None:
    """Lagre demokommunen (bygd på Sandefjords tall) i databasen."""
    from legeplan.register.demo import demo_register

    register = demo_register()
    storage = _open_storage()
    try:
        storage.save_register(register)
    finally:
        storage.dispose()
    console.print(f"Lagret {register.municipality.name} ({register.municipality.code}) per {_day(register.as_of)}.")
