"""Rota solves as jobs (legeplan.jobs): the web app enqueues and shows progress; a worker solves.

`RotaJobs` keeps the page code's view of a solve (status, percent, tier, solutions, elapsed time, error) on top of
the job table, so the progress page and poll work the same with an in-process worker (SQLite) as with
`legeplan worker` processes on other machines (PostgreSQL). The finished rota is stored under the job's id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from legeplan.jobs import JobQueue
from legeplan.legevakt import RotaProblem, SolveProgress
from legeplan.storage.job_tables import JobRecord

KIND = "rota_solve"


@dataclass(frozen=True)
class RotaJob:
    """A rota solve as the pages show it."""

    id: str
    municipality_code: str
    created_by: str
    problem: RotaProblem
    time_limit_s: float
    status: str
    percent: int
    progress: SolveProgress | None
    elapsed_s: float
    error: str | None
    finished: bool
    attempts: int


def _elapsed(job: JobRecord) -> float:
    if job.started_at is None:
        return 0.0
    end = job.finished_at or datetime.now(UTC).replace(tzinfo=None)
    return max(0.0, (end - job.started_at).total_seconds())


def rota_job(job: JobRecord) -> RotaJob:
    progress = job.progress
    status = job.state
    if job.state == "done" and isinstance(job.result, dict):
        status = str(job.result.get("status", "done"))
    solve_progress = None
    if "tier" in progress:
        solve_progress = SolveProgress(
            tier=int(progress["tier"]),
            tier_name=str(progress.get("tier_name", "")),
            elapsed_s=float(progress.get("elapsed_s", 0.0)),
            objective=0.0,
            bound=0.0,
            solutions=int(progress.get("solutions", 0)),
        )
    return RotaJob(
        id=job.id,
        municipality_code=job.municipality_code or "",
        created_by=job.owner,
        problem=RotaProblem.model_validate(job.payload["problem"]),
        time_limit_s=float(job.payload["time_limit_s"]),
        status=status,
        percent=100 if job.finished else int(progress.get("percent", 0)),
        progress=solve_progress,
        elapsed_s=float(progress.get("elapsed_s", _elapsed(job))),
        error=job.error,
        finished=job.finished,
        attempts=job.attempts,
    )


class RotaJobs:
    """Start, read, cancel and wait for rota solves; they run wherever the job queue's workers are."""

    def __init__(self, queue: JobQueue) -> None:
        self.queue = queue

    def start(self, municipality_code: str, created_by: str, problem: RotaProblem, time_limit_s: float) -> RotaJob:
        payload = {"problem": problem.model_dump(mode="json"), "time_limit_s": time_limit_s}
        return rota_job(self.queue.enqueue(KIND, created_by, municipality_code, payload))

    def get(self, job_id: str) -> RotaJob | None:
        job = self.queue.get(job_id)
        return None if job is None or job.kind != KIND else rota_job(job)

    def cancel(self, job_id: str) -> None:
        self.queue.cancel(job_id)

    def wait(self, job_id: str, timeout: float) -> bool:
        return self.queue.wait(job_id, timeout) is not None
