"""Every help text and usage error of the command line is Norwegian (issue #17 item 4)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.cli.app import load_all_commands
from legeplan.cli.norwegian import iter_commands, translate_text

runner = CliRunner()

#: Words from Typer's and Click's own English texts; none may reach a user.
ENGLISH = (
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Show this message",
    "Invalid value",
    "Missing",
    "No such",
    "Error",
    "default",
    "required",
    "Did you mean",
    "Try ",
    "Got unexpected",
    "Possible options",
    "requires an argument",
    "is not one of",
    "Input should",
    "Field required",
    "should have at least",
    "Print ",
    "range",
)


def _english(text: str) -> list[str]:
    # A whole word (or phrase): «rangert» is Norwegian, «range» is Click's English.
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![a-zæøå])", text)]


def _paths() -> list[tuple[str, ...]]:
    load_all_commands()
    return [path for path, _ in iter_commands(typer.main.get_command(app))]


PATHS = _paths()
#: Click's choice and date types show as their own words («<valg>» …); Python type names never do.
CHOICE_TYPES = {"valg", "dato", "tid"}


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "legeplan")
def test_help_is_norwegian(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert _english(result.output) == [], result.output
    assert "Bruk:" in result.output and "Vis denne hjelpen og avslutt." in result.output
    # The type after an option is Norwegian («<heltall>», «<sti>»), never Python's («<list[Path]>», «<dir>»); a
    # choice shows the values one types («<a|b>»).
    types = {found for found in re.findall(r"<([^<>\s]+)>", result.output) if "|" not in found}
    assert types <= {"heltall", "tall", "tekst", "sti", "fil", "mappe"} | CHOICE_TYPES, types


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "legeplan")
def test_a_bad_option_is_explained_in_norwegian(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--finnes-ikke"])
    assert result.exit_code == 2, result.output
    assert "Ukjent valg «--finnes-ikke»." in result.output
    assert _english(result.output) == [], result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["economics", "--listed", "mange"], "Ugyldig verdi for «--listed»: Må være et heltall."),
        (["economics", "--listed"], "Valget «--listed» trenger en verdi."),
        (["report"], "Mangler valg «--out» / «-o»."),
        (["register", "import"], "Mangler argument «FILE»."),
        (["econ"], "Ukjent kommando «econ». Mente du «economics»"),
        (["region", "stability", "--by", "x"], "«x» er ikke en av"),
        (["version", "x"], "Uventede ekstra argumenter (x)."),
        (["region", "stats"], "Ukjent kommando «stats». Mente du «statistics»?"),
    ],
)
def test_usage_errors_in_norwegian(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert expected in result.output, result.output
    assert "Bruk:" in result.output or "Valget" in result.output
    assert _english(result.output) == [], result.output


def test_unknown_english_text_is_kept_rather_than_garbled() -> None:
    assert translate_text("Something new from Click.") == "Something new from Click."
    assert translate_text("Option '--x' requires 2 arguments.") == "Valget «--x» trenger 2 verdier."
