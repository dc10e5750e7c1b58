"""Thin command-line layer over the engines. Each capability registers its commands in its own module, which is
imported only when one of its commands runs (see legeplan.cli.app and legeplan.cli.commands)."""

import sys

from legeplan.cli.app import app


def main() -> None:
    """Entry point; a database that cannot be opened, or input nested too deeply for any reader, is one
    Norwegian line and exit code 2 (bad input), whatever command met it."""
    try:
        app()
    except RecursionError:
        sys.stderr.write("Feil: inndataene er nestet for dypt til å leses\n")
        raise SystemExit(2) from None
    except Exception as error:
        # legeplan.storage is imported only by commands that use the database, never at start-up.
        storage = sys.modules.get("legeplan.storage")
        storage_error: type[Exception] | None = getattr(storage, "StorageError", None)
        if storage_error is not None and isinstance(error, storage_error):
            sys.stderr.write(f"Feil: {error}\n")
            raise SystemExit(2) from None
        raise


__all__ = ["app", "main"]
