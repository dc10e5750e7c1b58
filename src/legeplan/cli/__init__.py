"""Thin command-line layer over the engines. Each capability registers its commands in its own module."""

from legeplan.cli import commands as _commands  # noqa: F401  (registers all commands on `app`)
from legeplan.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
