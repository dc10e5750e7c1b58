from pathlib import Path

from typer.testing import CliRunner

from legeplan import __version__
from legeplan.cli import app


def test_version_command_prints_package_version() -> None:
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_python_dash_m_legeplan_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "legeplan", "version"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == __version__


def test_a_database_that_cannot_be_opened_is_one_line_for_every_command(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import legeplan

    package_root = str(Path(legeplan.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "LEGEPLAN_DATABASE_URL": "sqlite:////nonexistent-folder/legeplan.sqlite",
        "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-m", "legeplan", "report", "--municipality", "3804", "--out", str(tmp_path / "plan.html")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "kan ikke åpne databasen" in result.stderr and "Traceback" not in result.stderr
