"""`legeplan report`: output by extension, real demo data and real storage, clear errors, nothing written on bad
input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import demo_register
from legeplan.storage import Storage

runner = CliRunner()


def test_demo_report_html(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "21 kapitler" in " ".join(result.output.split())
    assert "Sandefjord kommune (demo)" in html
    assert "1,6 %" in html  # free capacity, seed 001
    assert "Ledige hjemler framover (simulering)" in html
    assert "Dimensjonering av fastlegehjemler per år" in html


def test_demo_report_docx(tmp_path: Path) -> None:
    out = tmp_path / "plan.docx"
    result = runner.invoke(app, ["report", "--demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    word = docx.Document(str(out))
    assert len(word.inline_shapes) >= 5
    assert any(p.text == "21 Konklusjoner og prioriterte tiltak" for p in word.paragraphs)
    assert any(p.text == "21.3 Tiltaksplan" for p in word.paragraphs)


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database with two snapshots of the demo municipality; LEGEPLAN_DATABASE_URL points at it."""
    url = f"sqlite:///{tmp_path / 'legeplan.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    register = demo_register()
    storage = Storage(url)
    earlier = register.model_copy(
        update={
            "as_of": date(2018, 1, 1),
            "positions": tuple(
                p.model_copy(update={"listed_patients": p.listed_patients - 20}) for p in register.positions
            ),
        }
    )
    storage.save_register(earlier)
    storage.save_register(register)
    storage.dispose()
    return register.municipality.code


def test_stored_municipality_with_history(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "out" / "plan.html"
    out.parent.mkdir()
    result = runner.invoke(app, ["report", "--municipality", stored, "--out", str(out), "--title", "Legeplan 2021"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h1>Legeplan 2021</h1>" in html
    assert "Utvikling i fastlegeordningen" in html
    assert "01.01.2018" in html and "Stabilitet 01.01.2018–01.08.2020" in html


def test_as_of_picks_the_earlier_snapshot(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "-m", stored, "--as-of", "2019-06-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "data per 01.01.2018" in " ".join(result.output.split())


def test_unknown_municipality_writes_nothing(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(app, ["report", "--municipality", "9999", "--out", str(out / "plan.pdf")])
    assert result.exit_code == 2
    assert "fant ikke kommune 9999" in result.output
    assert list(out.iterdir()) == []


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
