"""`legeplan report`: output by extension, clear errors, nothing written on bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from legeplan.cli import app, report_cmd
from legeplan.register.models import Register

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


class FakeStorage:
    """Stands in for legeplan.storage.Storage: two snapshots of one municipality."""

    def __init__(self) -> None:
        current = small_register()
        self.snapshots = {
            current.as_of: current,
            date(2022, 1, 1): current.model_copy(update={"as_of": date(2022, 1, 1)}),
        }

    def load_register(self, code: str, as_of: date | None = None) -> Register:
        if code != "1804":
            raise KeyError(code)
        return self.snapshots[as_of or max(self.snapshots)]

    def snapshot_dates(self, code: str) -> list[date]:
        return sorted(self.snapshots)


@pytest.fixture
def fake_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    import legeplan.storage

    monkeypatch.setattr(legeplan.storage, "Storage", FakeStorage, raising=False)


@pytest.mark.usefixtures("fake_storage")
def test_stored_municipality_with_history(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "--municipality", "1804", "--out", str(out), "--title", "Legeplan 2024"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Utvikling i fastlegeordningen" in html
    assert "<h1>Legeplan 2024</h1>" in html


@pytest.mark.usefixtures("fake_storage")
def test_unknown_municipality_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--municipality", "9999", "--out", str(tmp_path / "plan.pdf")])
    assert result.exit_code == 2
    assert "fant ikke kommune 9999" in result.output
    assert list(tmp_path.iterdir()) == []
