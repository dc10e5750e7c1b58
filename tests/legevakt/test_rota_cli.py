import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app

runner = CliRunner()

INFEASIBLE = """
start = 2026-01-05
end = 2026-01-07

[[shift_types]]
id = "natt"
name = "Natt"
start = "23:00"
end = "08:00"
doctors = 2

[[doctors]]
id = "a"
name = "A"
age = 45
specialist = true

[[doctors]]
id = "b"
name = "B"
age = 64
specialist = true
"""


def test_solve_then_check_then_load(tmp_path: Path) -> None:
    out = tmp_path / "rota.csv"
    result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(out), "-t", "4", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "rettferdighet" in result.output and "Bevist grense" in result.output
    checked = runner.invoke(app, ["rota", "check", str(out), "--problem", "example:small"])
    assert checked.exit_code == 0 and "Ingen regelbrudd" in checked.output
    loaded = runner.invoke(app, ["rota", "load", str(out), "-p", "example:small", "--json"])
    assert loaded.exit_code == 0
    assert len(json.loads(loaded.output)["doctors"]) == 9


def test_check_lists_violations(tmp_path: Path) -> None:
    rota = tmp_path / "hand.csv"
    rota.write_text("dato,vakt,lege\n2026-03-30,kveld,haug\n2026-03-30,natt,gran\n", encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(rota), "-p", "example:small"])
    assert result.exit_code == 1
    assert "alder_60" in result.output and "lis1_alene" in result.output and "dekning" in result.output


def test_infeasible_problem_is_explained(tmp_path: Path) -> None:
    problem = tmp_path / "p.toml"
    problem.write_text(INFEASIBLE, encoding="utf-8")
    result = runner.invoke(app, ["rota", "solve", str(problem), "--out", str(tmp_path / "r.csv"), "-t", "3"])
    assert result.exit_code == 1
    assert "Årsak" in result.output and "alder_60" in result.output
    assert not (tmp_path / "r.csv").exists()


def test_bad_input_exits_2_with_field(tmp_path: Path) -> None:
    problem = tmp_path / "p.toml"
    problem.write_text(INFEASIBLE.replace("doctors = 2", "doctors = 0"), encoding="utf-8")
    result = runner.invoke(app, ["rota", "solve", str(problem), "--out", str(tmp_path / "r.csv")])
    assert result.exit_code == 2 and "shift_types.0.doctors" in result.output
    result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and ".pdf" in result.output


def test_load_preset_nordsjo_and_doctors_needed() -> None:
    result = runner.invoke(app, ["rota", "load", "--preset", "nordsjo", "--json"])
    assert result.exit_code == 0
    assert {d["hours_per_week"] for d in json.loads(result.output)["doctors"]} == {56.0}
    result = runner.invoke(app, ["rota", "load", "--preset", "vefsn", "--every-weekday", "12", "--every-weekend", "6"])
    assert result.exit_code == 0 and "12" in result.output.splitlines()[-1]


def test_holidays_and_example_commands(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rota", "helligdager", "2026"])
    assert "2026-04-03  Langfredag" in result.output
    out = tmp_path / "small.json"
    assert runner.invoke(app, ["rota", "example", "small", "--out", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["name"].startswith("Eksempel")


def test_solve_writes_xlsx_and_ics(tmp_path: Path) -> None:
    for name in ("rota.xlsx", "rota.ics"):
        out = tmp_path / name
        result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(out), "-t", "2"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    checked = runner.invoke(app, ["rota", "check", str(tmp_path / "rota.xlsx"), "-p", "example:small"])
    assert checked.exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["load", "--preset", "vefsn", "--every-weekday", "-3", "--every-weekend", "6"],
        ["load", "--preset", "vefsn", "--every-weekday", "12", "--every-weekend", "0"],
        ["load", "--preset", "vefsn", "--every-weekday", "nan", "--every-weekend", "6"],
        ["load", "--preset", "vefsn", "--every-weekday", "12", "--every-weekend", "inf"],
        ["load", "--preset", "vefsn", "--ordinary-week", "-47.5"],
        ["load", "--preset", "vefsn", "--year", "0"],
        ["solve", "example:small", "--out", "x.csv", "--time-limit", "-5"],
        ["solve", "example:small", "--out", "x.csv", "--time-limit", "nan"],
        ["solve", "example:small", "--out", "x.csv", "--workers", "0"],
        ["helligdager", "0"],
    ],
)
def test_bad_numbers_exit_2_with_norwegian_message(args: list[str], tmp_path: Path) -> None:
    """Negative, zero or non-finite limits are input errors (exit 2, «Feil: … må være …»), not tracebacks."""
    args = [str(tmp_path / a) if a == "x.csv" else a for a in args]
    result = runner.invoke(app, ["rota", *args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "må være et tall fra" in result.output
    assert not (tmp_path / "x.csv").exists()
