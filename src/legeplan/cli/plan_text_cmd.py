"""`legeplan plan init` and `legeplan plan variables`: the municipality's own text in the plan, one Markdown file per
chapter, kept outside the generated document so it survives every regeneration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from legeplan.cli.app import app
from legeplan.i18n import text as message

if TYPE_CHECKING:
    from legeplan.report.facts import PlanFacts

plan_app = typer.Typer(
    help="Planteksten: kommunens egen tekst i Plan for legetjenesten, én Markdown-fil per kapittel.",
    no_args_is_help=True,
)
app.add_typer(plan_app, name="plan")
console = Console()


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
