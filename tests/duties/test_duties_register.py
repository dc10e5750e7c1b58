"""`legeplan duties` starts from the register, and says «ingen data» when there is nothing to judge."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.cli.app import app
from legeplan.duties import NFAS_NORM, nursing_home_need
from legeplan.register.demo import demo_register

runner = CliRunner()


def test_no_institutions_is_no_data_not_meeting_the_norm() -> None:
    need = nursing_home_need((), NFAS_NORM)
    assert need.has_data is False
    assert need.explanation.startswith("Ingen data")
    assert "oppfyller" not in need.explanation


def test_duties_demo_is_the_demo_register() -> None:
    data = json.loads(runner.invoke(app, ["duties", "--demo", "--json"]).output)
    register = demo_register()
    assert data["summary"]["total_places"] == sum(i.places for i in register.institutions) == 393
    assert data["figures"]["hjemler"]["value"] == 54 and data["figures"]["hjemler"]["source"] == "register"
    assert round(data["need"]["current_fte"], 2) == 7.5  # Sandefjord: «Alle sykehjem Totalt 393 7,5»


def test_duties_table_without_institutions_says_no_data(tmp_path: object) -> None:
    from pathlib import Path

    empty = Path(str(tmp_path)) / "tom.toml"
    empty.write_text("institutions = []\n", encoding="utf-8")
    result = runner.invoke(app, ["duties", str(empty)])
    assert result.exit_code == 0, result.output
    assert "Ingen data" in result.output and "oppfyller normen" not in result.output
