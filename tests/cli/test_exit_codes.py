"""The exit-code contract of legeplan.cli.errors, for every command: 0 ok, 1 found problems or no solution,
2 bad input or usage (issue #17 item 3). `{tmp}` in an argument is the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.cli.commands import COMMANDS
from legeplan.cli.errors import BAD_INPUT, OK, PROBLEMS
from legeplan.region.statistics import sample_path
from legeplan.register.demo import demo_register
from legeplan.storage.repository import Storage

runner = CliRunner()
MISSING = "{tmp}/finnes-ikke.toml"
AUTHOR = ["--author", "kari"]
COMMENT = ["--text", "Uttalelse.", *AUTHOR]
DATE = ["--date", "2021-06-01"]

#: command -> [(expected exit code, arguments)]; every top-level command has at least a good and a bad case.
CASES: dict[str, list[tuple[int, list[str]]]] = {
    "version": [(OK, ["version"]), (OK, ["version", "--json"]), (BAD_INPUT, ["version", "--bogus"])],
    "keyfigures": [
        (OK, ["keyfigures", "--demo"]),
        (BAD_INPUT, ["keyfigures", "--demo", "--as-of", "igår"]),
        (BAD_INPUT, ["keyfigures", "--demo", "--from", "2019-01-01"]),
    ],
    "register": [
        (OK, ["register", "template", "--out", "{tmp}/mal.xlsx"]),
        (OK, ["register", "export", "--demo", "--out", "{tmp}/r.zip"]),
        (BAD_INPUT, ["register", "export", "--demo", "--out", "{tmp}/r.txt"]),
        (BAD_INPUT, ["register", "import", MISSING, "--dry-run"]),
        (BAD_INPUT, ["register", "bogus"]),
    ],
    "dimension": [
        (OK, ["dimension", "sandefjord", "--json"]),
        (BAD_INPUT, ["dimension", MISSING]),
        (BAD_INPUT, ["dimension", "sandefjord", "--simulate", "--runs", "0"]),
    ],
    "rota": [(OK, ["rota", "helligdager", "2026"]), (BAD_INPUT, ["rota", "helligdager", "3000"])],
    "duties": [(OK, ["duties", "--demo", "--json"]), (BAD_INPUT, ["duties"]), (BAD_INPUT, ["duties", MISSING])],
    "economics": [
        (OK, ["economics", "--json"]),
        (BAD_INPUT, ["economics", "--listed", "-1"]),
        (BAD_INPUT, ["economics", "--assumptions", MISSING]),
    ],
    "actions": [
        (OK, ["actions", "show", "--example", "--json"]),
        (OK, ["actions", "convert", "{tmp}/plan.toml", "--example"]),
        (BAD_INPUT, ["actions", "show", MISSING]),
        (BAD_INPUT, ["actions", "show"]),
    ],
    "check-plan": [
        (OK, ["check-plan", "--example", "bodo"]),  # differences are reported, not an error without --strict
        (PROBLEMS, ["check-plan", "--example", "bodo", "--strict"]),
        (BAD_INPUT, ["check-plan", MISSING]),
        (BAD_INPUT, ["check-plan", MISSING, "--strict"]),  # a bad file is 2 even with --strict
        (BAD_INPUT, ["check-plan", "--example", "oslo"]),
    ],
    "report": [
        (BAD_INPUT, ["report", "--demo", "--out", "{tmp}/plan.txt"]),
        (BAD_INPUT, ["report", "--out", "{tmp}/plan.html"]),
    ],
    "region": [
        (OK, ["region", "list", "--json"]),
        (OK, ["region", "statistics", str(sample_path("12005")), "--json"]),
        (BAD_INPUT, ["region", "stability", "--from", "2020-01-01", "--to", "2019-01-01"]),
        (BAD_INPUT, ["region", "list", "--dataset", MISSING]),
    ],
    "serve": [(BAD_INPUT, ["serve", "--port", "0"]), (BAD_INPUT, ["serve", "--workers", "0"])],
    "plan": [
        (OK, ["plan", "init", "--demo", "--dir", "{tmp}/plantekst"]),
        (BAD_INPUT, ["plan", "init"]),
        (OK, ["plan", "comments", "add", "-m", "3804", "--from", "ALU", "--date", "2021-06-01", *COMMENT]),
        (OK, ["plan", "comments", "list", "-m", "3804"]),
        (BAD_INPUT, ["plan", "comments", "add", "-m", "3804", "--from", "ALU", *DATE, "--file", MISSING, *AUTHOR]),
        (OK, ["plan", "period", "-m", "3804", "--from", "2025", "--to", "2028", *AUTHOR]),
        (BAD_INPUT, ["plan", "period", "-m", "3804", "--from", "2028", "--to", "2025", *AUTHOR]),
        (BAD_INPUT, ["plan", "comments", "add", "-m", "3804", "--from", "ALU", "--date", "1. juni", *COMMENT]),
        (
            BAD_INPUT,
            [
                "plan",
                "comments",
                "add",
                "-m",
                "3804",
                "--from",
                "ALU",
                "--date",
                "2021-06-01",
                "--chapter",
                "x",
                *COMMENT,
            ],
        ),
        (BAD_INPUT, ["plan", "comments", "answer", "7", "-m", "3804", "--answer", "Ja.", "--author", "ola"]),
        (BAD_INPUT, ["plan", "comments", "answer", "7", "-m", "3804", "--answer", "Ja.", "--status", "tja", *AUTHOR]),
    ],
    "statistics": [
        (OK, ["statistics", "demand", "--example", "bodo", "--json"]),
        (BAD_INPUT, ["statistics", "demand", "--example", "bodo", "--rates", "tull"]),
    ],
    "worker": [(BAD_INPUT, ["worker", "--max-jobs", "0"])],
    "backup": [(BAD_INPUT, ["backup"])],
    "restore": [(BAD_INPUT, ["restore", MISSING])],
    "template": [
        (OK, ["template", "scenario", "--out", "{tmp}/scenario.toml"]),
        (BAD_INPUT, ["template", "ukjent-fil"]),
    ],
    "legevakt": [
        (OK, ["legevakt", "list", "--json"]),
        (OK, ["legevakt", "create", "Sandefjord legevakt", "-m", "3804"]),  # the demo register is stored first
        (BAD_INPUT, ["legevakt", "create", "Feil", "-m", "18"]),
        (BAD_INPUT, ["legevakt", "create", "Uten register", "-m", "9999"]),
        (BAD_INPUT, ["legevakt", "solve", "99"]),
        (BAD_INPUT, ["legevakt", "absent", "99", "--doctor", "moe", "--from", "2026-04-06", "--to", "igår"]),
        (BAD_INPUT, ["legevakt", "period", "99", "--from", "2026-04-06", "--to", "2026-04-12"]),
        (BAD_INPUT, ["legevakt", "hours", "1", "--out", "{tmp}/timer.txt"]),
        (BAD_INPUT, ["legevakt", "events", "99"]),
        (BAD_INPUT, ["legevakt", "requests", "99"]),
        (BAD_INPUT, ["legevakt", "requests", "1", "--state", "tull"]),
    ],
}


def test_every_command_has_cases() -> None:
    assert set(COMMANDS) <= set(CASES), "add good, bad and (where it applies) problem cases for the new command"


@pytest.mark.parametrize(
    ("expected", "args"),
    [pytest.param(code, args, id=" ".join(args)) for cases in CASES.values() for code, args in cases],
)
def test_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: int, args: list[str]) -> None:
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{tmp_path}/db.sqlite")
    if args[:2] == ["legevakt", "create"]:  # a legevakt's members must have a register
        Storage(f"sqlite:///{tmp_path}/db.sqlite").save_register(demo_register())
    arguments = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    result = runner.invoke(app, arguments)
    assert result.exit_code == expected, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if expected == BAD_INPUT:
        assert "Feil" in result.output
