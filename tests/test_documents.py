"""The shared TOML/JSON reader: every failure names the file and is raised as the caller's own error type."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legeplan.documents import read_document


class MyError(ValueError):
    pass


def test_reads_toml_and_json(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "Vefsn"\npopulation = 13362\n', encoding="utf-8")
    (tmp_path / "a.json").write_text('{"name": "Vefsn", "population": 13362}', encoding="utf-8")
    assert read_document(tmp_path / "a.toml", MyError) == read_document(tmp_path / "a.json", MyError)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.yaml", "x: 1", r"ukjent filtype «\.yaml», bruk \.toml eller \.json"),
        ("missing.toml", None, "filen finnes ikke"),
        ("bad.toml", "positions = = 3", "ugyldig TOML"),
        ("bad.json", '{"positions": 3,,}', r"ugyldig JSON \(linje 1, kolonne 17\)"),
    ],
)
def test_every_failure_names_the_file(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(MyError, match=message) as raised:
        read_document(path, MyError)
    assert str(path) in str(raised.value)


def test_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"navn": "Bodø"}'.encode("latin-1"))
    with pytest.raises(MyError, match="ikke UTF-8"):
        read_document(path, MyError)


def test_other_suffixes_are_listed(tmp_path: Path) -> None:
    with pytest.raises(MyError, match=r"bruk \.toml, \.json eller \.xlsx"):
        read_document(tmp_path / "plan.docx", MyError, other_suffixes=(".xlsx",))


@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_data_or_the_callers_error(content: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".toml", ".json"):
            path = Path(folder) / f"x{suffix}"
            path.write_bytes(content)
            try:
                read_document(path, MyError)
            except MyError as error:
                assert str(path) in str(error)
