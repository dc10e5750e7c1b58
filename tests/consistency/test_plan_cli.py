"""CLI for duties, economics, actions and check-plan: Norwegian tables by default, JSON with --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.actions import example_action_plan, load_action_plan
from legeplan.cli.app import app

runner = CliRunner()


def test_duties_demo_json_has_bodo_figures() -> None:
    result = runner.invoke(app, ["duties", "--example", "bodo", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    stadiontunet = next(u for u in data["summary"]["units"] if u["id"] == "stadiontunet")
    assert round(stadiontunet["hours_per_place"], 2) == 0.40
    assert data["summary"]["total_places"] == 337
    assert data["need"]["norm"] == "Nfas 2020"


def test_duties_table_and_bad_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["duties", "--example", "bodo"])
    assert result.exit_code == 0 and "Stadiontunet" in result.output and "årsverk" in result.output
    bad = tmp_path / "u.json"
    bad.write_text('{"institutions": [{"id": "a"}]}', encoding="utf-8")
    result = runner.invoke(app, ["duties", str(bad)])
    assert result.exit_code == 2 and "institusjon nr. 1" in result.output
    assert runner.invoke(app, ["duties"]).exit_code == 2


def test_economics_sandefjord_top_up_and_grant() -> None:
    args = ["economics", "--json", "--population", "4000", "--centrality", "6", "--applied", "2000000"]
    data = json.loads(runner.invoke(app, args).output)
    assert data["municipal_top_up"] == {"per_gp": 288500.0, "positions": 50, "total": 14425000.0}
    assert data["legevakt_grant"]["eligible"] is True and data["legevakt_grant"]["award"] == 1_500_000
    assert len(data["operating_models"]) == 4
    table = runner.invoke(app, ["economics", "--vacancies", "2"]).output
    assert "288 500 kr per fastlege" in table and "2 000 000 kr per år" in table


def test_economics_bad_assumptions(tmp_path: Path) -> None:
    bad = tmp_path / "a.toml"
    bad.write_text("salary_per_year = -1\n", encoding="utf-8")
    result = runner.invoke(app, ["economics", "--assumptions", str(bad)])
    assert result.exit_code == 2 and "salary_per_year" in result.output


def test_actions_show_and_convert(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["actions", "show", "--example"])
    assert shown.exit_code == 0 and "Mål og tiltak" in shown.output
    data = json.loads(runner.invoke(app, ["actions", "show", "--example", "--json"]).output)
    assert len(data["plan"]["goals"]) == 25
    out = tmp_path / "tiltak.xlsx"
    assert runner.invoke(app, ["actions", "convert", str(out), "--example"]).exit_code == 0
    assert load_action_plan(out) == example_action_plan()
    missing = runner.invoke(app, ["actions", "show", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2 and "finnes ikke" in missing.output


def test_check_plan_examples() -> None:
    data = json.loads(runner.invoke(app, ["check-plan", "--example", "sandefjord", "--json"]).output)
    assert [f["check_id"] for f in data["findings"]] == ["andebu-plasser"]
    result = runner.invoke(app, ["check-plan", "--example", "bodo"])
    assert result.exit_code == 0 and "9 stemmer ikke" in result.output
    assert runner.invoke(app, ["check-plan", "--example", "bodo", "--strict"]).exit_code == 1
    assert runner.invoke(app, ["check-plan", "--example", "oslo"]).exit_code == 2


def test_duties_and_economics_from_stored_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from legeplan.register.demo import demo_register
    from legeplan.storage import open_storage

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    register = demo_register()
    storage = open_storage(url)
    storage.save_register(register)
    storage.dispose()
    duties = json.loads(runner.invoke(app, ["duties", "--municipality", "3804", "--json"]).output)
    assert duties["summary"]["total_places"] == sum(unit.places for unit in register.institutions)
    economics = json.loads(runner.invoke(app, ["economics", "--municipality", "3804", "--json"]).output)
    assert economics["municipality"]["code"] == "3804"
    assert economics["legevakt_grant"]["eligible"] is False
    missing = runner.invoke(app, ["economics", "--municipality", "1804"])
    assert missing.exit_code == 2 and "legeplan register import" in missing.output
