"""Typer and its bundled Click in Norwegian: usage line, panel titles, the --help text and every usage error.

Typer 0.29 bundles its own copy of Click (`typer._click`) whose messages are plain English f-strings, not gettext
calls, so a translation catalogue (.mo) cannot reach them. Instead the text is replaced at the three places it is
produced, all in this module:

* help: `NorwegianCommand` / `NorwegianGroup` write «Bruk:», «[VALG]», «Vis denne hjelpen og avslutt.» and set
  Typer's rich panel constants (`typer.rich_utils.OPTIONS_PANEL_TITLE` …) before the help is drawn;
* errors: every `ClickException` raised while parsing or running a command passes through `norwegian_error`,
  which rebuilds the message from the exception's type and fields (parameter, option name, pydantic cause), and
  only for the messages Click builds as text matches one of the patterns in `legeplan.i18n.CLI_PATTERNS`;
* the classes are put on every command by `use_norwegian_classes` before Typer builds the Click tree, so a new
  command module needs nothing special.

tests/cli/test_norwegian.py runs --help and a bad option on every command and fails on English words.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from difflib import get_close_matches
from typing import IO, Any

import typer
from typer import _click
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer._click.utils import echo
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandInfo, DefaultPlaceholder, TyperInfo

from legeplan.i18n import CLI_PATTERNS, CLI_TEXT, cli_text, validation_message

#: The exit code for bad input or usage (see legeplan.cli.errors); Click's own usage errors use it too.
USAGE_EXIT_CODE = 2

#: Python type names Typer shows in the help's type column, in Norwegian (flags show no type).
TYPE_NAMES = {
    "int": "heltall",
    "float": "tall",
    "str": "tekst",
    "Path": "sti",
    "path": "sti",
    "file": "fil",
    "dir": "mappe",
    "directory": "mappe",
}


def _hint(error: BadParameter) -> str:
    """The parameter an error is about, as «--out» or «FIL»."""
    hint: Sequence[str] | str | None = error.param_hint
    if hint is None and error.param is not None:
        opts = [*error.param.opts] if isinstance(error.param, TyperOption) else []
        hint = opts or [error.param.metavar or (error.param.name or "").upper()]
    if hint is None:
        return ""
    names = [hint] if isinstance(hint, str) else list(hint)
    return " / ".join(f"«{name.strip(chr(39))}»" for name in names)


def translate_text(message: str) -> str:
    """A message Click or pydantic built in English, in Norwegian (the patterns of `legeplan.i18n`)."""
    for pattern, template in CLI_PATTERNS:
        match = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if match:
            parts = {key: translate_text(value) if key == "rest" else value for key, value in match.groupdict().items()}
            return template.format(**{key: value or "" for key, value in parts.items()}).strip()
    return message


def _bad_value(error: BadParameter) -> str:
    # Typer's own conversion passes the first pydantic message on as English text: translate that error.
    # A command's own BadParameter (a Norwegian sentence, perhaps raised from a ValidationError) is kept.
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        items = errors()
        if items and str(items[0].get("msg", "")) == error.message:
            return translate_text(validation_message(items[0])).rstrip(".")
    return translate_text(error.message).rstrip(".")


class NorwegianUsageError(UsageError):
    """A usage error shown as «Bruk: …», «Skriv «… --help» for hjelp.» and «Feil: …» on stderr; exit code 2."""

    exit_code = USAGE_EXIT_CODE
    norwegian = True

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        ctx = self.ctx
        if ctx is not None:
            lines = [ctx.get_usage()]
            if ctx.command.get_help_option(ctx) is not None:
                lines.append(cli_text("cli.try_help", command=ctx.command_path, option=ctx.help_option_names[0]))
            echo("\n".join(lines) + "\n", file=stream, color=ctx.color)
        echo(f"{CLI_TEXT['cli.error']} {self.format_message()}", file=stream, color=ctx.color if ctx else None)


def norwegian_error(error: ClickException) -> ClickException:
    """The same error with its message in Norwegian; usage errors keep their context (for the usage line)."""
    if isinstance(error, NoArgsIsHelpError | NorwegianUsageError):
        return error
    if isinstance(error, MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param is not None else "parameter")
        text = cli_text(f"cli.missing.{kind}", name=_hint(error))
        if error.param is not None and isinstance(error.param, TyperArgument | TyperOption):
            extra = error.param.get_missing_message(error.ctx)
            if extra:
                text += " " + translate_text(extra)
    elif isinstance(error, BadParameter):
        hint = _hint(error)
        value = _bad_value(error)
        text = (
            cli_text("cli.bad_value_for", name=hint, message=value)
            if hint
            else cli_text("cli.bad_value", message=value)
        )
    elif isinstance(error, NoSuchOption):
        text = cli_text("cli.no_such_option", name=error.option_name)
        if error.possibilities:
            text += " " + cli_text("cli.did_you_mean", names=", ".join(f"«{p}»" for p in sorted(error.possibilities)))
    elif isinstance(error, BadOptionUsage):
        text = translate_text(error.message)
    else:
        text = translate_text(error.message)
    return NorwegianUsageError(text, error.ctx if isinstance(error, UsageError) else None)


class NorwegianOption(TyperOption):
    """An option whose type column is Norwegian (heltall, tall, tekst, sti) and whose flags show no type."""

    def display_type_rich(self, ctx: _click.Context) -> str | None:
        if self.is_flag:
            return None
        return _norwegian_type(super().display_type_rich(ctx))


class NorwegianArgument(TyperArgument):
    def display_type_rich(self, ctx: _click.Context) -> str | None:
        return _norwegian_type(super().display_type_rich(ctx))


def _norwegian_type(label: str | None) -> str | None:
    if label is None:
        return None
    name = label.strip("<>").removesuffix(" range")  # the range itself is shown in the help text
    if name.startswith("list[") and name.endswith("]"):  # a repeatable option: its element type (the help says so)
        name = name[len("list[") : -1]
    return f"<{TYPE_NAMES.get(name, name)}>"


class _Norwegian:
    """What NorwegianCommand and NorwegianGroup share: the usage line, the help option and the help text."""

    options_metavar: str | None

    def norwegian_usage(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=CLI_TEXT["cli.usage"] + " ")

    def norwegian_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The «Argumenter» and «Valg» sections, with Typer's «[default: …; required]» notes in Norwegian."""
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None:
                continue
            record = (record[0], _norwegian_notes(record[1]))
            (arguments if param.param_type_name == "argument" else options).append(record)
        for key, records in (("cli.panel.arguments", arguments), ("cli.panel.options", options)):
            if records:
                with formatter.section(CLI_TEXT[key]):
                    formatter.write_dl(records)

    def norwegian_setup(self) -> None:
        self.options_metavar = CLI_TEXT["cli.options_metavar"]
        _norwegian_params(self.params)  # type: ignore[attr-defined]

    def format_usage(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.norwegian_usage(ctx, formatter)

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = CLI_TEXT["cli.help_option"]
            if type(option) is TyperOption:
                option.__class__ = NorwegianOption
        return option


class NorwegianCommand(_Norwegian, TyperCommand):
    """A Typer command with Norwegian help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.norwegian_setup()

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.norwegian_options(ctx, formatter)


class NorwegianGroup(_Norwegian, TyperGroup):
    """A Typer group with Norwegian help and a Norwegian «Ukjent kommando … Mente du …?»."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["subcommand_metavar"] = CLI_TEXT["cli.subcommand_metavar"]
        super().__init__(*args, **kwargs)
        self.norwegian_setup()

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self.norwegian_options(ctx, formatter)
        commands = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(CLI_TEXT["cli.panel.commands"]):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

    def known_commands(self, ctx: _click.Context) -> list[str]:
        return self.list_commands(ctx)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name = args[0]
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)
            text = cli_text("cli.no_such_command", name=name)
            matches = get_close_matches(name, self.known_commands(ctx))
            if matches:
                text += " " + cli_text("cli.did_you_mean", names=", ".join(f"«{m}»" for m in matches))
            raise NorwegianUsageError(text, ctx)
        return (name if command else None), command, args[1:]


def _norwegian_notes(help_text: str) -> str:
    """Typer's trailing «[default: 1000; required]» in Norwegian: «[standard: 1000; påkrevd]»."""
    match = re.search(r"\[([^\[\]]*)\]\s*$", help_text)
    if match is None:
        return help_text
    notes = []
    for note in match.group(1).split("; "):
        for english, key in (("default: ", "cli.default"), ("env var: ", "cli.envvar")):
            if note.startswith(english):
                value = note.removeprefix(english)
                note = CLI_TEXT[key].format(value.replace(".", ",") if re.fullmatch(r"-?\d+\.\d+", value) else value)
        if note == "required":
            note = CLI_TEXT["cli.required"]
        notes.append(note)
    return f"{help_text[: match.start()]}[{'; '.join(notes)}]"


def _norwegian_params(params: list[_click.Parameter]) -> None:
    """Norwegian type names in the help (the parameter classes Typer builds have no class hook)."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = NorwegianOption
        elif type(param) is TyperArgument:
            param.__class__ = NorwegianArgument
            if param.metavar is None and param.name:
                # Typer's plain usage line would print «{problem_file}»; a reader expects PROBLEM_FILE.
                param.metavar = param.name.upper()


def use_norwegian_classes(app: typer.Typer) -> None:
    """Give every command and sub-app of `app` the Norwegian classes unless it chose its own class."""
    for command in app.registered_commands:
        if _unset(command):
            command.cls = NorwegianCommand
    for group in app.registered_groups:
        if _unset(group):
            group.cls = NorwegianGroup
        if group.typer_instance is not None:
            if _unset(group.typer_instance.info):
                group.typer_instance.info.cls = NorwegianGroup
            use_norwegian_classes(group.typer_instance)


def _unset(info: CommandInfo | TyperInfo) -> bool:
    """No class chosen, or Typer's own default (the `app.command()` decorator fills in TyperCommand)."""
    return info.cls is None or isinstance(info.cls, DefaultPlaceholder) or info.cls in (TyperCommand, TyperGroup)


def iter_commands(command: _click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command below `command` (groups included) with its path of names."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            yield from iter_commands(sub, (*path, name))
