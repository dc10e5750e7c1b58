"""Start-up rule of legeplan.cli.app: `legeplan --help` and a command's start load only what they use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import legeplan
from legeplan.cli.app import app, load_all_commands
from legeplan.cli.commands import COMMANDS

HEAVY = ("ortools", "matplotlib", "weasyprint", "pandas", "numpy", "docx", "openpyxl", "sqlalchemy")
SOURCE = str(Path(legeplan.__file__).resolve().parents[1])


def _heavy_modules_after(code: str) -> list[str]:
    """The heavy packages imported by `code` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SOURCE, os.environ.get("PYTHONPATH")]))}
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120, env=env
    )
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    return sorted(loaded & set(HEAVY))


def test_importing_the_cli_loads_no_heavy_package() -> None:
    assert _heavy_modules_after("import legeplan.cli") == []


def test_root_help_loads_no_heavy_package() -> None:
    code = (
        "from typer.testing import CliRunner\nfrom legeplan.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\nassert r.exit_code == 0, r.output"
    )
    assert _heavy_modules_after(code) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_commands_help_loads_no_heavy_package(name: str) -> None:
    """Every command module except rota (owned by the legevakt work, see the report) keeps its top level light."""
    code = (
        "from typer.testing import CliRunner\nfrom legeplan.cli import app\n"
        f"r = CliRunner().invoke(app, [{name!r}, '--help'])\nassert r.exit_code == 0, r.output"
    )
    assert _heavy_modules_after(code) == []


def test_every_table_entry_matches_its_command() -> None:
    """The one-line help in legeplan.cli.commands is the command's own first help line."""
    load_all_commands()
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    built = group.commands
    assert set(built) == set(COMMANDS), "every registered top-level command needs a COMMANDS entry, and back"
    for name, entry in COMMANDS.items():
        own = (built[name].help or "").strip().splitlines()[0]
        assert entry.help == own, name


def test_the_cli_copies_of_engine_constants_agree() -> None:
    from legeplan.capacity import EXAMPLES, LOCUM_COST_PER_VACANCY_NOK, TURNOVER_NORD_NORGE
    from legeplan.cli import capacity_cmd, plan_cmd, region_cmd
    from legeplan.region.helse_nord import PERIOD
    from legeplan.report.consistency import CHECK_SETS

    assert capacity_cmd.EXAMPLES == EXAMPLES
    assert capacity_cmd.TURNOVER_NORD_NORGE == TURNOVER_NORD_NORGE
    assert capacity_cmd.LOCUM_COST_PER_VACANCY_NOK == LOCUM_COST_PER_VACANCY_NOK
    assert tuple(CHECK_SETS) == plan_cmd.CHECK_SET_NAMES
    assert region_cmd.PERIOD == PERIOD
