"""CLI of the living rota: repair, candidates, swap-check (exit codes 0 ok, 1 no legal answer, 2 bad input)."""

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.legevakt import example_problem, write_rota
from legeplan.legevakt.baseline import pro_rata_rota

runner = CliRunner()


def _rota(tmp_path: Path) -> Path:
    problem = example_problem("small")
    path = tmp_path / "rota.csv"
    write_rota(problem, pro_rata_rota(problem), path)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_repair_writes_the_new_rota_and_lists_changes(tmp_path: Path) -> None:
    rota = _rota(tmp_path)
    doctor = next(r["lege"] for r in _rows(rota) if r["dato"] == "2026-04-07" and r["rolle"] == "vakt")
    out = tmp_path / "ny.csv"
    args = ["rota", "repair", str(rota), "-p", "example:small", "--absent", doctor]
    result = runner.invoke(app, [*args, "--from", "2026-04-06", "--to", "2026-04-08", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["proven_minimal"] and payload["changes"]
    assert all(c["from_doctor"] == doctor for c in payload["changes"] if c["from_doctor"])
    assert not any(r["lege"] == doctor and r["dato"] == "2026-04-07" for r in _rows(out))
    saved = tmp_path / "p.json"
    period = ["--from", "2026-04-06", "--to", "2026-04-08"]
    table = runner.invoke(app, [*args, *period, "--out", str(out), "--problem-out", str(saved)])
    assert table.exit_code == 0 and "Endrede vakter" in table.output and "bevist minste antall" in table.output
    # The saved problem carries the absence: the repaired rota passes the checker with it.
    assert runner.invoke(app, ["rota", "check", str(out), "-p", str(saved)]).exit_code == 0
    assert runner.invoke(app, ["rota", "check", str(rota), "-p", str(saved)]).exit_code == 1
    bad = runner.invoke(app, [*args, "--from", "2026-04-09", "--to", "2026-04-06", "--out", str(out)])
    assert bad.exit_code == 2
    unknown = runner.invoke(
        app,
        [
            "rota",
            "repair",
            str(rota),
            "-p",
            "example:small",
            "--absent",
            "ingen",
            "--from",
            "2026-04-06",
            "--to",
            "2026-04-08",
            "--out",
            str(out),
        ],
    )
    assert unknown.exit_code == 2 and "ukjent lege" in unknown.output


def test_repair_without_legal_answer_exits_1(tmp_path: Path) -> None:
    problem = tmp_path / "p.toml"
    problem.write_text(
        'start = 2026-01-05\nend = 2026-01-07\n[[shift_types]]\nid = "kveld"\nname = "Kveld"\nstart = "15:30"\n'
        'end = "23:00"\n[[doctors]]\nid = "a"\nname = "A"\nage = 45\nspecialist = true\n',
        encoding="utf-8",
    )
    rota = tmp_path / "r.csv"
    rota.write_text("dato,vakt,lege\n2026-01-05,kveld,a\n2026-01-06,kveld,a\n2026-01-07,kveld,a\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "rota",
            "repair",
            str(rota),
            "-p",
            str(problem),
            "--absent",
            "a",
            "--from",
            "2026-01-06",
            "--to",
            "2026-01-06",
            "--out",
            str(tmp_path / "n.csv"),
        ],
    )
    assert result.exit_code == 1 and "Ingen lovlig reparasjon" in result.output


def test_candidates_and_swap_check(tmp_path: Path) -> None:
    rota = _rota(tmp_path)
    row = next(r for r in _rows(rota) if r["dato"] == "2026-04-07" and r["vakt"] == "natt" and r["rolle"] == "vakt")
    result = runner.invoke(
        app,
        [
            "rota",
            "candidates",
            str(rota),
            "-p",
            "example:small",
            "--date",
            "2026-04-07",
            "--shift",
            "natt",
            "--replacing",
            row["lege"],
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["candidates"]
    excluded = {e["doctor"]: e["rules"] for e in report["excluded"]}
    assert "alder_60" in excluded["haug"]  # Liv Haug, 62, has not opted in (SFS 2305 § 7.2)
    full = runner.invoke(
        app, ["rota", "candidates", str(rota), "-p", "example:small", "--date", "2026-04-07", "--shift", "natt"]
    )
    assert full.exit_code == 2 and "fullt besatt" in full.output
    taker = report["candidates"][0]["doctor"]
    base = ["rota", "swap-check", str(rota), "-p", "example:small", "--date", "2026-04-07", "--shift", "natt"]
    ok = runner.invoke(app, [*base, "--from", row["lege"], "--to", taker])
    assert ok.exit_code == 0 and "lovlig" in ok.output
    illegal = runner.invoke(app, [*base, "--from", row["lege"], "--to", "haug", "--json"])
    assert illegal.exit_code == 1
    assert {v["rule"] for v in json.loads(illegal.output)["brudd"]} >= {"alder_60"}
    wrong = runner.invoke(app, [*base, "--from", "haug", "--to", taker])
    assert wrong.exit_code == 2


def test_hours_table_json_and_files(tmp_path: Path) -> None:
    rota = _rota(tmp_path)
    out = tmp_path / "timer.xlsx"
    result = runner.invoke(app, ["rota", "hours", str(rota), "-p", "example:small", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Helligdag" in result.output and out.exists()
    as_json = runner.invoke(app, ["rota", "hours", str(rota), "-p", "example:small", "--json"])
    rows = json.loads(as_json.output)
    assert {r["month"] for r in rows} == {"2026-03", "2026-04"}
    bad = runner.invoke(app, ["rota", "hours", str(rota), "-p", "example:small", "--out", str(tmp_path / "t.pdf")])
    assert bad.exit_code == 2
