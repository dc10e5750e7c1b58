"""Input rules, Norwegian errors, no paths from API fields, formula-safe exports and chart text (issue #14)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from legeplan.i18n import text
from legeplan.legevakt import example_problem, rota_csv
from legeplan.legevakt import write_xlsx as write_rota_xlsx
from legeplan.legevakt.baseline import round_robin_rota
from legeplan.register.io import write_csv
from legeplan.safe_cells import neutralise
from legeplan.text_rules import clean_text
from legeplan.web.inputs import password_problem, skeleton, username_problem
from legeplan.web.security import json_depth

from .conftest import DEMO_PASSWORD

Login = Callable[[str], tuple[TestClient, str]]
FORMULA = '=HYPERLINK("http://angriper.example/x","Klikk")'


def _rename_first(app: FastAPI, kind: str, name: str) -> None:
    storage = app.state.storage
    register = storage.load_register("3804")
    items = list(getattr(register, kind))
    items[0] = items[0].model_copy(update={"name": name})
    storage.save_register(register.model_copy(update={kind: tuple(items)}))


# --- charts ----------------------------------------------------------------------------------------------------------


def test_dollar_signs_in_a_name_are_drawn_as_text_not_mathtext(login: Login, app: FastAPI) -> None:
    _rename_first(app, "offices", "Legesenteret $x^$ og $\\frac{1}$")
    client, _token = login("leser")
    page = client.get("/m/3804")
    assert page.status_code == 200
    assert "Legesenteret $x^$ og $\\frac{1}$" in page.text


# --- exports ---------------------------------------------------------------------------------------------------------


def test_register_xlsx_download_has_no_live_formula(login: Login, app: FastAPI) -> None:
    _rename_first(app, "physicians", FORMULA)
    _rename_first(app, "offices", "+47 12345678 @kontor")
    client, _token = login("leser")
    data = client.get("/m/3804/register.xlsx").content
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    assert FORMULA in texts and "+47 12345678 @kontor" in texts  # shown exactly as typed, as text


def test_register_csv_export_neutralises_formulas(app: FastAPI, tmp_path: Path) -> None:
    _rename_first(app, "physicians", FORMULA)
    path = write_csv(app.state.storage.load_register("3804"), tmp_path / "register.zip")
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("leger.csv").decode("utf-8")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_rota_csv_and_xlsx_neutralise_formulas(tmp_path: Path) -> None:
    problem = example_problem("small")
    doctors = [d.model_copy(update={"name": "=1+2" if i == 0 else d.name}) for i, d in enumerate(problem.doctors)]
    problem = problem.model_copy(update={"doctors": doctors})
    assignments = round_robin_rota(problem)
    text = rota_csv(problem, assignments)
    assert "'=1+2" in text and ",=1+2" not in text
    path = tmp_path / "rota.xlsx"
    write_rota_xlsx(problem, list(assignments), path)
    cells = [c for row in load_workbook(path).active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert not [c for c in cells if c.data_type == "f"]
    assert "=1+2" in {c.value for c in cells}


def test_audit_csv_neutralises_formulas(login: Login, app: FastAPI) -> None:
    app.state.web_store.audit(
        "admin", "3804", "endret", "offices/K1", {"name": "A"}, {"name": "@SUM(1+1)*cmd|' /C calc'!A0"}
    )
    client, _token = login("admin")
    answer = client.get("/audit.csv")
    assert answer.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(answer.text), delimiter=";") for cell in row]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


@given(st.text(max_size=30))
def test_neutralised_csv_cells_never_start_a_formula(value: str) -> None:
    out = neutralise(value)
    assert not out.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert out.removeprefix("'") == value or out == value


# --- API fields are never paths ---------------------------------------------------------------------------------------


def test_rota_example_is_a_name_from_a_fixed_list_never_a_path(app: FastAPI) -> None:
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "admin", "password": DEMO_PASSWORD}).json()["csrf_token"]
    for path in ("../../capacity/examples/sandefjord", "/etc/passwd", "small/../small"):
        answer = client.post(
            "/api/municipalities/3804/rota", json={"example": path, "time_limit_s": 1}, headers={"X-CSRF-Token": token}
        )
        assert answer.status_code == 422
        (problem,) = answer.json()["detail"]
        assert problem["loc"] == ["body", "example"] and problem["msg"].startswith("Må være en av")
    schema = client.get("/openapi.json").json()["components"]["schemas"]["RotaRequest"]["properties"]["example"]
    assert schema["enum"] == ["small", "register"]


# --- Norwegian errors ------------------------------------------------------------------------------------------------


def test_404_405_and_422_are_norwegian_on_pages_and_in_the_api(login: Login, app: FastAPI) -> None:
    client, _token = login("admin")
    missing = client.get("/finnes-ikke")
    assert missing.status_code == 404 and "Fant ikke siden." in missing.text and "Not Found" not in missing.text
    api_missing = client.get("/api/finnes-ikke")
    assert api_missing.status_code == 404 and api_missing.json() == {"detail": "Fant ikke siden."}
    wrong_method = client.delete("/login")
    assert wrong_method.status_code == 405 and "Metoden er ikke tillatt" in wrong_method.text
    api_method = client.put("/api/me")
    assert api_method.status_code == 405 and api_method.json()["detail"].startswith("Metoden er ikke tillatt")
    bad = TestClient(app).post("/api/login", json={"username": "admin"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == [{"loc": ["body", "password"], "type": "missing", "msg": "Må fylles ut."}]
    broken = TestClient(app).post("/api/login", content=b"{oops", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["msg"] == "Er ikke gyldig JSON."
    page = client.get("/m/3804/scenarios/compare?a=1&b=x")
    assert page.status_code == 422 and "Må være et heltall" in page.text


def test_odd_ids_are_not_found_not_server_errors(login: Login) -> None:
    client, _token = login("admin")
    huge = "9" * 30
    for url in (
        f"/m/3804/scenarios/{huge}",
        f"/api/municipalities/3804/scenarios/{huge}/result",
        f"/m/3804/scenarios/compare?a=1&b={huge}",
        "/legevakt/prov/3804/" + "x" * 3000,
    ):
        assert client.get(url).status_code == 404, url


# --- bodies ----------------------------------------------------------------------------------------------------------


def test_huge_and_deeply_nested_json_bodies_are_refused(app: FastAPI) -> None:
    client = TestClient(app)
    deep = b"[" * 5000 + b"]" * 5000
    nested = client.post("/api/login", content=deep, headers={"content-type": "application/json"})
    assert nested.status_code == 422 and "nøstet for dypt" in nested.json()["detail"]
    big = json.dumps({"username": "admin", "password": "x" * (2 * 1024 * 1024)})
    huge = client.post("/api/login", content=big, headers={"content-type": "application/json"})
    assert huge.status_code == 413 and "for stor" in huge.json()["detail"]


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": "[[[[[[", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert json_depth(b"[[[]]]") == 3


# --- text fields -----------------------------------------------------------------------------------------------------


def test_control_and_invisible_characters_are_refused_and_text_is_nfc(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    before = app.state.storage.load_register("3804")
    for bad in ("Lege\x00senter", "Legesenter\u202eslo", "To\nlinjer", "x" * 201):
        answer = client.post(
            "/m/3804/register/offices/save", data={"csrf_token": token, "id": "K77", "name": bad, "address": ""}
        )
        assert answer.status_code == 422, bad
        assert "Ugyldig verdi for «name»" in answer.text
    assert app.state.storage.load_register("3804") == before
    decomposed = "Ha\u030aløy legesenter"  # å as a + combining ring
    saved = client.post(
        "/m/3804/register/offices/save", data={"csrf_token": token, "id": "K77", "name": decomposed, "address": ""}
    )
    assert saved.status_code == 303
    office = next(o for o in app.state.storage.load_register("3804").offices if o.id == "K77")
    assert office.name == "Håløy legesenter" and len(office.name) == len("Håløy legesenter")


def test_clean_text_rules() -> None:
    assert clean_text("Ola Nordmann") == "Ola Nordmann"
    for bad in ("a\x07b", "a\u200bb", "a\ufeffb", "a\tb"):
        try:
            clean_text(bad)
        except ValueError as error:
            assert "ugyldige tegn" in str(error)
        else:
            raise AssertionError(bad)


def test_look_alike_user_names_are_refused() -> None:
    existing = ["leser", "admin", "Kari.Nordmann"]
    assert username_problem("leser", existing) == "Finnes allerede."
    for twin in ("Leser", "LESER", "1eser", "lеser", "ⅼeser", "kari_nordmann", "karl.nordrnann", "adrnin", "admín"):
        problem = username_problem(twin, existing)
        assert problem is not None and ("for likt" in problem or "bare ha bokstaver" in problem), twin
    assert username_problem("lеser2", existing) is not None  # Cyrillic е: other scripts are refused outright
    assert username_problem("ny.bruker", existing) is None
    assert username_problem("Ærlig-Åse", existing) is None
    assert username_problem("ab", existing) is not None
    assert username_problem("x');alert(1)//", existing) is not None
    assert skeleton("Ola") == skeleton("0la") == skeleton("оla")


def test_password_rule() -> None:
    assert "minst 12 tegn" in (password_problem("Kort-9x!") or "")
    for common in ("passord12345", "Passord2024!!", "Sommer2024!!", "P@ssw0rd1234", "qwertyuiop12", "iloveyou2024"):
        assert password_problem(common, "kari") is not None, common
    assert "brukernavnet" in (password_problem("kari-hansen-er-best", "kari.hansen") or "x.kari.hansen").lower()
    assert "mønstre" in (password_problem("zz-aaaa-mynt-77", "ola") or "")
    assert "mønstre" in (password_problem("bok-1234-hylle!", "ola") or "")
    assert "mønstre" in (password_problem("xyxyxyxyxyxy", "ola") or "")
    assert password_problem("Blå-fjord-sykkel-9", "ola") is None
    assert password_problem("riktig-passord-1", "leser") is None


@given(st.text(max_size=11))
def test_every_password_shorter_than_12_is_refused(password: str) -> None:
    assert password_problem(password) is not None


def test_new_user_with_a_weak_password_or_look_alike_name_is_refused(login: Login, app: FastAPI) -> None:
    client, token = login("admin")
    form = {"csrf_token": token, "role": "viewer", "municipality_code": "3804"}
    weak = client.post("/admin/users", data={**form, "username": "nykollega", "password": "passord12345"})
    assert weak.status_code == 400 and "for vanlig" in weak.text
    twin = client.post("/admin/users", data={**form, "username": "Redaktor", "password": "Blå-fjord-sykkel-9"})
    assert twin.status_code == 400 and "for likt «redaktor»" in twin.text
    assert app.state.web_store.user_with_hash("Redaktor") is None


def test_an_imported_register_follows_the_same_text_rules(app: FastAPI, tmp_path: Path) -> None:
    from legeplan.register.io import write_xlsx

    register = app.state.storage.load_register("3804")
    offices = list(register.offices)
    offices[0] = offices[0].model_copy(update={"name": "Skjult\u202etekst"})
    path = write_xlsx(register.model_copy(update={"offices": tuple(offices)}), tmp_path / "r.xlsx")
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "redaktor", "password": "riktig-passord-1"}).json()
    answer = client.post(
        "/api/register/import",
        files={"file": ("r.xlsx", path.read_bytes(), "x")},
        headers={"X-CSRF-Token": token["csrf_token"]},
    )
    assert answer.status_code == 202  # the import is a job (issue #14); its result holds the issues
    assert app.state.job_queue.wait(answer.json()["id"], 60) is not None
    (issue,) = client.get(answer.json()["status_url"]).json()["result"]["issues"]
    assert issue["column"] == f"offices[{offices[0].id}].name" and "ugyldige tegn" in issue["message"]
    assert app.state.storage.load_register("3804") == register


def test_an_unexpected_error_is_a_norwegian_page_with_the_security_headers(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from legeplan.web import views

    def broken(*_args: object) -> None:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(views, "dashboard", broken)
    client = TestClient(app, raise_server_exceptions=False)
    client.post("/login", data={"username": "leser", "password": "riktig-passord-1"})
    page = client.get("/m/3804")
    assert page.status_code == 500 and "Det oppstod en feil på serveren" in page.text
    assert "internal detail" not in page.text and "Traceback" not in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    api = client.get("/api/municipalities/3804/key-figures")
    assert api.status_code == 500 and api.json() == {"detail": text("error.internal")}
