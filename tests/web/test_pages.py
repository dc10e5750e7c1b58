"""Dashboard, register CRUD and import, scenarios, rota and the API: each calls the engines and shows their results."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legeplan.capacity import dimension, example_scenario
from legeplan.i18n import NB
from legeplan.legevakt import example_problem
from legeplan.register.demo import demo_register
from legeplan.register.io import write_xlsx
from legeplan.register.keyfigures import compute_key_figures, format_value

Login = Callable[[str], tuple[TestClient, str]]
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "legeplan" / "web" / "templates"


def test_dashboard_shows_the_seed_key_figures_with_source_and_date(login: Login) -> None:
    client, _ = login("leser")
    page = client.get("/m/3804").text
    figures = compute_key_figures(demo_register())
    # Sandefjord's plan (seed 001): 54 hjemler, 61 722 listeinnbyggere, 1 013 ledige plasser.
    assert figures.positions == 54 and figures.listed_patients == 61_722 and figures.free_places == 1_013
    for field in ("positions", "listed_patients", "free_places"):
        block = page.split(f'data-field="{field}"')[1].split("</li>")[0]
        assert format_value(field, getattr(figures, field)) in block
    # The source and its date once for all cards (issue #16: seventeen cards each repeated it).
    assert page.count("Kilde: fastlegeregisteret, 01.08.2020") == 1
    # The figures a kommuneoverlege acts on come first: free capacity and vacancies before the head counts.
    assert page.index('data-field="free_capacity_share"') < page.index('data-field="positions"')
    assert page.index('data-field="vacant_positions"') < page.index('data-field="gp_count"')
    # The demo register is years old: that is said at the top, not in small grey text.
    assert "år gammelt" in page.split("<h2")[0]
    # Every chart has its numbers as a table too.
    assert page.count("Vis tallene") == 2
    assert page.count("<svg") >= 3  # capacity, age pyramid, projection


def _older_register_file(tmp_path: Path, population: int) -> Path:
    register = demo_register()
    older = register.model_copy(
        update={
            "as_of": date(2019, 8, 1),
            "municipality": register.municipality.model_copy(update={"population": population}),
        }
    )
    return write_xlsx(older, tmp_path / "register-2019.xlsx")


def test_import_previews_then_saves_and_the_dashboard_shows_trends(login: Login, app: FastAPI, tmp_path: Path) -> None:
    client, token = login("redaktor")
    path = _older_register_file(tmp_path, 63_000)
    with path.open("rb") as handle:
        started = client.post(
            "/import", data={"csrf_token": token}, files={"file": (path.name, handle, "application/octet-stream")}
        )
    assert started.status_code == 303  # parsed by a job, not in the request
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert app.state.job_queue.wait(job_id, 60) is not None
    preview = client.get(f"/import/{job_id}")
    assert preview.status_code == 200 and "Forhåndsvisning" in preview.text
    assert client.get(f"/import/{job_id}/progress").headers.get("HX-Redirect") == f"/import/{job_id}"
    assert "data_b64" not in app.state.job_queue.get(job_id).payload  # the uploaded bytes are not kept
    assert app.state.storage.snapshot_dates("3804") == [date(2019, 2, 1), date(2020, 8, 1)]  # nothing written yet
    import_token = re.search(r'name="token" value="([^"]+)"', preview.text)
    assert import_token
    saved = client.post("/import/confirm", data={"csrf_token": token, "token": import_token.group(1)})
    assert saved.status_code == 303
    assert app.state.storage.snapshot_dates("3804") == [date(2019, 2, 1), date(2019, 8, 1), date(2020, 8, 1)]
    page = client.get("/m/3804").text
    block = page.split('data-field="inhabitants_per_gp"')[1].split("</li>")[0]
    # 64 500 / 54 today against 63 000 / 54 a year earlier: up.
    assert "trend-up" in block and format_value("inhabitants_per_gp", 63_000 / 54) in block
    assert 'data-field="positions"' in page and "uendret" in page.split('data-field="positions"')[1][:600]


def test_failed_import_lists_row_errors_and_writes_nothing(login: Login, app: FastAPI, tmp_path: Path) -> None:
    client, token = login("redaktor")
    path = _older_register_file(tmp_path, 63_000)
    book = openpyxl.load_workbook(path)
    sheet = book["hjemler"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("listetak") + 1, value="mange")
    book.save(path)
    with path.open("rb") as handle:
        started = client.post("/import", data={"csrf_token": token}, files={"file": (path.name, handle, "x")})
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert app.state.job_queue.wait(job_id, 60) is not None
    response = client.get(f"/import/{job_id}")
    assert response.status_code == 400
    assert "Ingenting er lagret" in response.text
    row = re.search(r"<tr><td>[^<]*hjemler[^<]*</td><td>3</td><td>listetak</td>", response.text)
    assert row, response.text[-3000:]
    assert app.state.storage.snapshot_dates("3804") == [date(2019, 2, 1), date(2020, 8, 1)]


def test_api_import_reports_issues_as_json(app: FastAPI, tmp_path: Path) -> None:
    client = TestClient(app)
    token = client.post("/api/login", json={"username": "redaktor", "password": "riktig-passord-1"}).json()
    headers = {"X-CSRF-Token": token["csrf_token"]}
    bad = client.post(
        "/api/register/import", files={"file": ("r.csv", b"tull;tull\n1;2\n", "text/csv")}, headers=headers
    )
    # The in-process worker may already have taken the job when the answer is written.
    assert bad.status_code == 202 and bad.json()["state"] in ("queued", "running", "done")
    assert app.state.job_queue.wait(bad.json()["id"], 60) is not None
    bad_job = client.get(bad.json()["status_url"]).json()
    assert bad_job["state"] == "done" and bad_job["result"]["issues"] and "register" not in bad_job["result"]
    path = _older_register_file(tmp_path, 63_000)
    good = client.post("/api/register/import", files={"file": (path.name, path.read_bytes(), "x")}, headers=headers)
    assert good.status_code == 202
    assert app.state.job_queue.wait(good.json()["id"], 60) is not None
    result = client.get(f"/api/jobs/{good.json()['id']}").json()["result"]
    assert result["saved"] is True and len(result["register"]["positions"]) == 54
    assert date(2019, 8, 1) in app.state.storage.snapshot_dates("3804")
    # Another user cannot read the job (the file holds physicians' names).
    other = TestClient(app)
    other_token = other.post("/api/login", json={"username": "leser", "password": "riktig-passord-1"}).json()
    assert other_token["csrf_token"]
    assert other.get(f"/api/jobs/{good.json()['id']}").status_code == 404


def test_entity_form_shows_errors_next_to_fields_and_writes_nothing(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    before = app.state.storage.load_register("3804")
    response = client.post(
        "/m/3804/register/positions/save",
        data={"csrf_token": token, "id": "H99", "list_ceiling": "mange", "listed_patients": "", "office_id": "K01"},
    )
    assert response.status_code == 400
    assert re.search(r'id="e-list_ceiling">Må være et heltall', response.text)
    assert re.search(r'id="e-listed_patients">Må fylles ut', response.text)
    assert app.state.storage.load_register("3804") == before


def test_entity_create_edit_delete_round_trip(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    created = client.post(
        "/m/3804/register/positions/save",
        data={
            "csrf_token": token,
            "id": "H99",
            "office_id": "K01",
            "list_ceiling": "1200",
            "listed_patients": "1100",
            "operating_model": "fastlonn",
            "status": "vacant",
            "open_list": "",
        },
    )
    assert created.status_code == 303
    position = next(p for p in app.state.storage.load_register("3804").positions if p.id == "H99")
    assert position.list_ceiling == 1200 and position.status.value == "vacant"
    over = client.post(
        "/m/3804/register/positions/save",
        data={
            "csrf_token": token,
            "old_id": "H99",
            "id": "H99",
            "list_ceiling": "1000",
            "listed_patients": "1100",
            "operating_model": "fastlonn",
            "status": "vacant",
        },
    )
    assert over.status_code == 400  # the model's own rule: listed patients within the ceiling
    deleted = client.post("/m/3804/register/positions/H99/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert all(p.id != "H99" for p in app.state.storage.load_register("3804").positions)


def test_deleting_an_office_in_use_is_refused(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    client.post("/m/3804/register/offices/K01/delete", data={"csrf_token": token})
    assert any(o.id == "K01" for o in app.state.storage.load_register("3804").offices)


def test_scenario_run_matches_the_capacity_engine(login: Login, app: FastAPI) -> None:
    client, _ = login("leser")
    saved = app.state.web_store.scenarios("3804")[0]
    api = client.get(f"/api/municipalities/3804/scenarios/{saved.id}/result").json()
    expected = dimension(example_scenario("sandefjord"))
    assert [r["positions_required"] for r in api["rows"]] == [r.positions_required for r in expected.rows]
    page = client.get(f"/m/3804/scenarios/{saved.id}").text
    assert expected.explanations[0][:40] in page.replace("&#39;", "'")


def test_scenario_edit_validates_and_compare_shows_both(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    first, second = app.state.web_store.scenarios("3804")[:2]
    bad = client.post(
        f"/m/3804/scenarios/{first.id}/edit",
        data={"csrf_token": token, "name": first.name, "positions": "-3", "retirement_age": "sytti"},
    )
    assert bad.status_code == 400 and "Må være et heltall" in bad.text and "positions" in bad.text
    assert app.state.web_store.scenario(first.id).body == first.body
    good = client.post(
        f"/m/3804/scenarios/{first.id}/edit",
        data={
            "csrf_token": token,
            "name": "Sandefjord, 60 hjemler",
            "positions": "60",
            "average_list_length": "1143",
            "free_places": "1013",
            "residents_listed_elsewhere": "2000",
            "target_free_share": "0,07",
            "retirement_age": "70",
            "rounding": "nearest",
        },
    )
    assert good.status_code == 303
    assert app.state.web_store.scenario(first.id).body["positions"] == 60
    compare = client.get(f"/m/3804/scenarios/compare?a={first.id}&b={second.id}")
    assert compare.status_code == 200
    assert "Sandefjord, 60 hjemler" in compare.text and second.name in compare.text
    # The list column is the list each scenario's required hjemler would give, so two targets differ there.
    from legeplan.web.views import run_scenario

    for saved in (app.state.web_store.scenario(first.id), second):
        first_year = run_scenario(saved.body, saved.name)[1].rows[0]
        expected = round(first_year.listed_patients / first_year.positions_required)
        assert f"<td>{expected:,}</td>".replace(",", " ") in compare.text


def test_rota_solves_in_the_background_and_downloads(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    bad = client.post("/legevakt/prov/3804", data={"csrf_token": token, "source": "example", "time_limit": "0"})
    assert bad.status_code == 400 and "mellom 1 og 600" in bad.text
    started = client.post("/legevakt/prov/3804", data={"csrf_token": token, "source": "example", "time_limit": "3"})
    assert started.status_code == 303
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert app.state.rota_jobs.wait(job_id, 60)
    status = client.get(f"/api/municipalities/3804/rota/{job_id}").json()
    assert status["status"] in ("optimal", "feasible") and status["assignments"] > 0
    page = client.get(f"/legevakt/prov/3804/{job_id}").text
    problem = example_problem("small")
    assert problem.doctors[0].name in page and '<table class="calendar">' in page
    done = client.get(f"/legevakt/prov/3804/{job_id}/progress")
    assert done.headers.get("HX-Redirect") == f"/legevakt/prov/3804/{job_id}"
    csv = client.get(f"/legevakt/prov/3804/{job_id}/rota.csv")
    assert csv.status_code == 200 and csv.text.count("\n") >= status["assignments"]
    ics = client.get(f"/legevakt/prov/3804/{job_id}/rota.ics").text
    assert ics.count("BEGIN:VEVENT") == status["assignments"]
    xlsx = client.get(f"/legevakt/prov/3804/{job_id}/rota.xlsx")
    assert xlsx.content[:2] == b"PK"
    # Another municipality cannot see the rota.
    other, _ = login("bodo")
    assert other.get(f"/legevakt/prov/3804/{job_id}").status_code == 404


def test_rota_page_is_not_blocked_while_solving(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    started = client.post("/legevakt/prov/3804", data={"csrf_token": token, "source": "example", "time_limit": "30"})
    job_id = started.headers["location"].rsplit("/", 1)[1]
    t0 = time.monotonic()
    progress = client.get(f"/legevakt/prov/3804/{job_id}/progress")
    assert progress.status_code == 200
    job = app.state.rota_jobs.get(job_id)
    if not job.finished:
        assert "<progress" in progress.text and time.monotonic() - t0 < 5
    client.post(f"/legevakt/prov/3804/{job_id}/cancel", data={"csrf_token": token})
    assert app.state.rota_jobs.wait(job_id, 30)


def test_openapi_lists_the_api(app: FastAPI) -> None:
    schema = TestClient(app).get("/openapi.json").json()
    for path in (
        "/api/login",
        "/api/municipalities",
        "/api/municipalities/{code}/register",
        "/api/municipalities/{code}/rota",
        "/api/register/import",
    ):
        assert path in schema["paths"]


def test_every_template_string_is_in_the_catalogue() -> None:
    keys = set()
    for template in TEMPLATES.glob("*.html"):
        keys |= set(re.findall(r"""(?<![\w.])t\(["']([a-z_.]+)["']""", template.read_text(encoding="utf-8")))
    assert keys, "no t() calls found"
    missing = sorted(k for k in keys if k not in NB and not k.endswith("."))
    assert missing == []
    assert all(f"role.{r}" in NB for r in ("admin", "editor", "viewer"))
    assert all(f"rota.status.{s}" in NB for s in ("optimal", "feasible", "infeasible", "cancelled", "failed"))


def test_jobs_page_lists_the_municipality_s_jobs_with_state_and_reason(login: Login, app: FastAPI) -> None:
    store = app.state.job_queue.store
    failed = store.enqueue("rota_solve", "redaktor", "1804", {"problem": {}, "time_limit_s": 1}, max_attempts=1)
    own = store.enqueue("register_import", "redaktor", "3804", {"filename": "r.csv"}, max_attempts=1)
    assert store.request_cancel(own) == "cancelled"
    client, _token = login("redaktor")
    page = client.get("/jobs")
    assert page.status_code == 200 and f'data-job="{own}"' in page.text and "Avbrutt" in page.text
    assert failed not in page.text  # another municipality's job
    viewer, _ = login("leser")
    assert viewer.get("/jobs").status_code == 403


def test_a_rota_cancelled_while_queued_says_so(login: Login, app: FastAPI) -> None:
    client, token = login("redaktor")
    job = app.state.job_queue.store.enqueue(
        "rota_solve",
        "redaktor",
        "3804",
        {"problem": example_problem("small").model_dump(mode="json"), "time_limit_s": 5},
    )
    client.post(f"/legevakt/prov/3804/{job}/cancel", data={"csrf_token": token})
    page = client.get(f"/legevakt/prov/3804/{job}")
    assert page.status_code == 200 and "Avbrutt" in page.text
