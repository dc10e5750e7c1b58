"""The exit-code contract of every `legeplan` command, and the one way to stop with a Norwegian error.

* 0 (`OK`): done, nothing found;
* 1 (`PROBLEMS`): the command ran and found problems (numbers that do not add up with `check-plan --strict`,
  rule violations in `rota check`) or no solution exists (`rota solve` on an infeasible problem);
* 2 (`BAD_INPUT`): bad input or usage: an unknown option, a value out of range, a file that is missing,
  unreadable, too large, too deeply nested or malformed, a municipality that is not stored, a database that
  cannot be opened. Nothing is written when a command exits with 2.

Click's own usage errors exit with 2 as well (legeplan.cli.norwegian), so scripts need to know only this table.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

OK = 0
PROBLEMS = 1
BAD_INPUT = 2


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """One Norwegian line «Feil: …» on stderr and the exit code (bad input unless told otherwise); no traceback."""
    from rich.console import Console

    Console(stderr=True).print(f"[red]Feil:[/red] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def show_progress() -> bool:
    """Progress bars and spinners only when a person watches: stderr is a terminal."""
    return sys.stderr.isatty()
