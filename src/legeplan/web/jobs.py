"""Rota solves in background threads, so a solve of seconds or minutes never blocks the server.

Each job keeps its newest `SolveProgress` for the progress bar; when it ends, problem and solution are written to the
database (WebStore.save_rota) so the calendar and downloads outlive the process.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from legeplan.legevakt import RotaProblem, RotaSolution, SolveProgress, solve_rota
from legeplan.storage.web_tables import WebStore

MAX_PARALLEL_SOLVES = 1


@dataclass
class RotaJob:
    id: str
    municipality_code: str
    created_by: str
    problem: RotaProblem
    time_limit_s: float
    status: str = "queued"
    started: float | None = None
    progress: SolveProgress | None = None
    solution: RotaSolution | None = None
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def elapsed_s(self) -> float:
        return 0.0 if self.started is None else time.monotonic() - self.started

    @property
    def percent(self) -> int:
        """Share of the time limit used: the solver may finish earlier, never later."""
        if self.done.is_set():
            return 100
        return min(99, int(100 * self.elapsed_s / self.time_limit_s)) if self.time_limit_s > 0 else 0


class RotaJobs:
    """The running and recently finished solves of this server process."""

    def __init__(self, store: WebStore, max_parallel: int = MAX_PARALLEL_SOLVES) -> None:
        self.store = store
        self._jobs: dict[str, RotaJob] = {}
        self._lock = threading.Lock()
        self._slots = threading.Semaphore(max_parallel)

    def start(self, municipality_code: str, created_by: str, problem: RotaProblem, time_limit_s: float) -> RotaJob:
        job = RotaJob(
            id=uuid.uuid4().hex,
            municipality_code=municipality_code,
            created_by=created_by,
            problem=problem,
            time_limit_s=time_limit_s,
        )
        with self._lock:
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job,), name=f"rota-{job.id[:8]}", daemon=True).start()
        return job

    def get(self, job_id: str) -> RotaJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: RotaJob) -> None:
        with self._slots:
            if job.cancel.is_set():
                job.status = "cancelled"
                job.done.set()
                return
            job.status = "running"
            job.started = time.monotonic()

            def on_progress(progress: SolveProgress) -> None:
                job.progress = progress

            try:
                solution = solve_rota(
                    job.problem, time_limit_s=job.time_limit_s, progress=on_progress, cancel=job.cancel
                )
                job.solution = solution
                job.status = solution.status
                self.store.save_rota(
                    job.id,
                    job.municipality_code,
                    job.created_by,
                    solution.status,
                    job.problem.model_dump_json(),
                    solution.model_dump_json(),
                )
            except Exception as error:  # the thread must report every failure to the page, not die silently
                job.error = str(error) or type(error).__name__
                job.status = "failed"
            finally:
                job.done.set()

    def wait(self, job_id: str, timeout: float) -> bool:
        job = self.get(job_id)
        return job is not None and job.done.wait(timeout)
