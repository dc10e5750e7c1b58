"""Property tests of the rota problem reader and the rota file reader: any input gives a model or RotaFileError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.legevakt import example_problem
from legeplan.legevakt.io import RotaFileError, load_problem, problem_from_data, read_rota

SMALL = example_problem("small").model_dump(mode="json", exclude_none=True)


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_problems_load_or_give_norwegian_errors(data: st.DataObject) -> None:
    doc = data.draw(mutated(SMALL, changes=3))
    accepts_or_refuses(lambda: problem_from_data(doc, "test"), RotaFileError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_problem_documents(doc: Any) -> None:
    accepts_or_refuses(lambda: problem_from_data(doc, "test"), RotaFileError)


@pytest.mark.parametrize("suffix", [".toml", ".json"])
@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@VALIDATOR_SETTINGS
def test_problem_files_of_random_bytes(suffix: str, raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"problem{suffix}"
    path.write_bytes(raw)
    accepts_or_refuses(lambda: load_problem(path), RotaFileError)


def test_deeply_nested_problem_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    accepts_or_refuses(lambda: load_problem(path), RotaFileError)


ROWS = st.lists(
    st.lists(st.text(max_size=12) | st.sampled_from(["2025-01-01", "dag", "L1", "lege", ";", '"']), max_size=5),
    max_size=6,
)


@given(header=st.sampled_from(["dato;vakt;lege;rolle", "dato,vakt,lege", "date;shift_type;doctor", ""]), rows=ROWS)
@VALIDATOR_SETTINGS
def test_rota_csv_files(header: str, rows: list[list[str]], tmp_path: Path) -> None:
    path = tmp_path / "rota.csv"
    path.write_text("\n".join([header, *(";".join(row) for row in rows)]), encoding="utf-8")
    accepts_or_refuses(lambda: read_rota(path), RotaFileError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_rota_json_files(doc: Any, tmp_path: Path) -> None:
    path = tmp_path / "rota.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    accepts_or_refuses(lambda: read_rota(path), RotaFileError)


@given(raw=st.binary(max_size=400))
@VALIDATOR_SETTINGS
def test_rota_xlsx_files_of_random_bytes(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "rota.xlsx"
    path.write_bytes(b"PK\x03\x04" + raw)
    accepts_or_refuses(lambda: read_rota(path), RotaFileError)
