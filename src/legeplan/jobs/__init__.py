"""Background jobs: one model (legeplan.storage.job_tables), a fair queue and a runner.

The web app only enqueues (`JobQueue.enqueue`) and shows progress; `legeplan worker` processes, or on the SQLite
default a thread in the web process, claim jobs and run each in a child process with resource limits
(`legeplan.jobs.child`). Job kinds and their handlers are in `legeplan.jobs.handlers`.
"""

from legeplan.jobs.model import JOB_KINDS, JobCancelled, JobFailure, JobKind, JobLimits
from legeplan.jobs.queue import JobQueue

__all__ = ["JOB_KINDS", "JobCancelled", "JobFailure", "JobKind", "JobLimits", "JobQueue"]
