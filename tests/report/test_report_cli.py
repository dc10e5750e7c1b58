"""`legeplan report`: output by extension, clear errors, nothing written on bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from legeplan.cli import app, report_cmd

from .conftest import small_register

runner = CliRunner()


@pytest.fixture
def demo_is_small_register(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's --demo path with the test register in place of the shipped demo data."""
    original = report_cmd._optional

    def fake(module: str, function: str, *args: Any) -> Any:
        if function == "demo_register":
            return small_register()
        return original(module, function, *args)

    monkeypatch.setattr(report_cmd, "_optional", fake)


@pytest.mark.usefixtures("demo_is_small_register")
@pytest.mark.parametrize("name", ["plan.html", "plan.docx"])
def test_demo_report_is_written(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = runner.invoke(app, ["report", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000
    assert "9 kapitler" in result.output


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--demo", "--out", str(tmp_path / "plan.txt")])
    assert result.exit_code == 2
    assert "ukjent format" in result.output
    assert list(tmp_path.iterdir()) == []


def test_demo_and_municipality_are_exclusive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--demo", "-m", "3907", "--out", str(tmp_path / "plan.html")])
    assert result.exit_code == 2
    assert "enten --municipality" in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_date_names_the_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "-m", "3907", "--as-of", "2024-13-01", "--out", str(tmp_path / "p.html")])
    assert result.exit_code == 2
    assert "--as-of" in result.output
