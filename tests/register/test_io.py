"""Register import/export: round trips, and every kind of bad input named with file, row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.register.demo import demo_register
from legeplan.register.io import (
    MAX_IMPORT_BYTES,
    RegisterImportError,
    parse_register,
    register_warnings,
    write_csv,
    write_xlsx,
)
from legeplan.storage.repository import RegisterNotFoundError, Storage


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    return write_csv(demo_register(), tmp_path / "register")


def edit_cell(folder: Path, sheet: str, row: int, column: str, value: str) -> None:
    """Set one cell (row numbers as in a spreadsheet: header is row 1) in a CSV file of the register."""
    path = folder / f"{sheet}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    headers = lines[0].split(";")
    cells = lines[row - 1].split(";")
    cells[headers.index(column)] = value
    lines[row - 1] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def single_issue(folder: Path) -> tuple[str, int | None, str | None, str]:
    with pytest.raises(RegisterImportError) as caught:
        parse_register(folder)
    assert len(caught.value.issues) == 1, caught.value
    issue = caught.value.issues[0]
    return issue.source, issue.row, issue.column, issue.message


@pytest.mark.parametrize("writer_suffix", [".xlsx", ".zip", ""])
def test_round_trip_in_every_format(tmp_path: Path, writer_suffix: str) -> None:
    register = demo_register()
    target = tmp_path / f"register{writer_suffix}"
    path = write_xlsx(register, target) if writer_suffix == ".xlsx" else write_csv(register, target)
    assert parse_register(path) == register


def test_unknown_column(csv_dir: Path) -> None:
    path = csv_dir / "hjemler.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ";farge"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("hjemler.csv", 1, "farge")
    assert "ukjent kolonne" in message


def test_negative_list_size(csv_dir: Path) -> None:
    edit_cell(csv_dir, "hjemler", 5, "listeinnbyggere", "-3")
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("hjemler.csv", 5, "listeinnbyggere")
    assert message == "må være 0 eller mer (verdi: '-3')"


def test_list_above_ceiling(csv_dir: Path) -> None:
    edit_cell(csv_dir, "hjemler", 3, "listeinnbyggere", "5000")
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("hjemler.csv", 3, "listeinnbyggere")
    assert message == "pasienter på lista (5000) er flere enn listetaket (931)"


def test_birth_year_in_the_future(csv_dir: Path) -> None:
    edit_cell(csv_dir, "leger", 7, "fodselsar", str(date.today().year + 2))
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("leger.csv", 7, "fodselsar")
    assert "er fram i tid" in message


def test_duplicate_ids(csv_dir: Path) -> None:
    edit_cell(csv_dir, "hjemler", 4, "id", "H001")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(csv_dir)
    duplicate = next(i for i in caught.value.issues if "finnes allerede" in i.message)
    assert (duplicate.source, duplicate.row, duplicate.column) == ("hjemler.csv", 4, "id")
    assert "rad 2" in duplicate.message


def test_wrong_types(csv_dir: Path) -> None:
    edit_cell(csv_dir, "hjemler", 6, "listetak", "mange")
    edit_cell(csv_dir, "leger", 2, "startdato", "i fjor")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(csv_dir)
    places = {(i.source, i.row, i.column): i.message for i in caught.value.issues}
    assert places[("hjemler.csv", 6, "listetak")] == "må være et heltall (verdi: 'mange')"
    assert places[("leger.csv", 2, "startdato")] == "må være en gyldig dato (ÅÅÅÅ-MM-DD) (verdi: 'i fjor')"


def test_messages_are_norwegian_and_say_what_is_allowed(csv_dir: Path) -> None:
    edit_cell(csv_dir, "leger", 2, "kjonn", "X")
    edit_cell(csv_dir, "leger", 3, "startdato", "2020-13-45")
    edit_cell(csv_dir, "leger", 4, "stillingsandel", "1,7")
    edit_cell(csv_dir, "leger", 5, "kjonn", "k")
    edit_cell(csv_dir, "leger", 6, "kjonn", "F")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(csv_dir)
    messages = {(i.row, i.column): i.message for i in caught.value.issues}
    assert messages == {
        (2, "kjonn"): "ugyldig verdi; tillatt: K eller M (verdi: 'X')",
        (3, "startdato"): "må være en gyldig dato (ÅÅÅÅ-MM-DD) (verdi: '2020-13-45')",
        (4, "stillingsandel"): "må være 1 eller mindre (verdi: '1.7')",
    }
    assert not any("Input should" in str(i) or "should be" in str(i) for i in caught.value.issues)


def test_municipal_hours_above_7_5_for_a_gp_are_a_warning_and_impossible_hours_an_error(csv_dir: Path) -> None:
    # Vefsn's GPs do 8,25 hours a week on average (seed 000, 5.2.4): 7,5 can be required, more can be agreed.
    edit_cell(csv_dir, "leger", 2, "kommunale_timer", "8,25")
    register = parse_register(csv_dir)
    warnings = register_warnings(register)
    assert [(w.row, w.column) for w in warnings] == [(2, "kommunale_timer")]
    assert "8,25 timer per uke er mer enn de 7,5 en fastlege kan pålegges" in warnings[0].message
    edit_cell(csv_dir, "leger", 2, "kommunale_timer", "40")
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("leger.csv", 2, "kommunale_timer")
    assert message == "40 timer per uke er umulig for en fastlege med liste (mer enn et årsverk, 37,5 timer)"


def test_unknown_reference(csv_dir: Path) -> None:
    edit_cell(csv_dir, "avtaler", 2, "hjemmel", "H999")
    source, row, column, message = single_issue(csv_dir)
    assert (source, row, column) == ("avtaler.csv", 2, "hjemmel") and "H999" in message


def test_missing_required_column_and_sheet(tmp_path: Path) -> None:
    workbook_path = write_xlsx(demo_register(), tmp_path / "r.xlsx")
    workbook = load_workbook(workbook_path)
    workbook["leger"].delete_cols(3)  # fodselsar
    del workbook["kommune"]
    workbook.save(workbook_path)
    with pytest.raises(RegisterImportError, match="«kommune» mangler"):
        parse_register(workbook_path)


def test_xlsx_errors_name_the_sheet(tmp_path: Path) -> None:
    workbook_path = write_xlsx(demo_register(), tmp_path / "r.xlsx")
    workbook = load_workbook(workbook_path)
    workbook["hjemler"]["C4"] = -10  # listetak
    workbook.save(workbook_path)
    with pytest.raises(RegisterImportError) as caught:
        parse_register(workbook_path)
    assert [(i.source, i.row, i.column) for i in caught.value.issues] == [("r.xlsx:hjemler", 4, "listetak")]


def test_not_an_excel_file_and_too_large(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("dette er ikke excel")
    with pytest.raises(RegisterImportError) as caught:
        parse_register(fake)
    assert str(caught.value.issues[0]) == "fake.xlsx: filen er ikke en gyldig Excel-fil (.xlsx)"
    with pytest.raises(RegisterImportError, match="større enn"):
        parse_register(tmp_path / "big.xlsx", data=b"0" * (MAX_IMPORT_BYTES + 1))


def test_all_errors_are_reported_at_once(csv_dir: Path) -> None:
    edit_cell(csv_dir, "hjemler", 5, "listeinnbyggere", "-3")
    edit_cell(csv_dir, "leger", 7, "fodselsar", str(date.today().year + 2))
    with pytest.raises(RegisterImportError) as caught:
        parse_register(csv_dir)
    assert len(caught.value.issues) == 2


def test_cli_import_is_all_or_nothing(csv_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    edit_cell(csv_dir, "hjemler", 3, "listeinnbyggere", "5000")
    runner = CliRunner()
    failed = runner.invoke(app, ["register", "import", str(csv_dir)])
    assert failed.exit_code == 2
    assert "ingenting ble importert" in failed.output and "hjemler.csv" in failed.output
    storage = Storage(url)
    with pytest.raises(RegisterNotFoundError):
        storage.load_register("3804")
    edit_cell(csv_dir, "hjemler", 3, "listeinnbyggere", "900")
    ok = runner.invoke(app, ["register", "import", str(csv_dir)])
    assert ok.exit_code == 0, ok.output
    assert len(storage.load_register("3804").positions) == 54
    storage.dispose()


def test_cli_template_and_export(tmp_path: Path) -> None:
    runner = CliRunner()
    template = tmp_path / "mal.xlsx"
    assert runner.invoke(app, ["register", "template", "--out", str(template)]).exit_code == 0
    sheets = load_workbook(template).sheetnames
    assert sheets[0] == "veiledning" and "hjemler" in sheets
    out = tmp_path / "demo.xlsx"
    assert runner.invoke(app, ["register", "export", "--demo", "--out", str(out)]).exit_code == 0
    assert parse_register(out) == demo_register()
