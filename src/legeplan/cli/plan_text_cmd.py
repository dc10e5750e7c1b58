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
    from legeplan.plan.consultation import CommentStatus
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


@plan_app.command("period")
def plan_period(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    start: int = typer.Option(..., "--from", min=2000, max=2100, help="Første år i planperioden"),
    end: int = typer.Option(..., "--to", min=2000, max=2100, help="Siste år i planperioden"),
    author: str = typer.Option(..., "--author", help="Hvem som endrer"),
) -> None:
    """Sett planperioden (for eksempel 2025–2028); den står på forsiden av planen."""
    from legeplan.plan.lifecycle import PlanLifecycleError
    from legeplan.storage.plan_texts import set_plan_period

    try:
        saved = _storage_call(
            lambda storage: set_plan_period(storage, municipality, start, end, author.strip() or "ukjent")
        )
    except PlanLifecycleError as error:
        raise typer.BadParameter(str(error), param_hint="--from") from error
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--to") from error
    console.print(message("plan.period.saved", period=saved.period(), version=saved.version))


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


comments_app = typer.Typer(
    help="Høringsuttalelser til planen og kommunens svar.",
    no_args_is_help=True,
)
plan_app.add_typer(comments_app, name="comments")


#: The option each field of a comment comes from, for error messages.
OPTION_OF_FIELD = {"sender": "--from", "received": "--date", "chapter_id": "--chapter", "text": "--text"}


def _comment_status(value: str) -> CommentStatus:
    from legeplan.plan.consultation import CommentStatus

    try:
        return CommentStatus(value.strip().lower())
    except ValueError as error:
        options = ", ".join(f"«{status.value}»" for status in CommentStatus)
        raise typer.BadParameter(f"{value!r}: bruk {options}", param_hint="--status") from error


@comments_app.command("add")
def comments_add(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    sender: str = typer.Option(..., "--from", help="Hvem uttalelsen kom fra (organisasjon eller person)"),
    received: str = typer.Option(..., "--date", help="Datoen uttalelsen kom inn (ÅÅÅÅ-MM-DD)"),
    comment: str | None = typer.Option(None, "--text", help="Uttalelsen (eller et sammendrag av den)"),
    comment_file: Path | None = typer.Option(
        None, "--file", help="Les uttalelsen fra en tekstfil (UTF-8) i stedet for --text", dir_okay=False
    ),
    chapter: str | None = typer.Option(None, "--chapter", help="Kapittelet den gjelder (standard: hele planen)"),
    author: str = typer.Option(..., "--author", help="Hvem som registrerer"),
) -> None:
    """Registrer en høringsuttalelse til planen."""
    from datetime import date

    from pydantic import ValidationError

    from legeplan.i18n import validation_message
    from legeplan.plan.consultation import CommentDraft
    from legeplan.storage.plan_comments import add_comment

    try:
        on = date.fromisoformat(received)
    except ValueError as error:
        raise typer.BadParameter(f"{received!r} er ikke en dato (ÅÅÅÅ-MM-DD)", param_hint="--date") from error
    if (comment is None) == (comment_file is None):
        raise typer.BadParameter("oppgi enten --text eller --file", param_hint="--text")
    if comment_file is not None:
        if not comment_file.is_file():
            raise typer.BadParameter(f"{comment_file}: filen finnes ikke", param_hint="--file")
        try:
            comment = comment_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise typer.BadParameter(f"{comment_file}: kan ikke leses som UTF-8-tekst", param_hint="--file") from error
    try:
        draft = CommentDraft(sender=sender, received=on, chapter_id=chapter, text=comment or "")
    except ValidationError as error:
        first = error.errors()[0]
        option = OPTION_OF_FIELD.get(str(first["loc"][0]) if first["loc"] else "", "--text")
        raise typer.BadParameter(validation_message(first), param_hint=option) from error
    saved = _storage_call(lambda storage: add_comment(storage, municipality, draft, author.strip() or "ukjent"))
    console.print(message("plan.comments.added", id=saved.id, sender=saved.sender, chapter=saved.chapter_title()))


@comments_app.command("list")
def comments_list(
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
) -> None:
    """Vis høringsuttalelsene med kommunens svar og status."""
    from legeplan.storage.plan_comments import list_comments

    comments = _storage_call(lambda storage: list_comments(storage, municipality))
    if not comments:
        console.print(message("plan.comments.none", code=municipality))
        return
    table = Table(title=message("plan.comments.title", code=municipality))
    for column in ("Nr.", "Fra", "Mottatt", "Gjelder", "Uttalelse", "Svar", "Status"):
        table.add_column(column, no_wrap=column in ("Nr.", "Mottatt"))
    for each in comments:
        table.add_row(
            str(each.id),
            each.sender,
            each.received.strftime("%d.%m.%Y"),
            each.chapter_title(),
            each.text,
            each.answer,
            each.status.value,
        )
    console.print(table)


@comments_app.command("answer")
def comments_answer(
    comment_id: int = typer.Argument(..., metavar="NR", help="Uttalelsens nummer (se plan comments list)"),
    municipality: str = typer.Option(..., "--municipality", "-m", help="Kommunenummer (fire sifre)"),
    answer: str = typer.Option(..., "--answer", help="Kommunens svar og oppfølging"),
    status: str = typer.Option(
        "tatt til følge",
        "--status",
        help="tatt til følge, delvis tatt til følge, ikke tatt til følge, tatt til orientering eller mottatt",
    ),
    author: str = typer.Option(..., "--author", help="Hvem som svarer"),
) -> None:
    """Skriv kommunens svar på en høringsuttalelse."""
    from pydantic import ValidationError

    from legeplan.storage.plan_comments import answer_comment

    chosen = _comment_status(status)
    who = author.strip() or "ukjent"
    try:
        saved = _storage_call(lambda storage: answer_comment(storage, municipality, comment_id, answer, chosen, who))
    except LookupError as error:
        raise typer.BadParameter(str(error), param_hint="NR") from error
    except ValidationError as error:
        raise typer.BadParameter(message("plan.comments.too_long"), param_hint="--answer") from error
    console.print(message("plan.comments.answered", id=saved.id, status=saved.status.value))
