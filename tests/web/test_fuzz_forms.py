"""Hostile text posted into the HTML forms: register entity forms, the scenario form and the user form.

Control characters, huge strings, nested JSON, look-alike Unicode, decomposed letters, `$x^2$`, `<script>`, formula
prefixes (`= + - @`) and odd numbers (`nan`, `1e999`, 30 digits, Arabic-Indic digits) go into one field of an
otherwise valid form. The answer is never a server error; a refused form (4xx) changes nothing in the database; an
accepted one stores the text NFC-normalised, without control characters, as typed (trimmed).
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_strategies import fuzz_examples
from legeplan.web.forms import form_fields, form_values

Login = Callable[[str], tuple[TestClient, str]]
CODE = "3804"
DATA_TABLES = (
    "municipality",
    "register_snapshot",
    "office",
    "position",
    "physician",
    "institution",
    "agreement",
    "planned_position",
    "web_scenario",
    "web_user",
)
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u2028\u2029]")
SETTINGS = settings(
    max_examples=fuzz_examples(ci=20, deep=200),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(
        [
            "$x^2$",
            "$\\frac{1}{0}$",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            '=HYPERLINK("http://x")',
            "+47 1",
            "-2+3",
            "@SUM(A1)",
            "\tTab",
            "Ola\x00Nordmann",
            "Ola\u202eNordmann",
            "Ola\u200bNordmann",
            "Linje\nto",
            "A\u030ange",  # Ångstrøm with a combining ring: NFC makes it one letter
            "Оlа Nоrdmаnn",  # Cyrillic look-alikes
            "Ｏｌａ",
            '{"a": {"a": {"a": {"a": [[[[[]]]]]}}}}',
            "[" * 500 + "]" * 500,
            "x" * 5000,
            "æøå ÆØÅ ŋ đ č",
            "  mellomrom  ",
            "nan",
            "inf",
            "-inf",
            "1e999",
            "9" * 30,
            "-1",
            "١٢٣",
            "1_000",
            "7 %",
            "0,07",
            "2024-02-30",
            "../../etc/passwd",
            "'; DROP TABLE physician; --",
        ]
    ),
)


def _db(app: FastAPI) -> Path:
    return Path(str(app.state.storage.engine.url.database))


def _dump(app: FastAPI) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(_db(app)) as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in DATA_TABLES}


def _assert_clean(value: str, sent: str) -> None:
    assert not FORBIDDEN.search(value), repr(value)
    assert unicodedata.is_normalized("NFC", value), repr(value)
    assert value == unicodedata.normalize("NFC", sent).strip(), (value, sent)


_SESSIONS: dict[int, tuple[TestClient, str]] = {}


def _logged_in(login: Login, app: FastAPI, username: str) -> tuple[TestClient, str]:
    """One login per test (the fixtures live as long as the test, not each example): argon2 is slow on purpose."""
    key = id(app)
    if key not in _SESSIONS:
        _SESSIONS.clear()
        _SESSIONS[key] = login(username)
    return _SESSIONS[key]


def _post_checked(client: TestClient, app: FastAPI, url: str, data: dict[str, str]) -> int:
    before = _dump(app)
    response = client.post(url, data=data)
    assert response.status_code < 500, (url, data, response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert _dump(app) == before, f"{url} answered {response.status_code} but changed the database"
    return response.status_code


KINDS = {"offices": "K01", "positions": "H001", "physicians": "L001", "institutions": "S01"}


@given(data=st.data())
@SETTINGS
def test_entity_forms_survive_hostile_text(login: Login, app: FastAPI, data: st.DataObject) -> None:
    client, token = _logged_in(login, app, "redaktor")
    kind = data.draw(st.sampled_from(sorted(KINDS)), label="kind")
    entity_id = KINDS[kind]
    current = next(e for e in getattr(app.state.storage.load_register(CODE), kind) if e.id == entity_id)
    fields = [f for f in form_fields(kind) if f.name != "id"]
    field = data.draw(st.sampled_from(fields), label="field")
    value = data.draw(HOSTILE, label="value")
    form = {**form_values(current), field.name: value, "old_id": entity_id, "csrf_token": token}
    form.pop("municipality_code", None)
    status = _post_checked(client, app, f"/m/{CODE}/register/{kind}/save", form)
    if status == 303:
        stored = next(e for e in getattr(app.state.storage.load_register(CODE), kind) if e.id == entity_id)
        saved = getattr(stored, field.name)
        if isinstance(saved, str):
            _assert_clean(saved, value)
        elif isinstance(saved, float):
            assert math.isfinite(saved), (field.name, value, saved)
        elif isinstance(saved, int) and not isinstance(saved, bool):
            assert abs(saved) < 2**63, (field.name, value, saved)
        # The whole register still loads and is shown (nothing stored that breaks a page); names reach the charts.
        assert client.get(f"/m/{CODE}/register?kind={kind}").status_code == 200
        if field.name == "name":
            assert client.get(f"/m/{CODE}").status_code == 200


@given(data=st.data())
@SETTINGS
def test_new_entity_ids_survive_hostile_text(login: Login, app: FastAPI, data: st.DataObject) -> None:
    client, token = _logged_in(login, app, "redaktor")
    value = data.draw(HOSTILE, label="id")
    form = {"id": value, "name": "Nytt legekontor", "address": "", "csrf_token": token}
    status = _post_checked(client, app, f"/m/{CODE}/register/offices/save", form)
    if status == 303 and value.strip():
        ids = {o.id for o in app.state.storage.load_register(CODE).offices}
        assert unicodedata.normalize("NFC", value).strip() in ids
        assert all(not FORBIDDEN.search(i) for i in ids)


SCENARIO_FIELDS = (
    "name",
    "positions",
    "average_list_length",
    "listed_patients",
    "target_list_length",
    "target_free_share",
    "retirement_age",
    "rounding",
)


@given(data=st.data())
@SETTINGS
def test_scenario_form_survives_hostile_text(login: Login, app: FastAPI, data: st.DataObject) -> None:
    client, token = _logged_in(login, app, "redaktor")
    saved = app.state.web_store.scenarios(CODE)[0]
    field = data.draw(st.sampled_from(SCENARIO_FIELDS), label="field")
    value = data.draw(HOSTILE, label="value")
    form = {k: str(v) for k, v in saved.body.items() if not isinstance(v, dict | list)}
    form.update({field: value, "csrf_token": token, "version": str(saved.version)})
    status = _post_checked(client, app, f"/m/{CODE}/scenarios/{saved.id}/edit", form)
    if status == 303:
        body = next(s for s in app.state.web_store.scenarios(CODE) if s.id == saved.id).body
        if field == "name":
            _assert_clean(body["name"], value)
        for key, stored in body.items():
            if isinstance(stored, float):
                assert math.isfinite(stored), (key, value)
        assert client.get(f"/m/{CODE}/scenarios/{saved.id}").status_code == 200


@given(data=st.data())
@SETTINGS
def test_user_form_survives_hostile_text(login: Login, app: FastAPI, data: st.DataObject) -> None:
    client, token = _logged_in(login, app, "admin")
    field = data.draw(st.sampled_from(["username", "password", "role", "municipality_code"]), label="field")
    value = data.draw(HOSTILE, label="value")
    form = {
        "username": "nybruker",
        "password": "Tindved-Fjellrev-93",
        "role": "viewer",
        "municipality_code": CODE,
        field: value,
        "csrf_token": token,
    }
    status = _post_checked(client, app, "/admin/users", form)
    if status == 303 and field == "username":
        created = app.state.web_store.user_with_hash(unicodedata.normalize("NFC", value).strip())
        assert created is not None
        _assert_clean(created[0].username, value)


def test_scenario_share_as_percent_or_decimal(login: Login, app: FastAPI) -> None:
    """«7 %» and «0,07» are the same target; «1_000», «nan» and «inf» are no numbers (seed 001: 7 % free capacity)."""
    client, token = login("redaktor")
    for typed, stored in (("7 %", 0.07), ("6,5%", 0.065), ("0,07", 0.07)):
        saved = app.state.web_store.scenarios(CODE)[0]
        form = {k: str(v) for k, v in saved.body.items() if not isinstance(v, dict | list)}
        form.update({"target_free_share": typed, "name": f"Mål {typed}", "csrf_token": token})
        form["version"] = str(saved.version)
        assert client.post(f"/m/{CODE}/scenarios/{saved.id}/edit", data=form).status_code == 303, typed
        body = next(s for s in app.state.web_store.scenarios(CODE) if s.id == saved.id).body
        assert math.isclose(body["target_free_share"], stored), (typed, body["target_free_share"])
    for typed in ("1_000", "nan", "inf"):
        saved = app.state.web_store.scenarios(CODE)[0]
        form = {k: str(v) for k, v in saved.body.items() if not isinstance(v, dict | list)}
        form.update({"average_list_length": typed, "csrf_token": token, "version": str(saved.version)})
        response = client.post(f"/m/{CODE}/scenarios/{saved.id}/edit", data=form)
        assert response.status_code == 400 and "Må være et tall" in response.text, typed
