"""Register import: CR-only CSV files (old Excel for Mac) and overlapping agreements give errors, not tracebacks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import demo_register
from legeplan.register.io import RegisterImportError, parse_register, write_csv

runner = CliRunner()


def demo_folder(tmp_path: Path) -> Path:
    return write_csv(demo_register(), tmp_path / "register")


def test_cr_only_line_endings_are_read(tmp_path: Path) -> None:
    folder = demo_folder(tmp_path)
    for csv_file in folder.glob("*.csv"):
        data = csv_file.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")
        csv_file.write_bytes(data)
    assert b"\n" not in (folder / "hjemler.csv").read_bytes()
    register = parse_register(folder)
    assert register == demo_register()
    result = runner.invoke(app, ["register", "import", str(folder), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Gyldig" in result.output


def test_a_broken_csv_names_the_file(tmp_path: Path) -> None:
    folder = demo_folder(tmp_path)
    (folder / "hjemler.csv").write_bytes(b'id,kontor\n"H1,\x00broken\n')
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    assert caught.value.issues[0].source == "hjemler.csv"
    result = runner.invoke(app, ["register", "import", str(folder), "--dry-run"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "hjemler.csv" in result.output


def agreements_csv(folder: Path, *lines: str) -> None:
    path = folder / "avtaler.csv"
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "rows",
    [
        ("H001;L001;2001-01-01;2019-07-01", "H001;L001;2019-07-01;"),  # ends the day the next begins
        ("H001;L001;2001-01-01;", "H001;L002;2019-07-01;"),  # first never ends
        ("H001;L001;2001-01-01;2019-12-31", "H001;L002;2019-07-01;2019-08-01"),
    ],
)
def test_overlapping_agreements_on_one_hjemmel_are_refused(tmp_path: Path, rows: tuple[str, str]) -> None:
    folder = demo_folder(tmp_path)
    header = (folder / "avtaler.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(";")[:4] == ["hjemmel", "lege", "startdato", "sluttdato"]
    agreements_csv(folder, *rows)
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    (issue,) = caught.value.issues
    assert (issue.source, issue.row, issue.column) == ("avtaler.csv", 3, "startdato")
    assert "overlapper med rad 2" in issue.message and "H001" in issue.message
    result = runner.invoke(app, ["register", "import", str(folder), "--dry-run"])
    assert result.exit_code == 2 and "overlapper" in result.output


def test_consecutive_agreements_are_accepted(tmp_path: Path) -> None:
    folder = demo_folder(tmp_path)
    agreements_csv(folder, "H001;L001;2001-01-01;2019-06-30", "H001;L001;2019-07-01;", "H002;L002;2001-01-01;")
    register = parse_register(folder)
    assert [a.start_date for a in register.agreements][:2] == [date(2001, 1, 1), date(2019, 7, 1)]
