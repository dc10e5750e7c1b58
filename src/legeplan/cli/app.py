"""The root Typer application; each capability adds its commands from its own module in this package.

Start-up rule (issue #15): `legeplan --help` and the start of every command must stay fast (< 0,5 s on a 2-core
machine). Therefore

1. the command modules are loaded lazily: `legeplan.cli.commands.COMMANDS` names each top-level command, its
   one-line help and the module that defines it; `RootGroup` imports that module only when the command runs
   (or its own --help is asked for). A new command module adds one entry there and nothing else;
2. a command module imports at top level only the standard library, typer, rich, pydantic and light
   `legeplan` modules. Anything that pulls in OR-Tools, matplotlib, WeasyPrint, pandas, numpy, python-docx or
   openpyxl is imported inside the command function that uses it (types for signatures of helpers go under
   `if TYPE_CHECKING:`), so `legeplan keyfigures` never loads the solver and `legeplan rota --help` never loads
   the report renderer.

tests/cli/test_startup.py enforces both in a fresh interpreter; benchmarks/cli_startup.py measures it.
"""

from __future__ import annotations

from typing import Any

import typer
from typer import _click
from typer._click.exceptions import ClickException

from legeplan import __version__
from legeplan.cli.norwegian import NorwegianCommand, NorwegianGroup, norwegian_error, use_norwegian_classes


class RootGroup(NorwegianGroup):
    """The `legeplan` group: lists every command from the table, loads a command's module when it is used,
    and turns every usage error into Norwegian (exit code 2)."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        from legeplan.cli.commands import COMMANDS

        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        from legeplan.cli.commands import COMMANDS

        loaded = self.commands.get(cmd_name)
        if loaded is not None or cmd_name not in COMMANDS:
            return loaded
        # Only the help listing and shell completion get here: a stand-in with the table's one-line help.
        return NorwegianCommand(name=cmd_name, help=COMMANDS[cmd_name].help, callback=None)

    def load(self, name: str) -> None:
        """Import the module that defines command `name` and add its commands to this group."""
        from legeplan.cli.commands import COMMANDS

        entry = COMMANDS.get(name)
        if entry is None or name in self.commands:
            return
        entry.load()
        use_norwegian_classes(app)
        built = typer.main.get_command(app)
        assert isinstance(built, NorwegianGroup)
        for key, command in built.commands.items():
            self.commands.setdefault(key, command)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args:
            self.load(args[0])
        return super().resolve_command(ctx, args)

    def make_context(
        self, info_name: str | None, args: list[str], parent: _click.Context | None = None, **extra: Any
    ) -> _click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except ClickException as error:
            raise norwegian_error(error) from None

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ClickException as error:
            raise norwegian_error(error) from None


app = typer.Typer(
    name="legeplan",
    cls=RootGroup,
    help="Plan for legetjenesten: register, nøkkeltall, fastlegekapasitet, legevakt og plandokumentet.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)


@app.command(cls=NorwegianCommand)
def version(as_json: bool = typer.Option(False, "--json", help="Maskinlesbar JSON")) -> None:
    """Vis versjonen av legeplan."""
    if as_json:
        import json

        typer.echo(json.dumps({"version": __version__}))
        return
    typer.echo(__version__)


@app.callback()
def root() -> None:
    """legeplan: Plan for legetjenesten."""


def load_all_commands() -> None:
    """Import every command module (for tests and documentation tools that walk the whole command tree)."""
    from legeplan.cli.commands import COMMANDS

    for entry in COMMANDS.values():
        entry.load()
    use_norwegian_classes(app)
