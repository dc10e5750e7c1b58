"""`legeplan rota problem` writes the rota problem the register implies, with the register's § 7 facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import legeplan.cli.commands  # noqa: F401  (registers the commands)
from legeplan.cli.app import app
from legeplan.legevakt.io import load_problem
from legeplan.legevakt.register import doctors_from_register, problem_from_register
from legeplan.register.demo import demo_register, generated_register
from legeplan.register.models import ExemptionKind, SpecialistStatus
from legeplan.storage import open_storage

runner = CliRunner()


def test_section7_facts_from_the_register_count() -> None:
    """A non-specialist with 40 clinical months and 50 legevakter recorded is competent under § 7 although she
    started in the municipality only two months ago (the start date alone would say 2 months)."""
    register = generated_register("1824", "Vefsn", population=13_400, positions=5, alis=0, as_of=date(2026, 1, 1))
    physicians = list(register.physicians)
    physicians[0] = physicians[0].model_copy(
        update={
            "specialist_status": SpecialistStatus.IN_TRAINING,
            "start_date": date(2025, 11, 1),
            "clinical_months": 40,
            "legevakter_done": 50,
            "birth_year": 1990,
        }
    )
    physicians[1] = physicians[1].model_copy(update={"legevakt_exempt": True, "exemption_kind": ExemptionKind.HEALTH})
    register = register.model_copy(update={"physicians": tuple(physicians)})
    doctors = {d.id: d for d in doctors_from_register(register, date(2026, 3, 1))}
    first = doctors[physicians[0].id]
    assert (first.clinical_months, first.legevakter) == (42, 50)  # + two months since the register date
    assert first.meets_section7
    assert physicians[1].id not in doctors


def test_rota_problem_from_a_stored_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    register = generated_register("1824", "Vefsn", population=13_400, positions=13, as_of=date(2026, 1, 1))
    storage = open_storage(url)
    storage.save_register(register)
    storage.dispose()
    out = tmp_path / "problem.toml"
    args = ["rota", "problem", "-m", "1824", "--from", "2026-02-02", "--to", "2026-03-01", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    problem = load_problem(out)
    assert problem == problem_from_register(register, date(2026, 2, 2), date(2026, 3, 1))
    taking_part = [p for p in register.physicians if p.legevakt_participation and not p.legevakt_exempt]
    assert len(problem.doctors) == len(taking_part)
    as_json = tmp_path / "problem.json"
    assert runner.invoke(app, [*args[:-1], str(as_json)]).exit_code == 0
    assert load_problem(as_json) == problem


def test_rota_problem_keeps_the_municipalitys_shift_types(tmp_path: Path) -> None:
    shifts = tmp_path / "mal.toml"
    assert runner.invoke(app, ["template", "rota-problem", "--out", str(shifts)]).exit_code == 0
    out = tmp_path / "problem.toml"
    args = ["rota", "problem", "--demo", "--from", "2020-09-07", "--to", "2020-10-04", "--shifts", str(shifts)]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    problem = load_problem(out)
    assert [s.id for s in problem.shift_types] == ["kveld", "natt"]
    assert len(problem.doctors) == len(doctors_from_register(demo_register(), date(2020, 9, 7)))


def test_rota_problem_refuses_a_backwards_period(tmp_path: Path) -> None:
    args = [
        "rota",
        "problem",
        "--demo",
        "--from",
        "2020-10-04",
        "--to",
        "2020-09-07",
        "--out",
        str(tmp_path / "p.toml"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--to" in result.output
