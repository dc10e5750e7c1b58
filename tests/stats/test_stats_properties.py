"""Property tests of the statistics parsers: any JSON-stat document gives a dataset or the module's Norwegian
error (JsonStatFormatError, JsonStatError), never a bare Python exception."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.capacity.ssb import JsonStatError, read_jsonstat, read_projection_14288
from legeplan.statistics.jsonstat import JsonStatFormatError, parse

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("ssb_*.json"))}


def _small(doc: Any) -> Any:
    """The fixture with its value list cut short, so mutations hit the structure, not thousands of numbers."""
    if isinstance(doc, dict) and isinstance(doc.get("value"), list):
        return {**doc, "value": doc["value"][:20]}
    return doc


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_jsonstat_documents(name: str, data: st.DataObject) -> None:
    doc = data.draw(mutated(_small(DOCUMENTS[name]), changes=3))
    accepts_or_refuses(lambda: parse(doc), JsonStatFormatError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_jsonstat_documents(doc: Any) -> None:
    accepts_or_refuses(lambda: parse(doc), JsonStatFormatError)


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_jsonstat_files_for_projections(data: st.DataObject, tmp_path: Path) -> None:
    doc = data.draw(mutated(_small(DOCUMENTS["ssb_14288"]), changes=2))
    path = tmp_path / "14288.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    accepts_or_refuses(lambda: read_jsonstat(path), JsonStatError)
    accepts_or_refuses(lambda: read_projection_14288(path, region="1804"), JsonStatError)
