"""Property tests of the economics inputs: assumptions files give a model or a Norwegian EconomicsInputError, and
the rate functions refuse impossible numbers in Norwegian."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.economics.model import (
    EconomicsAssumptions,
    EconomicsInputError,
    basistilskudd,
    legevakt_grant_award,
    load_assumptions,
)

EXAMPLE = EconomicsAssumptions().model_dump(mode="json")


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_assumption_files(data: st.DataObject, tmp_path: Path) -> None:
    doc = data.draw(mutated(EXAMPLE, changes=3))
    path = tmp_path / "assumptions.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    accepts_or_refuses(lambda: load_assumptions(path), EconomicsInputError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_assumption_documents(doc: Any, tmp_path: Path) -> None:
    path = tmp_path / "assumptions.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    accepts_or_refuses(lambda: load_assumptions(path), EconomicsInputError)


@given(raw=st.binary(max_size=300))
@VALIDATOR_SETTINGS
def test_assumption_files_of_random_bytes(raw: bytes, tmp_path: Path) -> None:
    path = tmp_path / "assumptions.toml"
    path.write_bytes(raw)
    accepts_or_refuses(lambda: load_assumptions(path), EconomicsInputError)


@given(patients=st.integers(-(10**6), 10**6), applied=st.floats(allow_nan=False, min_value=-1e9, max_value=1e9))
@VALIDATOR_SETTINGS
def test_rates_refuse_impossible_numbers_in_norwegian(patients: int, applied: float) -> None:
    accepts_or_refuses(lambda: basistilskudd(patients), ValueError)
    accepts_or_refuses(lambda: legevakt_grant_award(applied), ValueError)
