"""The JSON API fuzzed from its own OpenAPI schema (schemathesis, in-process against the ASGI app).

For each role (viewer, editor and admin of the demo municipality) every `/api` operation gets generated requests,
both inside the schema (positive) and outside it (negative), half of them aimed at real records (the demo
municipality, its physicians, its scenarios) so the deep code paths run, not only the 404s. Each answer must:

* not be a server error (5xx);
* have a documented status code and content type, and a body that matches the schema;
* carry Norwegian text only: no English FastAPI/Starlette default such as «Field required» or «Not Found»;
* leave the database untouched when the request was refused (4xx): registers, scenarios, users, rotas, jobs and plans
  are dumped before and after each call (the audit, sessions and login throttle are meant to change).

Rota solves and imports are queued but not run (`in_process_jobs=False`), so the fuzzing costs no solver time.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete

from fuzz_strategies import fuzz_examples
from legeplan.storage.security_tables import LoginAttemptRow
from legeplan.web.app import create_app
from legeplan.web.auth import hash_password

PASSWORD = "riktig-passord-1"
CODE = "3804"
ROLES = {"viewer": "leser", "editor": "redaktor", "admin": "sjef"}
#: Tables whose content a refused request must not change (the audit, sessions and throttle may).
DATA_TABLES = (
    "municipality",
    "register_snapshot",
    "agreement",
    "institution",
    "office",
    "physician",
    "position",
    "planned_position",
    "plan_version",
    "plan_comment",
    "web_scenario",
    "web_user",
    "web_rota_job",
    "job",
)
#: Real path values, so half the generated requests reach real records.
REAL_PATH = {
    "code": st.just(CODE),
    "kind": st.sampled_from(["offices", "positions", "physicians", "institutions", "planned_positions"]),
    "entity": st.sampled_from(["K01", "H001", "L001", "S01", "L002"]),
    "scenario_id": st.sampled_from([1, 2]),
    "comment_id": st.sampled_from([1, 2]),  # høringsuttalelser the fuzzed POSTs have made
    "fmt": st.sampled_from(["csv", "xlsx", "ics", "json"]),
}
#: English phrases FastAPI, Starlette and Pydantic put in error bodies; none may reach a user.
ENGLISH = re.compile(
    r"\b(field required|not found|method not allowed|unprocessable|internal server error|unauthori[sz]ed|"
    r"forbidden|bad request|input should|value is not|should be|must be|is required|invalid|expected|"
    r"error|missing|json decode|parsing the body|not a valid|too (long|short|many|large)|ensure this|extra inputs)\b",
    re.IGNORECASE,
)
#: Generated requests per operation and run in CI; the slow run below uses DEEP_EXAMPLES, 12 in CI (each finding of
#: the earlier 30-example runs has its own test, e.g. test_unreadable_bodies_are_refused_in_norwegian) and 60 with
#: LEGEPLAN_FUZZ=deep (docs/testing.md).
EXAMPLES = 5
DEEP_EXAMPLES = fuzz_examples(ci=12, deep=60)


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in DATA_TABLES}


def _messages(detail: Any) -> Iterator[str]:
    """The human-readable strings of an error body (not the field names, not echoed records)."""
    if isinstance(detail, str):
        yield detail
    elif isinstance(detail, list):
        for item in detail:
            if isinstance(item, dict) and "msg" in item:
                yield str(item["msg"])
            else:
                yield from _messages(item)
    elif isinstance(detail, dict):
        for key, value in detail.items():
            if key not in ("current", "yours", "loc", "type", "input", "ctx"):
                yield from _messages(value)


def english_in(body: Any) -> list[str]:
    """English sentences in an error body; quoted names («…») are the user's own words and are skipped."""
    if not isinstance(body, dict):
        return []
    found = []
    for key in ("detail", "issues"):
        for message in _messages(body.get(key)):
            plain = re.sub(r"«[^»]*»", "", message)
            if ENGLISH.search(plain):
                found.append(message)
    return found


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any, list[Any]]]:
    path = tmp_path_factory.mktemp("fuzz-api") / "web.sqlite"
    app = create_app(f"sqlite:///{path}", demo=True, demo_password="demo-passord-123", in_process_jobs=False)
    store = app.state.web_store
    store.add_user("redaktor", hash_password(PASSWORD), "editor", CODE)
    store.add_user("leser", hash_password(PASSWORD), "viewer", CODE)
    store.add_user("sjef", hash_password(PASSWORD), "admin", CODE)
    yield path, app, _operations(app)
    app.state.storage.dispose()


def _login(app: Any, username: str) -> dict[str, str]:
    with app.state.storage.session() as session:  # the fuzzed /api/login calls must not throttle the test's own login
        session.execute(delete(LoginAttemptRow))
    client = TestClient(app)
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    return {"Cookie": cookie, "X-CSRF-Token": response.json()["csrf_token"]}


def _operations(app: Any) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # Logout would end the fuzzing session; it has its own tests in test_security_sessions.py.
        if operation.path.startswith("/api") and operation.path != "/api/logout":
            operations.append(operation)
    return operations


def _strategy(operation: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
    names = [p.name for p in operation.path_parameters]
    real = {name: REAL_PATH[name] for name in names if name in REAL_PATH}
    plain = operation.as_strategy(mode)
    if not real:
        return plain
    aimed = st.fixed_dictionaries(real).flatmap(lambda fixed: operation.as_strategy(mode, path_parameters=fixed))
    return st.one_of(plain, aimed)


def _check(case: Any, headers: dict[str, str], db_path: Path) -> None:
    before = _dump(db_path)
    response = case.call(headers=headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    case.validate_response(
        response,
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
    content_type = " ".join(response.headers.get("content-type", []))
    body = response.json() if content_type.startswith("application/json") else None
    english = english_in(body) if response.status_code >= 400 else []
    assert not english, f"{case.method} {case.formatted_path}: English in {response.status_code}: {english}"
    if 400 <= response.status_code < 500:
        after = _dump(db_path)
        changed = [table for table in DATA_TABLES if before[table] != after[table]]
        assert not changed, f"{case.method} {case.formatted_path} answered {response.status_code} but changed {changed}"


def _fuzz(fuzz_app: tuple[Path, Any, list[Any]], role: str, mode: GenerationMode, examples: int) -> None:
    db_path, app, operations = fuzz_app
    headers = _login(app, ROLES[role])
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not (operation.body or operation.query):
            # Any text is a valid path segment, so a GET with only path parameters has nothing negative to send.
            continue

        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, mode))
        def run(case: Any) -> None:
            _check(case, headers, db_path)

        run()


@pytest.mark.parametrize(
    ("role", "mode"),
    [
        ("viewer", GenerationMode.POSITIVE),
        ("editor", GenerationMode.POSITIVE),
        ("admin", GenerationMode.POSITIVE),
        # Input outside the schema is refused before any role check matters; the editor reaches every write.
        ("editor", GenerationMode.NEGATIVE),
    ],
)
def test_api_fuzzed_from_schema(fuzz_app: tuple[Path, Any, list[Any]], role: str, mode: GenerationMode) -> None:
    _fuzz(fuzz_app, role, mode, EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_fuzzed_deeper(fuzz_app: tuple[Path, Any, list[Any]], role: str, mode: GenerationMode) -> None:
    _fuzz(fuzz_app, role, mode, DEEP_EXAMPLES)


PAGE_EXAMPLES = fuzz_examples(ci=3, deep=20)


def test_pages_never_answer_with_a_server_error(fuzz_app: tuple[Path, Any, list[Any]]) -> None:
    """The HTML pages' GET routes from the same schema (path and query parameters generated, half aimed at the demo
    municipality's records) as the editor: no 5xx, and every error page is Norwegian."""
    _db_path, app, _api = fuzz_app
    headers = _login(app, "redaktor")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    pages = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.method.upper() == "GET" and not op.path.startswith("/api") and op.path_parameters
    ]
    for operation in pages:

        @settings(
            max_examples=PAGE_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, GenerationMode.POSITIVE))
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            if response.status_code >= 400:
                assert 'lang="nb"' in response.text or not response.text.lstrip().startswith("<"), response.text
                for english in ("Not Found", "Method Not Allowed", "Field required", "Internal Server Error"):
                    assert english not in response.text, (case.formatted_path, english)

        run()


def test_english_detector_finds_fastapi_defaults() -> None:
    """The check above can fail: FastAPI's own English messages are caught, Norwegian ones and quoted names pass."""
    assert english_in({"detail": [{"loc": ["body"], "msg": "Field required", "type": "missing"}]})
    assert english_in({"detail": "Not Found"})
    assert english_in({"detail": "Method Not Allowed"})
    assert english_in({"detail": {"name": "Input should be a valid string"}})
    assert not english_in({"detail": [{"loc": ["body", "x"], "msg": "Må fylles ut.", "type": "missing"}]})
    assert not english_in({"detail": "Ugyldig verdi for «invalid error»: Må være et heltall."})
    assert not english_in({"detail": "Fant ikke siden.", "current": {"name": "Not Found"}})


def test_unreadable_bodies_are_refused_in_norwegian(fuzz_app: tuple[Path, Any, list[Any]]) -> None:
    """What the fuzzing found: a body that is not JSON (FastAPI: «There was an error parsing the body») and a broken
    multipart upload (Starlette: «Invalid multipart data.», «Missing boundary in multipart.») were English 400s."""
    _db_path, app, _operations = fuzz_app
    headers = _login(app, "redaktor")
    client = TestClient(app)
    answers = [
        client.put(
            f"/api/municipalities/{CODE}/register/physicians/L001",
            content=b"\xff\xfe{",
            headers={**headers, "Content-Type": "application/json"},
        ),
        client.post(
            "/api/register/import",
            content=b"--x\r\nContent-Disposition: form-data\r\n\r\nabc",
            headers={**headers, "Content-Type": "multipart/form-data; boundary=x"},
        ),
        client.post("/api/register/import", content=b"abc", headers={**headers, "Content-Type": "multipart/form-data"}),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.text
        assert not english_in(answer.json()), answer.json()
