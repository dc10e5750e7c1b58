"""One job run in its own process: forked from the worker's job server (`run_forked`), or by hand as
`python -m legeplan.jobs.child JOB_ID ATTEMPT` (database from LEGEPLAN_DATABASE_URL). Started by
`legeplan.jobs.runner.Worker`; sets the kind's CPU and memory limits on itself, runs the handler and writes the
outcome. A crash or a kill leaves the job running in the database: the worker (or, if the worker died too, the
stale-heartbeat check) retries or fails it with the reason."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

from legeplan.i18n import text
from legeplan.jobs.model import JobCancelled, JobFailure, JobLimits, limits_for
from legeplan.storage.job_tables import JobStore
from legeplan.storage.repository import Storage

CANCEL_POLL_S = 1.0
#: Exit code when the job could not even be loaded (gone, or no longer this attempt's).
EXIT_NOT_OURS = 3


def apply_limits(limits: JobLimits) -> None:
    """RLIMIT_CPU and RLIMIT_AS on this process, where the platform has them."""
    try:
        import resource
    except ImportError:  # not on Windows: the worker's wall clock still applies
        return
    if limits.cpu_s is not None:
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    if limits.memory_bytes is not None:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


def worker_gone(parent: int) -> bool:
    """Is the worker that started this job gone? Forked from the job server, the worker is multiprocessing's parent
    process (its pipe closes when it dies; the job server itself lives on while any job holds its pipe); started as
    `python -m legeplan.jobs.child`, the worker is the parent and this process is handed to another when it dies."""
    import multiprocessing

    worker = multiprocessing.parent_process()
    if worker is not None:
        return not worker.is_alive()
    return os.getppid() != parent


def _watch(store: JobStore, job_id: str, cancel: threading.Event, parent: int) -> None:
    """Sets `cancel` when a user asks; ends this process when its worker is gone (the job will be retried)."""
    while not cancel.is_set():
        time.sleep(CANCEL_POLL_S)
        if worker_gone(parent):
            os._exit(EXIT_NOT_OURS)
        try:
            if store.cancel_requested(job_id):
                cancel.set()
        except Exception:  # a database hiccup must not kill the job; the next poll tries again
            continue


def run(job_id: str, attempt: int) -> int:
    from legeplan.jobs.handlers import JobContext, handler_for

    storage = Storage(migrate=False)
    store = JobStore(storage)
    job = store.get(job_id)
    if job is None or job.state != "running" or job.attempts != attempt:
        return EXIT_NOT_OURS
    apply_limits(limits_for(job.kind, job.payload))

    def report(progress: dict[str, Any]) -> None:
        store.heartbeat(job_id, attempt, progress)

    # An uploaded file is input only: once the job ends, its bytes (physicians' names) are not kept.
    kept = {k: v for k, v in job.payload.items() if k != "data_b64"}
    context = JobContext(job=job, storage=storage, report=report)
    threading.Thread(
        target=_watch, args=(store, job_id, context.cancel, os.getppid()), name="job-watch", daemon=True
    ).start()
    try:
        result = handler_for(job.kind)(context)
    except JobCancelled:
        store.finish(job_id, attempt, "cancelled", error=text("job.cancelled"), payload=kept)
        return 0
    except JobFailure as error:
        store.finish(job_id, attempt, "failed", error=str(error), payload=kept)
        return 0
    except MemoryError:
        store.finish(job_id, attempt, "failed", error=text("job.error.memory"), payload=kept)
        return 0
    except Exception as error:  # every failure must reach the job's page in words, not vanish
        message = text("job.error.crash", error=str(error) or type(error).__name__)
        store.finish(job_id, attempt, "failed", error=message, payload=kept)
        return 0
    state = "cancelled" if context.cancelled() else "done"
    store.finish(job_id, attempt, state, result=result, payload=kept)
    return 0


def run_forked(job_id: str, attempt: int, environment: dict[str, str]) -> None:
    """The job in a process forked from the worker's job server (`legeplan.jobs.runner.job_context`), which imported
    the job code once: the worker's environment as it is now (as `python -m legeplan.jobs.child` is given it), and
    leave to the job's own PDF the processes it forks (a job process may have children)."""
    import multiprocessing

    os.environ.clear()
    os.environ.update(environment)
    multiprocessing.current_process().daemon = False
    sys.exit(run(job_id, attempt))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("bruk: python -m legeplan.jobs.child JOBB-ID FORSØK", file=sys.stderr)
        return 2
    return run(argv[0], int(argv[1]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
