"""Thin command-line layer over the engines. Each capability registers its commands in its own module."""

import sys

from legeplan.cli import commands as _commands  # noqa: F401  (registers all commands on `app`)
from legeplan.cli.app import app


def main() -> None:
    """Entry point; a database that cannot be opened is one Norwegian line, whatever command met it."""
    from legeplan.storage import StorageError

    try:
        app()
    except StorageError as error:
        sys.stderr.write(f"Feil: {error}\n")
        raise SystemExit(1) from None


__all__ = ["app", "main"]
