"""`legeplan plan init` and `legeplan plan variables`: the municipality's own text in the plan, one Markdown file per
chapter, kept outside the generated document so it survives every regeneration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.i18n import text as message

if TYPE_CHECKING:
    from legeplan.plan.lifecycle import PlanVersion
    from legeplan.report.facts import PlanFacts
    from legeplan.storage.repository import Storage

plan_app = typer.Typer(
    help="Planteksten: kommunens egen tekst i Plan for legetjenesten, én Markdown-fil per kapittel.",
    no_args_is_help=True,
)
app.add_typer(plan_app, name="plan")
console = Console()
T = TypeVar("T")


def _facts(municipality: str | None, demo: bool) -> PlanFacts:
    """The plan's figures for the register (the demo register or the stored one), as the report computes them."""
    from legeplan.register.demo import demo_register
    from legeplan.report.facts import compute_facts
    from legeplan.report.inputs import PlanInputs
    from legeplan.storage import open_storage

    if demo == (municipality is not None):
        raise typer.BadParameter("oppgi enten --municipality KODE eller --demo")
    if demo:
        register = demo_register()
    else:
        assert municipality is not None
        storage = open_storage()
        try:
            register = storage.load_register(municipality)
        except LookupError as error:
            raise typer.BadParameter(
                f"fant ikke kommune {municipality} i databasen: {error}", param_hint="--municipality"
            ) from error
        finally:
            storage.dispose()
    return compute_facts(PlanInputs(register=register))


#: The summary's draft: figures as {{ names }}, so the sentence stays true when the plan is made again.
SUMMARY_DRAFT = (
    "{{ kommune }} har {{ hjemler_ord }} og {{ fastleger_ord }} for {{ innbyggere }} innbyggere. Ledig kapasitet "
    "på listene er {{ ledig_kapasitet }}, og {{ andel_60_pluss }} av fastlegene er 60 år eller eldre."
)


def drafts(facts: PlanFacts) -> dict[str, dict[str, str]]:
    """Starting text for the summary: a paragraph with figures as names and today's findings to edit."""
    findings = "\n".join(f"- {finding.text}" for finding in facts.findings())
    return {
        "sammendrag": {
            "": SUMMARY_DRAFT,
            "hovedutfordringer": "Utkast fra tallgrunnlaget per {{ registerdato }} – rediger og prioriter:\n\n"
            + findings
            if findings
            else "",
        }
    }


@plan_app.command("init")
def plan_init(
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    demo: bool = typer.Option(False, "--demo", help="Bruk demokommunen"),
    folder: Path = typer.Option(Path("plantekst"), "--dir", help="Mappen tekstfilene skrives til"),
    force: bool = typer.Option(False, "--force", help="Skriv over filer som finnes (kommunens tekst går tapt)"),
) -> None:
    """Lag en mappe med én Markdown-fil per kapittel, med en kort veiledning om hva som skal stå der."""
    from legeplan.plan.text import PlanTextError, write_text_folder

    facts = _facts(municipality, demo)
    try:
        written = write_text_folder(folder, drafts(facts), overwrite=force)
    except (PlanTextError, OSError) as error:
        raise typer.BadParameter(str(error), param_hint="--dir") from error
    from legeplan.plan.outline import OUTLINE

    console.print(message("plan.init.written", count=len(written), folder=folder))
    kept = len(OUTLINE) - len(written)
    if kept:
        console.print(message("plan.init.kept", count=kept))
    source = "--demo" if demo else f"-m {municipality}"
    console.print(message("plan.init.next", source=source, folder=folder), soft_wrap=True)


@plan_app.command("variables")
def plan_variables(
    municipality: str | None = typer.Option(None, "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    demo: bool = typer.Option(False, "--demo", help="Bruk demokommunen"),
) -> None:
    """Vis tallene som kan settes inn i planteksten som {{ navn }}, med verdien for kommunen."""
    from legeplan.plan.variables import TEXT_VARIABLES

    values = _facts(municipality, demo).variables()
    table = Table(title=message("plan.variables.title"))
    table.add_column("Navn")
    table.add_column("Verdi", justify="right")
    table.add_column("Betydning")
    for name, meaning in TEXT_VARIABLES.items():
        table.add_row(f"{{{{ {name} }}}}", values[name], meaning)
    console.print(table)


def _storage_call(action: Callable[[Storage], T]) -> T:
    """Runs `action` on the configured database and closes it again."""
    from legeplan.storage import open_storage

    storage = open_storage()
    try:
        return action(storage)
    finally:
        storage.dispose()


@plan_app.command("save")
def plan_save(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    folder: Path = typer.Option(Path("plantekst"), "--dir", help="Mappen med tekstfilene", file_okay=False),
    author: str = typer.Option(..., "--author", help="Hvem som lagrer (navn eller brukernavn)"),
) -> None:
    """Lagre tekstmappen i databasen som en ny versjon (hvem og når blir lagret)."""
    from legeplan.plan.text import PlanTextError, read_text_folder
    from legeplan.storage.plan_texts import save_plan_text

    try:
        source = read_text_folder(folder)
    except PlanTextError as error:
        raise typer.BadParameter(str(error), param_hint="--dir") from error
    files = {chapter_id: file.text for chapter_id, file in source.files.items()}
    saved = _storage_call(lambda storage: save_plan_text(storage, municipality, files, author.strip() or "ukjent"))
    console.print(f"Lagret versjon {saved.version} ({saved.describe()}) med {len(files)} kapitler.")


@plan_app.command("versions")
def plan_versions_cmd(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
) -> None:
    """Vis lagrede versjoner av planteksten: hvem, når og status."""
    from legeplan.storage.plan_texts import plan_versions

    versions = _storage_call(lambda storage: plan_versions(storage, municipality))
    if not versions:
        console.print(f"Kommune {municipality} har ingen lagret plantekst.")
        return
    table = Table(title=f"Plantekst for kommune {municipality}")
    for column in ("Versjon", "Lagret", "Av", "Status", "Data per"):
        table.add_column(column)
    for each in versions:
        table.add_row(
            str(each.version),
            each.saved_at.strftime("%d.%m.%Y %H:%M"),
            each.author,
            each.describe(),
            each.register_as_of.strftime("%d.%m.%Y") if each.register_as_of else "",
        )
    console.print(table)


@plan_app.command("status")
def plan_status(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    state: str = typer.Option(..., "--state", help="utkast, høring eller vedtatt"),
    when: str = typer.Option(..., "--date", help="Dato for høringen eller vedtaket (ÅÅÅÅ-MM-DD)"),
    case_number: str | None = typer.Option(None, "--case", help="Saksnummer («24/1234»)"),
    author: str = typer.Option(..., "--author", help="Hvem som endrer status"),
) -> None:
    """Flytt planen utkast → høring → vedtatt. Vedtak fryser registerdatoen tallene i planen hentes fra."""
    from datetime import date

    from legeplan.plan.lifecycle import PlanLifecycleError, PlanState
    from legeplan.storage.plan_texts import set_plan_state

    try:
        new_state = PlanState(state.strip().lower().replace("horing", "høring"))
    except ValueError as error:
        raise typer.BadParameter(f"{state!r}: bruk utkast, høring eller vedtatt", param_hint="--state") from error
    try:
        on = date.fromisoformat(when)
    except ValueError as error:
        raise typer.BadParameter(f"{when!r} er ikke en dato (ÅÅÅÅ-MM-DD)", param_hint="--date") from error

    def change(storage: Storage) -> PlanVersion:
        frozen = None
        if new_state is PlanState.ADOPTED:
            dates = storage.snapshot_dates(municipality)
            frozen = max((each for each in dates if each <= on), default=None)
        return set_plan_state(
            storage, municipality, new_state, author=author, when=on, case_number=case_number, register_as_of=frozen
        )

    try:
        saved = _storage_call(change)
    except (PlanLifecycleError, LookupError) as error:
        raise typer.BadParameter(str(error), param_hint="--state") from error
    frozen_text = f"; tallene er frosset per {saved.register_as_of:%d.%m.%Y}" if saved.register_as_of else ""
    console.print(f"Versjon {saved.version}: {saved.describe()}{frozen_text}.")


@plan_app.command("export")
def plan_export(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    folder: Path = typer.Option(Path("plantekst"), "--dir", help="Mappen tekstfilene skrives til"),
    version: int | None = typer.Option(None, "--version", min=1, help="Versjonen (standard: siste)"),
    force: bool = typer.Option(False, "--force", help="Skriv over filer som finnes"),
) -> None:
    """Skriv en lagret versjon av teksten til en mappe, for å redigere videre."""
    from legeplan.plan.outline import file_name
    from legeplan.storage.plan_texts import plan_version

    found = _storage_call(lambda storage: plan_version(storage, municipality, version))
    if found is None:
        raise typer.BadParameter(f"fant ingen lagret plantekst for kommune {municipality}", param_hint="--version")
    folder.mkdir(parents=True, exist_ok=True)
    for chapter_id, markdown in found.files.items():
        path = folder / file_name(chapter_id)
        if path.exists() and not force:
            raise typer.BadParameter(f"{path} finnes; bruk --force for å skrive over", param_hint="--dir")
        path.write_text(markdown, encoding="utf-8")
    console.print(f"Skrev versjon {found.version} ({found.describe()}) til {folder}.")
