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
from legeplan.register.demo import DEMO_CODE, demo_register
from legeplan.storage.repository import Storage
from legeplan.storage.rota_store import RotaStore

runner = CliRunner()


@pytest.mark.slow
def test_create_period_solve_publish_absent_events_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/lv.sqlite"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    problem = Path(str(files("legeplan.legevakt").joinpath("data", "small.toml")))
    Storage(url).save_register(demo_register())

    def run(*args: str) -> str:
        who = ["--who", "sjef"] if args[0] in ("create", "period", "solve", "publish") else []
        result = runner.invoke(app, ["legevakt", *args, *who])
        assert result.exit_code == OK, result.output
        return result.output

    assert run("create", "Testby legevakt", "-m", DEMO_CODE).startswith("Legevakt 1:")
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
    rows = payroll_hours(period.problem, after.assignments)
    assert run("hours", "1") == hours_csv(rows, bom=False)  # on the terminal without the BOM
    assert "Skrev" in run("hours", "1", "--out", str(tmp_path / "timer.xlsx"))
    assert "Skrev" in run("hours", "1", "--out", str(tmp_path / "timer.csv"))
    written = (tmp_path / "timer.csv").read_bytes()
    assert written.decode("utf-8") == hours_csv(rows) and written.startswith("\ufefflege;navn;måned;".encode())
    assert "april 2026" in written.decode("utf-8") and "2026-04" not in written.decode("utf-8")
    listed = json.loads(run("list", "--json"))
    assert listed[0]["periods"][0]["state"] == "publisert"
    unknown = runner.invoke(
        app, ["legevakt", "absent", "1", "-d", "ingen", "--from", "2026-04-06", "--to", "2026-04-07"]
    )
    assert unknown.exit_code == BAD_INPUT and "ukjent lege" in unknown.output


def test_create_refuses_a_member_municipality_without_register(tmp_path: Path) -> None:
    """A member with no register would give «ingen leger i registrene til 9999» at the first period: refused at once,
    naming the code (and only the missing one), and nothing is stored."""
    url = f"sqlite:///{tmp_path}/lv.sqlite"
    Storage(url).save_register(demo_register())
    refused = runner.invoke(app, ["legevakt", "create", "Ny legevakt", "-m", DEMO_CODE, "-m", "9999", *_db(url)])
    assert refused.exit_code == BAD_INPUT, refused.output
    message = " ".join(refused.output.split())
    assert "Kommune 9999 har ikke noe fastlegeregister" in message and DEMO_CODE not in message
    both = runner.invoke(app, ["legevakt", "create", "Ny legevakt", "-m", "9998", "-m", "9999", *_db(url)])
    assert both.exit_code == BAD_INPUT and "Kommunene 9998, 9999" in " ".join(both.output.split())
    assert RotaStore(Storage(url)).legevakter() == []
    made = runner.invoke(app, ["legevakt", "create", "Ny legevakt", "-m", DEMO_CODE, *_db(url)])
    assert made.exit_code == OK, made.output


def _db(url: str) -> list[str]:
    return ["--database-url", url, "--who", "sjef"]


def test_period_prints_its_dates_once(tmp_path: Path) -> None:
    """A period named from the registers already holds its dates («Legevaktturnus Sandefjord (demo)
    07.09.2020–04.10.2020»): `period` and `list` print them once; a period named by hand gets them in brackets."""
    url = f"sqlite:///{tmp_path}/lv.sqlite"
    Storage(url).save_register(demo_register())
    assert runner.invoke(app, ["legevakt", "create", "Sandefjord legevakt", "-m", DEMO_CODE, *_db(url)]).exit_code == OK
    dates = ["--from", "2020-09-07", "--to", "2020-10-04"]
    made = runner.invoke(app, ["legevakt", "period", "1", *dates, *_db(url)])
    assert made.exit_code == OK, made.output
    line = " ".join(made.output.split())
    assert line.startswith(
        "Periode 1: Legevaktturnus Sandefjord (demo) 07.09.2020–04.10.2020, 51 leger, frist for ønsker "
    )
    assert line.count("07.09.2020") == 1 and "2020-09-07" not in line
    named = runner.invoke(app, ["legevakt", "period", "1", *dates, "--name", "Høsten 2020", *_db(url)])
    assert named.exit_code == OK, named.output
    assert " ".join(named.output.split()).startswith("Periode 2: Høsten 2020 (07.09.2020–04.10.2020), ")
    listed = runner.invoke(app, ["legevakt", "list", "--database-url", url])
    assert listed.output.count("07.09.2020") == 2 and "2020-09-07" not in listed.output, listed.output
