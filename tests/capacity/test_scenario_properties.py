"""Property tests of the scenario parser: any document gives a Scenario or a Norwegian ScenarioError."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.capacity import ScenarioError, dimension, example_path, parse_scenario

EXAMPLES = {name: tomllib.loads(example_path(name).read_text(encoding="utf-8")) for name in ("sandefjord", "bodo")}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_scenarios_parse_or_give_norwegian_errors(name: str, data: st.DataObject, tmp_path: Path) -> None:
    doc = data.draw(mutated(EXAMPLES[name], changes=3))
    scenario = accepts_or_refuses(lambda: parse_scenario(doc, source="test", base_dir=tmp_path), ScenarioError)
    if scenario is not None:
        # A scenario the parser accepts can be dimensioned, or the engine says in Norwegian why not.
        accepts_or_refuses(lambda: dimension(scenario), ScenarioError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_documents_give_norwegian_errors(doc: Any, tmp_path: Path) -> None:
    accepts_or_refuses(lambda: parse_scenario(doc, source="test", base_dir=tmp_path), ScenarioError)


def test_the_check_can_fail() -> None:
    with pytest.raises(AssertionError):
        accepts_or_refuses(lambda: int("x"), ValueError)
    with pytest.raises(KeyError):
        accepts_or_refuses(lambda: {}["x"], ValueError)
