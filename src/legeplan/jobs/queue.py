"""The web app's side of jobs: enqueue, read progress, wait, cancel. Running them is the worker's business."""

from __future__ import annotations

import time
from typing import Any

from legeplan.jobs.model import JOB_KINDS
from legeplan.storage.job_tables import JobRecord, JobStore
from legeplan.storage.repository import Storage


class JobQueue:
    """Jobs in the shared database. With `in_process` (the SQLite default) a background thread of this process runs
    them; otherwise `legeplan worker` processes do."""

    def __init__(self, storage: Storage, *, in_process: bool) -> None:
        self.store = JobStore(storage)
        self.background = None
        if in_process:
            from legeplan.jobs.runner import BackgroundWorker

            self.background = BackgroundWorker(storage)
            if self.store.has_pending():
                self.background.wake()  # jobs left by a stopped server (or a dead worker) are picked up again

    def enqueue(
        self, kind: str, owner: str, municipality_code: str | None, payload: dict[str, Any], job_id: str | None = None
    ) -> JobRecord:
        spec = JOB_KINDS[kind]
        new_id = self.store.enqueue(
            kind, owner, municipality_code, payload, max_attempts=spec.max_attempts, job_id=job_id
        )
        if self.background is not None:
            self.background.wake()
        job = self.store.get(new_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> JobRecord | None:
        return self.store.get(job_id)

    def cancel(self, job_id: str) -> str | None:
        return self.store.request_cancel(job_id)

    def wait(self, job_id: str, timeout: float, poll_s: float = 0.2) -> JobRecord | None:
        """The job once finished, or None if it did not finish within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.store.get(job_id)
            if job is not None and job.finished:
                return job
            if time.monotonic() >= deadline:
                return None
            time.sleep(poll_s)

    def close(self) -> None:
        if self.background is not None:
            self.background.stop()
