"""The root Typer application; each capability adds its commands from its own module in this package."""

import typer

from legeplan import __version__

app = typer.Typer(
    name="legeplan",
    help="Plan for legetjenesten: register, nøkkeltall, fastlegekapasitet, legevakt and the plan document.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.command()
def version() -> None:
    """Print the legeplan version."""
    typer.echo(__version__)


@app.callback()
def root() -> None:
    """legeplan: Plan for legetjenesten."""
