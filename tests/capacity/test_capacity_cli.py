"""`legeplan dimension` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from legeplan.capacity import example_path
from legeplan.cli import app

runner = CliRunner()


def test_dimension_json_for_sandefjord() -> None:
    result = runner.invoke(app, ["dimension", str(example_path("sandefjord")), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    first = document["dimensioning"]["rows"][0]
    assert first["year"] == 2020
    assert first["positions_required"] == 57
    assert round(first["capacity_positions"], 2) == 3.18


def test_dimension_table_and_simulation_by_example_name() -> None:
    result = runner.invoke(app, ["dimension", "bodo", "--simulate", "--runs", "200", "--years", "5", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "Dimensjonering av fastlegehjemler: Bodø" in result.stdout
    assert "Vikarkost" in result.stdout
    assert "Samlet vikarkostnad over 5 år" in result.stdout


def test_simulation_json_is_repeatable_with_a_seed() -> None:
    args = ["dimension", "sandefjord", "--json", "--simulate", "--runs", "100", "--years", "3", "--seed", "4"]
    first = json.loads(runner.invoke(app, args).stdout)["simulation"]
    again = json.loads(runner.invoke(app, args).stdout)["simulation"]
    assert first == again
    assert len(first["bands"]) == 3


def test_bad_scenario_exits_with_the_field_name(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\npositions = -1\naverage_list_length = 1000\n', encoding="utf-8")
    result = runner.invoke(app, ["dimension", str(path)])
    assert result.exit_code == 2
    assert "positions" in result.output
    assert "projection" in result.output
    assert list(tmp_path.iterdir()) == [path]  # nothing written


def test_locum_cost_option_scales_the_cost() -> None:
    base = ["dimension", "bodo", "--json", "--simulate", "--runs", "100", "--years", "2", "--seed", "9"]
    normal = json.loads(runner.invoke(app, base).stdout)["simulation"]
    double = json.loads(runner.invoke(app, [*base, "--locum-cost", "2000000"]).stdout)["simulation"]
    assert double["bands"][1]["vacant"] == normal["bands"][1]["vacant"]
    assert double["total_locum_cost_nok"]["50"] == 2 * normal["total_locum_cost_nok"]["50"]


def test_the_table_names_its_sources() -> None:
    """Issue #10: a figure in a CLI table knows where it comes from — the register at its date, or the file."""
    from_register = runner.invoke(app, ["dimension", "--demo"])
    assert from_register.exit_code == 0, from_register.output
    text = " ".join(from_register.output.split())
    assert "Kilder: fastlegeregisteret for Sandefjord (demo) per 01.08.2020" in text
    from_file = runner.invoke(app, ["dimension", "bodo"])
    assert "Kilder: scenariofilen bodo" in " ".join(from_file.output.split())
    assert "SSB tabell 14288" in " ".join(from_file.output.split())
