"""Register and key-figure commands: database, output-path and period problems are one Norwegian line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import demo_register
from legeplan.storage import StorageError, open_storage

runner = CliRunner()

BAD_URLS = {
    "notaurl": "ugyldig database-adresse",
    "sqlite:////nonexist/dir/x.db": "databasefilen kan ikke åpnes eller opprettes",
    "postgresql+psycopg://u:secret@127.0.0.1:1/x": "databaseserveren kan ikke nås",
}


def clean(result_exception: BaseException | None) -> bool:
    return result_exception is None or isinstance(result_exception, SystemExit)


@pytest.mark.parametrize(("url", "reason"), BAD_URLS.items())
def test_open_storage_raises_a_storage_error(url: str, reason: str) -> None:
    with pytest.raises(StorageError, match=f"^kan ikke åpne databasen .*: {reason}"):
        open_storage(url)


def test_the_password_is_hidden() -> None:
    with pytest.raises(StorageError) as caught:
        open_storage("postgresql+psycopg://u:secret@127.0.0.1:1/x")
    assert "secret" not in str(caught.value) and "u:***@127.0.0.1:1/x" in str(caught.value)


@pytest.mark.parametrize(("url", "reason"), BAD_URLS.items())
@pytest.mark.parametrize(
    "args",
    [
        ["keyfigures", "-m", "3804"],
        ["register", "demo"],
        ["register", "export", "-m", "3804", "--out", "x.xlsx"],
        ["serve"],
    ],
)
def test_commands_report_a_database_that_cannot_be_opened(
    args: list[str], url: str, reason: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert clean(result.exception), result.exception
    assert "kan ikke åpne databasen" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.output and "secret" not in result.output


def test_register_import_reports_a_database_that_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legeplan.register.io import write_xlsx

    path = write_xlsx(demo_register(), tmp_path / "r.xlsx")
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", "notaurl")
    result = runner.invoke(app, ["register", "import", str(path)])
    assert result.exit_code == 2 and clean(result.exception)
    assert "kan ikke åpne databasen notaurl" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["register", "export", "--demo", "--out", "/nonexist/x.xlsx"], "mappen /nonexist finnes ikke"),
        (["register", "export", "--demo", "--out", "/nonexist/x.zip"], "mappen /nonexist finnes ikke"),
        (["register", "template", "--out", "/nonexist/m.xlsx"], "mappen /nonexist finnes ikke"),
        (["register", "template", "--out", "mal.csv"], "må slutte på .xlsx"),
        (["register", "template", "--out", "mal.zip"], "må slutte på .xlsx"),
        (["register", "template", "--out", "noext"], "må slutte på .xlsx"),
        (["register", "export", "--demo", "--out", "demo.csv"], "ukjent filtype '.csv'"),
    ],
)
def test_bad_output_paths(args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert clean(result.exception)
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written under a misleading name


@pytest.mark.parametrize(("out", "kind"), [("r.xlsx", "Excel-fil"), ("r.zip", "zip"), ("mappe", "mappe")])
def test_good_output_paths_say_what_was_written(
    out: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["register", "export", "--demo", "--out", out])
    assert result.exit_code == 0, result.output
    assert kind in result.stdout and (tmp_path / out).exists()


def test_keyfigures_refuses_a_period_ending_after_the_register() -> None:
    result = runner.invoke(app, ["keyfigures", "--demo", "--from", "2019-01-01", "--to", "2035-01-01"])
    assert result.exit_code == 2 and clean(result.exception)
    assert "etter registerdatoen (2020-08-01)" in result.stderr
    assert "Turnover" not in result.stdout


def test_keyfigures_demo_refuses_another_as_of() -> None:
    result = runner.invoke(app, ["keyfigures", "--demo", "--as-of", "2019-01-01"])
    assert result.exit_code == 2 and clean(result.exception)
    assert "bare registeret per 01.08.2020" in result.stderr
    same = runner.invoke(app, ["keyfigures", "--demo", "--as-of", "2020-08-01"])
    assert same.exit_code == 0, same.output


def test_keyfigures_as_of_uses_the_snapshot_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert runner.invoke(app, ["register", "demo"]).exit_code == 0
    later = runner.invoke(app, ["keyfigures", "-m", "3804", "--as-of", "2021-01-01"])
    assert later.exit_code == 0, later.output
    assert "per 01.08.2020" in later.stdout and "Nærmeste lagrede register før 01.01.2021" in later.stdout
    assert "Kilde: fastlegeregisteret for Sandefjord (demo) per 01.08.2020" in " ".join(later.stdout.split())
    earlier = runner.invoke(app, ["keyfigures", "-m", "3804", "--as-of", "2019-01-01"])
    assert earlier.exit_code == 2 and clean(earlier.exception)
