"""`legeplan backup` / `legeplan restore`: everything comes back, on SQLite and PostgreSQL, and across them."""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from legeplan.cli import app as cli
from legeplan.i18n import text as t
from legeplan.legevakt import example_problem, solve_rota
from legeplan.plan.consultation import CommentDraft
from legeplan.storage.backup import FORMAT, VERSION, read_backup, write_backup
from legeplan.storage.job_tables import JobStore
from legeplan.storage.plan_comments import add_comment, list_comments
from legeplan.storage.plan_texts import (
    plan_document_content,
    plan_documents,
    plan_versions,
    save_plan_document,
    save_plan_text,
)
from legeplan.storage.repository import Storage
from legeplan.storage.rota_store import RotaStore
from legeplan.storage.web_tables import WebStore
from legeplan.web.app import create_app

PASSWORD = "demo-passord-123"


@pytest.fixture
def empty_url(storage_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second, empty database of the same kind as `storage_url`."""
    if storage_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    base_url: str = request.getfixturevalue("postgres_url")
    schema = f"r_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _fill(url: str) -> None:
    """The demo (two register versions, scenarios, admin, audit), a finished rota and its job."""
    web = create_app(url, demo=True, demo_password=PASSWORD, in_process_jobs=False)
    storage: Storage = web.state.storage
    store = WebStore(storage)
    problem = example_problem("small")
    jobs = JobStore(storage)
    job_id = jobs.enqueue(
        "rota_solve", "admin", "3804", {"problem": problem.model_dump(mode="json"), "time_limit_s": 1}
    )
    claimed = jobs.claim("test")
    assert claimed is not None
    solution = solve_rota(problem, time_limit_s=1)
    store.save_rota(job_id, "3804", "admin", solution.status, problem.model_dump_json(), solution.model_dump_json())
    jobs.finish(job_id, 1, "done", result={"status": solution.status, "assignments": len(solution.assignments)})
    store.audit("admin", "3804", "startet turnus", f"rota/{job_id}", None, {"æøå": "Bodø"})
    rotas = RotaStore(storage)
    legevakt = rotas.create_legevakt("Bodø legevakt", ["1804"], "admin")
    period = rotas.create_period(legevakt.id, problem, "admin")
    rotas.add_version(period.id, solution.assignments, "admin", expected_version=1, source="solve", status="optimal")
    rotas.publish(period.id, "admin", expected_version=2)
    rotas.create_calendar_token(legevakt.id, problem.doctors[0].id, "admin")
    rotas.send_message("Turnus publisert", "Æ ø å", municipality_code="1804", physician_id=problem.doctors[0].id)
    save_plan_text(storage, "3804", {"legevakt": "## Status\n\nÆØÅ-tekst."}, "admin")
    add_comment(
        storage, "3804", CommentDraft(sender="Eldrerådet", received=date(2020, 9, 1), text="Uttalelse."), "admin"
    )
    save_plan_document(
        storage,
        job_id,
        "3804",
        created_by="admin",
        file_name="plan.pdf",
        media_type="application/pdf",
        internal=False,
        text_version=1,
        content=b"%PDF-1.7 \x00\xff",
    )
    storage.dispose()


def _everything(storage: Storage) -> dict[str, object]:
    store = WebStore(storage)
    return {
        "registers": [r.model_dump(mode="json") for r in storage.history("3804")],
        "scenarios": [(s.id, s.name, s.body) for s in store.scenarios("3804")],
        "users": [(u, store.user_with_hash(u.username)) for u in store.list_users()],
        "audit": store.audit_log(),
        "rotas": store.rotas("3804"),
        "jobs": JobStore(storage).recent(),
        "legevakter": RotaStore(storage).legevakter(),
        "periods": [
            (p, RotaStore(storage).versions(p.id), RotaStore(storage).events(p.id))
            for lv in RotaStore(storage).legevakter()
            for p in RotaStore(storage).periods(lv.id)
        ],
        "tokens": [RotaStore(storage).calendar_tokens(lv.id) for lv in RotaStore(storage).legevakter()],
        "inbox": RotaStore(storage).inbox(municipality_code="1804", physician_id=example_problem("small").doctors[0].id)
        + RotaStore(storage).outbox(),
        "plan": plan_versions(storage, "3804"),
        "comments": list_comments(storage, "3804"),
        "documents": [plan_document_content(storage, "3804", d.id) for d in plan_documents(storage, "3804")],
    }


def test_backup_then_restore_into_an_empty_database_gives_back_everything(
    storage_url: str, empty_url: str, tmp_path: Path
) -> None:
    _fill(storage_url)
    source = Storage(storage_url)
    file = tmp_path / "kopi.zip"
    summary = write_backup(source, file)
    with zipfile.ZipFile(file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == FORMAT and manifest["version"] == VERSION
        assert manifest["schema_revision"] and manifest["tables"]["web_user"]["rows"] == 1
        assert sum(t["rows"] for t in manifest["tables"].values()) == summary.rows
        assert archive.read("tables/physician.jsonl").count(b"\n") == manifest["tables"]["physician"]["rows"]
    target = Storage(empty_url)
    restored = read_backup(target, file)
    assert restored.rows == summary.rows
    assert _everything(target) == _everything(source)
    living = _everything(source)
    assert living["periods"] and living["tokens"] != [[]] and living["inbox"] != []
    # New rows continue after the restored ids (PostgreSQL sequences are moved on).
    new_id = WebStore(target).save_scenario("3804", "ny", {"name": "ny"})
    assert new_id > max(s.id for s in WebStore(source).scenarios("3804"))
    source.dispose()
    target.dispose()


def test_the_restored_database_shows_the_same_pages(tmp_path: Path) -> None:
    original, copy = f"sqlite:///{tmp_path / 'a.sqlite'}", f"sqlite:///{tmp_path / 'b.sqlite'}"
    _fill(original)
    write_backup(Storage(original), tmp_path / "kopi.zip")
    read_backup(Storage(copy), tmp_path / "kopi.zip")
    pages = []
    for url in (original, copy):
        client = TestClient(create_app(url, in_process_jobs=False))
        assert client.post("/api/login", json={"username": "admin", "password": PASSWORD}).status_code == 200
        rota_id = client.app.state.web_store.rotas("3804")[0].id  # type: ignore[attr-defined]
        pages.append(
            (
                client.get("/api/municipalities/3804/key-figures").json(),
                client.get("/api/municipalities/3804/scenarios/1/result").json(),
                client.get(f"/api/municipalities/3804/rota/{rota_id}").json(),
                client.get(f"/legevakt/prov/3804/{rota_id}/rota.csv").text,
            )
        )
    assert pages[0] == pages[1]


def test_restore_refuses_a_database_with_data_unless_replace(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    _fill(url)
    runner = CliRunner()
    file = tmp_path / "kopi.zip"
    made = runner.invoke(cli, ["backup", "--out", str(file), "--database-url", url])
    assert made.exit_code == 0 and "Sikkerhetskopi skrevet" in made.output
    refused = runner.invoke(cli, ["restore", str(file), "--database-url", url])
    assert refused.exit_code == 1
    assert "Databasen er ikke tom" in refused.output and "--replace" in refused.output
    WebStore(Storage(url)).save_scenario("3804", "etter kopien", {"name": "etter kopien"})
    replaced = runner.invoke(cli, ["restore", str(file), "--replace", "--database-url", url])
    assert replaced.exit_code == 0 and "Gjenopprettet" in replaced.output
    assert "etter kopien" not in [s.name for s in WebStore(Storage(url)).scenarios("3804")]
    not_a_backup = tmp_path / "tull.zip"
    not_a_backup.write_bytes(b"tull")
    bad = runner.invoke(cli, ["restore", str(not_a_backup), "--database-url", f"sqlite:///{tmp_path / 'c.sqlite'}"])
    assert bad.exit_code == 1 and "ikke en gyldig legeplan-sikkerhetskopi" in bad.output
    assert runner.invoke(cli, ["restore"]).exit_code == 2


def test_a_backup_from_a_newer_format_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "ny.zip"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("manifest.json", json.dumps({"format": FORMAT, "version": VERSION + 1, "tables": {}}))
    with pytest.raises(Exception, match="formatversjon 2"):
        read_backup(Storage(f"sqlite:///{tmp_path / 'x.sqlite'}"), file)
    assert t("backup.newer", version=2, supported=1).startswith("Sikkerhetskopien")


@pytest.mark.postgres
def test_a_sqlite_backup_restores_into_postgresql(tmp_path: Path, postgres_schema_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    _fill(sqlite_url)
    source = Storage(sqlite_url)
    write_backup(source, tmp_path / "kopi.zip")
    target = Storage(postgres_schema_url)
    read_backup(target, tmp_path / "kopi.zip")
    assert _everything(target) == _everything(source)
    target.dispose()
