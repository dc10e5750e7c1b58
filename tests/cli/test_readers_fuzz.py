"""No input file crashes the CLI: every reader gives exit code 2, a Norwegian message naming the file, no
traceback, and writes nothing (issue #17 item 2).

Corrupt files are generated here: random bytes (hypothesis), deeply nested JSON/TOML, oversized files, broken
zip archives and workbooks, zip members that lie about their size.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legeplan.cli import app
from legeplan.documents import MAX_DEPTH, MAX_DOCUMENT_BYTES, nesting_depth, read_document

runner = CliRunner()

#: Commands that read one TOML/JSON document: (arguments before the file, arguments after it).
DOCUMENT_COMMANDS = {
    "dimension": (["dimension"], []),
    "duties": (["duties"], []),
    "economics": (["economics", "--assumptions"], []),
    "actions show": (["actions", "show"], []),
    "check-plan": (["check-plan"], []),
}


class Refused(Exception):
    pass


def assert_refused(result: object, name: str) -> None:
    """Exit code 2, a «Feil» message naming the file, no traceback."""
    exit_code = getattr(result, "exit_code", None)
    output = getattr(result, "output", "")
    exception = getattr(result, "exception", None)
    assert exit_code == 2, output
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in output
    assert name in " ".join(output.split()).replace("\n", ""), output


# --- the shared TOML/JSON reader -------------------------------------------------------------------------------


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".json", ".toml"]))
def test_read_document_raises_only_its_error_for_any_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(data)
    try:
        read_document(path, Refused)
    except Refused as error:
        assert str(path) in str(error)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    text=st.text(alphabet='{}[]",:=0123456789.aEe- \n\\tf', max_size=200), suffix=st.sampled_from([".json", ".toml"])
)
def test_read_document_raises_only_its_error_for_near_miss_syntax(tmp_path: Path, text: str, suffix: str) -> None:
    path = tmp_path / f"g{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        read_document(path, Refused)
    except Refused as error:
        assert str(path) in str(error)
        assert "Traceback" not in str(error)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 200_000])
@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path: Path, depth: int, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    body = "[" * depth + "]" * depth
    path.write_text(body if suffix == ".json" else f"a = {body}\n", encoding="utf-8")
    with pytest.raises(Refused, match="nestet for dypt"):
        read_document(path, Refused)


def test_nesting_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH, encoding="utf-8")
    assert nesting_depth(read_document(path, Refused)) == MAX_DEPTH


def test_an_oversized_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: no 10 MB written
    with pytest.raises(Refused, match="for stor"):
        read_document(path, Refused)


@pytest.mark.parametrize(
    ("suffix", "text", "expected"),
    [
        (".json", '{"a": 1,}', "linje 1, kolonne 9"),
        (".json", '{"a": 1' + "0" * 5000 + "}", "for langt"),
        (".toml", "a = [1,\n", "ugyldig verdi"),
        (".toml", "a = 1\na = 2\n", "oppgitt to ganger"),
        (".toml", "x = 1" + "0" * 5000, "for langt"),
    ],
)
def test_malformed_documents_are_explained_in_norwegian(tmp_path: Path, suffix: str, text: str, expected: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused, match=expected):
        read_document(path, Refused)


# --- every command that reads a document ----------------------------------------------------------------------

CORRUPT_DOCUMENTS = {
    "binary.json": b"\x89PNG\r\n\x1a\n\x00\x00",
    "latin1.toml": "navn = 'Bodø'".encode("latin-1"),
    "syntax.json": b'{"name": ',
    "syntax.toml": b"[[units]\nname = 1",
    "deep.json": b"[" * 50_000 + b"]" * 50_000,
    "deep.toml": b"a = " + b"[" * 50_000 + b"]" * 50_000,
    "list.json": b"[1, 2, 3]",
    "scalar.toml": b"x = 1",
    "wrongtypes.json": json.dumps({"units": "x", "goals": 3, "checks": {"a": 1}, "salary_per_year": "x"}).encode(),
}


@pytest.mark.parametrize("command", sorted(DOCUMENT_COMMANDS))
@pytest.mark.parametrize("name", sorted(CORRUPT_DOCUMENTS))
def test_a_corrupt_document_exits_2_with_a_message(tmp_path: Path, command: str, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(CORRUPT_DOCUMENTS[name])
    before, after = DOCUMENT_COMMANDS[command]
    result = runner.invoke(app, [*before, str(path), *after])
    assert_refused(result, name)


@pytest.mark.parametrize("command", sorted(DOCUMENT_COMMANDS))
def test_an_oversized_document_exits_2(tmp_path: Path, command: str) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    before, after = DOCUMENT_COMMANDS[command]
    result = runner.invoke(app, [*before, str(path), *after])
    assert_refused(result, "huge.toml")
    assert "for stor" in result.output


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=300), command=st.sampled_from(sorted(DOCUMENT_COMMANDS)))
def test_random_bytes_never_crash_a_command(tmp_path: Path, data: bytes, command: str) -> None:
    path = tmp_path / "random.json"
    path.write_bytes(data)
    before, after = DOCUMENT_COMMANDS[command]
    result = runner.invoke(app, [*before, str(path), *after])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_actions_convert_from_a_corrupt_file_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "plan.json"
    source.write_bytes(b"[" * 10_000)
    out = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["actions", "convert", str(out), "--from", str(source)])
    assert_refused(result, "plan.json")
    assert not out.exists()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage", b"not a workbook at all"])
def test_a_corrupt_action_workbook_exits_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    assert_refused(runner.invoke(app, ["actions", "show", str(path)]), "plan.xlsx")


# --- register import: CSV, XLSX, zip; the database must stay unchanged ---------------------------------------


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "db.sqlite"
    monkeypatch.setenv("LEGEPLAN_DATABASE_URL", f"sqlite:///{path}")
    return path


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged_member_zip() -> bytes:
    """A zip whose CSV member's compressed data is overwritten (CRC or zlib error when read)."""
    data = bytearray(_zip({"hjemler.csv": b"id;kontor\n" + b"H1;K1\n" * 2000}))
    start = data.index(b"hjemler.csv") + len(b"hjemler.csv")
    for i in range(start + 10, start + 60):
        data[i] ^= 0xFF
    return bytes(data)


def _lying_size_zip() -> bytes:
    """A zip bomb: the directory says 10 bytes, the member inflates to 12 MB."""
    data = bytearray(_zip({"hjemler.csv": b"a" * (12 * 1024 * 1024)}))
    marker = data.rindex(b"PK\x01\x02")  # central directory entry: uncompressed size at offset 24
    data[marker + 24 : marker + 28] = (10).to_bytes(4, "little")
    local = data.index(b"PK\x03\x04")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    return bytes(data)


CORRUPT_IMPORTS = {
    "empty.zip": b"",
    "truncated.zip": _zip({"hjemler.csv": b"id\nH1\n"})[:30],
    "damaged.zip": _damaged_member_zip(),
    "bomb.zip": _lying_size_zip(),
    "fake.xlsx": b"PK\x03\x04 not really",
    "zip-without-workbook.xlsx": _zip({"hello.txt": b"hi"}),
    "broken-sheet.xlsx": _zip(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types",
            "xl/workbook.xml": b"<workbook><sheets><sheet name='x' sheetId='1' r:id='rId1'/></sheets>",
        }
    ),
    "nul.csv": b'id,kontor\n"H1,\x00broken\n',
    "binary.csv": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(CORRUPT_IMPORTS))
def test_a_corrupt_import_exits_2_and_stores_nothing(tmp_path: Path, database: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(CORRUPT_IMPORTS[name])
    result = runner.invoke(app, ["register", "import", str(path)])
    assert_refused(result, name.split(".")[0])
    assert not database.exists() or database.stat().st_size == 0 or _no_registers(database)


def _no_registers(database: Path) -> bool:
    import sqlite3

    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
        return not any(
            connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in tables
            if "snapshot" in table or table == "municipalities"
        )


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=500), suffix=st.sampled_from([".zip", ".xlsx", ".csv"]))
def test_random_import_bytes_never_crash(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    result = runner.invoke(app, ["register", "import", str(path), "--dry-run"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def test_import_json_lists_the_errors(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(CORRUPT_IMPORTS["nul.csv"])
    result = runner.invoke(app, ["register", "import", str(path), "--dry-run", "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["imported"] is False and document["errors"][0]["source"] == "nul.csv"


# --- statistics (JSON-stat) and the regional dataset -----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        b'{"class": "dataset", "dimension": {}}',
        b'{"class": "dataset", "dimension": {"Region": 1}, "value": "x"}',
        b"\xff\xfe",
        b"",
    ],
)
def test_corrupt_statistics_exit_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "12005.json"
    path.write_bytes(content)
    assert_refused(runner.invoke(app, ["region", "statistics", str(path)]), "12005.json")


@pytest.mark.parametrize(
    "content", [b"[" * 100_000, b"{}", b'{"regions": [{"id": 1}]}', b"null", b'{"name": "x"' + b"}" * 3]
)
def test_a_corrupt_regional_dataset_exits_2_in_norwegian(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dataset.json"
    path.write_bytes(content)
    result = runner.invoke(app, ["region", "list", "--dataset", str(path)])
    assert_refused(result, "dataset.json")
    assert "Field required" not in result.output and "Input should" not in result.output


@pytest.mark.slow
def test_report_with_a_corrupt_input_writes_no_plan(tmp_path: Path) -> None:
    checks = tmp_path / "checks.toml"
    checks.write_bytes(b"a = " + b"[" * 50_000)
    out = tmp_path / "plan.html"
    result = runner.invoke(
        app, ["report", "--demo", "--simulation-runs", "0", "--out", str(out), "--checks", str(checks)]
    )
    assert_refused(result, "checks.toml")
    assert not out.exists()


def test_an_action_workbook_with_a_damaged_sheet_exits_2(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    assert runner.invoke(app, ["actions", "convert", str(good), "--example"]).exit_code == 0
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data[: len(data) // 2]  # cut the sheet's XML in the middle
            target.writestr(info, data)
    assert_refused(runner.invoke(app, ["actions", "show", str(damaged)]), "damaged.xlsx")


def test_an_oversized_action_workbook_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    result = runner.invoke(app, ["actions", "show", str(path)])
    assert_refused(result, "huge.xlsx")
    assert "for stor" in result.output
