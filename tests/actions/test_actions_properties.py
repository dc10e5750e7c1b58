"""Property tests of the action-plan reader: any document gives an ActionPlan or a Norwegian ActionPlanError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fuzz_strategies import JSON, VALIDATOR_SETTINGS, accepts_or_refuses, mutated
from legeplan.actions.io import ActionPlanError, example_action_plan, load_action_plan, parse_action_plan

EXAMPLE = example_action_plan().model_dump(mode="json", exclude_none=True)


@given(data=st.data())
@VALIDATOR_SETTINGS
def test_mutated_action_plans(data: st.DataObject) -> None:
    doc = data.draw(mutated(EXAMPLE, changes=3))
    accepts_or_refuses(lambda: parse_action_plan(doc, "test"), ActionPlanError)


@given(doc=JSON)
@VALIDATOR_SETTINGS
def test_arbitrary_action_plan_documents(doc: Any) -> None:
    accepts_or_refuses(lambda: parse_action_plan(doc, "test"), ActionPlanError)


@given(raw=st.binary(max_size=300))
@VALIDATOR_SETTINGS
def test_action_plan_files_of_random_bytes(raw: bytes, tmp_path: Path) -> None:
    for suffix, prefix in ((".json", b""), (".toml", b""), (".xlsx", b"PK\x03\x04")):
        path = tmp_path / f"plan{suffix}"
        path.write_bytes(prefix + raw)
        accepts_or_refuses(lambda path=path: load_action_plan(path), ActionPlanError)


def test_action_plan_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    assert load_action_plan(path) == example_action_plan()
