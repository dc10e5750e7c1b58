"""Register import limits, checked before the parser sees the file: zip bombs, rows and cells."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from legeplan.i18n import text
from legeplan.jobs.handlers import check_import_limits
from legeplan.jobs.model import MAX_IMPORT_CELLS, MAX_IMPORT_ROWS, MAX_UNCOMPRESSED_BYTES
from legeplan.register.demo import demo_register
from legeplan.register.io import write_csv, write_xlsx


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_demo_register_passes_in_every_format(tmp_path: Path) -> None:
    xlsx = write_xlsx(demo_register(), tmp_path / "r.xlsx")
    assert check_import_limits("r.xlsx", xlsx.read_bytes()) == []
    folder = write_csv(demo_register(), tmp_path / "r.zip")
    assert check_import_limits("r.zip", Path(folder).read_bytes()) == []


def test_a_zip_bomb_is_refused_without_unpacking_it() -> None:
    bomb = _zip({"leger.csv": b"0" * (MAX_UNCOMPRESSED_BYTES + 1)})
    assert len(bomb) < 100_000
    started = time.monotonic()
    issues = check_import_limits("bombe.zip", bomb)
    assert time.monotonic() - started < 2
    assert [i["message"] for i in issues] == [text("job.import.unpacked_too_large", limit=40)]


def test_a_densely_packed_member_is_refused() -> None:
    dense = _zip({"leger.csv": b"a;" * (2 * 1024 * 1024)})
    issues = check_import_limits("tett.zip", dense)
    assert [i["message"] for i in issues] == [text("job.import.zip_bomb")]


def test_too_many_rows_in_a_csv_and_in_an_xlsx_sheet() -> None:
    rows = b"id;navn\n" + b"".join(b"L%d;x\n" % n for n in range(MAX_IMPORT_ROWS + 1))
    issues = check_import_limits("leger.csv", rows)
    assert issues[0]["message"] == "Filen har 10\u00a0002 rader; grensen er 10\u00a0000."
    assert MAX_IMPORT_ROWS == 10_000
    sheet = b"<worksheet><sheetData>" + b'<row r="1"><c r="A1"/></row>' * (MAX_IMPORT_ROWS + 5) + b"</sheetData>"
    book = _zip({"xl/worksheets/sheet1.xml": sheet})
    assert "rader" in check_import_limits("stor.xlsx", book)[0]["message"]


def test_too_many_cells_in_a_csv() -> None:
    wide = (b";" * 100 + b"\n") * (MAX_IMPORT_CELLS // 100)
    issues = check_import_limits("bred.csv", wide)
    assert "celler" in issues[0]["message"]
