"""`legeplan legevakt`: a period from create to repair in the database, every changed assignment printed."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.cli.errors import BAD_INPUT, OK
from legeplan.legevakt.hours import hours_csv, payroll_hours
from legeplan.storage.repository import Storage
from legeplan.storage.rota_store import RotaStore

runner = CliRunner()


@pytest.mark.slow
def test_create_period_solve_publish_absent_events_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/lv.sqlite"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    problem = Path(str(files("legeplan.legevakt").joinpath("data", "small.toml")))

    def run(*args: str) -> str:
        who = ["--who", "sjef"] if args[0] in ("create", "period", "solve", "publish") else []
        result = runner.invoke(app, ["legevakt", *args, *who])
        assert result.exit_code == OK, result.output
        return result.output

    assert run("create", "Testby legevakt", "-m", "1824").startswith("Legevakt 1:")
    assert "Periode 1:" in run("period", "1", "--problem", str(problem))
    solved = run("solve", "1", "--time-limit", "3")
    assert "Versjon 1:" in solved and "turnus" in solved.split("vakter", 1)[1]  # «Beste mulig turnus», not «optimal»
    assert not any(word in solved for word in ("optimal)", "feasible", "unknown"))
    assert "publisert (versjon 1)" in run("publish", "1")
    printed = runner.invoke(
        app,
        [
            "legevakt",
            "absent",
            "1",
            "-d",
            "moe",
            "--from",
            "2026-04-06",
            "--to",
            "2026-04-12",
            "--why",
            "syk",
            "--json",
        ],
    )
    assert printed.exit_code == OK, printed.output
    repaired = json.loads(printed.output)
    store = RotaStore(Storage(url))
    after = store.current_version(1)
    assert after is not None and repaired["version"] == 2
    assert not [a for a in after.assignments if a.doctor == "moe" and date(2026, 4, 6) <= a.date <= date(2026, 4, 12)]
    assert repaired["changed_assignments"] >= len(repaired["changes"]) > 0
    events = json.loads(run("events", "1", "--json"))
    assert [e["kind"] for e in events][:2] == ["repair", "absence"]
    listed = run("events", "1").splitlines()
    assert ": reparasjon versjon 2 – syk" in listed[0] and "repair" not in listed[0]  # the kind in Norwegian words
    period = store.period(1)
    assert period is not None
    assert run("hours", "1") == hours_csv(payroll_hours(period.problem, after.assignments))
    assert "Skrev" in run("hours", "1", "--out", str(tmp_path / "timer.xlsx"))
    listed = json.loads(run("list", "--json"))
    assert listed[0]["periods"][0]["state"] == "publisert"
    unknown = runner.invoke(
        app, ["legevakt", "absent", "1", "-d", "ingen", "--from", "2026-04-06", "--to", "2026-04-07"]
    )
    assert unknown.exit_code == BAD_INPUT and "ukjent lege" in unknown.output
