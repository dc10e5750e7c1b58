"""What `dimension` tells the reader: per-age-group growth, which figure is age-weighted, plain wording."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from legeplan.capacity import dimension, example_scenario
from legeplan.cli import app

runner = CliRunner()


def test_bodo_age_group_growth_in_the_result_and_json() -> None:
    result = dimension(example_scenario("bodo"))
    by_group = {growth.group: growth for growth in result.age_groups}
    assert by_group["80-89"].change_share[2025] == pytest.approx(0.176, abs=0.0005)
    assert by_group["Alle"].change[2025] == 592
    document = json.loads(runner.invoke(app, ["dimension", "bodo", "--json"]).stdout)
    groups = {g["group"]: g for g in document["dimensioning"]["age_groups"]}
    assert groups["Alle"]["change"]["2025"] == 592


def test_bodo_cli_shows_the_age_table_and_says_which_figure_is_weighted() -> None:
    result = runner.invoke(app, ["dimension", "bodo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "80-89 1 800 2 116" in text and "+17,6 %" in text
    assert "9,1 nye hjemler (aldersvektet" in text
    assert "Regnet bare på antall innbyggere (uten aldersvekter)" in text and "hvert 9,2 år" in text


def test_capacity_target_wording() -> None:
    explanations = " ".join(dimension(example_scenario("sandefjord")).explanations)
    assert "allerede i dag trenger 3,18 hjemler flere" in explanations
    assert "hjemler til allerede" not in explanations
