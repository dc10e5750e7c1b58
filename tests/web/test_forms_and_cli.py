"""Property tests for the register entity forms, and `legeplan serve --demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from legeplan.cli import app as cli_app
from legeplan.register.demo import demo_register
from legeplan.web.forms import ENTITY_KINDS, form_fields, form_values, parse_entity, reference_errors, replace_entity


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(sorted(ENTITY_KINDS)),
    raw=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "name",
                "list_ceiling",
                "listed_patients",
                "birth_year",
                "sex",
                "start_date",
                "places",
                "kind",
                "employment_fraction",
                "open_list",
            ]
        ),
        st.text(max_size=12),
    ),
)
def test_any_posted_form_gives_an_entity_or_field_errors(kind: str, raw: dict[str, str]) -> None:
    entity, errors = parse_entity(kind, raw, "3804")
    assert (entity is None) == bool(errors)
    known = {f.name for f in form_fields(kind)} | {"__all__"}
    assert set(errors) <= known


@settings(max_examples=30, deadline=None)
@given(index=st.integers(min_value=0, max_value=53))
def test_every_demo_position_survives_the_form_round_trip(index: int) -> None:
    position = demo_register().positions[index]
    entity, errors = parse_entity("positions", form_values(position), "3804")
    assert errors == {} and entity == position


def test_removing_a_referenced_office_is_reported() -> None:
    register = demo_register()
    used = register.positions[0].office_id
    assert used is not None
    assert reference_errors(register) == []
    assert reference_errors(replace_entity(register, "offices", used, None))


def test_serve_demo_prints_the_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    result = CliRunner().invoke(cli_app, ["serve", "--demo", "--port", "8123", "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "brukernavn «admin»" in result.output and calls and calls[0]["port"] == 8123
    web_app = calls[0]["app"]
    assert [m.code for m in web_app.state.storage.list_municipalities()] == ["3804"]
    again = CliRunner().invoke(cli_app, ["serve", "--demo", "--database-url", url])
    assert again.exit_code == 0 and "finnes allerede" in again.output
    web_app.state.storage.dispose()
