"""Property tests of the institution reader: any document gives institutions or a Norwegian DutiesInputError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.duties.io import DutiesInputError, demo_institutions, load_institutions, parse_institutions

EXAMPLE = {"institutions": [i.model_dump(mode="json", exclude_none=True) for i in demo_institutions()]}


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_institution_files(data: st.DataObject) -> None:
    doc = data.draw(mutated(EXAMPLE, changes=3))
    accepts_or_refuses(lambda: parse_institutions(doc, "test"), DutiesInputError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_institution_documents(doc: Any) -> None:
    accepts_or_refuses(lambda: parse_institutions(doc, "test"), DutiesInputError)


@given(raw=st.binary(max_size=300))
@VALIDATOR_SETTINGS
def test_institution_files_of_random_bytes(raw: bytes, tmp_path: Path) -> None:
    for suffix in (".json", ".toml"):
        path = tmp_path / f"institutions{suffix}"
        path.write_bytes(raw)
        accepts_or_refuses(lambda path=path: load_institutions(path), DutiesInputError)
