"""`legeplan report --municipality`: the municipality's own action plan, assumptions, institutions, checks, scenario
and rota go into the plan; bad files are usage errors that name the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from legeplan.actions import example_action_plan, save_action_plan
from legeplan.capacity import example_path
from legeplan.cli import app
from legeplan.legevakt.io import rota_csv
from legeplan.legevakt.presets import vefsn
from legeplan.register.demo import demo_register
from legeplan.report.consistency import example_check_set
from legeplan.storage import Storage

runner = CliRunner()


@pytest.fixture
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'legeplan.sqlite'}"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", url)
    storage = Storage(url)
    storage.save_register(demo_register())
    storage.dispose()
    return demo_register().municipality.code


def _inputs(folder: Path) -> dict[str, Path]:
    files = {name: folder / name for name in ("tiltak.xlsx", "satser.toml", "enheter.json", "kontroll.json")}
    save_action_plan(example_action_plan(), files["tiltak.xlsx"])
    files["satser.toml"].write_text('locum_cost_per_vacancy = 1234567\nsource = "Kommunens egne satser 2025"\n')
    files["enheter.json"].write_text(
        json.dumps(
            {
                "municipality_code": "3804",
                "institutions": [
                    {
                        "id": "eik",
                        "name": "Eikehjemmet",
                        "kind": "nursing_home_long_term",
                        "places": 40,
                        "doctor_hours_per_week": 15,
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    files["kontroll.json"].write_text(example_check_set("bodo").model_dump_json(), encoding="utf-8")
    problem, assignments = vefsn(2025)
    files["problem.json"] = folder / "problem.json"
    files["problem.json"].write_text(problem.model_dump_json(), encoding="utf-8")
    files["rota.csv"] = folder / "rota.csv"
    files["rota.csv"].write_text(rota_csv(problem, assignments), encoding="utf-8")
    return files


def test_stored_municipality_report_takes_its_own_inputs(stored: str, tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    out = tmp_path / "m.html"
    result = runner.invoke(
        app,
        [
            "report",
            "--municipality",
            stored,
            "--out",
            str(out),
            "--actions",
            str(files["tiltak.xlsx"]),
            "--assumptions",
            str(files["satser.toml"]),
            "--institutions",
            str(files["enheter.json"]),
            "--checks",
            str(files["kontroll.json"]),
            "--scenario",
            str(example_path("sandefjord")),
            "--rota-problem",
            str(files["problem.json"]),
            "--rota",
            str(files["rota.csv"]),
            "--simulation-runs",
            "100",
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Ingen tiltaksplan er lagt inn" not in html
    assert "Styringsmål" in html  # the action plan from the spreadsheet
    assert "1 234 567 kr" in html  # the municipality's own locum cost
    assert "Eikehjemmet" in html  # institutions from the file, not the register's
    assert "Kontroll av tallgrunnlaget" in html
    assert "Dimensjonering av fastlegehjemler per år" in html
    assert "Vaktbelastning per lege" in html
    assert "Ledige hjemler framover (simulering)" in html


@pytest.mark.parametrize(
    ("option", "content", "name"),
    [
        ("--actions", "ikke toml [[[", "tiltak.toml"),
        ("--assumptions", "locum_cost_per_vacancy = -5\n", "satser.toml"),
        ("--institutions", "{}", "enheter.json"),
        ("--checks", '{"checks": 3}', "kontroll.json"),
        ("--scenario", 'name = "x"\n', "scenario.toml"),
    ],
)
def test_bad_input_file_is_a_clean_error_naming_it(
    stored: str, tmp_path: Path, option: str, content: str, name: str
) -> None:
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "m.html"
    result = runner.invoke(app, ["report", "--municipality", stored, "--out", str(out), option, str(bad)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert name in " ".join(result.output.split())
    assert not out.exists()


def test_missing_input_file_is_named(stored: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--municipality", stored, "--out", str(tmp_path / "m.html"), "--actions", "finnes-ikke.xlsx"]
    )
    assert result.exit_code == 2
    assert "finnes-ikke.xlsx" in result.output


def test_rota_needs_its_problem(stored: str, tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    result = runner.invoke(
        app, ["report", "--municipality", stored, "--out", str(tmp_path / "m.html"), "--rota", str(files["rota.csv"])]
    )
    assert result.exit_code == 2
    assert "--rota-problem" in result.output


#: The project's seeds and module paths («legeplan.report.consistency»); «Generert med legeplan.» is fine.
JARGON = re.compile(r"seed|legeplan\.[a-z_]")


def test_no_internal_jargon_in_the_plan(stored: str, tmp_path: Path) -> None:
    """The plan cites documents a municipality would cite, not the project's seeds or module paths."""
    for args in (["--demo"], ["--municipality", stored, "--simulation-runs", "50"]):
        out = tmp_path / "plan.html"
        result = runner.invoke(app, ["report", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8").lower()
        found = JARGON.search(html)
        assert found is None, f"{args}: …{html[max(0, found.start() - 80) : found.end() + 80]}…"
    assert "plan for legetjenesten 2021–2024, sandefjord kommune" in html


def test_own_legevakt_norm_from_file(stored: str, tmp_path: Path) -> None:
    norm = tmp_path / "norm.toml"
    norm.write_text(
        'name = "Sandefjord-normen"\nweekday_slots = 4\nweekend_slots = 6\nmax_population = 0\n'
        'source = "Sandefjord legevakt"\n',
        encoding="utf-8",
    )
    out = tmp_path / "m.html"
    args = ["report", "--municipality", stored, "--out", str(out), "--simulation-runs", "0"]
    result = runner.invoke(app, [*args, "--legevakt-norm", str(norm)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Bemanning av legevakt etter Sandefjord-normen" in html
    assert "Sandefjord-normen (4 leger hverdag, 6 helg)" in html
    norm.write_text("weekday_slots = -1\n", encoding="utf-8")
    result = runner.invoke(app, [*args, "--legevakt-norm", str(norm)])
    assert result.exit_code == 2
    assert "weekday_slots" in result.output
