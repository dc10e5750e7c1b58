"""The job table: atomic claim, fairness over municipalities, fenced reports, stale jobs retried or failed."""

from __future__ import annotations

import threading
from datetime import timedelta

from legeplan.storage.job_tables import JobStore
from legeplan.storage.repository import Storage


def test_each_job_is_claimed_by_exactly_one_of_many_concurrent_workers(storage: Storage) -> None:
    store = JobStore(storage)
    ids = {store.enqueue("rota_solve", "u", "3804", {"n": n}) for n in range(12)}
    claimed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        while (job := store.claim(name)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)  # none lost, none twice
    assert all(store.get(i).state == "running" and store.get(i).attempts == 1 for i in ids)  # type: ignore[union-attr]


def test_a_busy_municipality_cannot_starve_the_others(storage: Storage) -> None:
    store = JobStore(storage)
    busy = [store.enqueue("rota_solve", "a", "1804", {"n": n}) for n in range(5)]
    quiet = store.enqueue("rota_solve", "b", "3804", {})
    other = store.enqueue("rota_solve", "c", "1820", {})
    first = store.claim("w1")
    assert first is not None and first.id == busy[0]  # oldest waiting job when nobody runs anything
    # 1804 now has a running job: the next two go to the other municipalities before 1804 gets a second.
    second, third = store.claim("w2"), store.claim("w3")
    assert {second.id, third.id} == {quiet, other}  # type: ignore[union-attr]
    fourth = store.claim("w4")
    assert fourth is not None and fourth.id == busy[1]


def test_reports_of_a_superseded_attempt_are_ignored(storage: Storage) -> None:
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "u", "3804", {}, max_attempts=2)
    first = store.claim("w1")
    assert first is not None
    assert store.retry_or_fail(job_id, 1, "borte") is True  # the worker was given up on
    second = store.claim("w2")
    assert second is not None and second.attempts == 2
    assert store.finish(job_id, 1, "done", result={"from": "old"}) is False
    assert store.heartbeat(job_id, 1, {"percent": 50}) is False
    assert store.finish(job_id, 2, "done", result={"from": "new"}) is True
    done = store.get(job_id)
    assert done is not None and done.state == "done" and done.result == {"from": "new"}


def test_stale_jobs_are_retried_then_failed_with_the_reason(storage: Storage) -> None:
    store = JobStore(storage)
    job_id = store.enqueue("rota_solve", "u", "3804", {}, max_attempts=2)
    assert store.claim("w1") is not None
    assert store.reap_stale(timedelta(hours=1), "grunn") == []  # fresh heartbeat: left alone
    outcome = store.reap_stale(timedelta(seconds=-1), "Arbeideren forsvant.")
    assert [o.requeued for o in outcome] == [True]
    job = store.get(job_id)
    assert job is not None and job.state == "queued" and job.error == "Arbeideren forsvant."
    assert store.claim("w2") is not None
    store.reap_stale(timedelta(seconds=-1), "Arbeideren forsvant igjen.")
    job = store.get(job_id)
    assert job is not None and job.state == "failed" and job.attempts == 2 and job.error == "Arbeideren forsvant igjen."


def test_cancel_a_queued_job_at_once_and_a_running_one_by_request(storage: Storage) -> None:
    store = JobStore(storage)
    queued = store.enqueue("rota_solve", "u", "3804", {})
    running = store.enqueue("rota_solve", "u", "3804", {})
    assert store.request_cancel(queued) == "cancelled"
    job = store.claim("w")
    assert job is not None and job.id == running
    assert store.request_cancel(running) == "running" and store.cancel_requested(running)


def test_finished_jobs_are_purged_after_the_retention_time_running_ones_never(storage: Storage) -> None:
    store = JobStore(storage)
    finished = store.enqueue("register_import", "u", "3804", {"data_b64": "QUJD", "filename": "r.csv"})
    running = store.enqueue("rota_solve", "u", "3804", {})
    first, second = store.claim("w"), store.claim("w")
    assert first is not None and second is not None
    assert store.finish(finished, 1, "done", result={"issues": []}, payload={"filename": "r.csv"})
    assert store.get(finished).payload == {"filename": "r.csv"}  # type: ignore[union-attr]  # file bytes dropped
    assert store.purge(timedelta(days=30)) == 0
    assert store.purge(timedelta(seconds=-1)) == 1
    assert store.get(finished) is None and store.get(running) is not None
