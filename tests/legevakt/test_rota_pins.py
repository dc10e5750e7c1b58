"""Pins and manual edits: the solver keeps pinned duties and avoids forbidden ones; pins are checked by the rules."""

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.legevakt import Assignment, Doctor, RotaInfeasibleError, check_rota, solve_rota
from legeplan.legevakt.model import Role
from legeplan.legevakt.pins import pin_violations, solve_pinned

from .helpers import KVELD, NATT, problem, specialist

MONDAY = date(2026, 1, 5)
runner = CliRunner()


def _team() -> tuple[Doctor, ...]:
    return (*(specialist(f"d{i}") for i in range(5)), specialist("old", age=62))


def test_solver_keeps_pins_and_avoids_forbidden() -> None:
    p = problem(*_team(), days=7)
    fixed = [
        Assignment(date=MONDAY, shift_type="natt", doctor="d0"),
        Assignment(date=MONDAY + timedelta(days=2), shift_type="kveld", doctor="d0"),
    ]
    forbidden = [Assignment(date=MONDAY + timedelta(days=d), shift_type="kveld", doctor="d1") for d in range(7)]
    solution = solve_rota(p, time_limit_s=4, fixed=fixed, forbidden=forbidden)
    got = set(solution.assignments)
    assert set(fixed) <= got
    assert not any(a.doctor == "d1" and a.shift_type == "kveld" for a in got)
    assert check_rota(p, solution.assignments) == []


def test_pins_are_checked_by_the_rules() -> None:
    p = problem(*_team(), days=3, rest_after_night_hours=11)
    # 60+ without opting in (SFS 2305 § 7.2), and a night followed by an evening 7.5 h later (rest after night 11 h).
    bad = [
        Assignment(date=MONDAY, shift_type="kveld", doctor="old"),
        Assignment(date=MONDAY, shift_type="natt", doctor="d0"),
        Assignment(date=MONDAY + timedelta(days=1), shift_type="kveld", doctor="d0"),
    ]
    rules = {v.rule for v in pin_violations(p, bad)}
    assert rules == {"alder_60", "hviletid"}
    with pytest.raises(RotaInfeasibleError) as err:
        solve_rota(p, time_limit_s=3, fixed=bad)
    assert any("alder_60" in r or "60 år" in r for r in err.value.reasons)
    both = [Assignment(date=MONDAY, shift_type="kveld", doctor="d1")]
    assert {v.rule for v in pin_violations(p, both, both)} == {"låst_forbudt"}
    crowd = [Assignment(date=MONDAY, shift_type="kveld", doctor=d) for d in ("d1", "d2")]
    assert {v.rule for v in pin_violations(p, crowd)} == {"låst_for_mange"}


def test_a_lis1_pin_gets_its_bakvakt_from_the_solver() -> None:
    lis1 = Doctor(id="lis", name="LIS", age=28, lis1=True, clinical_months=6)
    p = problem(lis1, *_team(), days=4, shift_types=(KVELD, NATT))
    fixed = [Assignment(date=MONDAY, shift_type="natt", doctor="lis")]
    assert pin_violations(p, fixed) == []  # the cover is the solver's job
    solution = solve_rota(p, time_limit_s=4, fixed=fixed)
    assert any(a.role is Role.BAKVAKT and a.date == MONDAY and a.shift_type == "natt" for a in solution.assignments)
    assert check_rota(p, solution.assignments) == []


def test_pins_that_make_coverage_impossible_are_explained() -> None:
    p = problem(specialist("a"), specialist("b"), days=2)
    forbidden = [Assignment(date=MONDAY, shift_type=s, doctor="a") for s in ("kveld", "natt")]
    with pytest.raises(RotaInfeasibleError) as err:
        solve_pinned(p, [], forbidden, time_limit_s=3)
    assert "forbudte" in err.value.reasons[0]


def test_solve_pinned_cli(tmp_path: Path) -> None:
    pins = tmp_path / "pins.csv"
    pins.write_text("dato,vakt,lege\n2026-03-31,natt,berg\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    result = runner.invoke(
        app, ["rota", "solve-pinned", "example:small", "--pin", str(pins), "--out", str(out), "-t", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "feasible" not in result.output and "optimal" not in result.output  # the status in Norwegian words
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert any((r["dato"], r["vakt"], r["lege"], r["rolle"]) == ("2026-03-31", "natt", "berg", "vakt") for r in rows)
    bad = tmp_path / "bad.csv"
    bad.write_text("dato,vakt,lege\n2026-03-31,natt,haug\n", encoding="utf-8")  # Liv Haug, 62
    refused = runner.invoke(app, ["rota", "solve-pinned", "example:small", "--pin", str(bad), "--out", str(out)])
    assert refused.exit_code == 1 and "alder_60" in refused.output
