"""Job processes fork from the job server (issue #15): they start with the job code imported, yet see the worker's
environment as it is when the job starts, and may fork processes of their own (the PDF's second process)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from legeplan.jobs import preload
from legeplan.jobs.runner import JobProcess, Worker, job_context
from legeplan.register.demo import demo_register
from legeplan.storage.job_tables import JobStore
from legeplan.storage.repository import Storage


def test_job_processes_fork_from_a_server_with_the_job_code_imported() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the job server is used on Linux only (spawn elsewhere)")
    assert job_context().get_start_method() == "forkserver"
    assert {"legeplan.jobs.child", "legeplan.report.build", "weasyprint"} <= set(preload.MODULES)


def test_a_module_that_cannot_load_does_not_stop_the_job_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint without pango raises OSError on import: the server still starts, and only the jobs that need the
    module fail, each with its own message."""
    monkeypatch.setattr(preload, "MODULES", ("legeplan.jobs.child", "legeplan_finnes_ikke", "json"))
    assert preload.preload() == ["legeplan_finnes_ikke"]


def test_the_job_server_lays_out_one_pdf_before_the_jobs_and_survives_a_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from legeplan.report.render import pdf

    warmed: list[int] = []
    monkeypatch.setattr(preload, "MODULES", ("legeplan.report.render.pdf", "weasyprint"))
    monkeypatch.setattr(pdf, "warm_up", lambda: warmed.append(1))
    assert preload.preload() == [] and warmed == [1]

    def fails() -> None:
        raise OSError("pango mangler")

    monkeypatch.setattr(pdf, "warm_up", fails)
    assert preload.preload() == [preload.WARM_UP]
    monkeypatch.undo()
    pdf.warm_up()  # the real one lays a PDF out


def test_a_job_that_cannot_be_loaded_ends_with_its_own_exit_code(storage: Storage) -> None:
    process = JobProcess("finnes-ikke", 1, {"LEGEPLAN_DATABASE_URL": storage.url})
    assert process.wait(60) == 3  # EXIT_NOT_OURS: not a job of this attempt


@pytest.mark.slow
def test_the_job_sees_the_environment_of_its_start_and_may_fork(
    storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job server started (with the environment of then) before the cache folder was set; the plan's PDF job
    still writes its charts and laid-out chapters there, and lays its chapters out in two processes."""
    register = demo_register()
    storage.save_register(register)
    store = JobStore(storage)
    worker = Worker(storage, heartbeat_s=0.3)
    JobProcess("finnes-ikke", 1, {"LEGEPLAN_DATABASE_URL": storage.url}).wait(60)  # the server runs now
    monkeypatch.setenv("LEGEPLAN_CACHE_DIR", str(tmp_path / "cache"))
    job_id = store.enqueue(
        "report", "redaktor", register.municipality.code, {"format": "pdf", "simulation_runs": 0}, max_attempts=1
    )
    job = store.claim(worker.name)
    assert job is not None and job.id == job_id
    outcome = worker.run_job(job)
    assert outcome.state == "done", outcome.error
    assert list((tmp_path / "cache" / "charts").glob("*/*.svg"))
    index = (tmp_path / "cache" / "pdf-parts" / "index.json").read_text()
    assert index.count('"c') >= 20  # every chapter laid out and kept
