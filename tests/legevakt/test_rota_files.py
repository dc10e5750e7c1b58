"""Rota and problem files never crash the CLI (issue #17): corrupt, one-column, non-UTF-8 and huge files are refused
with exit code 2 and a Norwegian message naming the file (and row/column where there is one); nothing is written.
Also the exit codes, bokmål numbers, ``check --json`` and the absence of a progress spinner in redirected output."""

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.legevakt import RotaSolution, example_problem, rota_csv
from legeplan.legevakt.baseline import round_robin_rota

runner = CliRunner()
FILE_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _no_traceback(result: object) -> None:
    exception = getattr(result, "exception", None)
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in getattr(result, "output", "")


def _check(path: Path, *extra: str) -> object:
    return runner.invoke(app, ["rota", "check", str(path), "-p", "example:small", *extra])


def _refused(result: object, path: Path, *fragments: str) -> None:
    _no_traceback(result)
    output = getattr(result, "output", "")
    assert getattr(result, "exit_code", None) == 2, output
    assert "Feil:" in output and path.name in output, output
    for fragment in fragments:
        assert fragment in output, output


def test_one_column_csv_is_refused_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "én-kolonne.csv"
    path.write_text("lege\naas\nberg\n", encoding="utf-8")
    _refused(_check(path), path, "rad 1", "mangler kolonnene dato, vakt")


def test_non_utf8_csv_names_the_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("dato;vakt;lege;navn\n2026-03-30;kveld;aas;Åse Ås\n".encode("latin-1"))
    _refused(_check(path), path, "rad 2", "UTF-8")


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04 not really a zip",
        b"",
        b"\x00\x01\x02" * 100,
        b"dato,vakt,lege\n2026-03-30,kveld,aas\n",
    ],
)
def test_corrupt_xlsx_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ødelagt.xlsx"
    path.write_bytes(content)
    _refused(_check(path), path, "Excel")


def test_xlsx_with_broken_sheet_inside_a_valid_zip_is_refused(tmp_path: Path) -> None:
    good = io.BytesIO()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["dato", "vakt", "lege"])
    sheet.append(["2026-03-30", "kveld", "aas"])
    workbook.save(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good.getvalue())) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    path = tmp_path / "halvt-ark.xlsx"
    path.write_bytes(broken.getvalue())
    _refused(_check(path), path, "Excel")


def test_xlsx_without_required_columns_is_refused(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["navn"])
    sheet.append(["Åse"])
    path = tmp_path / "navn.xlsx"
    workbook.save(path)
    _refused(_check(path), path, "rad 1", "mangler kolonnene dato, vakt, lege")


def test_huge_values_are_refused_without_echoing_them(tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    long_id = "x" * 100_000
    path.write_text(f"dato,vakt,lege\n2026-03-30,kveld,{long_id}\n", encoding="utf-8")
    result = _check(path)
    _refused(result, path, "rad 2", "kolonne 'lege'", "høyst 64 tegn")
    assert long_id[:1000] not in getattr(result, "output", "")
    path.write_text(f"dato,vakt,lege\n{'2' * 5000},kveld,aas\n", encoding="utf-8")
    result = _check(path)
    _refused(result, path, "rad 2", "kolonne 'dato'", "5000 tegn")
    assert len(getattr(result, "output", "")) < 2000


def test_too_large_rota_and_problem_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "stor.csv"
    path.write_text("dato,vakt,lege\n" + "2026-03-30,kveld,aas\n" * 300_000, encoding="utf-8")
    _refused(_check(path), path, "MB")
    problem = tmp_path / "stor.toml"
    name = "N" * 10_000_000
    problem.write_text(f'name = "{name}"\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["rota", "solve", str(problem), "--out", str(out), "-t", "2"])
    _refused(result, problem, "MB")
    assert name[:1000] not in getattr(result, "output", "") and not out.exists()


def test_long_names_in_the_problem_are_refused(tmp_path: Path) -> None:
    data = example_problem("small").model_dump(mode="json")
    data["name"] = "Legevakt " * 1000
    data["doctors"][0]["name"] = "Å" * 5000
    problem = tmp_path / "navn.json"
    problem.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["rota", "solve", str(problem), "--out", str(out), "-t", "2"])
    _refused(result, problem, "name: Kan ha høyst 200 tegn", "doctors.0.name: Kan ha høyst 200 tegn")
    assert "Legevakt Legevakt Legevakt" not in getattr(result, "output", "") and not out.exists()


def test_bad_json_rota_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rota.json"
    path.write_text('{"problem_name": "x", "status": "nei"}', encoding="utf-8")
    _refused(_check(path), path, "status")
    path.write_bytes(b"\xff\xfe{")
    _refused(_check(path), path, "UTF-8")
    directory = tmp_path / "mappe.csv"
    directory.mkdir()
    _refused(_check(directory), directory, "finner ikke filen")


@FILE_SETTINGS
@given(st.binary(max_size=400), st.sampled_from([".csv", ".xlsx", ".json"]))
def test_random_bytes_never_crash_check(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"tilfeldig{suffix}"
    path.write_bytes(content)
    result = _check(path)
    _no_traceback(result)
    assert getattr(result, "exit_code", None) == 2, getattr(result, "output", "")


_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@FILE_SETTINGS
@given(
    st.sampled_from(["dato,vakt,lege,rolle", "dato;vakt;lege", "date\tshift\tdoctor\trole", "dato,vakt,lege"]),
    st.lists(st.lists(_CELL, min_size=0, max_size=5), max_size=6),
)
def test_random_rows_after_a_valid_header_never_crash(tmp_path: Path, header: str, rows: list[list[str]]) -> None:
    """Any content under a valid header is either a rota (checked: exit 0/1) or refused (exit 2), never a crash."""
    delimiter = ";" if ";" in header else "\t" if "\t" in header else ","
    path = tmp_path / "rader.csv"
    path.write_text(header + "\n" + "\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    result = _check(path)
    _no_traceback(result)
    assert getattr(result, "exit_code", None) in (0, 1, 2)
    if getattr(result, "exit_code", None) == 2:
        assert path.name in getattr(result, "output", "")


def test_check_json_lists_violations_and_exit_codes(tmp_path: Path) -> None:
    problem = example_problem("small")
    rota = round_robin_rota(problem)
    path = tmp_path / "rota.csv"
    path.write_text(rota_csv(problem, rota), encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(path), "-p", "example:small", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["violations"] == []
    path.write_text(rota_csv(problem, rota[1:]), encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(path), "-p", "example:small", "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["duties"] == len(rota) - 1
    assert [v["rule"] for v in payload["violations"]] == ["dekning"]
    assert payload["violations"][0]["date"] == rota[0].date.isoformat()


def test_solve_without_a_rota_in_time_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No rota before the time limit is «no solution» (exit 1), not an input error (2); nothing is written."""
    import legeplan.legevakt.solver as solver

    def no_rota(problem: object, **_: object) -> RotaSolution:
        return RotaSolution(
            problem_name="x", status="unknown", explanation=("Fant ingen gyldig turnus før tidsgrensen nådd",)
        )

    monkeypatch.setattr(solver, "solve_rota", no_rota)
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(out), "-t", "1"])
    _no_traceback(result)
    assert result.exit_code == 1 and "tidsgrensen" in result.output and not out.exists()


def test_solve_output_has_bokmal_numbers_and_no_spinner(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(out), "-t", "3", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Bygger modell" not in result.output and "Nivå 1 rettferdighet_sum: mål" not in result.output
    assert not re.search(r"\d\.\d", result.output.replace(str(out), "")), result.output
    assert re.search(r"Første gyldige turnus etter \d+,\d+ s", result.output)


def test_load_table_has_bokmal_numbers() -> None:
    result = runner.invoke(app, ["rota", "load", "--preset", "vefsn"])
    assert result.exit_code == 0
    assert "601,5" in result.output and not re.search(r"\d\.\d", result.output)


def test_solve_refuses_an_output_folder_that_does_not_exist(tmp_path: Path) -> None:
    out = tmp_path / "mangler" / "r.csv"
    result = runner.invoke(app, ["rota", "solve", "example:small", "--out", str(out)])
    _refused(result, out, "finnes ikke")


def test_cli_preset_names_match_the_engine() -> None:
    from legeplan.cli.rota_cmd import PRESETS as CLI_PRESETS
    from legeplan.legevakt.presets import PRESETS as ENGINE_PRESETS

    assert CLI_PRESETS == ENGINE_PRESETS


def test_markup_like_text_in_files_is_shown_not_interpreted(tmp_path: Path) -> None:
    """Values echoed in messages (and names in tables) may hold rich markup such as ``[/]``: shown, never a crash."""
    path = tmp_path / "klammer.csv"
    path.write_text("dato,vakt,lege\n[/]bad,kveld,aas\n", encoding="utf-8")
    _refused(_check(path), path, "'[/]bad'")
    data = example_problem("small").model_dump(mode="json")
    data["name"] = "[bold]Legevakt[/bold] [/]"
    data["doctors"][0]["name"] = "[red]Åse[/]"
    problem = tmp_path / "klammer.json"
    problem.write_text(json.dumps(data), encoding="utf-8")
    rota = tmp_path / "tom.csv"
    rota.write_text("dato,vakt,lege\n", encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(rota), "-p", str(problem)])
    _no_traceback(result)
    assert result.exit_code == 1
    result = runner.invoke(app, ["rota", "load", str(rota), "-p", str(problem)])
    _no_traceback(result)
    assert result.exit_code == 0 and "[red]" in result.output


@pytest.mark.parametrize(("suffix", "prefix"), [(".json", ""), (".toml", "a = ")])
def test_deeply_nested_problem_is_refused(tmp_path: Path, suffix: str, prefix: str) -> None:
    problem = tmp_path / f"dyp{suffix}"
    problem.write_text(prefix + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(tmp_path / "r.csv"), "-p", str(problem)])
    _refused(result, problem, "for dypt")
    rota = tmp_path / "dyp-rota.json"
    rota.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _refused(_check(rota), rota)


_FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_PATHS = st.sampled_from(
    [
        ("name",),
        ("start",),
        ("end",),
        ("min_rest_hours",),
        ("rest_after_night_hours",),
        ("spread_days",),
        ("bakvakt_weight",),
        ("extra_holidays",),
        ("shift_types", 0, "start"),
        ("shift_types", 0, "end"),
        ("shift_types", 0, "doctors"),
        ("shift_types", 0, "days"),
        ("shift_types", 0, "night"),
        ("doctors", 0, "age"),
        ("doctors", 0, "employment_fraction"),
        ("doctors", 0, "unavailable"),
        ("doctors", 0, "night_exempt"),
        ("doctors", 1, "id"),
        ("wishes",),
    ]
)


@FILE_SETTINGS
@given(st.lists(st.tuples(_PATHS, _FIELD_VALUES), min_size=1, max_size=3))
def test_random_problem_fields_never_crash_check(
    tmp_path: Path, changes: list[tuple[tuple[object, ...], object]]
) -> None:
    """Any value in any field of the problem is either a problem (the rota is checked: exit 0/1) or refused (2)."""
    data = example_problem("small").model_dump(mode="json")
    for path, value in changes:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    problem = tmp_path / "p.json"
    problem.write_text(json.dumps(data), encoding="utf-8")
    rota = tmp_path / "r.csv"
    rota.write_text("dato,vakt,lege\n2026-03-30,kveld,aas\n", encoding="utf-8")
    result = runner.invoke(app, ["rota", "check", str(rota), "-p", str(problem), "--json"])
    _no_traceback(result)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert problem.name in result.output
