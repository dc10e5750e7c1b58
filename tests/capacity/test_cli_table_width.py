"""`legeplan dimension` tables are readable in an 80-column terminal; --wide shows every column in one table."""

from __future__ import annotations

from rich.console import Console
from typer.testing import CliRunner

from legeplan.capacity import dimension, example_scenario
from legeplan.cli import app
from legeplan.cli.capacity_cmd import ALL_COLUMNS, _reasons_table, _table


def render(*renderables: object, width: int = 80) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    for item in renderables:
        console.print(item)
    return console.export_text()


def test_default_tables_fit_80_columns_untruncated() -> None:
    result = dimension(example_scenario("sandefjord"))
    text = render(_table(result), _reasons_table(result))
    assert "…" not in text
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    row_2028 = next(line for line in text.splitlines() if line.strip().startswith("2028") and "66 385" in line)
    for value in ("66 385", "59,68", "60", "54", "−2,6 %"):
        assert value in row_2028
    reasons_2020 = next(line for line in text.splitlines() if line.strip().startswith("2020") and "3,18" in line)
    assert "57,18" in reasons_2020 and "1 143" in reasons_2020
    assert "negativ (−) = listene er over kapasiteten" in " ".join(text.split())  # negative free capacity explained


def test_bodo_fits_too() -> None:
    result = dimension(example_scenario("bodo"))
    text = render(_table(result), _reasons_table(result))
    assert "…" not in text and "2050" in text and "55 998" in text


def test_wide_shows_every_column() -> None:
    result = dimension(example_scenario("sandefjord"))
    text = render(_table(result, ALL_COLUMNS), width=160)
    for header in ("Kapasitetsmål", "Kortere lister", "Snittliste", "Rekrutt.", "Ledig*"):
        assert header in text
    cli = CliRunner().invoke(app, ["dimension", "sandefjord", "--wide"])
    assert cli.exit_code == 0, cli.output
