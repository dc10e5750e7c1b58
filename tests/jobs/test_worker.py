"""Workers in real processes: a killed worker's job is retried (or failed with the reason), never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest

from legeplan.i18n import text
from legeplan.jobs.runner import Worker
from legeplan.legevakt import example_problem
from legeplan.storage.job_tables import JobRecord, JobStore
from legeplan.storage.repository import Storage

pytestmark = pytest.mark.slow


def _rota_payload(seconds: float) -> dict[str, object]:
    return {"problem": example_problem("small").model_dump(mode="json"), "time_limit_s": seconds}


def _wait_for(store: JobStore, job_id: str, check: object, timeout: float = 90.0) -> JobRecord:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = store.get(job_id)
        if job is not None and callable(check) and check(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached the expected state: {store.get(job_id)}")


def _start_worker(url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LEGEPLAN_DATABASE_URL=url)
    return subprocess.Popen(
        [sys.executable, "-m", "legeplan", "worker"],
        env=env,
        start_new_session=True,  # its own process group: killing it kills the worker and its job process
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_killed_worker_s_job_is_retried_by_another_worker(storage: Storage) -> None:
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "redaktor", "3804", _rota_payload(3), max_attempts=2)
    worker = _start_worker(storage.url)
    try:
        _wait_for(store, job_id, lambda j: j.state == "running" and "percent" in j.progress)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the whole machine going away: worker and job process
        worker.wait()
    assert store.get(job_id).state == "running"  # type: ignore[union-attr]  # nobody has noticed yet
    time.sleep(1.5)
    rescuer = Worker(storage, stale_after=timedelta(seconds=1))
    outcome = rescuer.run_once()
    assert outcome is not None and outcome.job_id == job_id and outcome.state == "done"
    job = store.get(job_id)
    assert job is not None and job.attempts == 2 and job.result["assignments"] > 0


def test_a_killed_worker_s_last_attempt_fails_with_the_reason(storage: Storage) -> None:
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "redaktor", "3804", _rota_payload(30), max_attempts=1)
    worker = _start_worker(storage.url)
    try:
        _wait_for(store, job_id, lambda j: j.state == "running")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    time.sleep(1.5)
    Worker(storage, stale_after=timedelta(seconds=1)).reap()
    job = store.get(job_id)
    assert job is not None and job.state == "failed" and job.error == text("job.error.worker_lost")


def test_a_job_process_killed_under_a_living_worker_is_retried_with_the_exit_reason(storage: Storage) -> None:
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "redaktor", "3804", _rota_payload(30), max_attempts=1)
    worker = Worker(storage, heartbeat_s=0.3)
    job = store.claim(worker.name)
    assert job is not None
    outcome: list[object] = []
    runner = threading.Thread(target=lambda: outcome.append(worker.run_job(job)))
    runner.start()
    _wait_for(store, job_id, lambda j: "percent" in j.progress)
    assert worker.current is not None
    worker.current.send_signal(signal.SIGKILL)  # e.g. the kernel's out-of-memory killer
    runner.join(60)
    failed = store.get(job_id)
    assert failed is not None and failed.state == "failed"
    assert failed.error == text("job.error.died", code="SIGKILL")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_job_ends_when_its_worker_alone_is_killed(storage: Storage) -> None:
    """The worker killed, its job process and the job server not: the job notices within seconds and ends (it is
    retried later), instead of running on unwatched beside the retry."""
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "redaktor", "3804", _rota_payload(30), max_attempts=2)
    worker = _start_worker(storage.url)
    try:
        _wait_for(store, job_id, lambda j: j.state == "running" and "percent" in j.progress)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        deadline = time.monotonic() + 15
        while _group_alive(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _group_alive(worker.pid), "the job process outlived its worker"
    finally:
        if _group_alive(worker.pid):
            os.killpg(worker.pid, signal.SIGKILL)
