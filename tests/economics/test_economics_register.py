"""`legeplan economics` takes the number of hjemler for the top-up from the register, not Sandefjord's 50."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.cli.app import app
from legeplan.register.demo import generated_register
from legeplan.storage import open_storage

runner = CliRunner()


def test_top_up_counts_the_registers_hjemler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Vefsn (1824) with 13 hjemler: 13 × 288 500 kr = 3 750 500 kr, not «14 425 000 kr for 50 hjemler»."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    storage = open_storage(url)
    storage.save_register(generated_register("1824", "Vefsn", population=13_400, positions=13, mean_list=1000))
    storage.dispose()
    data = json.loads(runner.invoke(app, ["economics", "-m", "1824", "--listed", "1000", "--json"]).output)
    assert data["municipal_top_up"]["positions"] == 13
    assert data["municipal_top_up"]["total"] == 13 * 288_500
    assert data["figures"]["hjemler"] == {**data["figures"]["hjemler"], "value": 13, "source": "register"}
    table = " ".join(runner.invoke(app, ["economics", "-m", "1824", "--listed", "1000"]).output.split())
    assert "3 750 500 kr for 13 hjemler" in table and "50 hjemler" not in table
    explicit = json.loads(runner.invoke(app, ["economics", "-m", "1824", "--top-up-positions", "5", "--json"]).output)
    assert explicit["municipal_top_up"]["positions"] == 5
    assert explicit["provenance"]["top_up_positions"]["source"] == "assumption"
    assert data["provenance"]["top_up_positions"]["source"] == "register"
    assert data["provenance"]["rates"]["source"] == "default"


def test_without_a_register_the_sandefjord_default_stays() -> None:
    data = json.loads(runner.invoke(app, ["economics", "--json"]).output)
    assert data["municipal_top_up"]["positions"] == 50
    assert data["provenance"]["top_up_positions"]["source"] == "default"
