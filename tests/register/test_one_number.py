"""One number, one value: every command that shows population, fastleger, hjemler or vacancies shows the same value
for the same municipality and date, for the demo and for a generated municipality of another size and code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.cli.app import app
from legeplan.register.demo import generated_register
from legeplan.storage import open_storage

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _figures_per_command(selector: list[str]) -> dict[str, dict[str, float]]:
    keyfigures = _json(["keyfigures", *selector])
    dimension = _json(["dimension", *selector])
    economics = _json(["economics", *selector])
    duties = _json(["duties", *selector])
    values = {
        "keyfigures": {
            "population": keyfigures["population"],
            "gps": keyfigures["gp_count"],
            "hjemler": keyfigures["positions"],
            "vacancies": keyfigures["vacant_positions"] + keyfigures["locum_positions"],
        },
        "dimension": {
            "population": dimension["dimensioning"]["rows"][0]["population"],
            "hjemler": dimension["dimensioning"]["current_positions"],
        },
        "economics": {
            "population": economics["municipality"]["population"],
            "hjemler": economics["municipal_top_up"]["positions"],
            "vacancies": economics["locum_cost"]["vacancies"],
        },
    }
    for command, document in (
        ("keyfigures", keyfigures),
        ("dimension", dimension),
        ("economics", economics),
        ("duties", duties),
    ):
        figures = document["figures"]
        for name in ("population", "gps", "hjemler", "vacancies"):
            assert figures[name]["source"] == "register", (command, name)
            values.setdefault(f"{command}.figures", {})[name] = figures[name]["value"]
    return values


def _assert_one_value(values: dict[str, dict[str, float]]) -> dict[str, float]:
    agreed: dict[str, float] = {}
    for name in ("population", "gps", "hjemler", "vacancies"):
        seen = {command: figures[name] for command, figures in values.items() if name in figures}
        assert len(set(seen.values())) == 1, f"{name}: {seen}"
        agreed[name] = next(iter(seen.values()))
    return agreed


def test_the_demo_has_one_value_per_figure() -> None:
    agreed = _assert_one_value(_figures_per_command(["--demo"]))
    assert agreed == {"population": 64_500, "gps": 54, "hjemler": 54, "vacancies": 0}


def test_a_generated_municipality_has_one_value_per_figure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    register = generated_register("5001", "Testby", population=21_345, positions=23, alis=3)
    storage = open_storage(url)
    storage.save_register(register)
    storage.dispose()
    agreed = _assert_one_value(_figures_per_command(["-m", "5001"]))
    assert agreed == {"population": 21_345, "gps": 22, "hjemler": 23, "vacancies": 1}
