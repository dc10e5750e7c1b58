"""`legeplan dimension -m CODE` starts from the stored register: nothing typed twice."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.cli.app import app
from legeplan.register.demo import generated_register
from legeplan.register.models import PlannedPosition, PlannedPositionKind
from legeplan.storage import open_storage

runner = CliRunner()


@pytest.fixture
def vefsn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two snapshots of a Vefsn-sized register; the newer has the 14th hjemmel decided (seed 000 5.2.3)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    old = generated_register("1824", "Vefsn", population=13_300, positions=13, alis=2, as_of=date(2020, 1, 1))
    new = generated_register("1824", "Vefsn", population=13_400, positions=13, alis=2, as_of=date(2021, 1, 1))
    decided = PlannedPosition(
        id="H014",
        municipality_code="1824",
        kind=PlannedPositionKind.GROWTH,
        year=2022,
        decided=date(2020, 11, 1),
        note="Vedtatt i kommunestyret november 2020",
    )
    storage = open_storage(url)
    storage.save_register(old)
    storage.save_register(new.model_copy(update={"planned_positions": (decided,)}))
    storage.dispose()
    return "1824"


def test_dimension_reads_the_register_at_a_date(vefsn: str) -> None:
    data = json.loads(runner.invoke(app, ["dimension", "-m", vefsn, "--json"]).output)
    result = data["dimensioning"]
    assert result["current_positions"] == 13
    assert result["rows"][0]["population"] == 13_400
    assert result["rows"][1]["growth_planned"] == 1 and result["rows"][1]["positions_existing"] == 14
    assert data["figures"]["hjemler"]["reference"] == "register Vefsn (1824) per 2021-01-01"
    older = json.loads(runner.invoke(app, ["dimension", "-m", vefsn, "--as-of", "2020-06-30", "--json"]).output)
    assert older["dimensioning"]["rows"][0]["population"] == 13_300
    assert older["figures"]["hjemler"]["reference"].endswith("per 2020-01-01")


def test_dimension_table_counts_the_decided_hjemmel_in_new_and_recruitment(vefsn: str) -> None:
    output = runner.invoke(app, ["dimension", "-m", vefsn]).output
    line = next(line for line in output.splitlines() if line.strip().startswith("2022"))
    cells = line.split()
    # År Innb. (2 cells: 13 400) Behov Hjemler Planlagt Pensjon Nye Rekrutt. Ledig
    assert cells[5] == "14" and cells[7] == "1" and int(cells[8]) >= 1, line
    assert "1 vedtatt/planlagt ny hjemmel" in " ".join(output.split())


def test_a_scenario_file_holds_only_assumptions(vefsn: str, tmp_path: Path) -> None:
    scenario = tmp_path / "vefsn.toml"
    scenario.write_text(
        'name = "Vefsn"\npositions = 1\naverage_list_length = 1\ntarget_list_length = 900\n'
        "[[projection]]\nyear = 2021\nby_age = { alle = 13400 }\n"
        "[[projection]]\nyear = 2025\nby_age = { alle = 13800 }\n",
        encoding="utf-8",
    )
    data = json.loads(runner.invoke(app, ["dimension", str(scenario), "-m", vefsn, "--json"]).output)
    result = data["dimensioning"]
    assert result["current_positions"] == 13  # from the register, not the file's 1
    assert result["target_list_length"] == 900  # from the file
    assert result["rows"][-1]["population"] == 13_800
    assumptions = data["figures"]["assumptions"]
    assert assumptions["target_list_length"]["source"] == "file"
    assert assumptions["target_list_length"]["reference"] == str(scenario)
    assert data["figures"]["hjemler"]["source"] == "register"
    plain = json.loads(runner.invoke(app, ["dimension", "-m", vefsn, "--json"]).output)["figures"]["assumptions"]
    assert plain["projection"]["source"] == "assumption" and plain["target_list_length"]["source"] == "default"


def test_dimension_needs_a_source() -> None:
    result = runner.invoke(app, ["dimension"])
    assert result.exit_code == 2 and "--municipality" in result.output


@pytest.mark.slow
def test_the_demo_plan_has_one_population_for_the_base_year(tmp_path: Path) -> None:
    """The demo plan showed 64 500 inhabitants in one table and 63 722 for 2020 in another."""
    out = tmp_path / "plan.html"
    result = runner.invoke(app, ["report", "--demo", "--out", str(out), "--simulation-runs", "0"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "63 722" not in html and "64 500" in html


def test_the_simulation_starts_from_the_register(vefsn: str) -> None:
    """With -m the simulation starts the year after the register date, in its state (one vacant hjemmel), at the
    Helse Nord turnover for a Nordland municipality unless --turnover is given."""
    args = ["dimension", "-m", vefsn, "--simulate", "--runs", "50", "--years", "3", "--seed", "1", "--json"]
    data = json.loads(runner.invoke(app, args).output)
    simulation = data["simulation"]
    assert simulation["bands"][0]["year"] == 2022
    assert simulation["turnover_rate"] == pytest.approx(0.128)
    given = json.loads(runner.invoke(app, [*args, "--turnover", "0.05"]).output)["simulation"]
    assert given["turnover_rate"] == pytest.approx(0.05)
